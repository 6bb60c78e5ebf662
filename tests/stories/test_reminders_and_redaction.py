"""The approval reminder duty (once, after 3 working days) and the redaction rules for quoting."""
from datetime import datetime

from flashpoint.extensions import db
from recognition.redaction import redact_contacts, redact_public
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import make_story, notes


def tick(runner, when: str):
    result = runner.invoke(args=["tick", "--now", when])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_nomination_waiting_three_working_days_reminds_its_approver_once(app, runner):
    team = make_team("shop")
    maya = make_manager(team, name="Maya Lindqvist")
    story = make_story(make_user(team=team, name="Sam Okafor"), [make_user(team=team, name="Priya Sharma")])
    story.created_at = datetime(2026, 11, 6, 10, 0)  # a Friday
    db.session.commit()
    tick(runner, "2026-11-10T12:00:00")  # Tuesday: two working days
    assert notes("story.approval_reminder") == []
    tick(runner, "2026-11-11T10:30:00")  # Wednesday after 10:00: three working days
    [reminder] = notes("story.approval_reminder")
    assert reminder.recipient_id == maya.id and reminder.payload["story_id"] == story.id
    tick(runner, "2026-11-12T10:30:00")
    tick(runner, "2026-11-20T10:30:00")
    assert len(notes("story.approval_reminder")) == 1


def test_a_decided_story_is_never_reminded(app, runner):
    team = make_team("shop")
    maya = make_manager(team, name="Maya Lindqvist")
    story = make_story(make_user(team=team, name="Sam Okafor"), [make_user(team=team, name="Priya Sharma")],
                       approve_by=maya)
    story.created_at = datetime(2026, 11, 2, 9, 0)
    db.session.commit()
    tick(runner, "2026-11-20T10:00:00")
    assert notes("story.approval_reminder") == []


def test_contacts_are_redacted_and_ordinary_numbers_kept():
    text = ("Reach me: jo.bloggs+shop@mail.example.co.uk, (020) 7946 0958, +1-202-555-0143, "
            "card 5500-0000-0000-0004; order 123456, 3 items at 10:30 on 24/11/2026")
    out = redact_contacts(text)
    assert out.count("[email]") == 1 and out.count("[phone]") == 2 and out.count("[card number]") == 1
    assert "order 123456" in out and "3 items at 10:30 on 24/11/2026" in out


def test_public_quotes_redact_customer_names_but_keep_employees_and_ordinary_words():
    text = "Thank you! Priya and José helped my wife Anna. Great service at the Downtown Store, NPS 10."
    out = redact_public(text, {"priya", "jose", "downtown", "store"})
    assert out == "Thank you! Priya and José helped my wife [name]. Great service at the Downtown Store, NPS 10."


def test_a_customers_full_name_becomes_one_marker():
    assert redact_public("Signed, Margaret Thatcher-Smith") == "Signed, [name]"
