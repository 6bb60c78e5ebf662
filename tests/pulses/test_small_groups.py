"""Small groups stay hidden through every path of /pulses: the results page, its heatmap and trends,
the CSV export, comments and their threads, and no figure shown lets a hidden one be worked out —
not from a parent and its teams, not from the same cycle seen twice while it fills up, not from a
team before and after someone moved.

Each test plants answers whose value would be recognisable, then looks where a viewer could.
"""
from __future__ import annotations

import csv
import io
import itertools
import random
import re
from datetime import date, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from engagement.pulses import anonymity, answering, cycles, delivery
from engagement.pulses.anonymity import SMALL, SUBTRACTION, hidden_reasons
from engagement.pulses.models import PulseComment, PulseCycle, PulseParticipation
from flashpoint.config import Config
from flashpoint.extensions import db
from tests.factories import make_team, make_user

# Every instant comes from here: a Tuesday in the middle of a month, the pulses opened before it.
NOW = datetime(2026, 11, 17, 10, 0)
MONTH = date(2026, 11, 1)


def people(team, n):
    return [make_user("staff", team, password=None) for _ in range(n)]


def open_cycle(team, now=NOW) -> PulseCycle:
    (_, cycle, _), = cycles.pulse_now([team.slug], now)
    delivery.send_due_invitations(now)
    db.session.commit()
    return cycle


def answer(cycle, how_many: int, value: int, comments=(), now=NOW) -> None:
    """`how_many` more members of the cycle answer `value` everywhere (eNPS 9), the first ones
    leaving the comments given, in that order."""
    waiting = db.session.scalars(sa.select(PulseParticipation).where(
        PulseParticipation.cycle_id == cycle.id, PulseParticipation.answered.is_(False))
        .order_by(PulseParticipation.id)).all()[:how_many]
    comments = list(comments)
    for participation in waiting:
        values = {item.id: (9 if item.scale == "nps11" else value) for item in cycle.items}
        answering.submit_answers(participation, values, comments.pop(0) if comments else None, now)
    db.session.commit()


def close(cycle) -> None:
    cycles.close_due_cycles(cycle.closes_at)
    db.session.commit()


def closed_cycle(team, respondents: int, value: int, comments=(), now=NOW) -> PulseCycle:
    cycle = open_cycle(team, now)
    answer(cycle, respondents, value, comments, now)
    close(cycle)
    return cycle


