"""The hero wall: approved public stories, filters, search, pages, claps, quoting, privacy, insights."""
from datetime import timedelta

import pytest

from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from recognition.stories.models import Clap, HeroStory
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import customer_says, make_story, notes, values


@pytest.fixture
def org(app):
    shop = make_team("shop", "The Shop")
    care = make_team("care", "Care Desk")
    return {
        "shop": shop, "care": care,
        "maya": make_manager(shop, name="Maya Lindqvist"),
        "carl": make_manager(care, name="Carl Care"),
        "priya": make_user(team=shop, name="Priya Sharma"),
        "sam": make_user(team=shop, name="Sam Okafor"),
        "kenji": make_user(team=care, name="Kenji Tanaka"),
    }


def story_ids(html):
    import re

    return [int(n) for n in re.findall(r'<article class="story-card[^"]*" id="story-(\d+)"', html)]


def test_wall_shows_approved_stories_newest_first_and_not_pending_ones(org, signed_in):
    older = make_story(org["maya"], [org["priya"]], text="Older story")
    older.approved_at = utcnow() - timedelta(days=3)
    newer = make_story(org["carl"], [org["kenji"]], text="Newer story")
    pending = make_story(org["sam"], [org["priya"]], text="Pending story")
    db.session.commit()
    html = signed_in(org["sam"]).get("/heroes").get_data(as_text=True)
    assert story_ids(html) == [newer.id, older.id] and pending.state == "pending"
    assert "Pending story" not in html


def test_filters_by_team_value_kind_period_and_search(org, signed_in):
    v1, v2 = values()[:2]
    a = make_story(org["maya"], [org["priya"]], text="Carried the shopping", kind="proactive")
    b = make_story(org["carl"], [org["kenji"]], text="Fixed the refund", kind="recovery")
    b.values = [v2]
    a.values = [v1]
    old = make_story(org["maya"], [org["sam"]], text="Long ago")
    old.approved_at = utcnow() - timedelta(days=200)
    old.values = [v2]
    db.session.commit()
    c = signed_in(org["sam"])
    assert story_ids(c.get(f"/heroes?team={org['care'].id}").get_data(as_text=True)) == [b.id]
    assert story_ids(c.get(f"/heroes?value={v1.id}").get_data(as_text=True)) == [a.id]
    assert story_ids(c.get("/heroes?kind=recovery").get_data(as_text=True)) == [b.id]
    assert old.id not in story_ids(c.get("/heroes?period=90d").get_data(as_text=True))
    assert story_ids(c.get("/heroes?q=refund").get_data(as_text=True)) == [b.id]
    assert story_ids(c.get("/heroes?q=kenji").get_data(as_text=True)) == [b.id]
    html = c.get("/heroes?q=nothing-like-this").get_data(as_text=True)
    assert "No story matches." in html
    assert c.get("/heroes?team=abc&value=x&page=zz").status_code == 200


def test_wall_pages_twelve_stories_at_a_time(org, signed_in):
    for n in range(14):
        make_story(org["maya"], [org["priya"]], text=f"Story number {n}")
    c = signed_in(org["sam"])
    first = c.get("/heroes").get_data(as_text=True)
    assert len(story_ids(first)) == 12 and "Page 1 of 2" in first
    assert len(story_ids(c.get("/heroes?page=2").get_data(as_text=True))) == 2


def test_empty_wall_invites_a_nomination(org, signed_in):
    html = signed_in(org["sam"]).get("/heroes").get_data(as_text=True)
    assert "No hero stories yet." in html and 'href="/heroes/new"' in html


def test_claps_once_per_person_and_can_be_taken_back(org, signed_in, post_form):
    story = make_story(org["maya"], [org["priya"]])
    sam, kenji = signed_in(org["sam"]), signed_in(org["kenji"])
    for _ in range(2):
        post_form(f"/heroes/{story.id}/clap", {}, page="/heroes", test_client=sam)
    post_form(f"/heroes/{story.id}/clap", {}, page="/heroes", test_client=kenji)
    claps = db.session.scalars(db.select(Clap)).all()
    assert sorted(c.user_id for c in claps) == sorted([org["sam"].id, org["kenji"].id])
    assert {c.source for c in claps} == {"web"}
    html = sam.get(f"/heroes/{story.id}").get_data(as_text=True)
    assert "👏</span> <span class=\"clap-count\" data-clap-count>2</span>" in html
    post_form(f"/heroes/{story.id}/clap", {"undo": "1"}, page="/heroes", test_client=sam)
    assert db.session.scalar(db.select(db.func.count(Clap.id))) == 1


