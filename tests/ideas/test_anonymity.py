"""An anonymous submitter is named nowhere — pages, export, JSON, outbox — yet hears every follow-up."""
import re

import pytest

from engagement.ideas import followers, votes
from engagement.ideas.models import Idea
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from tests.factories import make_user
from tests.ideas.factories import make_idea, move

SECRET_NAME = "Zelda Quillfeather"
SECRET_EMAIL = "zelda.quillfeather@example.test"


def _without_people_pickers(html: str) -> str:
    """The owner's "new owner" picker lists everyone who could be chosen, and the "implemented by"
    picker's no-script search offers the owner's team, the author among them, with no tie to the
    idea: they are left out of the search (the people credited, its chips, stay in)."""
    html = re.sub(r'<select[^>]*name="owner".*?</select>', "", html, flags=re.S)
    return re.sub(r'<noscript>\s*<div class="picker-fallback">.*?</noscript>', "", html, flags=re.S)


def _assert_hidden(text: str, where: str) -> None:
    text = _without_people_pickers(text)
    for secret in (SECRET_NAME, "Zelda", "Quillfeather", SECRET_EMAIL):
        assert secret not in text, f"{secret!r} appears in {where}"


@pytest.mark.both_databases
def test_the_anonymous_submitter_is_named_nowhere_yet_receives_every_follow_up(org, login, post_form, client):
    zelda = make_user("staff", org.shop, name=SECRET_NAME, email=SECRET_EMAIL)
    login(zelda)
    response = post_form("/ideas/new", {"title": "Let us greet customers by name at the till",
                                        "description": "Regulars love it.", "kind": "idea", "team": "shop",
                                        "tags": "greeting", "anonymous": "y"})
    assert response.status_code == 302
    idea = db.session.scalar(db.select(Idea))
    assert idea.anonymous and idea.submitter == zelda
    # The submitter sees that it is theirs; nobody else does.
    assert "proposed by you (anonymously" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    post_form(f"/ideas/{idea.id}/comments", {"body": "It works in my last job."}, page=f"/ideas/{idea.id}")
    post_form("/logout", {}, page="/ideas")

    votes.vote(idea, org.colleague)
    followers.follow(idea, org.other)
    db.session.commit()
    move(idea, org.boss, "under review", "Asking the store team.")
    move(idea, org.boss, "in progress", "Name badges for regulars' cards.")
    move(idea, org.boss, "implemented", "Live in all tills.", implementers=[org.colleague])

    # She heard about every change, as the anonymous author.
    mine = db.session.scalars(db.select(Notification).where(
        Notification.recipient_id == zelda.id, Notification.kind == "idea.status_changed")).all()
    assert len(mine) == 3
    assert all(n.anonymous_recipient and n.payload["relation"] == "submitter" for n in mine)
    everything = db.session.scalars(db.select(Notification)).all()
    for note in everything:
        _assert_hidden(note.subject + " " + note.text + " " + str(note.payload), f"notification {note.kind}")
    [party] = [n for n in everything if n.kind == "idea.celebration"]
    assert "proposed anonymously" in party.text and party.payload["proposer_id"] is None

    pages = [f"/ideas/{idea.id}", "/ideas?scope=org", "/ideas?scope=team", "/ideas?q=greet", "/ideas?tag=greeting",
             "/ideas?sort=votes&scope=org", "/ideas/done", "/ideas/export.csv?scope=org",
             "/ideas/similar?q=greet+customers+by+name", "/", "/notifications"]
    for viewer in (org.colleague, org.boss, org.hr, org.admin):
        login(viewer)
        for path in pages + (["/admin/outbox", "/admin/outbox?kind=idea.status_changed"] if viewer is org.admin else []):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            _assert_hidden(response.get_data(as_text=True), f"{path} seen by {viewer.name}")
        post_form("/logout", {}, page="/ideas")
    # She reads every follow-up in her own notifications, with the owner's words.
    login(zelda)
    mine_page = client.get("/notifications").get_data(as_text=True)
    assert "Asking the store team." in mine_page or "Live in all tills." in mine_page
    post_form("/logout", {}, page="/ideas")
    login(org.admin)
    outbox = client.get("/admin/outbox?kind=idea.status_changed").get_data(as_text=True)
    assert "the anonymous author" in outbox
    export = client.get("/ideas/export.csv?scope=org").get_data(as_text=True)
    assert "anonymous" in export.splitlines()[1]
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "The author (anonymous)" in page and "proposed by Anonymous" in page


def test_the_anonymous_submitter_is_not_named_to_the_owner_when_a_new_idea_arrives(org):
    zelda = make_user("staff", org.shop, name=SECRET_NAME, email=SECRET_EMAIL)
    make_idea(zelda, org.shop, anonymous=True)
    [note] = db.session.scalars(db.select(Notification).where(Notification.kind == "idea.assigned")).all()
    assert note.recipient == org.boss
    _assert_hidden(note.subject + note.text + str(note.payload), "the owner's notification")


