"""Answering from the one-time link: validation, single use, expiry, and anonymity by construction."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from engagement.pulses import answering, bank, cycles, errors
from engagement.pulses.models import (
    PulseAnswer, PulseComment, PulseCycle, PulseCycleItem, PulseItem, PulseParticipation, PulseSealedAnswers,
)
from flashpoint.extensions import db
from tests.pulses.conftest import answer_link, invitation_links, question_names, token_path


def open_pulse(runner, team):
    result = runner.invoke(args=["pulse-now", "--team", team.slug])
    assert result.exit_code == 0, result.output
    return db.session.scalar(sa.select(PulseCycle).order_by(PulseCycle.id.desc()))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def close(cycle) -> None:
    cycles.close_due_cycles(cycle.closes_at)
    db.session.commit()


def test_answering_stores_values_and_a_comment_and_marks_the_person_answered(app, runner, client, team_of):
    team, manager, (person, *_rest) = team_of(3)
    cycle = open_pulse(runner, team)
    page = client.get(token_path(invitation_links(person)[0]))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'type="radio"' in html and "<legend>" in html and "Strongly agree" in html
    response = answer_link(client, invitation_links(person)[0], value=5, comment="More coffee, please.")
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    # While the cycle is open the answers wait sealed, one row for the person, nothing legible.
    assert count(PulseAnswer) == 0 and count(PulseSealedAnswers) == 1
    assert '"5"' not in db.session.scalar(sa.select(PulseSealedAnswers.sealed))
    close(cycle)
    assert count(PulseSealedAnswers) == 0
    values = db.session.execute(sa.select(PulseAnswer.driver, PulseAnswer.value)).all()
    assert len(values) == len(cycle.items)
    assert all(v == 5 for d, v in values if d != "enps") and all(v == 8 for d, v in values if d == "enps")
    assert db.session.scalar(sa.select(PulseComment.body)) == "More coffee, please."
    assert db.session.scalar(sa.select(PulseParticipation.answered).where(
        PulseParticipation.user_id == person.id)) is True


def test_a_used_link_shows_a_clear_page_and_stores_nothing_more(app, runner, client, team_of):
    team, _, (person, *_rest) = team_of(3)
    open_pulse(runner, team)
    link = invitation_links(person)[0]
    html = client.get(token_path(link)).get_data(as_text=True)
    answer_link(client, link)
    before = count(PulseSealedAnswers)
    again = client.get(token_path(link))
    assert again.status_code == 410 and "already in" in again.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    repost = client.post(token_path(link), data={"csrf_token": token, **{q: "3" for q in question_names(html)}})
    assert repost.status_code == 410
    assert count(PulseSealedAnswers) == before == 1


def test_a_second_answer_from_the_same_person_is_refused_even_racing_the_first(app, runner, team_of):
    team, _, (person, *_rest) = team_of(3)
    cycle = open_pulse(runner, team)
    participation = db.session.scalar(sa.select(PulseParticipation).where(PulseParticipation.user_id == person.id))
    values = {item.id: (7 if item.scale == "nps11" else 4) for item in cycle.items}
    now = datetime.utcnow()
    answering.submit_answers(participation, values, None, now)
    db.session.commit()
    stale = db.session.get(PulseParticipation, participation.id)
    # As another request that read the row before the first answer was committed would see it.
    set_committed_value(stale, "answered", False)
    try:
        answering.submit_answers(stale, values, None, now)
        raise AssertionError("the second answer was accepted")
    except errors.LinkUnusable as exc:
        assert "already answered" in str(exc)
    db.session.rollback()
    assert count(PulseSealedAnswers) == 1
    close(cycle)
    assert count(PulseAnswer) == len(values)


def test_out_of_range_or_missing_answers_are_refused_and_nothing_is_stored(app, runner, client, team_of):
    team, _, (person, *_rest) = team_of(3)
    open_pulse(runner, team)
    link = invitation_links(person)[0]
    html = client.get(token_path(link)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    names = question_names(html)
    bad = {"csrf_token": token, **{q: "4" for q in names}}
    bad[names[0]] = "6"
    bad[names[1]] = "abc"
    del bad[names[2]]
    response = client.post(token_path(link), data=bad)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Answer with a number from 1 to 5" in body and "Choose an answer for this question" in body
    assert count(PulseSealedAnswers) == 0 and count(PulseAnswer) == 0 and count(PulseComment) == 0
    assert db.session.scalar(sa.select(PulseParticipation.answered).where(
        PulseParticipation.user_id == person.id)) is False
    # The person's choices are kept on the page, and the link still works.
    assert answer_link(client, link).status_code == 200


def test_an_unknown_or_expired_link_is_a_clear_page(app, runner, client, team_of):
    team, _, (person, *_rest) = team_of(3)
    cycle = open_pulse(runner, team)
    assert client.get("/pulse/not-a-real-token").status_code == 410
    cycle.closes_at = datetime.utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(token_path(invitation_links(person)[0]))
    assert page.status_code == 410 and "closed" in page.get_data(as_text=True)


def test_answers_table_has_no_person_and_no_time(app):
    inspector = sa.inspect(db.engine)
    for table in ("pulse_answers", "pulse_sealed_answers", "pulse_comments"):
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert not any("user" in name or "person" in name or "author" in name for name in columns), columns
        assert not any(isinstance(c["type"], (sa.DateTime, sa.Date, sa.TIMESTAMP)) for c in columns.values())
        assert not any(name.endswith("_at") or name.endswith("_on") for name in columns)
        foreign = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert foreign <= {"pulse_cycles", "pulse_cycle_items"}, foreign
        pk = inspector.get_pk_constraint(table)["constrained_columns"]
        assert pk == ["id"] and isinstance(columns["id"]["type"], sa.String)
    # Participations know who answered but hold no answer and no time of answering.
    participation = {c["name"] for c in inspector.get_columns("pulse_participations")}
    assert participation.isdisjoint({"value", "answered_at", "comment", "answer_id"})
    assert {fk["referred_table"] for fk in inspector.get_foreign_keys("pulse_participations")} == {"pulse_cycles", "users"}


def test_answer_order_does_not_follow_the_order_people_answered(app, runner, client, team_of):
    team, _, staff = team_of(12)
    cycle = open_pulse(runner, team)
    enps_item = next(i for i in cycle.items if i.scale == "nps11")
    # Person k answers eNPS with k (0..10): their place in line is written in the value.
    for k, person in enumerate(staff[:11]):
        answer_link(client, invitation_links(person)[0], enps=k)
    close(cycle)
    stored = [v for (v,) in db.session.execute(sa.text(
        "SELECT value FROM pulse_answers WHERE cycle_item_id = :item"), {"item": enps_item.id})]
    by_key = [v for (v,) in db.session.execute(sa.text(
        "SELECT value FROM pulse_answers WHERE cycle_item_id = :item ORDER BY id"), {"item": enps_item.id})]
    assert sorted(stored) == list(range(11))
    assert stored != list(range(11)) and by_key != list(range(11))
    assert stored != list(range(10, -1, -1))


def test_past_answers_keep_the_wording_they_were_asked_with(app, runner, client, team_of):
    team, _, (person, *_rest) = team_of(3)
    cycle = open_pulse(runner, team)
    asked = cycle.items[0]
    old_wording = asked.wording
    bank.edit_item(asked_item := db.session.get(PulseItem, asked.item_id), "A brand new wording for this")
    db.session.commit()
    assert asked_item.version == 2
    db.session.expire_all()
    assert db.session.get(PulseCycleItem, asked.id).wording == old_wording
    html = client.get(token_path(invitation_links(person)[0])).get_data(as_text=True)
    assert old_wording.replace("'", "&#39;") in html
