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


def _counts():
    from recognition.praise.models import PraiseMatch
    from recognition.stories.models import HeroStory

    return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (HeroStory, PraiseMatch, Idea, IdeaVote, IdeaComment)}


def test_erasing_a_leaver_removes_their_personal_data_and_keeps_what_they_did(app, runner):
    from recognition.feedback.models import Feedback
    from recognition.stories.models import HeroStory
    from flashpoint.outbox.models import Notification

    priya = _plant()
    priya.slack_user_id, priya.nicknames = "UPRIYA1", "Pri"
    db.session.commit()
    before = _counts()
    result = runner.invoke(args=["erase-person", priya.email, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    person = db.session.get(type(priya), priya.id)
    assert person.name == "A former colleague" and person.email.endswith("@erased.invalid")
    assert person.slack_user_id is None and not person.active and person.password_hash is None
    assert _counts() == before  # every story, praise match, idea, vote and comment still counts
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.recipient_id == priya.id)) == 0
    words = " ".join(f.comment for f in db.session.scalars(db.select(Feedback)))
    stories = " ".join(s.text for s in db.session.scalars(db.select(HeroStory)))
    assert "Priya" not in words and "[name] found my size" in words
    assert "Priya" not in stories and "[name] stayed late" in stories
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "erasure")).all()
    assert event.subject_label == "A former colleague" and "Priya" not in event.detail


def test_the_admin_page_erases_and_refuses_erasing_oneself(app, client, login, post_form):
    priya = _plant()
    admin = make_user("admin", name="Ada Admin")
    login(admin)
    response = post_form(f"/admin/people/{admin.id}/erase", {}, page=f"/admin/people/{priya.id}")
    assert response.status_code == 302
    assert db.session.get(type(admin), admin.id).name == "Ada Admin"
    response = post_form(f"/admin/people/{priya.id}/erase", {}, page=f"/admin/people/{priya.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(priya), priya.id).name == "A former colleague"
    assert "erasure" in client.get("/admin/audit").get_data(as_text=True)


def test_erase_person_explains_an_unknown_address(app, runner):
    result = runner.invoke(args=["erase-person", "nobody@example.test", "--yes"])
    assert result.exit_code == 1 and "Nobody has the e-mail nobody@example.test" in result.output


def test_the_admin_overview_says_how_people_sign_in_tokens_and_the_log(app, client, login):
    from datetime import datetime

    from flashpoint.api.services import create_token

    team = make_team("shop")
    sso = make_user(team=team, name="Sam Sso")
    sso.oidc_subject, sso.last_login_at = "sub-1", datetime(2026, 12, 1)
    with_password = make_user(team=team, name="Pat Password")
    with_password.last_login_at = datetime(2026, 12, 2)
    make_user(team=team, name="Nina Never")
    create_token("Okta provisioning", ["feedback:write"])
    db.session.commit()
    login(make_user("admin", name="Ada Admin"))
    html = client.get("/admin").get_data(as_text=True)
    assert "<strong>1</strong> single sign-on" in html
    assert "<strong>2</strong> password" in html  # Pat, and the admin who just signed in
    assert "<strong>1</strong> never signed in" in html
    assert "Okta provisioning" in html and "never used" in html