def test_clap_answers_json_to_the_script(org, signed_in):
    from tests.conftest import csrf_token_from

    story = make_story(org["maya"], [org["priya"]])
    sam = signed_in(org["sam"])
    token = csrf_token_from(sam.get("/heroes").get_data(as_text=True))
    response = sam.post(f"/heroes/{story.id}/clap", data={"csrf_token": token},
                        headers={"Accept": "application/json"})
    assert response.get_json() == {"count": 1, "clapped": True}


def test_a_clap_without_csrf_or_on_a_pending_story_is_refused(org, signed_in):
    from tests.conftest import csrf_token_from

    approved = make_story(org["maya"], [org["priya"]])
    pending = make_story(org["sam"], [org["priya"]])
    sam = signed_in(org["sam"])
    assert sam.post(f"/heroes/{approved.id}/clap").status_code == 400
    token = csrf_token_from(sam.get("/heroes").get_data(as_text=True))
    assert sam.post(f"/heroes/{pending.id}/clap", data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Clap.id))) == 0


def test_customer_words_are_quoted_on_the_wall_and_channel_only_with_consent_names_redacted(org, signed_in):
    with_consent = customer_says(org["shop"], "Priya helped my husband Tom choose a gift. Email tom@example.com",
                                 consent=True)
    without = customer_says(org["shop"], "Sam was kind to my mother Margaret.", consent=False)
    quoted = make_story(org["maya"], [org["priya"]], feedback=with_consent)
    unquoted = make_story(org["maya"], [org["sam"]], feedback=without)
    html = signed_in(org["kenji"]).get("/heroes").get_data(as_text=True)
    assert "Priya helped my husband [name] choose a gift. Email [email]" in html
    assert "Tom" not in html and "tom@example.com" not in html
    assert "Margaret" not in html and "Sam was kind" not in html
    assert "This story came from customer feedback." in html
    by_story = {n.payload["story_id"]: n for n in notes("story.celebration")}
    assert by_story[quoted.id].quote == "Priya helped my husband [name] choose a gift. Email [email]"
    assert by_story[unquoted.id].quote is None
    # The hero reads the words verbatim (contacts redacted), consent or not.
    [note] = notes("story.hero_note", recipient=org["sam"])
    assert note.quote == "Sam was kind to my mother Margaret."
    page = signed_in(org["sam"]).get(f"/heroes/{unquoted.id}").get_data(as_text=True)
    assert "Sam was kind to my mother Margaret." in page
    other = signed_in(org["kenji"]).get(f"/heroes/{unquoted.id}").get_data(as_text=True)
    assert "Margaret" not in other and "This story came from customer feedback." in other


def test_a_private_hero_is_celebrated_only_to_them_and_their_manager(org, signed_in):
    org["priya"].private_recognition = True
    db.session.commit()
    story = make_story(org["sam"], [org["priya"]], text="Quietly brilliant", approve_by=org["maya"])
    assert story.state == "approved"
    assert notes("story.celebration", channel="#heroes") == []
    [to_manager] = notes("story.celebration", recipient=org["maya"])
    assert to_manager.payload["private"] is True
    assert len(notes("story.hero_note", recipient=org["priya"])) == 1
    kenji = signed_in(org["kenji"])
    assert "Quietly brilliant" not in kenji.get("/heroes").get_data(as_text=True)
    assert kenji.get(f"/heroes/{story.id}").status_code == 403
    assert "Quietly brilliant" in signed_in(org["priya"]).get(f"/heroes/{story.id}").get_data(as_text=True)
    assert "Quietly brilliant" in signed_in(org["maya"]).get(f"/heroes/{story.id}").get_data(as_text=True)


@pytest.mark.both_databases
def test_a_story_with_one_private_hero_stays_off_the_wall(org, signed_in):
    org["sam"].private_recognition = True
    db.session.commit()
    make_story(org["maya"], [org["priya"], org["sam"]], text="Two heroes, one private")
    assert "Two heroes, one private" not in signed_in(org["kenji"]).get("/heroes").get_data(as_text=True)
    assert notes("story.celebration", channel="#heroes") == []