def export(client, grain="month") -> dict[str, dict]:
    response = client.get(f"/pulses/export.csv?grain={grain}")
    assert response.status_code == 200
    return {(row["team"], row["period_start"]): row
            for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def month_row(client, slug):
    return export(client).get((slug, MONTH.isoformat()))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The results pages read "today" from the clock: pin it to NOW."""
    from engagement.pulses import views
    monkeypatch.setattr(views, "utcnow", lambda: NOW)


# --- A cycle seen twice while it fills up --------------------------------------------------------

def test_a_running_cycle_shows_no_figure_so_two_looks_cannot_isolate_one_answer(app, client, login):
    """Seen with 6 answers and again with 7, a live figure gives the seventh person's answers away
    (7·mean₇ − 6·mean₆). A cycle's answers count only once it has closed; the response rate is live."""
    team = make_team("crew", "Crew")
    people(team, 8)
    cycle = open_cycle(team)
    answer(cycle, 6, 5)
    login(make_user("hr"))
    first = month_row(client, "crew")
    answer(cycle, 1, 1)
    second = month_row(client, "crew")
    assert first["engagement"] == second["engagement"] == ""
    assert first["enps"] == second["enps"] == ""
    assert (first["answered"], second["answered"]) == ("6", "7")   # participation stays live
    page = client.get("/pulses?team=crew").get_data(as_text=True)
    assert "once a pulse closes" in page

    close(cycle)
    assert month_row(client, "crew")["engagement"] == f"{(6 * 100 + 0) / 7:.1f}"


def test_comments_of_a_running_cycle_wait_for_it_to_close(app, client, login):
    """A comment appearing right after someone answered names its author."""
    team = make_team("crew", "Crew")
    people(team, 12)
    cycle = open_cycle(team)
    answer(cycle, 11, 4, comments=["The rota is posted too late"])
    login(make_user("hr"))
    page = client.get(f"/pulses?team=crew&period={MONTH.isoformat()}").get_data(as_text=True)
    assert "The rota is posted too late" not in page
    comment = db.session.scalar(sa.select(PulseComment))
    assert client.get(f"/pulses/comments/{comment.id}").status_code == 403
    close(cycle)
    page = client.get(f"/pulses?team=crew&period={MONTH.isoformat()}").get_data(as_text=True)
    assert "The rota is posted too late" in page
    assert client.get(f"/pulses/comments/{comment.id}").status_code == 200


# --- Comments: their own threshold, shuffled, dated by their cycle --------------------------------

def test_comments_need_the_comment_threshold_not_only_the_score_threshold(app, client, login):
    """Free text is easier to attribute than a number: comments need PULSE_MIN_COMMENT_GROUP_SIZE
    (10 by default) respondents, while the scores of the same cycle show from 5."""
    team = make_team("crew", "Crew")
    people(team, 9)
    closed_cycle(team, 9, 4, comments=["Nine of us answered"])
    login(make_user("hr"))
    assert month_row(client, "crew")["engagement"] == "75.0"
    page = client.get(f"/pulses?team=crew&period={MONTH.isoformat()}").get_data(as_text=True)
    assert "Nine of us answered" not in page
    assert "Comments are hidden: fewer than 10 people" in page
    comment = db.session.scalar(sa.select(PulseComment))
    assert client.get(f"/pulses/comments/{comment.id}").status_code == 403


def test_comments_show_from_the_comment_threshold(app, client, login):
    team = make_team("crew", "Crew")
    people(team, 10)
    closed_cycle(team, 10, 4, comments=["Ten of us answered"])
    login(make_user("hr"))
    page = client.get(f"/pulses?team=crew&period={MONTH.isoformat()}").get_data(as_text=True)
    assert "Ten of us answered" in page


def test_the_comment_threshold_is_never_below_the_score_threshold(app, monkeypatch):
    """Set lower than PULSE_MIN_GROUP_SIZE, it is raised to it (configuration and the running app
    alike): a comment can never be shown where the scores are hidden."""
    monkeypatch.setenv("PULSE_MIN_GROUP_SIZE", "7")
    monkeypatch.setenv("PULSE_MIN_COMMENT_GROUP_SIZE", "4")
    config = Config()
    assert config.PULSE_MIN_GROUP_SIZE == 7 and config.PULSE_MIN_COMMENT_GROUP_SIZE == 7
    monkeypatch.delenv("PULSE_MIN_COMMENT_GROUP_SIZE")
    assert Config().PULSE_MIN_COMMENT_GROUP_SIZE == 10
    monkeypatch.setenv("PULSE_MIN_COMMENT_GROUP_SIZE", "ten")
    with pytest.raises(ValueError, match="PULSE_MIN_COMMENT_GROUP_SIZE"):
        Config()

    app.config.update(PULSE_MIN_GROUP_SIZE=8, PULSE_MIN_COMMENT_GROUP_SIZE=6)
    assert anonymity.min_comment_group_size() == 8
    app.config.update(PULSE_MIN_GROUP_SIZE=5, PULSE_MIN_COMMENT_GROUP_SIZE=12)
    assert anonymity.min_comment_group_size() == 12


def _comment_order(html: str, bodies: list[str]) -> list[str]:
    return sorted(bodies, key=html.index)


def test_comments_are_shown_shuffled_not_in_the_order_they_were_written(app, client, login):
    """Submission order (or an order that follows it, such as the alphabet here) would let someone
    who saw who answered first tell whose comment is first. The order is shuffled, the same on
    every look."""
    team = make_team("crew", "Crew")
    people(team, 12)
    bodies = [f"{letter} comment about the rota" for letter in "ABCDEFGHIJ"]
    closed_cycle(team, 12, 4, comments=bodies)
    login(make_user("hr"))
    url = f"/pulses?team=crew&period={MONTH.isoformat()}"
    shown = _comment_order(client.get(url).get_data(as_text=True), bodies)
    assert sorted(shown) == sorted(bodies)
    assert shown != bodies and shown != sorted(bodies)
    assert _comment_order(client.get(url).get_data(as_text=True), bodies) == shown


def test_a_comment_thread_dates_the_author_only_by_the_cycle(app, client, login, post_form):
    """The thread names the pulse (its opening date) and nothing finer about the anonymous author:
    the time of their answers in the thread would say when they were at their desk."""
    team = make_team("crew", "Crew")
    crew = people(team, 10)
    author = crew[0]
    author.set_password("correct horse battery")
    manager = make_user("manager", team, manages=team, name="Mona Manager")
    db.session.commit()
    closed_cycle(team, 10, 4, comments=["Please fix the rota"])
    comment = db.session.scalar(sa.select(PulseComment))
    thread = f"/pulses/comments/{comment.id}"
    login(manager)
    assert post_form(thread, {"body": "On it."}).status_code == 302
    author_client = login(author, test_client=app.test_client())
    assert post_form(thread, {"body": "Thank you!"}, test_client=author_client).status_code == 302

    html = client.get(thread).get_data(as_text=True)
    assert "pulse of 17 Nov 2026" in html
    author_reply = html[html.index("The anonymous author"):html.index("Thank you!")]
    assert "<time" not in author_reply and not re.search(r"\d{1,2}:\d{2}", author_reply)
    assert len(re.findall(r"<time", html)) == 1   # the manager's reply keeps its time


# --- A parent and its teams -----------------------------------------------------------------------

def test_no_hidden_group_can_be_worked_out_from_the_figures_shown(app):
    """On 200 random trees: every figure shown covers a subtree, so what can be derived is every
    linear combination of shown subtrees. Even if small groups' answers counted (they do not),
    no small group's own answers — alone or with fewer than the threshold of people — lie in that
    span: the parent is hidden instead (the complementary cell of the table), never a team that
    meets the threshold."""
    rng = random.Random(16)
    threshold = 5
    for _ in range(200):
        n = rng.randint(2, 8)
        parents = {0: None}
        for node in range(1, n):
            parents[node] = rng.choice([None] + list(range(node)))
        sizes = {node: rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12]) for node in parents}
        reasons = hidden_reasons(parents, sizes, threshold)
        nodes = list(parents)

        def subtree(node):
            cover = np.zeros(len(nodes))
            for i, other in enumerate(nodes):
                up = other
                while up is not None and up != node:
                    up = parents[up]
                if up == node or node == anonymity.ROOT:
                    cover[i] = 1
            return cover

        shown = [subtree(node) for node, reason in reasons.items() if reason is None]
        span = np.array(shown) if shown else np.zeros((0, len(nodes)))
        # Every vector in the span of shown subtrees that covers a set of people (0/1 weights on the
        # groups) must cover none or at least the threshold.
        for mask in itertools.product((0, 1), repeat=len(nodes)):
            target = np.array(mask, float) * np.array([sizes[node] > 0 for node in nodes], float)
            people_covered = sum(sizes[node] for node, bit in zip(nodes, target) if bit)
            if not 0 < people_covered < threshold:
                continue
            if span.shape[0] == 0:
                continue
            solution, *_ = np.linalg.lstsq(span.T, target, rcond=None)
            assert not np.allclose(span.T @ solution, target), (parents, sizes, reasons, mask)


