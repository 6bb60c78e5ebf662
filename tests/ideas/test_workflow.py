"""Submitting, voting, following, commenting and moving ideas through the web, as people do."""
from datetime import timedelta

import pytest

from engagement.ideas.models import Idea, IdeaComment, IdeaEvent, IdeaFollower, IdeaVote
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from tests.ideas.factories import make_idea, move


def _notes(kind):
    return db.session.scalars(db.select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.id)).all()


def _count(model, **where):
    stmt = db.select(db.func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def test_staff_submits_an_idea_from_the_web_and_the_team_manager_owns_it(org, login, post_form, client):
    login(org.staff)
    response = post_form("/ideas/new", {"title": "  Water bowls for dogs at the door ", "description": "Owners wait outside.",
                                        "kind": "idea", "team": "shop", "tags": "Pets, entrance, pets"})
    assert response.status_code == 302
    idea = db.session.scalar(db.select(Idea))
    assert response.headers["Location"].endswith(f"/ideas/{idea.id}")
    assert idea.title == "Water bowls for dogs at the door"
    assert (idea.status, idea.owner, idea.submitter, idea.kind) == ("new", org.boss, org.staff, "idea")
    assert idea.tag_names == ["entrance", "pets"]
    [assigned] = _notes("idea.assigned")
    assert assigned.recipient == org.boss and assigned.payload["idea_id"] == idea.id
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Water bowls for dogs at the door" in page and "Maya Boss" in page


def test_an_idea_for_a_team_without_a_manager_goes_to_the_parent_team_manager_then_hr(org):
    assert make_idea(org.other, org.online).owner == org.head
    # A manager's own idea about their team goes up a level, as a story's approval would.
    assert make_idea(org.boss, org.shop, title="My own idea").owner == org.head
    org.dept.managers.clear()
    db.session.commit()
    assert make_idea(org.other, org.online, title="Another one").owner == org.hr


@pytest.mark.parametrize("title, message", [
    ("", "Give your idea a title."),
    ("   ", "Give your idea a title."),
    ("x" * 151, "At most 150 characters."),
])
def test_empty_or_oversized_titles_are_refused_and_nothing_is_stored(org, login, post_form, title, message):
    login(org.staff)
    response = post_form("/ideas/new", {"title": title, "kind": "idea", "team": "shop"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(Idea) == 0


def test_an_oversized_description_or_an_unknown_team_is_refused(org, login, post_form):
    login(org.staff)
    response = post_form("/ideas/new", {"title": "Fine", "description": "d" * 5001, "kind": "idea", "team": "shop"})
    assert response.status_code == 400
    response = post_form("/ideas/new", {"title": "Fine", "kind": "idea", "team": "nope"})
    assert response.status_code == 400 and "Choose one of the options offered." in response.get_data(as_text=True)
    assert _count(Idea) == 0


def test_one_vote_per_person_a_second_vote_is_refused_and_a_vote_can_be_withdrawn(org, login, post_form):
    idea = make_idea(org.staff, org.shop)
    login(org.colleague)
    page = f"/ideas/{idea.id}"
    assert post_form(f"/ideas/{idea.id}/vote", {}, page=page).status_code == 302
    response = post_form(f"/ideas/{idea.id}/vote", {}, page=page, follow_redirects=True)
    assert "You have already voted for this idea." in response.get_data(as_text=True)
    assert _count(IdeaVote, idea_id=idea.id) == 1
    response = post_form(f"/ideas/{idea.id}/unvote", {}, page=page, follow_redirects=True)
    assert "Your vote is withdrawn." in response.get_data(as_text=True)
    assert _count(IdeaVote, idea_id=idea.id) == 0


@pytest.mark.both_databases
def test_the_database_refuses_a_second_vote_row_even_when_two_clicks_race(org):
    from sqlalchemy.exc import IntegrityError

    idea = make_idea(org.staff, org.shop)
    db.session.add(IdeaVote(idea_id=idea.id, user_id=org.colleague.id))
    db.session.commit()
    db.session.add(IdeaVote(idea_id=idea.id, user_id=org.colleague.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _count(IdeaVote, idea_id=idea.id) == 1


def test_posting_without_a_csrf_token_is_refused(org, login, client):
    idea = make_idea(org.staff, org.shop)
    login(org.colleague)
    assert client.post(f"/ideas/{idea.id}/vote").status_code == 400
    assert _count(IdeaVote) == 0


def test_html_in_titles_descriptions_and_comments_is_shown_as_text(org, login, post_form, client):
    idea = make_idea(org.staff, org.shop, title="<script>alert('t')</script> queue",
                     description="<img src=x onerror=alert(1)>")
    login(org.colleague)
    post_form(f"/ideas/{idea.id}/comments", {"body": "<b>bold</b> <script>alert(2)</script>"}, page=f"/ideas/{idea.id}")
    assert _count(IdeaComment) == 1
    for path in (f"/ideas/{idea.id}", "/ideas?scope=org", "/ideas/done"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    # The similar-ideas answer is JSON (never rendered as HTML); ideas.js inserts it as text nodes.
    similar = client.get("/ideas/similar?q=script+alert+queue")
    assert similar.mimetype == "application/json"
    assert similar.get_json()["ideas"][0]["title"] == "<script>alert('t')</script> queue"
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.both_databases
def test_a_status_change_tells_submitter_voters_and_followers_once_each_with_the_owner_words(
        org, login, post_form):
    idea = make_idea(org.staff, org.shop)
    from engagement.ideas import followers, votes
    votes.vote(idea, org.colleague)
    followers.follow(idea, org.colleague)       # voter and follower: told once, as a voter
    followers.follow(idea, org.other)
    votes.vote(idea, org.staff)             # the submitter's own vote: told once, as submitter
    db.session.commit()
    login(org.boss)
    response = post_form(f"/ideas/{idea.id}/status", {"status": "planned", "message": "Bowls ordered for May."},
                         page=f"/ideas/{idea.id}")
    assert response.status_code == 302
    assert db.session.get(Idea, idea.id).status == "planned"
    notes = _notes("idea.status_changed")
    got = sorted((n.recipient.name, n.payload["relation"]) for n in notes)
    assert got == [("Cleo Colleague", "voter"), ("Omar Other", "follower"), ("Sam Staff", "submitter")]
    for note in notes:
        assert note.payload["idea_id"] == idea.id
        assert "Bowls ordered for May." in note.text and "Maya Boss" in note.text
        assert note.anonymous_recipient is False
    [event] = db.session.scalars(db.select(IdeaEvent)).all()
    assert (event.from_status, event.to_status, event.actor) == ("new", "planned", org.boss)


def test_declining_without_a_reason_is_refused_and_nothing_changes(org, login, post_form):
    idea = make_idea(org.staff, org.shop)
    login(org.boss)
    response = post_form(f"/ideas/{idea.id}/status", {"status": "declined", "message": "  "}, page=f"/ideas/{idea.id}")
    assert response.status_code == 400
    assert "Say why the idea is declined" in response.get_data(as_text=True)
    assert db.session.get(Idea, idea.id).status == "new"
    assert _count(IdeaEvent) == 0 and _notes("idea.status_changed") == []
    response = post_form(f"/ideas/{idea.id}/status", {"status": "declined", "message": "The fire code forbids it."},
                         page=f"/ideas/{idea.id}")
    assert response.status_code == 302 and db.session.get(Idea, idea.id).status == "declined"


def test_staff_cannot_change_a_status_not_even_by_posting_directly(org, login, client, post_form):
    idea = make_idea(org.staff, org.shop)
    login(org.staff)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Move it on" not in page
    # A forged post with a valid CSRF token taken from another page.
    response = post_form(f"/ideas/{idea.id}/status", {"status": "implemented", "message": "done"}, page="/ideas/new")
    assert response.status_code == 403
    response = post_form(f"/ideas/{idea.id}/owner", {"owner": org.staff.id}, page="/ideas/new")
    assert response.status_code == 403
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert (idea.status, idea.owner) == ("new", org.boss)
    assert _count(IdeaEvent) == 0


def test_a_manager_of_another_team_cannot_change_the_status_but_hr_can(org, login, post_form, client):
    idea = make_idea(org.staff, org.shop)
    from tests.factories import make_manager
    stranger = make_manager(org.online, name="Stella Stranger")
    login(stranger)
    assert post_form(f"/ideas/{idea.id}/status", {"status": "planned"}, page="/ideas/new").status_code == 403
    post_form("/logout", {}, page="/ideas")
    login(org.hr)
    response = post_form(f"/ideas/{idea.id}/status", {"status": "under review", "message": "Looking into it"},
                         page=f"/ideas/{idea.id}")
    assert response.status_code == 302
    assert db.session.get(Idea, idea.id).status == "under review"


@pytest.mark.both_databases
def test_duplicate_moves_votes_and_followers_and_refuses_itself_duplicates_and_unknown_ideas(org, login, post_form):
    from engagement.ideas import followers, votes
    original = make_idea(org.other, org.shop, title="Queue barrier at the tills")
    copy = make_idea(org.staff, org.shop, title="A barrier for the till queue")
    votes.vote(original, org.colleague)
    votes.vote(copy, org.colleague)        # voted for both: counted once on the original
    votes.vote(copy, org.hr)
    followers.follow(copy, org.admin)
    db.session.commit()
    login(org.boss)
    page = f"/ideas/{copy.id}"
    for target, message in ((copy.id, "cannot be a duplicate of itself"), (9999, "There is no idea #9999"),
                            ("", "Say which idea this one duplicates")):
        response = post_form(f"/ideas/{copy.id}/status", {"status": "duplicate", "duplicate_of": target}, page=page)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
        assert db.session.get(Idea, copy.id).status == "new"
    response = post_form(f"/ideas/{copy.id}/status", {"status": "duplicate", "duplicate_of": original.id,
                                                     "message": "Same idea, let us gather the votes."}, page=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Idea, copy.id).duplicate_of_id == original.id
    voters = set(db.session.scalars(db.select(IdeaVote.user_id).where(IdeaVote.idea_id == original.id)))
    assert voters == {org.colleague.id, org.hr.id}
    assert _count(IdeaVote, idea_id=copy.id) == 0
    followers = set(db.session.scalars(db.select(IdeaFollower.user_id).where(IdeaFollower.idea_id == original.id)))
    assert followers == {org.admin.id, org.staff.id}   # the duplicate's submitter follows the original
    told = {n.recipient_id for n in _notes("idea.status_changed")}
    assert told == {org.staff.id, org.colleague.id, org.hr.id, org.admin.id}
    assert all(n.link == f"/ideas/{original.id}" for n in _notes("idea.status_changed"))

    # A duplicate of a duplicate is refused; so is a loop back through the original.
    third = make_idea(org.colleague, org.shop, title="Till queue barrier please")
    response = post_form(f"/ideas/{third.id}/status", {"status": "duplicate", "duplicate_of": copy.id},
                         page=f"/ideas/{third.id}")
    assert response.status_code == 400 and "is itself a duplicate" in response.get_data(as_text=True)
    assert db.session.get(Idea, third.id).status == "new"
    # Voting on a duplicate is refused with a pointer to the original.
    response = post_form(f"/ideas/{copy.id}/vote", {}, page=page, follow_redirects=True)
    assert f"vote for #{original.id} instead" in response.get_data(as_text=True)


def test_marking_an_original_a_duplicate_repoints_earlier_duplicates_so_no_chain_or_cycle_forms(org):
    a = make_idea(org.staff, org.shop, title="A")
    b = make_idea(org.staff, org.shop, title="B")
    c = make_idea(org.staff, org.shop, title="C")
    move(b, org.boss, "duplicate", duplicate_of=a)
    move(a, org.boss, "duplicate", duplicate_of=c)
    db.session.expire_all()
    assert db.session.get(Idea, b.id).duplicate_of_id == c.id
    from engagement.ideas import errors, workflow
    with pytest.raises(errors.IdeaError, match="is itself a duplicate"):
        workflow.change_status(db.session.get(Idea, c.id), org.boss, "duplicate", duplicate_of=db.session.get(Idea, a.id))


def test_implementing_records_implementers_celebrates_in_the_heroes_channel_and_lists_it_as_done(
        org, login, post_form, client, app):
    idea = make_idea(org.staff, org.shop, title="Self-service returns kiosk", kind="obstacle")
    login(org.boss)
    response = post_form(f"/ideas/{idea.id}/status", {
        "status": "implemented", "message": "Live since Monday.",
        "implementers": [org.colleague.id, org.boss.id]}, page=f"/ideas/{idea.id}")
    assert response.status_code == 302
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert idea.implemented_at is not None
    assert {p.name for p in idea.implementers} == {"Cleo Colleague", "Maya Boss"}
    [party] = _notes("idea.celebration")
    assert party.channel == app.config["SLACK_HEROES_CHANNEL"] and party.recipient_id is None
    assert "Sam Staff" in party.text and "Cleo Colleague" in party.text and "Maya Boss" in party.text
    assert party.payload["proposer_id"] == org.staff.id
    html = client.get("/ideas/done").get_data(as_text=True)
    assert "Self-service returns kiosk" in html and "Obstacle removed" in html
    assert "Sam Staff" in html and "Cleo Colleague" in html and "Live since Monday." in html
    # Posting an update in the same status does not celebrate twice.
    move(idea, org.boss, "implemented", "Now in every store.")
    assert len(_notes("idea.celebration")) == 1


def test_an_implementation_date_in_the_future_is_refused(org, login, post_form):
    idea = make_idea(org.staff, org.shop)
    login(org.boss)
    from flashpoint.timeutil import utcnow
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    response = post_form(f"/ideas/{idea.id}/status", {"status": "implemented", "implemented_on": tomorrow},
                         page=f"/ideas/{idea.id}")
    assert response.status_code == 400 and "cannot be in the future" in response.get_data(as_text=True)
    assert db.session.get(Idea, idea.id).status == "new"


def test_the_owner_or_hr_can_hand_an_idea_to_another_manager_who_is_told(org, login, post_form):
    idea = make_idea(org.staff, org.shop)
    login(org.boss)
    response = post_form(f"/ideas/{idea.id}/owner", {"owner": org.head.id}, page=f"/ideas/{idea.id}")
    assert response.status_code == 302
    assert db.session.get(Idea, idea.id).owner == org.head
    assert [n.recipient for n in _notes("idea.assigned")][-1] == org.head
    # The former owner may no longer move it; staff are not offered as owners.
    assert post_form(f"/ideas/{idea.id}/status", {"status": "planned"}, page="/ideas/new").status_code == 403


@pytest.mark.both_databases
def test_an_idle_idea_reminds_its_owner_once_after_14_days(org, runner):
    idea = make_idea(org.staff, org.shop)
    start = idea.status_changed_at
    at = lambda days: (start + timedelta(days=days, minutes=5)).isoformat()  # noqa: E731
    runner.invoke(args=["tick", "--now", at(13)])
    assert _notes("idea.owner_reminder") == []
    runner.invoke(args=["tick", "--now", at(14)])
    runner.invoke(args=["tick", "--now", at(15)])
    runner.invoke(args=["tick", "--now", at(16)])
    [reminder] = _notes("idea.owner_reminder")
    assert reminder.recipient == org.boss and reminder.payload["idea_id"] == idea.id
    # A word from the owner starts a new quiet spell; closed ideas are never chased.
    done = make_idea(org.staff, org.shop, title="Closed one")
    move(done, org.boss, "declined", "No budget.")
    from engagement.ideas import owners
    owners.remind_owners(start + timedelta(days=40))
    db.session.commit()
    assert [n.payload["idea_id"] for n in _notes("idea.owner_reminder")] == [idea.id]


def test_comments_by_the_anonymous_author_are_shown_as_the_author(org, login, post_form, client):
    idea = make_idea(org.staff, org.shop, anonymous=True)
    login(org.staff)
    post_form(f"/ideas/{idea.id}/comments", {"body": "More detail from me"}, page=f"/ideas/{idea.id}")
    comment = db.session.scalar(db.select(IdeaComment))
    assert comment.as_anonymous_author
    assert "The author (anonymous)" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_an_empty_comment_is_refused(org, login, post_form):
    idea = make_idea(org.staff, org.shop)
    login(org.colleague)
    response = post_form(f"/ideas/{idea.id}/comments", {"body": "   "}, page=f"/ideas/{idea.id}")
    assert response.status_code == 400 and _count(IdeaComment) == 0


def test_unknown_ideas_answer_404_and_signed_out_people_are_sent_to_sign_in(org, login, client):
    assert client.get("/ideas").status_code == 302
    assert client.get("/ideas/1").status_code == 302
    login(org.staff)
    assert client.get("/ideas/12345").status_code == 404