def test_balance_nudges_a_manager_when_recoveries_are_more_than_half(org, signed_in):
    make_story(org["maya"], [org["priya"]], kind="recovery")
    make_story(org["maya"], [org["sam"]], kind="recovery")
    make_story(org["maya"], [org["priya"]], kind="proactive")
    old = make_story(org["maya"], [org["priya"]], kind="proactive")
    old.approved_at = utcnow() - timedelta(days=120)  # outside the 90 days
    db.session.commit()
    html = signed_in(org["maya"]).get("/heroes").get_data(as_text=True)
    assert "Proactive or recovery?" in html
    assert "The Shop: 1 proactive, 2 recovery" in html
    assert "Recoveries are 67% here." in html
    assert "Proactive or recovery?" not in signed_in(org["sam"]).get("/heroes").get_data(as_text=True)


def test_no_nudge_when_recoveries_are_exactly_half(org, signed_in):
    make_story(org["maya"], [org["priya"]], kind="recovery")
    make_story(org["maya"], [org["sam"]], kind="proactive")
    html = signed_in(org["maya"]).get("/heroes").get_data(as_text=True)
    assert "The Shop: 1 proactive, 1 recovery" in html and "Recoveries are" not in html


def test_unsung_heroes_lists_praised_but_uncelebrated_and_unrecognised_people(org, signed_in):
    celebrated = customer_says(org["shop"], "Priya was wonderful")
    customer_says(org["shop"], "Sam was wonderful")
    customer_says(org["shop"], "Sam again, just great")
    make_story(org["maya"], [org["priya"]], feedback=celebrated)
    html = signed_in(org["maya"]).get("/heroes").get_data(as_text=True)
    section = html[html.index("Unsung heroes"):]
    praised = section[section.index("Praised by customers"):section.index("Not recognised")]
    assert "Sam Okafor" in praised and "2 mentions" in praised and "Priya Sharma" not in praised
    unrecognised = section[section.index("Not recognised in 90 days"):]
    assert "Sam Okafor" in unrecognised and "Priya Sharma" not in unrecognised.split("</section>")[0]
    assert "Kenji Tanaka" not in section  # another manager's team


def test_story_page_is_404_for_a_missing_story(org, signed_in):
    assert signed_in(org["sam"]).get("/heroes/999").status_code == 404


def test_story_approved_signal_is_sent(org):
    from recognition.signals import story_approved

    seen = []

    def receiver(sender, story, **_):
        seen.append(story.id)

    story_approved.connect(receiver)
    try:
        story = make_story(org["sam"], [org["priya"]], approve_by=org["maya"])
    finally:
        story_approved.disconnect(receiver)
    assert seen == [story.id]


@pytest.mark.both_databases
def test_a_team_or_value_id_beyond_any_row_is_ignored_not_a_500(org, signed_in):
    story = make_story(org["maya"], [org["priya"]], text="Carried the shopping")
    db.session.commit()
    c = signed_in(org["sam"])
    for query in ("team=99999999999999999999", "value=99999999999999999999", "team=-5"):
        response = c.get(f"/heroes?{query}")
        assert response.status_code == 200, query
        assert story_ids(response.get_data(as_text=True)) == [story.id]


def test_hr_home_and_wall_share_one_count_of_unsung_heroes(org, app):
    """HR's lists span the organisation: the home page's first 5 and the wall's first 15 come from
    one computation, kept a minute, and are the first of what each would count alone."""
    from recognition.stories.wall import unsung_heroes
    from tests.sqlcount import count_statements

    hr = make_user("hr")
    for n in range(7):
        person = make_user(team=org["shop"], name=f"Person {n}")
        for _ in range(n + 1):
            customer_says(org["shop"], f"{person.name} was wonderful")
    db.session.commit()
    app.extensions.pop("recognition.hr_cache", None)
    alone = {limit: unsung_heroes(hr, limit=limit, now=utcnow()) for limit in (5, 15)}  # not kept: computed
    wall = unsung_heroes(hr, limit=15)
    with count_statements() as counted:
        home = unsung_heroes(hr, limit=5)
    assert len(counted) <= 2, counted  # the teams, the people shown: no count again
    for limit, found in ((5, home), (15, wall)):
        assert [(u.user.id, u.praise_count) for u in found.praised] == [
            (u.user.id, u.praise_count) for u in alone[limit].praised]
        assert [u.id for u in found.unrecognised] == [u.id for u in alone[limit].unrecognised]
        assert (found.praised_total, found.unrecognised_total) == (
            alone[limit].praised_total, alone[limit].unrecognised_total)
    assert len(home.praised) == 5 and len(wall.praised) == 7
