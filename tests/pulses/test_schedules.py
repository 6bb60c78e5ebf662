"""HR's schedule and question-bank pages: validation with clear messages, nothing stored on bad input."""
from __future__ import annotations

import sqlalchemy as sa

from engagement.pulses.models import PulseCycle, PulseItem, PulseSchedule
from engagement.pulses.rotation import drivers_for, enps_asked, frequency
from engagement.pulses.models import DRIVERS
from flashpoint.extensions import db
from tests.factories import make_team, make_user


def schedules_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(PulseSchedule.id)))


def good(team_ids, **changes):
    data = {"name": "Weekly", "teams": [str(t) for t in team_ids], "cadence": "weekly", "weekday": "1",
            "local_time": "10:00", "open_days": "5", "items_per_cycle": "5"}
    data.update(changes)
    return data


def test_hr_creates_a_schedule_and_the_page_says_how_often_each_driver_is_asked(app, client, login, post_form):
    team = make_team("shop", "Shop")
    login(make_user("hr"))
    response = post_form("/pulses/schedules", good([team.id]))
    assert response.status_code == 302
    schedule = db.session.scalar(sa.select(PulseSchedule))
    assert [t.slug for t in schedule.teams] == ["shop"] and schedule.local_time == "10:00"
    page = client.get("/pulses/schedules").get_data(as_text=True)
    assert "every 2 weeks" in page and "every 4 weeks" in page


def test_bad_schedules_are_refused_with_a_message_each(app, client, login, post_form):
    team = make_team("shop", "Shop")
    login(make_user("hr"))
    cases = [
        (good([]), "Choose at least one team."),
        (good([team.id], local_time="25:00"), "Give a time of day as HH:MM"),
        (good([team.id], local_time="9am"), "Give a time of day as HH:MM"),
        (good([team.id], weekday="5"), "Pulses open on a weekday"),
        (good([team.id], weekday="6"), "Pulses open on a weekday"),
        (good([team.id], items_per_cycle="0"), "Ask 1 to 10 questions"),
        (good([team.id], open_days="30"), "A cycle stays open for 1 to 14 days"),
        (good([team.id], cadence="hourly"), "Choose weekly, every 2 weeks or monthly"),
    ]
    for data, message in cases:
        response = post_form("/pulses/schedules", data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), message
    assert schedules_count() == 0


def test_send_now_from_the_page_opens_a_cycle_and_invites_the_team(app, client, login, post_form):
    team = make_team("shop", "Shop")
    make_user("staff", team, password=None)
    login(make_user("hr"))
    response = post_form("/pulses/send-now", {"teams": [str(team.id)]}, page="/pulses/schedules")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(PulseCycle.id))) == 1
    page = client.get("/pulses/schedules").get_data(as_text=True)
    assert "Open now" in page and "sent now" in page


def test_rotation_covers_every_driver_every_two_weekly_cycles_and_enps_monthly():
    for start in range(0, 8, 2):
        covered = {d for seq in (start, start + 1) for d, _ in drivers_for(seq, 5)}
        assert covered == set(DRIVERS)
    assert [enps_asked(s, "weekly") for s in range(8)] == [True, False, False, False] * 2
    assert all(enps_asked(s, "monthly") for s in range(5))
    weekly = frequency("weekly", 5)
    assert all(weekly[d] == "every 2 weeks" for d in DRIVERS) and weekly["enps"] == "every 4 weeks"
    assert frequency("weekly", 3)["recognition"] == "every 4 weeks"
    assert frequency("monthly", 10)["peers"] == "every month"


def test_hr_adds_edits_and_retires_questions(app, client, login, post_form):
    login(make_user("hr"))
    # The starter bank is there before anyone reads the page: reading it writes nothing.
    assert db.session.scalar(sa.select(sa.func.count(PulseItem.id))) == 31
    page = client.get("/pulses/items")
    assert page.status_code == 200 and "recommend working here" in page.get_data(as_text=True)
    response = post_form("/pulses/items", {"driver": "growth", "text": "I learnt something new this month."})
    assert response.status_code == 302
    item = db.session.scalar(sa.select(PulseItem).where(PulseItem.text.like("I learnt%")))
    assert item.driver == "growth" and item.scale == "agree5"
    assert post_form("/pulses/items", {"driver": "growth", "text": "short"}).status_code == 422
    post_form(f"/pulses/items/{item.id}/retire", {}, page="/pulses/items")
    db.session.expire_all()
    assert db.session.get(PulseItem, item.id).retired_at is not None


def test_the_last_active_question_of_a_driver_cannot_be_retired(app, client, login, post_form):
    login(make_user("hr"))
    client.get("/pulses/items")
    enps = db.session.scalar(sa.select(PulseItem).where(PulseItem.driver == "enps"))
    response = post_form(f"/pulses/items/{enps.id}/retire", {}, page="/pulses/items", follow_redirects=True)
    assert "last active question" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PulseItem, enps.id).retired_at is None


def test_hr_edits_and_pauses_a_schedule(app, client, login, post_form):
    shop, depot = make_team("shop", "Shop"), make_team("depot", "Depot")
    login(make_user("hr"))
    post_form("/pulses/schedules", good([shop.id]))
    schedule = db.session.scalar(sa.select(PulseSchedule))
    path = f"/pulses/schedules/{schedule.id}"
    assert post_form(path, good([shop.id], local_time="24:00")).status_code == 422
    response = post_form(path, good([shop.id, depot.id], cadence="monthly", weekday="4", local_time="08:15"))
    assert response.status_code == 302
    db.session.expire_all()
    schedule = db.session.get(PulseSchedule, schedule.id)
    assert (schedule.cadence, schedule.weekday, schedule.local_time) == ("monthly", 4, "08:15")
    assert sorted(t.slug for t in schedule.teams) == ["depot", "shop"]
    post_form(f"{path}/toggle", {}, page="/pulses/schedules")
    db.session.expire_all()
    assert db.session.get(PulseSchedule, schedule.id).active is False


def test_editing_a_question_through_the_page_bumps_its_version(app, client, login, post_form):
    login(make_user("hr"))
    client.get("/pulses/items")
    item = db.session.scalar(sa.select(PulseItem).where(PulseItem.driver == "tools"))
    response = post_form(f"/pulses/items/{item.id}", {"text": "I have what I need to do great work."},
                         page="/pulses/items")
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(PulseItem, item.id)
    assert item.text == "I have what I need to do great work." and item.version == 2


def test_only_hr_manages_schedules_and_questions(app, client, login):
    team = make_team("shop", "Shop")
    login(make_user("manager", team, manages=team))
    assert client.get("/pulses/schedules").status_code == 403
    assert client.get("/pulses/items").status_code == 403
    assert client.get("/pulses").status_code == 200