def test_when_one_team_of_a_department_is_hidden_the_department_is_hidden_too(app, client, login):
    """dept = big-one + big-two + small: with the department and both big teams shown, the small
    team would be their difference. The complement hidden is the department, never a team that
    meets the threshold (and the whole organisation with it)."""
    dept = make_team("dept", "Department")
    big1, big2, small = (make_team(s, s.title(), parent=dept) for s in ("big-one", "big-two", "small"))
    for team, n in ((big1, 6), (big2, 6), (small, 4)):
        people(team, n)
    closed_cycle(big1, 6, 5)
    closed_cycle(big2, 6, 3)
    closed_cycle(small, 4, 1)
    login(make_user("hr"))
    rows = export(client)
    key = MONTH.isoformat()
    assert rows[("big-one", key)]["engagement"] == "100.0" and rows[("big-two", key)]["engagement"] == "50.0"
    assert rows[("small", key)]["engagement"] == "" and "engagement:small" in rows[("small", key)]["hidden"]
    assert rows[("dept", key)]["engagement"] == "" and "engagement:subtraction" in rows[("dept", key)]["hidden"]
    assert rows[("(organisation)", key)]["engagement"] == ""
    assert hidden_reasons({"d": None, "a": "d", "b": "d", "s": "d"}, {"a": 6, "b": 6, "s": 4})["d"] == SUBTRACTION


# --- Two overlapping periods ----------------------------------------------------------------------

