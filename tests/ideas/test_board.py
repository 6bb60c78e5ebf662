"""The board: my team or the organisation, filters, search, sorting, pagination; similar ideas;
the impact section; the home panel."""
import random
from datetime import timedelta

import pytest

from engagement.ideas import comments, submission, votes
from engagement.ideas.models import Idea
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from tests.factories import make_user
from tests.ideas.factories import make_idea, move


def _titles(html: str, *candidates) -> list[str]:
    found = [(html.index(t), t) for t in candidates if t in html]
    return [t for _, t in sorted(found)]


@pytest.mark.both_databases
def test_my_team_or_the_whole_organisation_and_filters_by_team_kind_status_and_tag(org, login, client):
    a = make_idea(org.staff, org.shop, title="Alpha bench for waiting parents", tags="comfort")
    b = make_idea(org.other, org.online, title="Bravo faster refunds", kind="obstacle", tags="refunds")
    c = make_idea(org.colleague, org.shop, title="Charlie name badges")
    move(c, org.boss, "planned", "Ordered.")
    login(org.staff)
    team = client.get("/ideas").get_data(as_text=True)            # default: my team
    assert a.title in team and c.title in team and b.title not in team
    everyone = client.get("/ideas?scope=org").get_data(as_text=True)
    assert all(i.title in everyone for i in (a, b, c))
    assert _titles(client.get("/ideas?scope=org&team=online").get_data(as_text=True), a.title, b.title, c.title) == [b.title]
    assert _titles(client.get("/ideas?scope=org&kind=obstacle").get_data(as_text=True), a.title, b.title, c.title) == [b.title]
    assert _titles(client.get("/ideas?scope=org&status=planned").get_data(as_text=True), a.title, b.title, c.title) == [c.title]
    assert _titles(client.get("/ideas?scope=org&tag=comfort").get_data(as_text=True), a.title, b.title, c.title) == [a.title]
    assert _titles(client.get("/ideas?scope=org&q=refunds").get_data(as_text=True), a.title, b.title, c.title) == [b.title]
    assert _titles(client.get("/ideas?scope=org&q=100%25").get_data(as_text=True), a.title, b.title, c.title) == []
    mine = client.get("/ideas?mine=1").get_data(as_text=True)
    assert _titles(mine, a.title, b.title, c.title) == [a.title]
    # Nonsense in the query string falls back to defaults instead of failing.
    assert client.get("/ideas?sort=drop+table&status=zzz&kind=1&page=x").status_code == 200


@pytest.mark.both_databases
def test_sorting_by_newest_most_votes_and_recently_updated(org, login, client):
    old = make_idea(org.staff, org.shop, title="Oldest idea with votes")
    mid = make_idea(org.staff, org.shop, title="Middle idea updated")
    new = make_idea(org.staff, org.shop, title="Newest idea")
    old.created_at = utcnow() - timedelta(days=3)
    mid.created_at = utcnow() - timedelta(days=2)
    for idea in (old, mid):
        idea.updated_at = idea.created_at
    db.session.commit()
    for person in (org.colleague, org.other, org.hr):
        votes.vote(old, person)
    votes.vote(mid, org.hr)
    comments.add_comment(mid, org.other, "Still wanted")
    db.session.commit()
    login(org.staff)
    titles = (old.title, mid.title, new.title)
    assert _titles(client.get("/ideas?scope=org").get_data(as_text=True), *titles) == [new.title, mid.title, old.title]
    assert _titles(client.get("/ideas?scope=org&sort=votes").get_data(as_text=True), *titles) == [old.title, mid.title, new.title]
    assert _titles(client.get("/ideas?scope=org&sort=updated").get_data(as_text=True), *titles)[0] == mid.title


def test_the_board_is_paginated(org, login, client):
    for n in range(23):
        submission.submit_idea(org.staff, title=f"Idea number {n:02d}", team=org.shop)
    db.session.commit()
    login(org.staff)
    first = client.get("/ideas?scope=org").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Idea number 22" in first and "Idea number 02" not in first
    second = client.get("/ideas?scope=org&page=2").get_data(as_text=True)
    assert "Idea number 02" in second and "Idea number 22" not in second
    assert client.get("/ideas?scope=org&page=99").status_code == 200


