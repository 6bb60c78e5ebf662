"""Regression guard: taking in one feedback item costs the same SQL statements whatever the size of
the organisation and of its history, through the API and through the public form, on both databases.

Each organisation is a department of several teams with staff, managers and past feedback (some of
it praise already routed and told); the item posted names someone of its team, so praise routing,
the outbox and the insights panel all take part. The people directory is kept per process and
checked with one read, so the count does not depend on how many people there are.
"""
import itertools

import pytest

from flashpoint.extensions import db
from recognition.praise.models import PraiseMatch
from tests.conftest import csrf_token_from
from tests.factories import make_manager, make_team, make_user
from tests.feedback.factories import make_token
from tests.sqlcount import count_statements
from tests.stories.factories import customer_says

# The versions of people and of teams and tokens (one read: the token, the team, the people and
# the teams' managers are kept per process), the item (unless its external id is known), the
# panel, the wording counts, the duplicate keys, the matches, the notifications.
API_MAX = 7
# An item naming nobody: the versions, the item, the panel.
API_NOBODY_MAX = 3
# The form: no token, but the page's own look-up of its team.
FORM_MAX = 10
_ids = itertools.count(1)


def _organisation(teams: int, people_per_team: int, history: int) -> tuple:
    department = make_team(f"dept-{next(_ids)}")
    shop = None
    for t in range(teams):
        team = make_team(f"t{next(_ids)}", parent=department, form_metric="csat")
        make_manager(team, name=f"Manager Number{t}")
        for p in range(people_per_team):
            make_user(team=team, name=f"Person{p} Family{t}", nicknames=f"Nick{p}")
        shop = shop or team
    amara = make_user(team=shop, name="Amara Okafor")
    for n in range(history):
        customer_says(shop, f"Amara Okafor was lovely, visit {n}" if n % 2 else "Quick and friendly")
    return shop, amara