def test_a_week_and_its_month_cannot_be_subtracted_to_isolate_a_small_cycle(app, client, login):
    """Month − its big week would be the small week's answers: a cycle answered by fewer than the
    threshold adds nothing to any period, so the month equals its big week."""
    team = make_team("crew", "Crew")
    people(team, 7)
    closed_cycle(team, 6, 5, now=datetime(2026, 11, 3, 10))
    closed_cycle(team, 2, 1, now=datetime(2026, 11, 10, 10))
    login(make_user("hr"))
    month = month_row(client, "crew")
    weeks = export(client, "week")
    assert month["engagement"] == weeks[("crew", "2026-11-02")]["engagement"] == "100.0"
    assert weeks[("crew", "2026-11-09")]["engagement"] == ""


# --- A team before and after someone moved --------------------------------------------------------

def test_someone_moving_out_does_not_let_the_team_before_and_after_give_them_away(app, client, login):
    """Five answer in the first week; one moves to another team and the four left answer again:
    the month must not mix the four in (that month against the first week would isolate them)."""
    crew, other = make_team("crew", "Crew"), make_team("other", "Other")
    members = people(crew, 5)
    people(other, 5)
    closed_cycle(crew, 5, 5, now=datetime(2026, 11, 3, 10))
    members[0].team_id = other.id
    db.session.commit()
    closed_cycle(crew, 4, 1, now=datetime(2026, 11, 10, 10))
    closed_cycle(other, 6, 3, now=datetime(2026, 11, 10, 10))
    login(make_user("hr"))
    assert month_row(client, "crew")["engagement"] == "100.0"
    assert month_row(client, "other")["engagement"] == "50.0"
    assert export(client, "week")[("crew", "2026-11-09")]["engagement"] == ""


def test_a_team_moving_between_departments_changes_no_department_by_a_hidden_amount(app, client, login):
    """A small team moved from one department to another: each department before and after differ
    by nothing the small team answered."""
    east, west = make_team("east", "East"), make_team("west", "West")
    a, b = make_team("a", "A", parent=east), make_team("b", "B", parent=west)
    small = make_team("small", "Small", parent=east)
    for team, n in ((a, 6), (b, 6), (small, 3)):
        people(team, n)
    closed_cycle(a, 6, 5)
    closed_cycle(b, 6, 3)
    closed_cycle(small, 3, 1)
    login(make_user("hr"))
    before = export(client)
    small.parent_id = west.id
    db.session.commit()
    after = export(client)
    key = MONTH.isoformat()
    for dept in ("east", "west"):
        shown = [row[(dept, key)]["engagement"] for row in (before, after) if row[(dept, key)]["engagement"]]
        assert all(value in ("100.0", "50.0") for value in shown)


# --- Every page a viewer can reach ----------------------------------------------------------------

def test_a_small_teams_figures_appear_on_no_page_of_any_viewer(app, client, login):
    """Planted: a small team answering a value no shown figure has (engagement 0, eNPS −100)."""
    dept = make_team("dept", "Department")
    big, small = make_team("big", "Big", parent=dept), make_team("small", "Small", parent=dept)
    people(big, 6)
    people(small, 3)
    closed_cycle(big, 6, 4)                                   # 75, eNPS +100
    cycle = open_cycle(small)
    for participation in db.session.scalars(sa.select(PulseParticipation).where(
            PulseParticipation.cycle_id == cycle.id)).all():
        answering.submit_answers(participation, {i.id: (0 if i.scale == "nps11" else 1) for i in cycle.items},
                                 "Small team's words", NOW)
    db.session.commit()
    close(cycle)
    manager = make_user("manager", small, manages=dept)
    viewers = [make_user("hr"), make_user("admin"), manager]
    for viewer in viewers:
        c = login(viewer, test_client=app.test_client())
        for url in ("/", "/pulses", "/pulses?grain=week", "/pulses?team=small", "/pulses?team=dept",
                    "/pulses/export.csv", "/pulses/export.csv?grain=week"):
            response = c.get(url)
            if response.status_code != 200:
                continue
            text = response.get_data(as_text=True)
            assert "Small team's words" not in text, (viewer.role, url)
            assert not re.search(r"-100(?!\d)", text), (viewer.role, url)   # the lede's "−100 to 100" is U+2212
            assert not re.search(r'class="num heat heat-0">0<', text), (viewer.role, url)
            assert not re.search(r"(?<![\d.])0\.0(?![\d])", text), (viewer.role, url)
