"""Results pages and CSV: who sees what, and that nothing under the threshold leaks (subtraction included)."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import sqlalchemy as sa

from engagement.pulses import answering, cycles, delivery
from engagement.pulses.models import PulseComment, PulseParticipation
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from tests.factories import make_team, make_user


def answered_cycle(team, respondents: int, value: int, comment: str | None = None, now: datetime | None = None,
                   close: bool = False):
    """Open a pulse now for `team` and have `respondents` of its members answer `value` everywhere;
    closed at its end when `close` (a running cycle's answers show nowhere until it closes)."""
    now = now or datetime.utcnow()
    (_, cycle, _), = cycles.pulse_now([team.slug], now)
    delivery.send_due_invitations(now)
    for participation in db.session.scalars(sa.select(PulseParticipation).where(
            PulseParticipation.cycle_id == cycle.id).order_by(PulseParticipation.id)).all()[:respondents]:
        values = {item.id: (9 if item.scale == "nps11" else value) for item in cycle.items}
        answering.submit_answers(participation, values, comment, now)
        comment = None
    db.session.commit()
    if close:
        cycles.close_due_cycles(cycle.closes_at)
        db.session.commit()
    return cycle


def as_another(login, user, app):
    """Sign someone else in on a fresh client."""
    return login(user, test_client=app.test_client())


def people(team, n):
    return [make_user("staff", team, password=None) for _ in range(n)]


def export_rows(client) -> dict[str, dict]:
    response = client.get("/pulses/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return {row["team"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def build_department():
    dept = make_team("dept", "Department")
    big1, big2, small = (make_team(s, s.title(), parent=dept) for s in ("big-one", "big-two", "small"))
    for team, n in ((big1, 6), (big2, 6), (small, 3)):
        people(team, n)
    answered_cycle(big1, 6, 5, close=True)     # engagement 100
    answered_cycle(big2, 6, 3, close=True)     # engagement 50
    answered_cycle(small, 2, 1, comment="Only two of us answered", close=True)   # engagement 0: must never be derivable
    return dept, big1, big2, small


def test_hr_sees_teams_but_not_a_small_team_nor_a_parent_that_would_reveal_it(app, client, login):
    dept, big1, big2, small = build_department()
    login(make_user("hr"))
    rows = export_rows(client)
    assert rows["big-one"]["engagement"] == "100.0" and rows["big-two"]["engagement"] == "50.0"
    assert rows["small"]["engagement"] == "" and "engagement:small" in rows["small"]["hidden"]
    # Department − big-one − big-two would be the small team's figure: so the department is hidden.
    assert rows["dept"]["engagement"] == "" and "engagement:subtraction" in rows["dept"]["hidden"]
    assert rows["(organisation)"]["engagement"] == ""
    page = client.get("/pulses").get_data(as_text=True)
    assert "Big-One" in page and "fewer than 5 people answered" in page
    assert "would reveal a smaller group" in page


def test_the_results_page_draws_bars_and_heat_cells_and_never_a_hidden_value(app, client, login):
    """The sparklines and the heatmap are written in Python (pages.spark, pages.heat_cells) for speed:
    shown figures as bars and banded cells, hidden ones as a dash whose escaped tooltip says why."""
    build_department()
    login(make_user("hr"))
    page = client.get("/pulses").get_data(as_text=True)
    assert '<td class="num heat heat-4">100</td>' in page          # big-one's drivers, all 100
    assert '<td class="num heat heat-2">50</td>' in page           # big-two's, 50: band 40–59
    assert 'width="6" height="28"><title>' in page and ': 100</title>' in page  # a full bar of 100
    assert 'height="2" class="gap"><title>' in page                # periods without a figure
    assert '<g transform="matrix(1 0 0 -1 0 28)">' in page         # bars drawn up from the baseline
    assert not re.search(r'height="[0-9.]*\.[0-9]{2,}"', page)     # tenths at most, no float noise
    assert "a smaller group&#39;s answers" in page and "smaller group's" not in page
    small_row = page[page.index('heatmap'):]
    small_row = small_row[small_row.index('>Small<'):small_row.index("</tr>", small_row.index('>Small<'))]
    assert 'class="hidden-fig"' in small_row and ">0<" not in small_row   # the small team's 0 never shows


def test_comments_of_a_small_team_are_never_shown(app, client, login):
    dept, big1, big2, small = build_department()
    login(make_user("hr"))
    page = client.get("/pulses?team=small").get_data(as_text=True)
    assert "Only two of us answered" not in page
    assert "Comments are hidden" in page
    comment = db.session.scalar(sa.select(PulseComment))
    assert client.get(f"/pulses/comments/{comment.id}").status_code == 403


def test_managers_see_their_teams_and_sub_teams_only_and_staff_nothing(app, client, login):
    dept, big1, big2, small = build_department()
    other = make_team("other", "Other")
    people(other, 5)
    answered_cycle(other, 5, 4, close=True)
    manager = make_user("manager", big1, manages=big1)
    login(manager)
    rows = export_rows(client)
    assert set(rows) == {"big-one"}
    assert client.get("/pulses?team=other").status_code == 403
    staff = as_another(login, make_user("staff", big1), app)
    assert staff.get("/pulses").status_code == 403
    assert staff.get("/pulses/export.csv").status_code == 403
    assert staff.get("/pulses/schedules").status_code == 403


def test_engagement_and_enps_follow_the_definitions(app, client, login):
    team = make_team("solo", "Solo")
    people(team, 5)
    answered_cycle(team, 5, 4, close=True)   # (4-1)*25 = 75; eNPS: everyone 9 → +100
    login(make_user("hr"))
    row = export_rows(client)["solo"]
    assert row["engagement"] == "75.0" and row["enps"] == "100.0"
    assert row["group_size"] == "5" and row["answered"] == "5" and row["invited"] == "5"


def test_manager_replies_to_an_anonymous_comment_and_the_author_answers_unnamed(app, client, login, post_form):
    team = make_team("crew", "Crew")
    crew = people(team, 10)   # comments need PULSE_MIN_COMMENT_GROUP_SIZE (10)
    manager = make_user("manager", team, manages=team, name="Mona Manager")
    author = crew[0]
    author.set_password("correct horse battery")
    db.session.commit()
    cycle = answered_cycle(team, 0, 4)
    participation = db.session.scalar(sa.select(PulseParticipation).where(PulseParticipation.user_id == author.id))
    values = {item.id: (9 if item.scale == "nps11" else 4) for item in cycle.items}
    answering.submit_answers(participation, values, "Please fix the rota", datetime.utcnow())
    for p in db.session.scalars(sa.select(PulseParticipation).where(
            PulseParticipation.cycle_id == cycle.id, PulseParticipation.answered.is_(False))).all()[:9]:
        answering.submit_answers(p, values, None, datetime.utcnow())
    db.session.commit()
    cycles.close_due_cycles(cycle.closes_at)
    db.session.commit()
    comment = db.session.scalar(sa.select(PulseComment))

    login(manager)
    page = client.get("/pulses?team=crew").get_data(as_text=True)
    assert "Please fix the rota" in page and author.name not in page
    thread = f"/pulses/comments/{comment.id}"
    assert author.name not in client.get(thread).get_data(as_text=True)
    assert post_form(thread, {"body": "Thanks, we are on it."}).status_code == 302
    note = db.session.scalar(sa.select(Notification).where(Notification.kind == "pulse.comment_reply"))
    assert note.recipient_id == author.id and note.anonymous_recipient is True
    assert note.link == thread

    author_client = as_another(login, author, app)
    page = author_client.get(thread).get_data(as_text=True)
    assert "Thanks, we are on it." in page and "only you can see" in page
    assert post_form(thread, {"body": "Great, thank you!"}, test_client=author_client).status_code == 302
    page = client.get(thread).get_data(as_text=True)
    assert "The anonymous author" in page and "Great, thank you!" in page and author.name not in page
    # Someone else in the team can neither read nor answer the thread.
    other = as_another(login, make_user("staff", team), app)
    assert other.get(thread).status_code == 403


def test_a_cycle_answered_by_too_few_adds_nothing_to_the_months_figures(app, client, login):
    from datetime import timedelta

    from engagement.pulses.rotation import add_months, month_start

    team = make_team("weekly", "Weekly")
    people(team, 7)
    day = datetime.combine(add_months(month_start(datetime.utcnow().date()), -2), datetime.min.time())
    answered_cycle(team, 6, 5, now=day + timedelta(days=1, hours=10), close=True)   # 100
    answered_cycle(team, 2, 1, now=day + timedelta(days=9, hours=10), close=True)   # two people: 0, must not pull it down
    login(make_user("hr"))
    row = export_rows(client)["weekly"]
    assert row["engagement"] == "100.0" and row["group_size"] == "6" and row["answered"] == "8"


def test_weekly_results_and_a_team_page_render(app, client, login):
    team = make_team("solo", "Solo")
    people(team, 10)   # comments need PULSE_MIN_COMMENT_GROUP_SIZE (10)
    answered_cycle(team, 10, 4, comment="Lovely week", close=True)
    login(make_user("hr"))
    page = client.get("/pulses?grain=week&team=solo")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Lovely week" in html and "<svg" in html
    assert client.get("/pulses?team=nope").status_code == 404


def test_a_comment_from_a_cycle_too_few_answered_stays_hidden_even_in_a_big_month(app, client, login):
    from datetime import timedelta

    from engagement.pulses.rotation import add_months, month_start

    team = make_team("mixed", "Mixed")
    people(team, 11)
    day = datetime.combine(add_months(month_start(datetime.utcnow().date()), -2), datetime.min.time())
    answered_cycle(team, 10, 4, comment="From the big week", now=day + timedelta(days=1, hours=10), close=True)
    answered_cycle(team, 2, 4, comment="From the tiny week", now=day + timedelta(days=9, hours=10), close=True)
    login(make_user("hr"))
    period = day.date().isoformat()
    page = client.get(f"/pulses?team=mixed&period={period}").get_data(as_text=True)
    assert "From the big week" in page and "From the tiny week" not in page
    tiny = db.session.scalar(sa.select(PulseComment).where(PulseComment.body == "From the tiny week"))
    assert client.get(f"/pulses/comments/{tiny.id}").status_code == 403
