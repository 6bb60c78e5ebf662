"""Nominating heroes on the web: the rules, who approves, the decisions and who hears about them."""
import re

import pytest

from flashpoint.extensions import db
from recognition.stories.approvals import decision_words, decline
from recognition.stories.models import HeroStory
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import make_story, notes, value_ids


def stories():
    return db.session.scalars(db.select(HeroStory).order_by(HeroStory.id)).all()


@pytest.fixture
def shop(app):
    team = make_team("shop", "The Shop")
    return {
        "team": team,
        "manager": make_manager(team, name="Maya Lindqvist"),
        "sam": make_user(team=team, name="Sam Okafor"),
        "priya": make_user(team=team, name="Priya Sharma"),
    }


def nominate(post_form, heroes, text="Priya carried a customer's shopping to the bus stop.", kind="proactive",
             values=None, **extra):
    data = {"heroes": [h.id for h in heroes], "text": text, "kind": kind,
            "values": values if values is not None else value_ids(), **extra}
    return post_form("/heroes/new", data)


def test_a_colleague_nominates_and_the_team_manager_is_asked_to_approve(shop, client, login, post_form):
    login(shop["sam"])
    response = nominate(post_form, [shop["priya"]])
    assert response.status_code == 302
    [story] = stories()
    assert story.state == "pending" and story.approver == shop["manager"]
    assert [h.name for h in story.heroes] == ["Priya Sharma"] and story.nominator == shop["sam"]
    [request] = notes("story.approval_request", recipient=shop["manager"])
    assert request.payload["story_id"] == story.id and request.link == f"/heroes/{story.id}"
    assert notes("story.celebration") == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waiting for approval" in page and "Maya Lindqvist" in page


def test_the_approval_request_cannot_be_muted(app, shop):
    from flashpoint.registry import must_act_kinds

    assert {"story.approval_request", "story.approval_reminder"} <= must_act_kinds(app)


def test_a_manager_nominating_their_own_people_is_approved_at_once(shop, client, login, post_form):
    login(shop["manager"])
    nominate(post_form, [shop["priya"], shop["sam"]])
    [story] = stories()
    assert story.state == "approved" and story.decided_by == shop["manager"] and story.approved_at
    assert notes("story.approval_request") == []
    assert len(notes("story.celebration", channel="#heroes")) == 1
    assert {n.recipient_id for n in notes("story.hero_note")} == {shop["priya"].id, shop["sam"].id}
    assert notes("story.decided") == []  # the nominator decided; nobody to tell


def test_self_nomination_is_refused_on_the_form_and_when_posted_directly(shop, client, login, post_form):
    login(shop["sam"])
    form = client.get("/heroes/new").get_data(as_text=True)
    assert f'name="heroes" value="{shop["sam"].id}"' not in form  # not offered
    assert f'name="heroes" value="{shop["priya"].id}"' in form
    response = nominate(post_form, [shop["sam"]])
    assert response.status_code == 400
    assert "You cannot nominate yourself" in response.get_data(as_text=True)
    response = nominate(post_form, [shop["priya"], shop["sam"]])
    assert response.status_code == 400 and stories() == []


@pytest.mark.parametrize("text, message", [
    ("", "Tell the story"),
    ("   \n ", "Tell the story"),
    ("x" * 3001, "at most 3,000 characters (this one has 3,001)"),
    ("<script>alert('hi')</script>", "HTML tags such as &lt;script&gt; are not allowed"),
])
def test_empty_oversized_or_html_stories_are_refused_with_a_message(shop, login, post_form, text, message):
    login(shop["sam"])
    response = nominate(post_form, [shop["priya"]], text=text)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stories() == [] and notes() == []


def test_a_story_of_exactly_3000_characters_is_accepted(shop, login, post_form):
    login(shop["sam"])
    assert nominate(post_form, [shop["priya"]], text="y" * 3000).status_code == 302


