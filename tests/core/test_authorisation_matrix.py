"""The authorisation matrix: every route and method of the app × six people, each answer declared.

The routes come from the app's URL map, so a route added without a line in MATRIX fails
`test_every_route_has_a_declared_answer_for_every_role`, and a line left behind by a removed route
fails it too. Each role then requests every route on its own fresh copy of the demo organisation
(a request may change data: approving, voting, revoking) and must get exactly the declared answer.

Path arguments are objects of *the team* (the demo manager's team, where the demo staff member
works): a manager of another team addressing them by id must be refused. Whatever they are let
see, neither that manager nor the staff member finds the team's people's e-mail addresses in any
answer (lists and exports are scoped, not only guarded). `POST`s carry a valid
CSRF token and no other field, so what answers is the authorisation (and then the form's
validation), never the CSRF check.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from flashpoint.extensions import db
from tests.conftest import csrf_token_from
from tests.slack.helpers import fake_slack  # noqa: F401  (fixture)

ROLES = ("anon", "staff", "other", "manager", "hr", "admin")
ROLE_NAMES = {"anon": "anonymous", "staff": "staff of the team", "other": "manager of another team",
              "manager": "the team's manager", "hr": "HR", "admin": "admin"}

# Who: anon = signed out; staff = a staff member of the team; other = the manager of another team
# (same department); mgr = the team's manager; hr; admin.
# Answers: a status code; `login` = 302 to the sign-in page; `302` = any other redirect (done, or
# sent on); `302!` = a redirect with an error message (refused by the rules, or the empty form).
# Requests run in the order of this table, each role on its own copy of the demo, so a line may
# depend on the ones above it (vote, then unvote); `POST /logout` comes last: it ends the session.
MATRIX = """
method path                                           anon  staff other mgr   hr    admin
GET    /                                              login 200   200   200   200   200
GET    /account/data                                  login 200   200   200   200   200   # one's own data only
GET    /account/forgot                                200   200   200   200   200   200
GET    /account/password                              login 200   200   200   200   200
GET    /account/reset/<token>                         410   410   410   410   410   410   # an unknown link: gone
GET    /account/welcome/<token>                       410   410   410   410   410   410
GET    /admin                                         login 403   403   403   403   200
GET    /admin/api-tokens                              login 403   403   403   403   200
GET    /admin/audit                                   login 403   403   403   403   200
GET    /admin/outbox                                  login 403   403   403   403   200
GET    /admin/outbox/<notification_id>/email          login 403   403   403   403   200
GET    /admin/people                                  login 403   200   200   200   200   # managers: their own teams' people
GET    /admin/people.csv                              login 403   200   200   200   200
GET    /admin/people/<user_id>                        login 403   403   403   403   200
GET    /admin/people/import                           login 403   403   403   403   200
GET    /admin/people/new                              login 403   403   403   403   200
GET    /admin/sources                                 login 403   403   403   403   200
GET    /admin/teams                                   login 403   403   403   200   200
GET    /admin/teams/<team_id>                         login 403   403   403   200   200
GET    /admin/teams/new                               login 403   403   403   200   200
GET    /api/v1/insights/correlation                   401   401   401   401   401   401
GET    /api/v1/openapi.json                           200   200   200   200   200   200
GET    /scim/v2/ServiceProviderConfig                 401   401   401   401   401   401   # SCIM: a bearer token with the scope scim, never a session
GET    /scim/v2/Schemas                               401   401   401   401   401   401
GET    /scim/v2/Schemas/<schema_id>                   401   401   401   401   401   401
GET    /scim/v2/ResourceTypes                         401   401   401   401   401   401
GET    /scim/v2/ResourceTypes/<type_id>               401   401   401   401   401   401
GET    /scim/v2/Users                                 401   401   401   401   401   401
GET    /scim/v2/Users/<user_id>                       401   401   401   401   401   401
GET    /scim/v2/Groups                                401   401   401   401   401   401
GET    /scim/v2/Groups/<team_id>                      401   401   401   401   401   401
GET    /scim/v2/<unknown>                             401   401   401   401   401   401
GET    /f/<slug>                                      200   200   200   200   200   200
GET    /f/<slug>/thanks                               200   200   200   200   200   200
GET    /feedback                                      login 403   200   200   200   200
GET    /feedback/export.csv                           login 403   200   200   200   200
GET    /feedback/import                               login 403   403   403   200   200
GET    /healthz                                       200   200   200   200   200   200
GET    /heroes                                        login 200   200   200   200   200
GET    /heroes/<story_id>                             login 403   403   200   200   200   # pending: its heroes, nominator, approver, HR
GET    /heroes/<story_id>/edit                        login 403   403   200   403   403   # pending: its approver (and nominator)
GET    /heroes/approvals                              login 200   200   200   200   200
GET    /heroes/new                                    login 200   200   200   200   200
GET    /heroes/values                                 login 403   403   403   200   200
GET    /ideas                                         login 200   200   200   200   200
GET    /ideas/<idea_id>                               login 200   200   200   200   200
GET    /ideas/done                                    login 200   200   200   200   200
GET    /ideas/export.csv                              login 200   200   200   200   200
GET    /ideas/new                                     login 200   200   200   200   200
GET    /ideas/similar                                 login 200   200   200   200   200
GET    /insights                                      login 403   403   403   200   200
GET    /insights/data.json                            login 403   403   403   200   200
GET    /insights/export.csv                           login 403   403   403   200   200
GET    /insights/plotly-<fingerprint>.min.js          200   200   200   200   200   200
GET    /insights/plotly.min.js                        302   302   302   302   302   302   # the old name: on to the current file
GET    /login                                         200   302   302   302   302   302
GET    /login/oidc                                    404   404   404   404   404   404   # single sign-on is not set up in the demo
GET    /login/oidc/callback                           404   404   404   404   404   404
GET    /notifications                                 login 200   200   200   200   200
GET    /notifications/<notification_id>/open          login 302   404   404   404   404   # the staff member's own notification
GET    /notifications/unsubscribe/<token>             400   400   400   400   400   400
GET    /people/not-signed-in                          login 403   200   200   200   200
GET    /people/search                                 login 200   200   200   200   200   # names and teams, never e-mail addresses
GET    /praise                                        login 403   200   200   200   200
GET    /praise/me                                     login 200   200   200   200   200
GET    /pulse/<token>                                 410   410   410   410   410   410
GET    /pulses                                        login 403   200   200   200   200
GET    /pulses/comments/<comment_id>                  login 403   403   403   403   403   # the team is under the comments' threshold
GET    /pulses/export.csv                             login 403   200   200   200   200
GET    /pulses/items                                  login 403   403   403   200   200
GET    /pulses/schedules                              login 403   403   403   200   200
GET    /pulses/schedules/<schedule_id>                login 403   403   403   200   200
GET    /settings/notifications                        login 200   200   200   200   200
GET    /static/<filename>                             200   200   200   200   200   200
GET    /teams                                         login 403   200   200   200   200
GET    /teams/<slug>                                  login 403   403   200   200   200   # the team's own page: not another team's manager
GET    /teams/<slug>/poster                           login 403   403   200   200   200
GET    /teams/<slug>/qr.<kind>                        login 403   403   200   200   200
POST   /account/forgot                                200   200   200   200   200   200
POST   /account/password                              login 200   200   200   200   200
POST   /account/reset/<token>                         410   410   410   410   410   410
POST   /account/welcome/<token>                       410   410   410   410   410   410
POST   /admin/api-tokens                              login 403   403   403   403   200
POST   /admin/api-tokens/<token_id>/revoke            login 403   403   403   403   302
POST   /admin/outbox/<notification_id>/dismiss        login 403   403   403   403   302!  # 302!: delivered, nothing to dismiss
POST   /admin/outbox/<notification_id>/resend         login 403   403   403   403   302!
POST   /admin/people/<user_id>                        login 403   403   403   403   200
POST   /admin/people/<user_id>/active                 login 403   403   403   403   302
POST   /admin/people/import                           login 403   403   403   403   200
POST   /admin/people/new                              login 403   403   403   403   200
POST   /admin/teams/<team_id>                         login 403   403   403   200   200
POST   /admin/teams/new                               login 403   403   403   200   200
POST   /api/v1/feedback                               401   401   401   401   401   401
POST   /api/v1/webhooks/<name>                        401   401   401   401   401   401   # signed with the webhook's secret, never a session
POST   /scim/v2/Users                                 401   401   401   401   401   401
POST   /scim/v2/Users/.search                         401   401   401   401   401   401
POST   /scim/v2/Groups/.search                        401   401   401   401   401   401
POST   /scim/v2/.search                               401   401   401   401   401   401
PUT    /scim/v2/Users/<user_id>                       401   401   401   401   401   401
PATCH  /scim/v2/Users/<user_id>                       401   401   401   401   401   401
DELETE /scim/v2/Users/<user_id>                       401   401   401   401   401   401
POST   /scim/v2/Groups                                401   401   401   401   401   401
PUT    /scim/v2/Groups/<team_id>                      401   401   401   401   401   401
PATCH  /scim/v2/Groups/<team_id>                      401   401   401   401   401   401
DELETE /scim/v2/Groups/<team_id>                      401   401   401   401   401   401
POST   /scim/v2/<unknown>                             401   401   401   401   401   401
PUT    /scim/v2/<unknown>                             401   401   401   401   401   401
PATCH  /scim/v2/<unknown>                             401   401   401   401   401   401
DELETE /scim/v2/<unknown>                             401   401   401   401   401   401
POST   /f/<slug>                                      400   400   400   400   400   400
POST   /feedback/import                               login 403   403   403   400   400
POST   /heroes/<story_id>/edit                        login 403   403   400   403   403   # 400: the empty form
POST   /heroes/<story_id>/decline                     login 403   403   400   302!  302!  # 400: no reason given; 302!: only the approver decides
POST   /heroes/<story_id>/clap                        login 403   403   403   403   403   # not while pending
POST   /heroes/<story_id>/approve                     login 403   403   302   302!  302!  # the approver approves
POST   /heroes/new                                    login 400   400   400   400   400
POST   /heroes/values                                 login 403   403   403   400   400
POST   /ideas/<idea_id>/comments                      login 400   400   400   400   400
POST   /ideas/<idea_id>/owner                         login 403   403   400   400   400   # 400: the empty form
POST   /ideas/<idea_id>/status                        login 403   403   400   400   400
POST   /ideas/<idea_id>/follow                        login 302   302   302   302   302
POST   /ideas/<idea_id>/unfollow                      login 302   302   302   302   302
POST   /ideas/<idea_id>/vote                          login 302   302   302   302   302
POST   /ideas/<idea_id>/unvote                        login 302   302   302   302   302
POST   /ideas/new                                     login 400   400   400   400   400
POST   /login                                         200   302   302   302   302   302
POST   /notifications/<notification_id>/read          login 302   404   404   404   404   # someone else's: as if it did not exist
POST   /notifications/read-all                        login 302   302   302   302   302
POST   /notifications/unsubscribe/<token>             400   400   400   400   400   400
POST   /people/<user_id>/invite                       login 403   403   403   403   302!
POST   /people/invite-all                             login 403   403   403   403   200
POST   /people/sign-in-link                           login 403   403   403   403   302!
POST   /praise/<feedback_id>/confirm                  login 403   302!  302   302   302   # 302!: not their team's praise
POST   /praise/<feedback_id>/dismiss                  login 403   302!  302   302   302   # 302!: not their team's praise
POST   /praise/<feedback_id>/undismiss                login 403   302!  302   302   302   # 302!: not their team's praise
POST   /pulse/<token>                                 410   410   410   410   410   410
POST   /pulses/comments/<comment_id>                  login 403   403   403   403   403
POST   /pulses/items                                  login 403   403   403   422   422
POST   /pulses/items/<item_id>                        login 403   403   403   302!  302!
POST   /pulses/items/<item_id>/retire                 login 403   403   403   302   302
POST   /pulses/schedules                              login 403   403   403   422   422
POST   /pulses/schedules/<schedule_id>                login 403   403   403   422   422
POST   /pulses/schedules/<schedule_id>/toggle         login 403   403   403   302   302
POST   /pulses/send-now                               login 403   403   403   302!  302!
POST   /settings/notifications                        login 302   302   302   302   302
POST   /admin/people/<user_id>/erase                  login 403   403   403   403   302   # near the end: the person is erased
POST   /logout                                        login login login login login login # last: it ends the session
"""


@dataclass(frozen=True)
class Row:
    method: str
    path: str                 # the rule with converters dropped: /heroes/<story_id>
    expected: dict[str, str]  # role → answer


def _rows(table: str) -> list[Row]:
    lines = [line.split("#")[0].split() for line in table.strip().splitlines()]
    header, body = lines[0], lines[1:]
    assert header == ["method", "path", "anon", "staff", "other", "mgr", "hr", "admin"], header
    rows = [Row(cells[0], cells[1], dict(zip(ROLES, cells[2:], strict=True))) for cells in body]
    keys = [(row.method, row.path) for row in rows]
    assert len(keys) == len(set(keys)), "a route is declared twice in MATRIX"
    return rows


# Routes that exist only when Slack is configured (the demo runs without it): Slack signs its
# requests; a session, whoever's, opens nothing.
SLACK_MATRIX = """
method path                                           anon  staff other mgr   hr    admin
POST   /slack/events                                  401   401   401   401   401   401
"""

ROWS = _rows(MATRIX)
SLACK_ROWS = _rows(SLACK_MATRIX)
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def _routes(app) -> set[tuple[str, str]]:
    """(method, path) for every rule of the URL map, HEAD and OPTIONS aside (Flask answers them)."""
    found = set()
    for rule in app.url_map.iter_rules():
        path = _CONVERTER.sub(r"<\1>", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    return found


def _undeclared(app) -> tuple[list, list]:
    """Routes of the app without a line in MATRIX, and lines without a route."""
    routes = _routes(app)
    declared = {(row.method, row.path) for row in ROWS}
    return sorted(routes - declared), sorted(declared - routes)


def test_every_route_has_a_declared_answer_for_every_role(demo_app):
    missing, stale = _undeclared(demo_app)
    assert not missing, ("routes without a line in MATRIX (declare who may use them): "
                         + ", ".join(f"{m} {p}" for m, p in missing))
    assert not stale, "lines in MATRIX for routes that no longer exist: " + ", ".join(f"{m} {p}" for m, p in stale)


def test_a_new_route_without_a_declaration_is_caught(demo_app):
    demo_app.add_url_rule("/teams/<int:team_id>/secrets", "probe.secrets", lambda team_id: "",
                          methods=["GET", "POST"])
    missing, _stale = _undeclared(demo_app)
    assert missing == [("GET", "/teams/<team_id>/secrets"), ("POST", "/teams/<team_id>/secrets")]


# Path arguments naming an object of the team (or the team itself).
TEAM_OBJECTS = {"story_id", "idea_id", "feedback_id", "user_id", "team_id", "slug", "comment_id", "schedule_id",
                "notification_id"}
ALLOWED = re.compile(r"^(200|302|400|422)$")  # let through (a 400/422: past the rules, the form is empty)


def test_another_teams_manager_gets_no_more_than_staff_on_the_teams_objects():
    """Objects of another team addressed by id are refused: wherever a manager of another team is
    let through on one of the team's objects, so is a staff member (the page is open to everyone
    signed in, like the idea board), and never the signed out."""
    for row in ROWS:
        if not TEAM_OBJECTS & set(re.findall(r"<(\w+)>", row.path)) or row.path.startswith(("/f/", "/static")):
            continue
        if ALLOWED.match(row.expected["other"]):
            assert ALLOWED.match(row.expected["staff"]), f"{row.method} {row.path}: only for its own team's managers"
            assert not ALLOWED.match(row.expected["anon"]), f"{row.method} {row.path}: open to the signed out"


# --- The people and the objects ----------------------------------------------------------------

def _people_and_objects() -> tuple[dict, dict[str, str]]:
    """The e-mail of each role's person (and under "team" its people's), and a value for each path
    argument, all about the team."""
    from engagement.ideas import submission
    from engagement.pulses.models import (PulseComment, PulseCommentAuthor, PulseCycle, PulseItem,
                                          PulseSchedule)
    from flashpoint.api.services import create_token
    from flashpoint.demo import DEMO_DOMAIN
    from flashpoint.outbox.models import Notification
    from flashpoint.people.models import Team, User, team_managers
    from recognition.praise.models import PraiseMatch
    from engagement.insights.views import plotly_file
    from recognition.stories import approvals

    manager = db.session.scalar(sa.select(User).where(User.email == f"manager@{DEMO_DOMAIN}"))
    staff = db.session.scalar(sa.select(User).where(User.email == f"staff@{DEMO_DOMAIN}"))
    team = manager.managed_teams[0]
    assert staff.team_id == team.id, "the demo's staff login works in its manager login's team"
    other = db.session.scalar(
        sa.select(User).join(team_managers, team_managers.c.user_id == User.id)
        .join(Team, Team.id == team_managers.c.team_id)
        .where(Team.parent_id == team.parent_id, Team.id != team.id, User.role == "manager").order_by(User.id))
    emails = {"staff": staff.email, "other": other.email, "manager": manager.email,
              "hr": f"hr@{DEMO_DOMAIN}", "admin": f"admin@{DEMO_DOMAIN}"}

    # Objects of the team that none of the six people wrote, nominated, or is the subject of: what
    # each may do with them follows from their role alone.
    people = [staff.id, other.id, manager.id] + list(db.session.scalars(
        sa.select(User.id).where(User.email.in_([emails["hr"], emails["admin"]]))))
    members = sa.select(User.id).where(User.team_id == team.id, User.id.not_in(people))
    # A story waiting for the team's manager, nominated by one colleague for another (the demo's
    # own pending stories all involve the demo staff login).
    nominator, hero = db.session.scalars(sa.select(User).where(User.id.in_(members), User.role == "staff")
                                         .order_by(User.id).limit(2)).all()
    story = approvals.nominate(nominator, [hero.id], "Stayed late to help a customer move house.", "proactive", [])
    assert story.approver_id == manager.id and story.is_pending
    # An idea of the team by a colleague, which none of the six has voted for or follows yet.
    idea = submission.submit_idea(nominator, team=team, title="A bench by the fitting rooms",
                                  description="Customers waiting for someone trying clothes on could sit.")
    assert idea.team_id == team.id and idea.owner_id == manager.id
    praised = db.session.scalar(sa.select(PraiseMatch).where(PraiseMatch.user_id.in_(members))
                                .order_by(PraiseMatch.feedback_id))
    colleague = db.session.scalar(sa.select(User).where(User.id.in_(members), User.role == "staff")
                                  .order_by(User.id))
    notification = db.session.scalar(sa.select(Notification.id).where(Notification.recipient_id == staff.id)
                                     .order_by(Notification.id))
    comment = db.session.scalar(
        sa.select(PulseComment.id).join(PulseCycle).join(PulseCommentAuthor)
        .where(PulseCycle.team_id == team.id, PulseCommentAuthor.user_id.in_(members)).order_by(PulseComment.id))
    schedule = db.session.scalar(sa.select(PulseSchedule.id).where(PulseSchedule.teams.contains(team))
                                 .order_by(PulseSchedule.id))
    item = db.session.scalar(sa.select(PulseItem.id).order_by(PulseItem.id))
    token, _secret = create_token("matrix probe", ["insights:read"])
    db.session.commit()
    found = {"story_id": story and story.id, "idea_id": idea and idea.id,
             "feedback_id": praised and praised.feedback_id, "praised_id": praised and praised.user_id,
             "user_id": colleague and colleague.id, "notification_id": notification, "comment_id": comment,
             "schedule_id": schedule, "item_id": item, "token_id": token.id}
    absent = [name for name, value in found.items() if value is None]
    assert not absent, f"the demo organisation has no object for {absent}"
    # What only the team's own managers, HR and admins may read: its people's e-mail addresses.
    emails["team"] = list(db.session.scalars(sa.select(User.email).where(User.team_id == team.id)))
    return emails, {**{k: str(v) for k, v in found.items()}, "team_id": str(team.id), "slug": team.slug,
                    "token": "not-a-real-token", "filename": "css/flashpoint.css", "kind": "svg",
                    "fingerprint": plotly_file()[1], "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User",
                    "type_id": "User", "unknown": "Nothing", "name": "typeform"}


def _url(path: str, values: dict[str, str]) -> str:
    return re.sub(r"<(\w+)>", lambda m: values[m.group(1)], path)


# The few POSTs whose rules are checked only once a field names what to act on: that field.
FIELDS = {
    ("POST", "/praise/<feedback_id>/confirm"): {"user_id": "<praised_id>"},
}


def _answer(client, response) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    if response.headers["Location"].startswith("/login"):
        return "login"
    # A redirect that flashed an error did not do what was asked (refused, or the empty form).
    with client.session_transaction() as session:
        flashed = session.pop("_flashes", [])
    return "302!" if any(category == "error" for category, _message in flashed) else "302"


def _sign_in(client, email: str) -> str:
    """Sign in through the form; the CSRF token of the new session, for the POSTs."""
    from flashpoint.demo import DEMO_PASSWORD

    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return csrf_token_from(client.get("/account/password").get_data(as_text=True))


def _walk(app, role: str, rows: list[Row]) -> list[str]:
    """Request every row as this role, in order; the rows whose answer differs from the declared one."""
    emails, values = _people_and_objects()
    client = app.test_client()
    if role == "anon":
        csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    else:
        csrf = _sign_in(client, emails[role])
    wrong = []
    for row in rows:
        url = _url(row.path, values)
        if row.method == "GET":
            response = client.get(url)
        else:
            fields = {k: _url(v, values) for k, v in FIELDS.get((row.method, row.path), {}).items()}
            response = client.open(url, method=row.method, data={**fields, "csrf_token": csrf})
        got = _answer(client, response)
        if got != row.expected[role]:
            wrong.append(f"{row.method} {row.path} ({url}): {got}, declared {row.expected[role]}")
        if role in ("staff", "other"):
            body = response.get_data(as_text=True)
            seen = [email for email in emails["team"] if email in body and email != emails[role]]
            if seen:
                wrong.append(f"{row.method} {row.path} ({url}): shows the team's {', '.join(seen)}")
        if os.environ.get("AUTHZ_MATRIX_DUMP"):
            print(f"ANSWER {row.method} {row.path} {role} {got}")
    return wrong


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_declared_answer_on_every_route(demo_app, role):
    wrong = _walk(demo_app, role, ROWS)
    assert not wrong, f"{ROLE_NAMES[role]} got other answers than declared:\n" + "\n".join(wrong)


class TestWithSlackConfigured:
    @pytest.fixture
    def app_overrides(self, fake_slack):
        from tests.slack.helpers import slack_settings

        return slack_settings(fake_slack)

    def test_slack_routes_are_declared_and_open_to_slack_alone(self, demo_app):
        slack_only = _routes(demo_app) - {(row.method, row.path) for row in ROWS}
        assert slack_only == {(row.method, row.path) for row in SLACK_ROWS}, "declare them in SLACK_MATRIX"
        wrong = [f"{role}: {line}" for role in ROLES for line in _walk(demo_app, role, SLACK_ROWS)]
        assert not wrong, "\n".join(wrong)
