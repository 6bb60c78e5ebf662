"""The approval reminder duty (once, after 3 working days) and the redaction rules for quoting."""
from datetime import datetime

from flashpoint.extensions import db
from recognition.redaction import redact_contacts, redact_public
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import customer_says, make_story, notes


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


def test_places_customers_mention_are_not_taken_for_their_names():
    text = ("Tom at the Brent Cross branch found my size. We shop at Westfield and on Oxford Street; "
            "my daughter Lucy loved it in London.")
    assert redact_public(text) == ("[name] at the Brent Cross branch found my size. We shop at Westfield and on "
                                   "Oxford Street; my daughter [name] loved it in London.")


def test_one_quote_reads_the_same_on_the_wall_the_story_page_and_the_channel(app, client, login):
    """The celebration's quote (what Slack and e-mail carry), the wall and the story page as a
    colleague reads it: the same words, with the same redactions."""
    team = make_team("shop", "The Shop")
    maya = make_manager(team, name="Maya Lindqvist")
    priya = make_user(team=team, name="Priya Sharma")
    colleague = make_user(team=team, name="Sam Okafor")
    feedback = customer_says(team, "Priya found the coat my husband Tom wanted at the Westfield branch. "
                                   "Call me on 020 7946 0958!", consent=True)
    story = make_story(maya, [priya], feedback=feedback, approve_by=maya)
    db.session.commit()
    expected = ("Priya found the coat my husband [name] wanted at the Westfield branch. Call me on [phone]!")
    [celebration] = notes("story.celebration")
    assert celebration.payload["quote"] == expected
    login(colleague)
    for page in ("/heroes", f"/heroes/{story.id}"):
        html = client.get(page).get_data(as_text=True)
        assert expected in html, page
        assert "Tom" not in html and "7946" not in html
