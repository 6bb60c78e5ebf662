"""End to end with the real pulse and idea areas: a pulse link by e-mail answered in the
browser, the same link in the app for someone with neither Slack nor e-mail, and an idea's
follow-up reaching its submitter, voter and follower by e-mail (or muted, by choice)."""
from __future__ import annotations

import re
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.notifications.models import NotificationPreference
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from tests.factories import make_manager, make_team, make_user
from tests.notifications.factories import deliver
from tests.pulses.conftest import answer_link


def _tick(runner, when):
    result = runner.invoke(args=["tick", "--now", when.strftime("%Y-%m-%dT%H:%M:%S")])
    assert result.exit_code == 0, result.output


def test_pulse_link_by_email_is_answered_and_the_floor_worker_finds_theirs_in_the_app(
        app, runner, client, login, post_form, mailbox):
    team = make_team("front-desk", name="Front Desk")
    make_manager(team)
    mailed = [make_user(team=team, name=f"Desk {n}") for n in range(4)]
    floor = make_user(team=team, name="Floor Fay", email="fay@frontdesk.invalid")
    result = runner.invoke(args=["pulse-now", "--team", "front-desk"])
    assert result.exit_code == 0, result.output
    now = utcnow()
    _tick(runner, now)  # invitations are recorded by one duty…
    _tick(runner, now + timedelta(minutes=1))  # …and delivered by the next slot's delivery run

    mail = mailbox.to(mailed[0].email)
    assert len(mail) == 1 and mail[0].tls
    url = re.search(r"http://flashpoint\.test/pulse/[A-Za-z0-9_-]+", mail[0].text).group(0)
    assert url in mail[0].html
    response = answer_link(client, url, value=4)
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    assert client.get(url.replace("http://flashpoint.test", "")).status_code == 410  # used once

    fay_note = db.session.scalar(db.select(Notification).where(Notification.recipient_id == floor.id,
                                                               Notification.kind == "pulse.invitation"))
    assert fay_note.state == "in_app" and not mailbox.to(floor.email)
    login(floor)
    page = client.get("/notifications").get_data(as_text=True)
    link = re.search(r'href="(http://flashpoint\.test/pulse/[A-Za-z0-9_-]+)"', page).group(1)
    assert link == fay_note.secret_url
    assert answer_link(client, link, value=5).status_code == 200


def test_idea_follow_up_reaches_submitter_voter_and_follower_by_email(app, mailbox):
    from engagement.ideas import followers, submission, votes, workflow

    team = make_team()
    owner = make_manager(team, name="Olu Owner")
    submitter = make_user(team=team, name="Sia Submitter")
    voter = make_user(team=team, name="Vik Voter")
    follower = make_user(team=team, name="Fen Follower")
    quiet = make_user(team=team, name="Quinn Quiet")
    db.session.add(NotificationPreference(user_id=quiet.id, channel="auto", muted=["ideas_voted"]))
    idea = submission.submit_idea(submitter, title="Lockers by the staff door", team=team)
    votes.vote(idea, voter)
    votes.vote(idea, quiet)
    followers.follow(idea, follower)
    db.session.commit()
    deliver()  # the owner hears about the new idea
    workflow.change_status(idea, owner, "planned", "Ordering them this week.")
    db.session.commit()
    deliver()

    for person in (submitter, voter, follower):
        [mail] = mailbox.to(person.email)
        assert "Lockers by the staff door" in mail.text
        assert f"http://flashpoint.test/ideas/{idea.id}" in mail.html
        assert "Ordering them this week." in mail.text
    assert not mailbox.to(quiet.email)
    quiet_note = db.session.scalar(db.select(Notification).where(Notification.recipient_id == quiet.id))
    assert quiet_note.state == "muted"
