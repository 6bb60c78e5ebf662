"""Each person's data under their control: /account/data exports everything about me (JSON, or a
zip of CSV files), keeps others' data and my anonymous words out, and each export is in the audit
log admins read."""
from __future__ import annotations

import io
import json
import zipfile

from engagement.ideas.models import Idea, IdeaComment, IdeaVote
from flashpoint.extensions import db
from flashpoint.outbox.services import record_notification
from flashpoint.people.models import AuditEvent
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import customer_says, make_story


def _plant():
    team = make_team("shop", "The Shop")
    maya = make_manager(team, name="Maya Lindqvist")
    priya = make_user(team=team, name="Priya Sharma")
    other = make_user(team=team, name="Kenji Tanaka")
    customer_says(team, "Priya found my size, call me on 020 7946 0958")
    make_story(maya, [priya], text="Priya stayed late for a customer.", approve_by=maya)
    make_story(maya, [other], text="Kenji's own story.", approve_by=maya)
    named = Idea(title="Refill station by the door", team_id=team.id, submitter_id=priya.id, kind="idea")
    hidden = Idea(title="Unlock the fitting rooms", team_id=team.id, submitter_id=priya.id, kind="idea",
                  anonymous=True)
    db.session.add_all([named, hidden])
    db.session.flush()
    db.session.add_all([IdeaVote(idea_id=named.id, user_id=priya.id),
                        IdeaComment(idea_id=named.id, author_id=priya.id, body="Happy to try it first."),
                        IdeaComment(idea_id=hidden.id, author_id=priya.id, body="As its author: thanks!",
                                    as_anonymous_author=True)])
    record_notification("pulse.invitation", "Your pulse is open", "Five questions.", recipient=priya,
                        secret_url="http://flashpoint.test/pulse/secret-token-123")
    db.session.commit()
    return priya


def test_my_data_holds_everything_about_me_and_nothing_else(app, client, login):
    priya = _plant()
    login(priya)
    response = client.get("/account/data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"][0]["email"] == priya.email and data["profile"][0]["team"] == "The Shop"
    assert [s["text"] for s in data["hero_stories"]] == ["Priya stayed late for a customer."]
    assert data["praise_about_me"][0]["words"] == "Priya found my size, call me on [phone]"
    assert [i["title"] for i in data["ideas"]] == ["Refill station by the door"]
    assert data["idea_votes"][0]["idea"] == "Refill station by the door"
    assert [c["comment"] for c in data["idea_comments"]] == ["Happy to try it first."]
    assert "Your pulse is open" in [n["subject"] for n in data["notifications"]]
    text = response.get_data(as_text=True)
    for absent in ("Kenji's own story", "Unlock the fitting rooms", "As its author", "secret-token-123"):
        assert absent not in text


def test_my_data_as_csv_files_and_the_audit_log(app, client, login):
    priya = _plant()
    login(priya)
    response = client.get("/account/data?format=csv")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert {"profile.csv", "hero_stories.csv", "praise_about_me.csv", "ideas.csv", "idea_votes.csv",
            "idea_comments.csv", "notifications.csv"} <= set(archive.namelist())
    assert "Refill station by the door" in archive.read("ideas.csv").decode()
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert [(e.action, e.actor_label, e.subject_label, e.detail) for e in events] == [
        ("data export", "Priya Sharma", "Priya Sharma", "format csv")]
    admin = login(make_user("admin", name="Ada Admin"), test_client=app.test_client())
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert "data export" in html and "Priya Sharma" in html and "format csv" in html


def test_only_admins_read_the_audit_log(app, client, login):
    login(make_user("hr", name="Harriet HR"))
    assert client.get("/admin/audit").status_code == 403