def test_missing_heroes_and_kind_are_each_named(shop, login, post_form):
    login(shop["sam"])
    response = post_form("/heroes/new", {"text": "A fine story", "kind": "heroic"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose at least one hero." in html
    assert "Choose whether it was proactive delight or a recovery." in html
    assert stories() == []


def test_values_are_optional(shop, login, post_form):
    login(shop["sam"])
    response = post_form("/heroes/new", {"heroes": [shop["priya"].id], "text": "Priya stayed late to help.",
                                         "kind": "proactive"})
    assert response.status_code == 302
    [story] = stories()
    assert story.values == []


def test_an_inactive_hero_is_refused(shop, login, post_form):
    gone = make_user(team=shop["team"], name="Greta Gone", active=False)
    login(shop["sam"])
    response = nominate(post_form, [gone])
    assert response.status_code == 400 and "no longer works here" in response.get_data(as_text=True)


def test_approver_is_the_parent_teams_manager_when_the_hero_manages_their_own_team(app, login, post_form):
    stores = make_team("stores")
    shop = make_team("shop", parent=stores)
    head = make_manager(stores, name="Harriet Head")
    shop_manager = make_manager(shop, name="Maya Lindqvist")
    colleague = make_user(team=shop, name="Sam Okafor")
    login(colleague)
    nominate(post_form, [shop_manager])
    [story] = stories()
    assert story.approver == head


def test_approver_is_hr_when_no_manager_is_above(app, login, post_form):
    shop = make_team("shop")
    hr = make_user("hr", name="Harriet HR")
    sam = make_user(team=shop, name="Sam Okafor")
    priya = make_user(team=shop, name="Priya Sharma")
    login(sam)
    nominate(post_form, [priya])
    [story] = stories()
    assert story.approver == hr
    assert len(notes("story.approval_request", recipient=hr)) == 1


def test_a_manager_nominating_another_teams_person_goes_to_that_teams_manager(app, login, post_form):
    shop, care = make_team("shop"), make_team("care")
    shop_manager = make_manager(shop, name="Maya Lindqvist")
    care_manager = make_manager(care, name="Carl Care")
    kenji = make_user(team=care, name="Kenji Tanaka")
    login(shop_manager)
    nominate(post_form, [kenji])
    [story] = stories()
    assert story.state == "pending" and story.approver == care_manager


def test_approve_tells_the_nominator_celebrates_and_notes_each_hero(shop, client, login, post_form):
    story = make_story(shop["sam"], [shop["priya"]])
    login(shop["manager"])
    page = client.get(f"/heroes/{story.id}").get_data(as_text=True)
    assert "Approve and celebrate" in page and "Decline" in page
    response = post_form(f"/heroes/{story.id}/approve", {}, page=f"/heroes/{story.id}")
    assert response.status_code == 302
    db.session.refresh(story)
    assert story.state == "approved" and story.decided_by == shop["manager"]
    [decided] = notes("story.decided", recipient=shop["sam"])
    assert decided.payload == {**decided.payload, "story_id": story.id, "outcome": "approved"}
    [celebration] = notes("story.celebration")
    assert celebration.channel == "#heroes" and celebration.payload["story_id"] == story.id
    assert len(notes("story.hero_note", recipient=shop["priya"])) == 1


def test_the_celebration_goes_to_the_configured_channel(shop, app):
    app.config["SLACK_HEROES_CHANNEL"] = "#kudos"
    story = make_story(shop["sam"], [shop["priya"]], approve_by=shop["manager"])
    [celebration] = notes("story.celebration")
    assert celebration.channel == "#kudos" and story.state == "approved"


def test_approving_twice_says_who_already_approved_and_changes_nothing(shop, client, login, post_form):
    story = make_story(shop["sam"], [shop["priya"]])
    login(shop["manager"])
    page = f"/heroes/{story.id}"
    post_form(f"/heroes/{story.id}/approve", {}, page=page)
    html = client.get(page).get_data(as_text=True)
    token_page = html
    from tests.conftest import csrf_token_from

    response = client.post(f"/heroes/{story.id}/approve", data={"csrf_token": csrf_token_from(token_page)},
                           follow_redirects=True)
    assert "Already approved by Maya Lindqvist." in response.get_data(as_text=True)
    assert len(notes("story.celebration")) == 1 and len(notes("story.decided")) == 1


def test_someone_who_may_not_decide_is_refused_and_nothing_changes(shop, signed_in, post_form):
    story = make_story(shop["sam"], [shop["priya"]])
    other = signed_in(make_user(team=shop["team"], name="Olga Other"))
    assert other.get(f"/heroes/{story.id}").status_code == 403
    sam = signed_in(shop["sam"])  # the nominator sees it but may not approve their own nomination
    page = sam.get(f"/heroes/{story.id}").get_data(as_text=True)
    assert "Approve and celebrate" not in page
    response = post_form(f"/heroes/{story.id}/approve", {}, page=f"/heroes/{story.id}", follow_redirects=True,
                         test_client=sam)
    assert "You may not decide on this story." in response.get_data(as_text=True)
    db.session.refresh(story)
    assert story.state == "pending" and notes("story.celebration") == []


def test_a_hero_who_manages_the_team_is_not_the_approver(app):
    from recognition.stories.approvers import approvers_for

    stores = make_team("stores")
    shop = make_team("shop", parent=stores)
    head = make_manager(stores, name="Harriet Head")
    maya = make_manager(shop, name="Maya Lindqvist")
    zoe = make_manager(shop, name="Zoe Second")
    sam = make_user(team=shop, name="Sam Okafor")
    story = make_story(sam, [maya])
    assert approvers_for(story) == [zoe] and story.approver == zoe
    story2 = make_story(sam, [maya, zoe])
    assert approvers_for(story2) == [head]


def test_decline_needs_a_reason_and_tells_the_nominator(shop, client, login, post_form, signed_in):
    story = make_story(shop["sam"], [shop["priya"]])
    login(shop["manager"])
    page = f"/heroes/{story.id}"
    response = post_form(f"/heroes/{story.id}/decline", {"reason": "  "}, page=page)
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    db.session.refresh(story)
    assert story.state == "pending"
    post_form(f"/heroes/{story.id}/decline", {"reason": "Tell me about a customer moment <b>please</b>"}, page=page)
    db.session.refresh(story)
    assert story.state == "pending"  # HTML refused
    post_form(f"/heroes/{story.id}/decline", {"reason": "Tell me about a customer moment."}, page=page)
    db.session.refresh(story)
    assert story.state == "declined" and story.decline_reason == "Tell me about a customer moment."
    [decided] = notes("story.decided", recipient=shop["sam"])
    assert decided.payload["outcome"] == "declined" and "Tell me about a customer moment." in decided.text
    assert notes("story.celebration") == [] and notes("story.hero_note") == []
    sam = signed_in(shop["sam"])
    html = sam.get(page).get_data(as_text=True)
    assert "Declined" in html and "Tell me about a customer moment." in html
    assert sam.get("/heroes").get_data(as_text=True).count(f'id="story-{story.id}"') == 0


def test_the_story_page_words_the_decision_as_refusals_do_with_names_escaped(signed_in):
    team = make_team("shop", "The Shop")
    manager = make_manager(team, name="Maya <i>Lindqvist</i>")
    sam = make_user(team=team, name="Sam Okafor")
    approved = make_story(sam, [make_user(team=team, name="Priya Sharma")], approve_by=manager)
    declined = make_story(sam, [make_user(team=team, name="Ola Berg")])
    decline(declined, manager, "Tell me about a customer moment.")
    db.session.commit()
    escaped = "Maya &lt;i&gt;Lindqvist&lt;/i&gt;"
    assert decision_words(declined) == "declined by Maya <i>Lindqvist</i>"
    page = signed_in(sam).get(f"/heroes/{declined.id}").get_data(as_text=True)
    assert f"<strong>Declined</strong> by {escaped} on " in page and "<i>Lindqvist" not in page
    page = signed_in(sam).get(f"/heroes/{approved.id}").get_data(as_text=True)
    assert re.search(rf"· approved [^<]+ by {re.escape(escaped)}</span>", page) and "<i>Lindqvist" not in page


def test_the_approver_edits_before_approving(shop, client, login, post_form):
    story = make_story(shop["sam"], [shop["priya"]], text="Short.")
    login(shop["manager"])
    response = post_form(f"/heroes/{story.id}/edit", {
        "heroes": [shop["priya"].id], "text": "Priya stayed late to fix a customer's order.",
        "kind": "recovery", "values": value_ids(2)})
    assert response.status_code == 302
    db.session.refresh(story)
    assert story.text == "Priya stayed late to fix a customer's order." and story.kind == "recovery"
    assert len(story.values) == 2 and story.state == "pending"
    response = post_form(f"/heroes/{story.id}/edit", {"heroes": [shop["priya"].id], "text": "",
                                                      "kind": "recovery", "values": value_ids(2)})
    assert response.status_code == 400
    db.session.refresh(story)
    assert story.text.startswith("Priya stayed late")


def test_a_decided_story_can_no_longer_be_edited(shop, client, login, post_form):
    story = make_story(shop["sam"], [shop["priya"]], approve_by=shop["manager"])
    login(shop["manager"])
    response = client.get(f"/heroes/{story.id}/edit", follow_redirects=True)
    assert "can no longer be edited" in response.get_data(as_text=True)


def test_home_lists_a_managers_pending_approvals(shop, signed_in):
    make_story(shop["sam"], [shop["priya"]])
    html = signed_in(shop["manager"]).get("/").get_data(as_text=True)
    assert "Hero stories to approve" in html and "Priya Sharma" in html
    assert "Hero stories to approve" not in signed_in(shop["priya"]).get("/").get_data(as_text=True)


def test_nominating_with_feedback_someone_may_not_see_is_refused(shop, login, post_form):
    from tests.stories.factories import customer_says

    other = make_team("other")
    make_user(team=other, name="Kenji Tanaka")
    feedback = customer_says(other, "Kenji was lovely")
    login(shop["sam"])
    response = nominate(post_form, [shop["priya"]], feedback_id=feedback.id)
    assert response.status_code == 400
    assert "cannot be used as evidence" in response.get_data(as_text=True) and stories() == []


def test_script_in_names_and_stories_is_shown_as_text(shop, client, login, post_form):
    evil = make_user(team=shop["team"], name="<img src=x onerror=alert(1)>")
    make_story(shop["manager"], [evil], text="A normal story & more.")
    login(shop["sam"])
    html = client.get("/heroes").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert "A normal story &amp; more." in html
