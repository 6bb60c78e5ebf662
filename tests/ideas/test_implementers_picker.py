"""Crediting the people who implemented an idea: a people picker, not a list of everyone."""
import re

from engagement.ideas.models import Idea
from flashpoint.extensions import db
from tests.factories import make_user
from tests.ideas.factories import make_idea, move


def _offered(html: str) -> set[str]:
    return set(re.findall(r'name="implementers" value="(\d+)"', html))


def test_the_owner_sees_the_picker_with_the_credited_people_and_only_their_own_team(org, login, client):
    idea = make_idea(org.staff, org.shop, title="Umbrella stand")
    move(idea, org.boss, "implemented", "Done.", implementers=[org.other])
    login(org.boss)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert 'role="combobox"' in html and 'aria-controls="implementers-picker-listbox"' in html
    assert re.search(rf'name="implementers" value="{org.other.id}" checked', html)
    # Without script: one's own team to tick, not the organisation (HR and the department's head are not listed).
    assert _offered(html) == {str(org.other.id), str(org.boss.id), str(org.staff.id), str(org.colleague.id)}
    assert "Harriet HR" not in html.split('id="implementers-picker"')[1].split("</fieldset>")[0]


def test_without_script_find_searches_and_changes_nothing(org, login, post_form):
    idea = make_idea(org.staff, org.shop, title="Umbrella stand")
    login(org.boss)
    response = post_form(f"/ideas/{idea.id}/status", {
        "status": "implemented", "message": "Live.", "find": "implementers", "implementers-q": "harr"},
        page=f"/ideas/{idea.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _offered(html) == {str(org.hr.id)} and "Live." in html
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).status == "new"


def test_unknown_or_departed_implementers_are_refused_but_a_credited_leaver_stays(org, login, post_form):
    idea = make_idea(org.staff, org.shop, title="Umbrella stand")
    gone = make_user("staff", org.shop, name="Greta Gone", active=False)
    login(org.boss)

    def post(ids, message):
        return post_form(f"/ideas/{idea.id}/status", {"status": "implemented", "message": message,
                                                       "implementers": ids}, page=f"/ideas/{idea.id}")

    response = post([org.colleague.id, 99999], "Live.")
    assert response.status_code == 400 and "One of the people chosen is not someone we know." in response.get_data(as_text=True)
    response = post([gone.id], "Live.")
    assert response.status_code == 400 and "Greta Gone no longer works here." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).status == "new"
    # Credited while she worked here, she stays credited when the owner posts an update later.
    idea = db.session.get(Idea, idea.id)
    move(idea, org.boss, "implemented", "Done.", implementers=[org.colleague])
    idea.implementers.append(gone)
    db.session.commit()
    assert post([org.colleague.id, gone.id], "An update.").status_code == 302
    db.session.expire_all()
    assert {p.name for p in db.session.get(Idea, idea.id).implementers} == {"Cleo Colleague", "Greta Gone"}


def test_the_owners_page_costs_the_same_however_many_people_work_here(org, login, client):
    """The owner's forms (handing over, crediting) read a fixed number of statements: no list of
    everyone, no question asked of each person."""
    from engagement.ideas.owners import owner_candidates
    from flashpoint.permissions import can
    from flashpoint.people.models import User
    from tests.sqlcount import count_statements

    idea = make_idea(org.staff, org.shop, title="Umbrella stand")
    login(org.boss)

    def statements():
        with count_statements() as counted:
            assert client.get(f"/ideas/{idea.id}").status_code == 200
        return len(counted)

    before = statements()
    db.session.add_all(User(email=f"s{n}@example.test", name=f"Staff {n}", team_id=org.online.id) for n in range(60))
    db.session.commit()
    assert statements() == before
    # The candidates are exactly those the rule lets own ideas (a staff member managing a team included).
    org.colleague.managed_teams.append(org.online)
    db.session.commit()
    everyone = db.session.scalars(db.select(User).where(User.active.is_(True)).order_by(User.name, User.id)).all()
    assert owner_candidates() == [p for p in everyone if can(p, "own_ideas")]
    assert org.colleague in owner_candidates()