def _api_statements(client, token: str, team, words: str) -> list[str]:
    item = {"external_id": f"count-{next(_ids)}", "received_at": "2026-01-05T10:00:00Z", "team": team.slug,
            "metric": "csat", "score": 5, "comment": words}
    with count_statements() as statements:
        response = client.post("/api/v1/feedback", json=item, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return statements


@pytest.mark.both_databases
def test_one_api_item_costs_the_same_statements_in_a_small_and_a_large_organisation(app, client, db_backend):
    token = make_token("feedback:write")
    counts = []
    for teams, people, history in ((1, 1, 1), (6, 12, 20)):
        shop, _amara = _organisation(teams, people, history)
        _api_statements(client, token, shop, "Amara was kind")  # the first item of a process reads the directory
        named = _api_statements(client, token, shop, "Amara was kind, thank you")
        nobody = _api_statements(client, token, shop, "Lovely shop")
        counts.append((len(named), len(nobody)))
        assert len(named) <= API_MAX, named
        assert len(nobody) <= API_NOBODY_MAX, nobody
    assert counts[0] == counts[1], counts
    assert db.session.scalar(db.select(db.func.count(PraiseMatch.id))) >= 14  # history and items routed


@pytest.mark.both_databases
def test_a_change_to_people_is_seen_by_the_next_item(app, client, db_backend):
    """The directory is kept per process: a new person, a rename or a deactivation shows at once."""
    token = make_token("feedback:write")
    shop, amara = _organisation(1, 2, 0)

    def named_in(words: str) -> set[str]:
        item = {"external_id": f"seen-{next(_ids)}", "received_at": "2026-01-05T10:00:00Z", "team": shop.slug,
                "metric": "csat", "score": 5, "comment": words}
        response = client.post("/api/v1/feedback", json=item, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201
        return {m.user.name for m in db.session.scalars(db.select(PraiseMatch).where(
            PraiseMatch.feedback_id == response.get_json()["id"]))}

    assert named_in("Kwame was great") == set()
    make_user(team=shop, name="Kwame Mensah")
    assert named_in("Kwame was great") == {"Kwame Mensah"}
    amara.nicknames = "Ami"
    db.session.commit()
    assert named_in("Ami was great") == {"Amara Okafor"}
    amara.active = False
    db.session.commit()
    assert named_in("Ami was great") == set()


@pytest.mark.both_databases
def test_a_change_to_teams_or_tokens_is_seen_by_the_next_item(app, client, db_backend):
    """Teams and tokens are kept per process: a change by anyone (here plain SQL, as another process
    or a bulk tool would write) shows at the next item."""
    token = make_token("feedback:write")
    shop, _amara = _organisation(1, 1, 0)

    def post(team_slug: str, metric: str = "csat", score: int = 5):
        item = {"external_id": f"kept-{next(_ids)}", "received_at": "2026-01-05T10:00:00Z", "team": team_slug,
                "metric": metric, "score": score, "comment": "Lovely"}
        return client.post("/api/v1/feedback", json=item, headers={"Authorization": f"Bearer {token}"})

    assert post(shop.slug).status_code == 201
    assert post(shop.slug, "nps", 9).status_code == 201
    db.session.execute(db.text("UPDATE teams SET collected_metrics = 'csat' WHERE id = :id"), {"id": shop.id})
    db.session.commit()
    refused = post(shop.slug, "nps", 9)
    assert refused.status_code == 400 and "metric" in refused.get_json()["errors"]
    assert post("brand-new").status_code == 400
    db.session.execute(db.text("INSERT INTO teams (slug, name, collected_metrics, form_metric, created_at) "
                               "VALUES ('brand-new', 'Brand new', 'csat', 'csat', '2026-01-01 00:00:00')"))
    db.session.commit()
    assert post("brand-new").status_code == 201
    db.session.execute(db.text("UPDATE teams SET slug = 'renamed' WHERE slug = 'brand-new'"))
    db.session.commit()
    assert post("brand-new").status_code == 400
    assert post("renamed").status_code == 201
    db.session.execute(db.text("UPDATE api_tokens SET scopes = :scopes"), {"scopes": '["insights:read"]'})
    db.session.commit()
    assert post(shop.slug).status_code == 403
    db.session.execute(db.text("UPDATE api_tokens SET scopes = :scopes, revoked_at = '2026-01-01 00:00:00'"),
                       {"scopes": '["feedback:write"]'})
    db.session.commit()
    assert post(shop.slug).status_code == 401


@pytest.mark.both_databases
def test_a_change_to_managers_is_seen_by_the_next_item(app, client, db_backend):
    """Teams' managers are kept with the people directory: one added or removed (here by plain SQL)
    is told, or no longer told, of the next praise."""
    from flashpoint.outbox.models import Notification

    token = make_token("feedback:write")
    shop, amara = _organisation(1, 1, 0)
    boss = make_user(team=shop, name="Zora Boss")

    def alerted(words: str) -> set[int]:
        item = {"external_id": f"boss-{next(_ids)}", "received_at": "2026-01-05T10:00:00Z", "team": shop.slug,
                "metric": "csat", "score": 5, "comment": words}
        response = client.post("/api/v1/feedback", json=item, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201
        alert = f"praise.manager_alert:{response.get_json()['id']}:"
        return {n.recipient_id for n in db.session.scalars(db.select(Notification).where(
            Notification.dedupe_key.startswith(alert)))}

    assert boss.id not in alerted("Amara Okafor was great")
    db.session.execute(db.text("INSERT INTO team_managers (team_id, user_id) VALUES (:t, :u)"),
                       {"t": shop.id, "u": boss.id})
    db.session.commit()
    assert boss.id in alerted("Amara Okafor was great")
    db.session.execute(db.text("DELETE FROM team_managers WHERE user_id = :u"), {"u": boss.id})
    db.session.commit()
    assert boss.id not in alerted("Amara Okafor was great")


def _form_statements(client, team, words: str) -> list[str]:
    token = csrf_token_from(client.get(f"/f/{team.slug}").get_data(as_text=True))
    with count_statements() as statements:
        response = client.post(f"/f/{team.slug}", data={"score": "5", "comment": words, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return statements


@pytest.mark.both_databases
def test_one_form_item_costs_the_same_statements_in_a_small_and_a_large_organisation(app, client, db_backend):
    counts = []
    for teams, people, history in ((1, 1, 1), (6, 12, 20)):
        shop, _amara = _organisation(teams, people, history)
        _form_statements(client, shop, "Amara was kind")
        counts.append(len(_form_statements(client, shop, "Amara was kind, thank you")))
        assert counts[-1] <= FORM_MAX, counts
    assert counts[0] == counts[1], counts


# One step of a CSV import (up to 2,000 rows): the teams, the ids already there, the insert, the new
# ids, then praise routing (people version, matches, managers, wording counts, duplicate keys,
# notifications) and the panel's upsert.
IMPORT_STEP_MAX = 11


def _import_statements(team, rows: int) -> list[str]:
    from recognition.feedback.imports import import_feedback
    from tests.feedback.factories import csv_text, row

    batch = next(_ids)
    text = csv_text([row(f"{batch}-{n}", team=team.slug, score="5", received_at=f"2026-01-{n % 28 + 1:02d}T10:00:00Z",
                         comment=f"Amara Okafor was lovely, visit {n}" if n % 2 else "Amara was kind")
                     for n in range(rows)])
    with count_statements() as statements:
        report = import_feedback(text)
        db.session.commit()
    assert report.ok and report.added == rows, report.errors[:3]
    return statements


@pytest.mark.both_databases
def test_an_import_step_costs_the_same_statements_whatever_its_rows_and_the_organisation(app, db_backend):
    counts = []
    for teams, people, history, rows in ((1, 1, 1, 3), (6, 12, 20, 60)):
        shop, _amara = _organisation(teams, people, history)
        _import_statements(shop, 1)  # the first import after the organisation changed reads the directory
        statements = _import_statements(shop, rows)
        counts.append(len(statements))
        assert len(statements) <= IMPORT_STEP_MAX, statements
    assert counts[0] == counts[1], counts
    assert db.session.scalar(db.select(db.func.count(PraiseMatch.id))) >= 63