def test_who_owns_an_anonymous_idea_says_nothing_about_who_proposed_it(org):
    """Were the proposer skipped when the owner is chosen, a manager's anonymous idea about their own
    team would go to the parent team's manager, and everyone would know a manager of the team wrote
    it. An anonymous idea goes to the owner any idea about its team goes to, whoever proposed it."""
    by_the_manager = make_idea(org.boss, org.shop, title="Rotas a week ahead", anonymous=True)
    by_staff = make_idea(org.staff, org.shop, title="Rotas two weeks ahead", anonymous=True)
    assert by_the_manager.owner == by_staff.owner == org.boss
    # Signed, the rule stays: nobody owns the idea they proposed.
    signed = make_idea(org.boss, org.shop, title="Rotas on the wall", anonymous=False)
    assert signed.owner == org.head


def test_an_anonymous_idea_and_its_authors_comments_are_dated_to_the_day(org, login, client):
    """The minute an anonymous idea or its author's comment was written could tell who was at a
    keyboard then: the page and the export show the day only; everyone else's comments keep their time."""
    from datetime import datetime

    from engagement.ideas import comments

    zelda = make_user("staff", org.shop, name=SECRET_NAME, email=SECRET_EMAIL)
    idea = make_idea(zelda, org.shop, title="Quiet hour on Tuesdays", anonymous=True)
    idea.created_at = idea.updated_at = datetime(2026, 3, 4, 13, 47, 21)
    comments.add_comment(idea, zelda, "I can run the first one.").created_at = datetime(2026, 3, 5, 14, 52, 9)
    comments.add_comment(idea, org.colleague, "Count me in.").created_at = datetime(2026, 3, 5, 16, 5, 0)
    db.session.commit()
    idea.updated_at = datetime(2026, 3, 5, 14, 52, 9)
    db.session.commit()
    login(org.colleague)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "04 Mar 2026" in page and "05 Mar 2026" in page
    assert "13:47" not in page and "14:52" not in page
    assert "05 Mar 2026, 16:05" in page  # a signed comment keeps its time
    export = client.get("/ideas/export.csv?scope=org").get_data(as_text=True)
    [row] = [line for line in export.splitlines() if "Quiet hour" in line]
    assert ",2026-03-04,2026-03-05," in row and "13:47" not in row and "14:52" not in row


def test_no_team_is_chosen_in_advance_for_a_new_idea(org, login, client):
    """Left on the proposer's own team by default, an anonymous idea would tell which team's page
    shows it first, and so where its author works: the web form (like the Slack modal) asks."""
    login(org.staff)
    html = client.get("/ideas/new?title=Lockers").get_data(as_text=True)
    team_select = re.search(r'<select[^>]*name="team".*?</select>', html, flags=re.S).group(0)
    assert 'value="shop"' in team_select and "selected" not in team_select.replace('value=""', "")
    assert 'value="Lockers"' in html


def test_the_owner_hears_of_an_anonymous_idea_hours_later_so_its_message_does_not_date_it(org, login, client):
    """Sent at once, the owner's message (its Slack time, its place in the notification list) would
    date the anonymous idea to the minute. It is held 1 to 4 hours, dated when it goes; a signed
    idea's message goes at once."""
    from datetime import timedelta

    from flashpoint.outbox.delivery import deliver_due

    zelda = make_user("staff", org.shop, name=SECRET_NAME, email=SECRET_EMAIL)
    idea = make_idea(zelda, org.shop, title="Water for dogs at the door", anonymous=True)
    signed = make_idea(org.staff, org.shop, title="A bench by the door")
    [held] = db.session.scalars(db.select(Notification).where(
        Notification.kind == "idea.assigned", Notification.payload["idea_id"].as_integer() == idea.id)).all()
    [at_once] = db.session.scalars(db.select(Notification).where(
        Notification.kind == "idea.assigned", Notification.payload["idea_id"].as_integer() == signed.id)).all()
    assert idea.created_at + timedelta(hours=1) <= held.created_at <= idea.created_at + timedelta(hours=4)
    assert held.next_attempt_at == held.created_at
    assert at_once.created_at - signed.created_at < timedelta(minutes=1)

    deliver_due(idea.created_at + timedelta(minutes=59))
    db.session.refresh(held)
    assert held.state == "pending"
    login(org.boss)
    page = client.get("/notifications").get_data(as_text=True)
    assert "A bench by the door" in page and "Water for dogs" not in page
    assert client.get(f"/notifications/{held.id}/open").status_code == 404
    deliver_due(held.created_at)
    db.session.refresh(held)
    assert held.state != "pending"