def test_the_export_follows_the_filters(org, login, client):
    make_idea(org.staff, org.shop, title="=HYPERLINK(\"http://evil\")", tags="a")
    make_idea(org.other, org.online, title="Other team idea")
    login(org.staff)
    response = client.get("/ideas/export.csv?scope=org&team=shop")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id,title,kind,team,status,votes,proposer,owner")
    assert len(lines) == 2 and "'=HYPERLINK" in lines[1] and "Sam Staff" in lines[1]


@pytest.mark.both_databases
def test_similar_ideas_are_found_while_typing_so_people_vote_instead(org, login, client):
    queue = make_idea(org.staff, org.shop, title="Long queues at the checkout on Saturdays")
    make_idea(org.staff, org.shop, title="Free parking for delivery vans")
    dup = make_idea(org.staff, org.shop, title="Checkout queue is too long")
    move(dup, org.boss, "duplicate", duplicate_of=queue)
    login(org.colleague)
    found = client.get("/ideas/similar?q=checkout+queues+long").get_json()["ideas"]
    assert [i["id"] for i in found] == [queue.id]          # duplicates are not offered
    assert found[0]["url"] == f"/ideas/{queue.id}" and "submitter" not in found[0]
    assert client.get("/ideas/similar?q=").get_json() == {"ideas": []}
    assert client.get("/ideas/similar?q=the+and+of").get_json() == {"ideas": []}
    html = client.get("/ideas/new").get_data(as_text=True)
    assert 'data-similar-url="/ideas/similar"' in html and "/static/js/ideas.js" in html
    assert "<script>" not in html.replace("<script src=", "")   # CSP: no inline script


def _feedback(team, when, scores, metric="csat"):
    for n, score in enumerate(scores):
        db.session.add(Feedback(external_id=f"fb-{team.slug}-{metric}-{when:%Y%m%d}-{n}-{random.random()}",
                                team=team, metric=metric, score=score, received_at=when, channel="api"))


@pytest.mark.both_databases
def test_an_implemented_idea_shows_before_and_after_customer_feedback_with_an_interval(org, login, client):
    idea = make_idea(org.staff, org.shop, title="Greeting at the door")
    implemented_on = (utcnow() - timedelta(weeks=10)).date()
    move(idea, org.boss, "implemented", "Done", implemented_on=implemented_on)
    at = db.session.get(Idea, idea.id).implemented_at
    _feedback(org.shop, at - timedelta(weeks=4), [5] * 10 + [2] * 10)     # 50 % before
    _feedback(org.shop, at + timedelta(weeks=4), [5] * 18 + [2] * 2)      # 90 % after
    _feedback(org.shop, at - timedelta(weeks=12), [1] * 30)               # outside the window
    _feedback(org.shop, at + timedelta(weeks=3), [8] * 4, metric="nps")
    db.session.commit()
    login(org.staff)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Did it help customers?" in html
    assert "50%" in html and "90%" in html and "+40.0" in html
    assert "20 feedback items" in html and "higher" in html
    done = client.get("/ideas/done").get_data(as_text=True)
    assert "Customers noticed: CSAT rose by 40 points in the 8 weeks after" in done and "the figures" in done
    nps = client.get(f"/ideas/{idea.id}?metric=nps").get_data(as_text=True)
    assert "Too little feedback to tell" in nps


@pytest.mark.both_databases
def test_the_home_page_shows_owners_what_waits_for_them_and_people_news_on_their_ideas(org, login, client, post_form):
    idea = make_idea(org.staff, org.shop, title="Umbrella stand at the entrance")
    login(org.boss)
    home = client.get("/").get_data(as_text=True)
    assert "Waiting for you (1)" in home and "Umbrella stand at the entrance" in home
    post_form(f"/ideas/{idea.id}/status", {"status": "planned", "message": "Ordered"}, page=f"/ideas/{idea.id}")
    post_form("/logout", {}, page="/ideas")
    login(org.staff)
    home = client.get("/").get_data(as_text=True)
    assert "News on ideas you are behind" in home and "Your ideas" in home and "planned" in home
    post_form("/logout", {}, page="/ideas")
    nobody = make_user("staff", org.online, name="New Person")
    login(nobody)
    assert "Umbrella stand" not in client.get("/").get_data(as_text=True)
