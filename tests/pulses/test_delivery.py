"""Opening cycles at each person's local time, exactly-once invitations, one reminder, closing."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from engagement.pulses import answering, cycles, delivery, links, schedules
from engagement.pulses.models import PulseCycle, PulseParticipation, PulseSchedule
from engagement.pulses.signals import cycle_closed
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from tests.pulses.conftest import iso


def make_schedule(teams, *, weekday=1, local_time="09:00", open_days=4, cadence="weekly", starts_on=None):
    fields = schedules.ScheduleFields(name="Weekly", team_ids=[t.id for t in teams], cadence=cadence,
                                     weekday=weekday, local_time=local_time, open_days=open_days,
                                     items_per_cycle=5)
    schedule = schedules.save_schedule(fields, today=starts_on or date(2026, 1, 5))
    db.session.commit()
    return schedule


def notes(kind: str, user=None) -> list[Notification]:
    stmt = db.select(Notification).where(Notification.kind == kind)
    if user is not None:
        stmt = stmt.where(Notification.recipient_id == user.id)
    return db.session.scalars(stmt).all()


def local_to_utc(day: date, hhmm: str, zone: str) -> datetime:
    return cycles.local_instant(day, hhmm, zone)


def test_schedule_invites_each_person_at_their_own_local_time(app, runner, team_of):
    team, manager, (tokyo, berlin, new_york) = team_of(3, zones=["Asia/Tokyo", "Europe/Berlin", "America/New_York"])
    make_schedule([team], weekday=1, local_time="09:00", starts_on=date(2026, 3, 2))
    tuesday = date(2026, 3, 10)
    at = {p: local_to_utc(tuesday, "09:00", p.timezone) for p in (tokyo, berlin, new_york)}
    assert at[tokyo] < at[berlin] < at[new_york]

    runner.invoke(args=["tick", "--now", iso(at[tokyo] - timedelta(minutes=10))])
    assert notes("pulse.invitation") == []

    result = runner.invoke(args=["tick", "--now", iso(at[tokyo] + timedelta(minutes=1))])
    assert "pulse_open_invite: done: 1 opened, 1 invited" in result.output
    assert [n.recipient_id for n in notes("pulse.invitation")] == [tokyo.id]

    runner.invoke(args=["tick", "--now", iso(at[berlin] + timedelta(minutes=2))])
    assert {n.recipient_id for n in notes("pulse.invitation")} == {tokyo.id, berlin.id}

    # A late tick (the scheduler was down) catches up on everyone due by then, once.
    runner.invoke(args=["tick", "--now", iso(at[new_york] + timedelta(hours=3))])
    runner.invoke(args=["tick", "--now", iso(at[new_york] + timedelta(hours=4))])
    invited = [n.recipient_id for n in notes("pulse.invitation")]
    assert sorted(invited) == sorted([tokyo.id, berlin.id, new_york.id, manager.id])
    cycle = db.session.scalar(db.select(PulseCycle))
    assert cycle.opens_on == tuesday and cycle.opens_on.weekday() == 1
    assert db.session.scalar(db.select(db.func.count(PulseCycle.id))) == 1


def test_each_person_gets_their_invitation_on_a_weekday_in_their_own_zone(app, runner, team_of):
    team, _, (auckland, honolulu) = team_of(2, zones=["Pacific/Auckland", "Pacific/Honolulu"])
    make_schedule([team], weekday=0, local_time="08:30", starts_on=date(2026, 3, 2))
    runner.invoke(args=["tick", "--now", "2026-03-10T12:00:00"])  # Monday in both zones is past
    for note in notes("pulse.invitation"):
        participation = db.session.scalar(db.select(PulseParticipation).where(
            PulseParticipation.user_id == note.recipient_id))
        zone = note.recipient.timezone
        from zoneinfo import ZoneInfo
        local = participation.invite_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone))
        assert local.weekday() == 0 and local.strftime("%H:%M") == "08:30"


def test_opening_twice_and_sending_twice_gives_each_person_one_invitation(app, runner, team_of):
    team, manager, staff = team_of(4)
    first = runner.invoke(args=["pulse-now", "--team", team.slug])
    assert first.exit_code == 0, first.output
    assert "5 invitations sent" in first.output
    again = runner.invoke(args=["pulse-now", "--team", team.slug])
    assert "already had a pulse sent today" in again.output
    delivery.send_due_invitations(datetime.utcnow() + timedelta(minutes=1))
    db.session.commit()
    recipients = [n.recipient_id for n in notes("pulse.invitation")]
    assert sorted(recipients) == sorted([manager.id] + [s.id for s in staff])
    assert db.session.scalar(db.select(db.func.count(PulseCycle.id))) == 1


def test_a_sender_that_dies_half_way_resumes_without_sending_anyone_twice(app, team_of, monkeypatch):
    team, _, staff = team_of(120)
    now = datetime(2026, 3, 10, 12, 0)
    cycles.pulse_now([team.slug], now)
    db.session.commit()
    real_invite, calls = delivery._invite, {"n": 0}

    def dying_invite(participation):
        calls["n"] += 1
        if calls["n"] == 70:
            raise RuntimeError("the scheduler process was killed")
        real_invite(participation)

    monkeypatch.setattr(delivery, "_invite", dying_invite)
    try:
        delivery.send_due_invitations(now)
    except RuntimeError:
        db.session.rollback()
    sent_before_crash = len(notes("pulse.invitation"))
    assert 0 < sent_before_crash < 121
    monkeypatch.setattr(delivery, "_invite", real_invite)
    delivery.send_due_invitations(now + timedelta(minutes=5))
    delivery.send_due_invitations(now + timedelta(minutes=10))
    db.session.commit()
    recipients = [n.recipient_id for n in notes("pulse.invitation")]
    assert len(recipients) == 121 == len(set(recipients))
    assert all(p.invited_at is not None for p in db.session.scalars(db.select(PulseParticipation)))


def test_invitations_are_must_act_with_a_one_time_link_and_hashed_token(app, runner, team_of):
    from flashpoint.registry import must_act_kinds

    team, manager, _ = team_of(2)
    runner.invoke(args=["pulse-now", "--team", team.slug])
    note = notes("pulse.invitation", manager)[0]
    assert "pulse.invitation" in must_act_kinds(app)
    assert note.secret_url.startswith("http://flashpoint.test/pulse/")
    token = note.secret_url.rsplit("/", 1)[1]
    stored = db.session.scalars(db.select(PulseParticipation.token_hash)).all()
    assert token not in stored and all(len(h) == 64 for h in stored)
    assert token not in str(note.payload.get("text"))


def test_one_reminder_only_halfway_and_within_local_working_hours(app, runner, team_of):
    team, manager, (early, late) = team_of(2, zones=["Europe/London", "America/Los_Angeles"])
    make_schedule([team], weekday=0, local_time="09:00", open_days=4, starts_on=date(2026, 3, 2))
    runner.invoke(args=["tick", "--now", "2026-03-09T20:00:00"])  # everyone invited by now
    assert len(notes("pulse.invitation")) == 3

    # The cycle closes Friday 09:00 in Los Angeles (17:00 UTC): London's halfway is Wednesday 13:00.
    runner.invoke(args=["tick", "--now", "2026-03-10T10:00:00"])
    runner.invoke(args=["tick", "--now", "2026-03-11T10:00:00"])
    assert notes("pulse.reminder") == []
    # Wednesday 14:00 in London; 06:00 in Los Angeles, so LA waits for its working day.
    runner.invoke(args=["tick", "--now", "2026-03-11T14:00:00"])
    reminded = {n.recipient_id for n in notes("pulse.reminder")}
    assert reminded == {early.id, manager.id}
    # Wednesday 17:30 UTC = 09:30 in Los Angeles: now LA gets its reminder.
    runner.invoke(args=["tick", "--now", "2026-03-11T17:30:00"])
    runner.invoke(args=["tick", "--now", "2026-03-12T11:00:00"])
    counts = {}
    for n in notes("pulse.reminder"):
        counts[n.recipient_id] = counts.get(n.recipient_id, 0) + 1
    assert counts.get(late.id) == 1 and counts.get(early.id) == 1
    assert all(c == 1 for c in counts.values())
    for n in notes("pulse.reminder"):
        assert delivery.within_working_hours(
            db.session.scalar(db.select(PulseParticipation.reminded_at).where(
                PulseParticipation.user_id == n.recipient_id)), n.recipient.timezone)


def test_no_reminder_for_someone_who_answered(app, team_of):
    from tests.pulses.conftest import invitation_links, token_path

    team, manager, (person,) = team_of(1)
    # A fixed Monday morning, so the test means the same whatever the hour it runs at.
    opened = datetime(2026, 11, 30, 9, 0)
    cycles.pulse_now([team.slug], opened)
    delivery.send_due_invitations(opened)
    db.session.commit()
    token = token_path(invitation_links(person)[0]).rsplit("/", 1)[1]
    participation = links.participation_for_token(token, opened + timedelta(hours=1))
    values = {item.id: item.low for item in participation.cycle.items}
    answering.submit_answers(participation, values, None, opened + timedelta(hours=1))
    db.session.commit()
    # Friday 11:00 UTC, past half of the 7 days open (Thursday 21:00): only the manager, who did not
    # answer, is reminded.
    half_way = datetime(2026, 12, 4, 11, 0)
    assert delivery.send_due_reminders(half_way) == 1
    db.session.commit()
    assert [n.recipient_id for n in notes("pulse.reminder")] == [manager.id]


def test_closing_sends_cycle_closed_once_and_the_link_then_expires(app, runner, client, team_of):
    from tests.pulses.conftest import invitation_links, token_path

    team, manager, _ = team_of(2)
    runner.invoke(args=["pulse-now", "--team", team.slug])
    cycle = db.session.scalar(db.select(PulseCycle))
    seen = []

    def receiver(sender, cycle):
        seen.append(cycle.id)

    cycle_closed.connect(receiver)
    try:
        after = cycle.closes_at + timedelta(minutes=1)
        runner.invoke(args=["tick", "--now", iso(after)])
        runner.invoke(args=["tick", "--now", iso(after + timedelta(minutes=10))])
    finally:
        cycle_closed.disconnect(receiver)
    assert seen == [cycle.id]
    db.session.expire_all()
    assert db.session.get(PulseCycle, cycle.id).closed_at is not None
    page = client.get(token_path(invitation_links(manager)[0]))
    assert page.status_code == 410
    assert "closed" in page.get_data(as_text=True)


def test_a_paused_schedule_opens_nothing(app, runner, team_of):
    team, _, _ = team_of(2)
    schedule = make_schedule([team], starts_on=date(2026, 3, 2))
    schedule.active = False
    db.session.commit()
    runner.invoke(args=["tick", "--now", "2026-03-10T12:00:00"])
    assert db.session.scalar(db.select(db.func.count(PulseCycle.id))) == 0
    assert db.session.get(PulseSchedule, schedule.id).active is False


def test_pulse_now_refuses_an_unknown_team_and_stores_nothing(app, runner):
    result = runner.invoke(args=["pulse-now", "--team", "nope"])
    assert result.exit_code != 0 and "There is no team 'nope'" in result.output
    assert db.session.scalar(db.select(db.func.count(PulseCycle.id))) == 0


def test_someone_who_left_before_their_local_time_is_not_invited(app, runner, team_of):
    team, manager, (stays, leaves) = team_of(2, zones=["Asia/Tokyo", "America/New_York"])
    make_schedule([team], weekday=1, local_time="09:00", starts_on=date(2026, 3, 2))
    tuesday = date(2026, 3, 10)
    runner.invoke(args=["tick", "--now", iso(local_to_utc(tuesday, "09:00", "Asia/Tokyo") + timedelta(minutes=1))])
    leaves.active = False
    db.session.commit()
    runner.invoke(args=["tick", "--now", iso(local_to_utc(tuesday, "09:00", "America/New_York") + timedelta(minutes=1))])
    invited = {n.recipient_id for n in notes("pulse.invitation")}
    assert stays.id in invited and leaves.id not in invited
