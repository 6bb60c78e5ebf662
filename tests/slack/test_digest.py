"""The Friday digest and manager notes, driven through `flask tick --now` at chosen instants."""
import json
from datetime import datetime, timedelta

from flask import current_app

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from recognition import signals
from recognition.feedback.models import Feedback
from recognition.stories.approvals import nominate
from tests.slack.factories import make_slack_team, values_ids


def next_friday(at_hour: int = 16, minute: int = 0) -> datetime:
    today = utcnow().date()
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    moment = datetime(friday.year, friday.month, friday.day, at_hour, minute)
    return moment if moment > utcnow() else moment + timedelta(days=7)


def tick(runner, when: datetime):
    result = runner.invoke(args=["tick", "--now", when.isoformat()])
    assert result.exit_code == 0, result.output
    db.session.commit()
    return result.output


def notes(kind: str) -> list[Notification]:
    return db.session.query(Notification).filter_by(kind=kind).order_by(Notification.id).all()


def celebrate(people, text: str, kind: str = "proactive"):
    story = nominate(people.manager, [people.hero.id], text, kind, values_ids()[:1])
    db.session.commit()
    return story


def praise(team, comment: str, when=None) -> Feedback:
    feedback = Feedback(external_id=f"fb-{comment[:12]}", team=team, metric="csat", score=5, comment=comment,
                        received_at=when or utcnow(), channel="api", consent=False, positive=True)
    db.session.add(feedback)
    db.session.flush()
    signals.feedback_received.send(current_app._get_current_object(), items=[feedback])
    db.session.commit()
    return feedback


def test_friday_digest_lists_the_weeks_stories_once_at_16(app, runner, fake_slack):
    people = make_slack_team()
    celebrate(people, "Drove a spare part over on a Sunday.")
    celebrate(people, "Called back a customer who had given up on us.", kind="recovery")
    friday = next_friday()
    tick(runner, friday - timedelta(minutes=1))
    assert notes("digest.weekly") == []

    tick(runner, friday)
    digest = notes("digest.weekly")
    assert len(digest) == 1
    assert digest[0].channel == "#heroes"
    assert "Drove a spare part over" in digest[0].text and "Called back a customer" in digest[0].text
    tick(runner, friday + timedelta(hours=1))
    tick(runner, friday + timedelta(hours=5))
    assert len(notes("digest.weekly")) == 1

    # Delivered to the channel as one Block Kit message naming the heroes.
    posts = [c for c in fake_slack.sent_messages(channel="#heroes") if "This week" in c.params["text"]]
    assert len(posts) == 1
    assert "<@UHERO>" in json.dumps(posts[0].params["blocks"])


def test_a_week_with_nothing_to_say_sends_nothing(app, runner):
    people = make_slack_team()
    # Recoveries dominate, but nothing happened this week: the nudge waits for a week with news.
    with_old_dates = [celebrate(people, f"Fixed problem {n}.", kind="recovery") for n in range(2)]
    for story in with_old_dates:
        story.approved_at = utcnow() - timedelta(days=20)
    db.session.commit()
    tick(runner, next_friday())
    assert notes("digest.weekly") == [] and notes("digest.manager") == []


def test_managers_get_uncelebrated_praise_and_a_varied_nudge_when_recoveries_dominate(app, runner):
    people = make_slack_team()
    celebrate(people, "Fixed a broken order.", kind="recovery")
    celebrate(people, "Sorted a refund.", kind="recovery")
    celebrate(people, "Surprised a customer with a card.", kind="proactive")
    praise(people.team, "Hana Hero was so patient with my questions")
    friday = next_friday()
    tick(runner, friday)
    first = notes("digest.manager")
    assert [n.recipient_id for n in first] == [people.manager.id]
    assert "Hana Hero" in first[0].text and "so patient" in first[0].text
    assert "2 of 3" in first[0].text

    praise(people.team, "Hana Hero remembered my name", when=friday + timedelta(days=2))
    tick(runner, friday + timedelta(days=7))
    second = notes("digest.manager")
    assert len(second) == 2
    assert "remembered my name" in second[1].text and "so patient" not in second[1].text
    nudge_1 = first[0].text.split("\n\n")[-1]
    nudge_2 = second[1].text.split("\n\n")[-1]
    assert "2 of 3" in nudge_2 and nudge_1 != nudge_2
