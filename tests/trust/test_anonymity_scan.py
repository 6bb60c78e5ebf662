"""The anonymity scan: an anonymous author is found nowhere but in her own views.

Quintessa Vantablack-Oyelaran (a distinctive name, e-mail and Slack id) proposes an anonymous idea
on the web, comments on it as its author, answers a pulse with a comment and answers a manager's
reply to that comment, and answers this week's pulse, still open, with another comment. Around her the organisation lives: a colleague comments and votes, the
manager moves the idea to implemented (celebrated in the heroes channel), a hero story, customer
feedback, an API token. Every notification is delivered, through the fake Slack and a real local
SMTP server.

Then the scan searches, for her name (and each half of it), her e-mail address, her Slack id and
her user id (a distinctive number):
- every GET route of the URL map (static files aside) × 5 viewers (signed out, a staff colleague
  of her team, her team's manager who owns the idea, HR, admin), the ids in the path filled from
  the planted objects (every notification id for the outbox's e-mail preview), plus query variants
  of the board, the exports and the results: 134 paths x 5 viewers = 670 pages, 54 of them CSV
  and JSON exports;
- every API answer (8: the correlation in each metric and grain, the OpenAPI document, a feedback
  post);
- every Slack Web API call the app made (20: messages, App Homes of everyone else, a modal),
  except those addressed to her alone;
- every e-mail the SMTP server received (4), except hers.
Dates: the anonymous idea and her comments were written at planted instants; no surface shows
their time of day (the day alone is allowed).

A page may name her only when it is a directory of people (declared below) and shows nothing she
wrote anonymously; people pickers (a `<select>` of everyone, a search's no-script list of the
viewer's team) are left out of the search.
The figures are asserted at the end (pages × viewers, exports, API answers, Slack calls, e-mails),
so the scan cannot quietly shrink.
"""
from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from engagement.ideas import comments as idea_comments, followers, votes, workflow
from engagement.ideas.models import Idea, IdeaComment
from engagement.pulses import answering, comments as pulse_comments, cycles
from engagement.pulses.delivery import send_due_invitations
from engagement.pulses.models import PulseComment
from flashpoint.api.services import create_token
from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.stories.approvals import nominate
from recognition.stories.models import CompanyValue
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_manager, make_team, make_user
from tests.notifications.conftest import SmtpServer
from tests.slack.helpers import slack_settings

NAME = "Quintessa Vantablack-Oyelaran"
EMAIL = "q.vantablack-oyelaran@scan.example"
SLACK_ID = "UQVANTA9Z"
# Her row's id too, made distinctive: a link or a JSON field pointing at her person gives her away.
USER_ID = 48611
SECRETS = (NAME, "Quintessa", "Vantablack", "Oyelaran", EMAIL, "q.vantablack", SLACK_ID, str(USER_ID))

IDEA_TITLE = "Refill stations for the reusable cups at every till"
AUTHOR_COMMENT = "Happy to sketch where the stations would go"
PULSE_COMMENT = "The rota changes too late for the weekend shifts"
AUTHOR_PULSE_REPLY = "Thanks, a week ahead would be enough"
OPEN_PULSE_COMMENT = "Could the new tills get a second screen"
ANONYMOUS_WORDS = (IDEA_TITLE, AUTHOR_COMMENT, PULSE_COMMENT, AUTHOR_PULSE_REPLY, OPEN_PULSE_COMMENT)

# Pages that list people as such (not what they wrote): they may name her while they show
# nothing she wrote anonymously.
DIRECTORIES = {"admin.people", "admin.people_export", "admin.person_edit", "account.not_signed_in",
               "team_pages.team", "stories.new", "stories.edit", "stories.wall", "admin.team_edit",
               "outbox.index", "people.search_people"}
# Pages about one notification: they may name her when it is addressed to her by name (her pulse
# invitation), never when it is addressed to "the anonymous author".
ABOUT_ONE_NOTIFICATION = {"notifications.email_preview", "notifications.open_"}

ROLES = ("signed out", "staff", "manager", "hr", "admin")


@pytest.fixture
def smtp_server():
    server = SmtpServer(None)  # plain SMTP on 127.0.0.1: what is sent matters here, not the wire
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_overrides(fake_slack, smtp_server):
    return slack_settings(fake_slack, SLACK_POSTS_PER_MINUTE=100000, SLACK_POST_BURST=1000,
                          SLACK_CHANNEL_POSTS_PER_SECOND=1000, SLACK_OPENS_PER_MINUTE=100000,
                          SLACK_OPEN_BURST=1000, SMTP_URL=smtp_server.url(), MAIL_FROM="fp@scan.example",
                          PULSE_MIN_GROUP_SIZE=3, PULSE_MIN_COMMENT_GROUP_SIZE=3,
                          RATELIMIT_ENABLED=False)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    from werkzeug.security import generate_password_hash

    import flashpoint.people.models as people_models

    monkeypatch.setattr(people_models, "generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))


def deliver_everything(later: timedelta = timedelta(0)) -> None:
    """Deliver what is due now, or `later` (what is held, as the owner's news of an anonymous idea)."""
    for _ in range(200):
        outcome = deliver_due(utcnow() + later)
        if not outcome:
            return
        if set(outcome) == {"deferred"}:
            time.sleep(0.02)


def planted_instants(now: datetime) -> dict[str, datetime]:
    """When she wrote: on fixed past days, at a time of day far from the run's own clock (other rows
    carry the real instant of the run, and must not be mistaken for hers)."""
    hour = (now.hour + 12) % 24
    return {"idea": datetime(2026, 2, 11, hour, 17, 41), "idea comment": datetime(2026, 2, 12, hour, 26, 53),
            "pulse reply": datetime(2026, 2, 13, hour, 38, 7)}


def time_leaks(text: str, instants: dict[str, datetime]) -> list[str]:
    """A planted instant shown with its time of day (ISO, Unix seconds, or a date followed by a time)."""
    found = []
    for what, at in instants.items():
        unix = int(at.timestamp()) if at.tzinfo else int((at - datetime(1970, 1, 1)).total_seconds())
        patterns = [rf"{at:%Y-%m-%d}[T ]{at:%H}:{at:%M}", rf"\b{unix}\b", rf"{at:%H}:{at:%M}:{at:%S}"]
        days = {f"{at:%d %b %Y}", f"{at:%b} {at.day}, {at:%Y}", f"{at.day} {at:%b %Y}", f"{at:%d/%m/%Y}",
                f"{at:%m/%d/%Y}", f"{at:%Y-%m-%d}", f"{at:%d.%m.%Y}", f"{at:%A %d %B %Y}", f"{at:%d %B %Y}",
                f"{at:%B} {at.day}, {at:%Y}"}
        patterns += [re.escape(day) + r"[^<>\n]{0,12}?\b\d{1,2}[:h.]\d{2}\b" for day in days]
        for pattern in patterns:
            match = re.search(pattern, text)
            if match:
                found.append(f"{what} at {match.group(0)!r}")
    return found


def request_id(path: str) -> int:
    return int(re.search(r"/(\d+)(?:/|$)", path).group(1))


def searchable(text: str) -> str:
    """People pickers list everyone (a `<select>`), or without script offer the viewer's own team
    (the picker's `<noscript>` search), the author among them, with no tie to what she wrote."""
    text = re.sub(r"<select\b.*?</select>", "", text, flags=re.S)
    return re.sub(r'<noscript>\s*<div class="picker-fallback">.*?</noscript>', "", text, flags=re.S)


def units(text: str) -> list[str]:
    """The rows of a page (list items, table rows, cards) or of a CSV: where a name and words sit together."""
    return re.split(r"<li\b|<tr\b|<article\b|\n(?=[^<])", text)


class Findings:
    def __init__(self, instants):
        self.instants = instants
        self.problems: list[str] = []
        self.seen: dict[str, int] = dict.fromkeys(ANONYMOUS_WORDS, 0)  # surfaces showing each of her texts

    def check(self, where: str, text: str, may_name: bool = False) -> None:
        """`may_name`: a directory of people, or a message to her under her name (not as the author)."""
        text = searchable(text)
        for words in ANONYMOUS_WORDS:
            self.seen[words] += words in text
        named = [s for s in SECRETS if s.lower() in text.lower()]
        if named and not may_name:
            self.problems.append(f"{where} names her ({named[0]!r})")
        elif named:
            for unit in units(text):
                wrote = [w for w in ANONYMOUS_WORDS if w in unit]
                mentioned = [s for s in SECRETS if s.lower() in unit.lower()]
                if wrote and mentioned:
                    self.problems.append(f"{where} names her ({mentioned[0]!r}) beside {wrote[0]!r}")
        self.problems += [f"{where} shows {leak}" for leak in time_leaks(text, self.instants)]


def plant(app, slack, fake_slack, client):
    now = utcnow()
    instants = planted_instants(now)
    for vid, name in enumerate(("Care", "Courage")):
        db.session.add(CompanyValue(name=name, position=vid))
    dept = make_team("stores", "Stores")
    shop = make_team("shop", "Downtown Shop", parent=dept)
    online = make_team("online", "Online Shop", parent=dept)
    head = make_manager(dept, name="Dana Head", slack_user_id="UDANA")
    boss = make_manager(shop, name="Maya Boss", slack_user_id="UMAYA")
    author = make_user("staff", shop, name=NAME, email=EMAIL, slack_user_id=SLACK_ID, id=USER_ID)
    colleague = make_user("staff", shop, name="Cleo Colleague", slack_user_id="UCLEO")
    mailonly = make_user("staff", shop, name="Bruno Mailonly")  # no Slack: reached by e-mail
    other = make_user("staff", online, name="Omar Other", slack_user_id="UOMAR")
    make_manager(online, name="Olga Online")
    hr = make_user("hr", None, name="Harriet HR")
    admin = make_user("admin", None, name="Ada Admin")
    people = SimpleNamespace(author=author, colleague=colleague, boss=boss, hr=hr, admin=admin, head=head,
                             mailonly=mailonly, other=other, shop=shop, online=online)

    # Her anonymous idea, through the web form, and her comment on it as its author.
    sign_in(client, author)
    html = client.get("/ideas/new").get_data(as_text=True)
    response = client.post("/ideas/new", data={"title": IDEA_TITLE, "description": "Customers ask daily.",
                                               "kind": "idea", "team": "shop", "tags": "cups, waste",
                                               "anonymous": "y", "csrf_token": csrf_token_from(html)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    idea = db.session.scalar(db.select(Idea).where(Idea.title == IDEA_TITLE))
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": AUTHOR_COMMENT,
                                                               "csrf_token": csrf_token_from(page)})
    assert response.status_code in (200, 302)
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    idea = db.session.get(Idea, idea.id)
    # What she wrote is dated at the planted instants (the rows she created, nothing else).
    idea.created_at = instants["idea"]
    mine = db.session.scalar(db.select(IdeaComment).where(IdeaComment.body == AUTHOR_COMMENT))
    assert mine.as_anonymous_author
    mine.created_at = instants["idea comment"]
    db.session.commit()

    # The organisation around it.
    idea_comments.add_comment(idea, colleague, "Yes please, and a sign about it.")
    votes.vote(idea, colleague)
    votes.vote(idea, other)
    followers.follow(idea, mailonly)
    db.session.commit()
    workflow.change_status(idea, boss, "under review", "Asking the supplier.")
    db.session.commit()
    workflow.change_status(idea, boss, "implemented", "Live at all tills.", implementers=[colleague])
    db.session.commit()
    value_ids = [v.id for v in db.session.scalars(db.select(CompanyValue))]
    nominate(colleague, [other.id], "Omar stayed late to help a customer find a lost parcel.", "proactive",
             value_ids[:1])
    db.session.add(Feedback(external_id="fb-scan-1", team=shop, metric="csat", score=5, received_at=now,
                            comment="Cleo was lovely", channel="api", consent=True, positive=True))
    db.session.commit()

    # A pulse: everyone in the shop answers, she and a colleague with a comment; then it closes.
    opened = now - timedelta(days=8)
    [(_, cycle, _)] = cycles.pulse_now(["shop"], opened)
    send_due_invitations(opened)
    db.session.commit()
    for person, comment in ((author, PULSE_COMMENT), (colleague, "More plants in the break room."),
                            (boss, ""), (mailonly, "")):
        participation = answering.open_participation(person, cycle.id, opened + timedelta(hours=1))
        raw = {f"q{item.id}": str(item.high if item.high <= 5 else 8) for item in cycle.items}
        assert answering.answer_from_form(participation, raw, comment, opened + timedelta(hours=1)) == {}
        db.session.commit()
    cycles.close_due_cycles(now)
    db.session.commit()
    # And this week's pulse, still open: she and two others have answered it, she with a comment.
    running = now - timedelta(hours=2)
    [(_, open_cycle, _)] = cycles.pulse_now(["shop"], running)
    send_due_invitations(running)
    db.session.commit()
    for person, words in ((author, OPEN_PULSE_COMMENT), (colleague, ""), (boss, "")):
        participation = answering.open_participation(person, open_cycle.id, running + timedelta(minutes=30))
        raw = {f"q{item.id}": str(item.low) for item in open_cycle.items}
        assert answering.answer_from_form(participation, raw, words, running + timedelta(minutes=30)) == {}
        db.session.commit()
    comment = db.session.scalar(db.select(PulseComment).where(PulseComment.body == PULSE_COMMENT))
    pulse_comments.reply_to_comment(comment, boss, "Thank you, we will publish the rota earlier.")
    db.session.commit()
    reply = pulse_comments.author_reply(comment, author, AUTHOR_PULSE_REPLY)
    reply.created_at = instants["pulse reply"]
    pulse_comments.reply_to_comment(comment, hr, "HR is looking at rota rules too.")
    db.session.commit()

    _, token = create_token("scan", ["insights:read", "feedback:write"])
    db.session.commit()
    deliver_everything()
    # Every App Home but hers, and an /idea from someone else (the modal they get).
    for user_id in ("UMAYA", "UCLEO", "UOMAR", "UDANA"):
        slack.event({"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home",
                     "event_ts": "1700000000.1"}, event_id=f"EvHome{user_id}")
    slack.command("/idea", "refill", user_id="UCLEO")
    deliver_everything(later=timedelta(hours=5))
    return people, idea, comment, token, instants


def sign_in(client, user) -> None:
    html = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token_from(html)})
    assert response.status_code == 302


def sign_out(client) -> None:
    html = client.get("/settings/notifications").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token_from(html)})


def get_paths(app, objects) -> list[tuple[str, str]]:
    """(endpoint, path) for every GET route, its ids filled from the planted objects."""
    fill = {"story_id": [objects["story_id"]], "idea_id": [objects["idea_id"]],
            "notification_id": objects["notification_ids"], "user_id": [objects["author_id"], objects["boss_id"]],
            "team_id": [objects["shop_id"]], "slug": ["shop"], "token": ["not-a-token"],
            "comment_id": [objects["comment_id"]], "schedule_id": [1], "item_id": [1], "kind": ["svg"],
            "feedback_id": [objects["feedback_id"]], "fingerprint": ["0"],
            "schema_id": ["urn:ietf:params:scim:schemas:core:2.0:User"], "type_id": ["User"], "unknown": ["Nothing"]}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        combos = [{}]
        for arg in rule.arguments:
            assert arg in fill, f"{rule.rule}: give <{arg}> a value in get_paths so the scan reaches it"
            combos = [dict(c, **{arg: value}) for c in combos for value in fill[arg]]
        with app.test_request_context():
            from flask import url_for

            paths += [(rule.endpoint, url_for(rule.endpoint, **c)) for c in combos]
    idea = objects["idea_id"]
    variants = ["/ideas?scope=org", "/ideas?scope=team", "/ideas?sort=updated&scope=org",
                "/ideas?sort=votes&scope=org", "/ideas?mine=1", "/ideas?q=refill", "/ideas?tag=cups",
                "/ideas?team=shop", "/ideas?status=implemented", "/ideas/export.csv?scope=org",
                "/ideas/export.csv?scope=org&sort=updated", "/ideas/similar?q=refill+stations+cups",
                f"/ideas/{idea}?metric=csat", "/ideas/done?kind=idea", "/pulses?grain=week",
                "/pulses?team=shop", "/pulses?team=shop&grain=week", "/pulses/export.csv?grain=week",
                "/insights?grain=week", "/insights/export.csv?grain=week", "/insights/data.json?grain=week",
                "/heroes?team=shop", "/feedback?team=shop", "/admin/outbox?kind=idea.status_changed",
                "/admin/outbox?kind=idea.assigned", "/admin/outbox?kind=pulse.comment_reply",
                "/admin/outbox?state=sent", "/teams/shop", "/admin/people?q=shop"]
    endpoints = {path: endpoint for endpoint, path in paths}
    return paths + [(endpoints.get(v.split("?")[0], v.split("?")[0]), v) for v in variants]


@pytest.mark.slow
def test_the_anonymous_author_is_found_nowhere_but_in_her_own_views(app, client, slack, fake_slack, smtp_server):
    people, idea, comment, token, instants = plant(app, slack, fake_slack, client)
    findings = Findings(instants)
    notes = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    assert {"idea.assigned", "idea.status_changed", "idea.celebration", "pulse.comment_reply",
            "pulse.invitation"} <= {n.kind for n in notes}
    objects = {"story_id": 1, "idea_id": idea.id, "notification_ids": [n.id for n in notes],
               "author_id": people.author.id, "boss_id": people.boss.id, "shop_id": people.shop.id,
               "comment_id": comment.id, "feedback_id": 1}
    paths = get_paths(app, objects)
    viewers = {"signed out": None, "staff": people.colleague, "manager": people.boss, "hr": people.hr,
               "admin": people.admin}

    by_id = {n.id: n for n in notes}
    pages = exports = 0
    for role, viewer in viewers.items():
        if viewer is not None:
            sign_in(client, viewer)
        for endpoint, path in paths:
            response = client.get(path)
            assert response.status_code < 500, (role, path, response.status_code)
            pages += 1
            if response.mimetype in ("text/csv", "application/json") and response.status_code == 200:
                exports += 1
            may_name = endpoint in DIRECTORIES
            about = ""
            if endpoint in ABOUT_ONE_NOTIFICATION:
                note = by_id[request_id(path)]
                may_name = not note.anonymous_recipient
                about = f" [{note.kind}{', to the anonymous author' if note.anonymous_recipient else ''}]"
            findings.check(f"{path}{about} ({role}, {response.status_code})", response.get_data(as_text=True),
                           may_name)
        if viewer is not None:
            sign_out(client)

    # The API, with a token.
    api = 0
    bearer = {"Authorization": f"Bearer {token}"}
    for metric in ("csat", "nps", "ces"):
        for grain in ("week", "month"):
            response = client.get(f"/api/v1/insights/correlation?metric={metric}&grain={grain}&from=2025-01-01",
                                  headers=bearer)
            findings.check(f"API correlation {metric}/{grain}", response.get_data(as_text=True))
            api += 1
    for response in (client.get("/api/v1/openapi.json"),
                     client.post("/api/v1/feedback", headers=bearer, json={
                         "external_id": "scan-2", "received_at": "2026-01-05T10:00:00", "team": "shop",
                         "metric": "csat", "score": 5, "comment": "Great help from the shop"})):
        findings.check(f"API {response.request.path}", response.get_data(as_text=True))
        api += 1
    deliver_everything()

    # Slack: every call but those to her alone (her DM channel, her App Home, modals she opened).
    def hers(call) -> bool:
        params = call.params
        return (params.get("channel") in ("D" + SLACK_ID, SLACK_ID) or params.get("user_id") == SLACK_ID
                or params.get("users") == SLACK_ID or params.get("user") == SLACK_ID)

    slack_calls = [c for c in fake_slack.calls if not hers(c)]
    for call in slack_calls:
        findings.check(f"Slack {call.method} to {call.params.get('channel') or call.params.get('user_id')}",
                       json.dumps(call.params, ensure_ascii=False))
    # E-mails: every one but hers.
    mails = [m for m in smtp_server.mailbox.received if EMAIL not in m.rcpt_tos]
    for mail in mails:
        findings.check(f"e-mail to {mail.rcpt_tos}", mail.raw.decode("utf-8", "replace") + mail.text + mail.html)

    print("\n".join(findings.problems))  # all of them, beside the assertion's shortened list
    assert findings.problems == [], "\n".join(findings.problems)
    # What she wrote was on the surfaces searched (else the scan would pass vacuously); the open
    # pulse's comment waits until its cycle closes.
    assert all(findings.seen[w] for w in ANONYMOUS_WORDS if w != OPEN_PULSE_COMMENT), findings.seen
    assert findings.seen[IDEA_TITLE] >= 40 and findings.seen[OPEN_PULSE_COMMENT] == 0, findings.seen
    # She, on the other hand, hears of everything (the scan would pass vacuously otherwise).
    assert fake_slack.sent_messages(channel="D" + SLACK_ID)
    assert len({path for _, path in paths}) >= 120
    assert pages >= 600 and exports >= 25 and api == 8, (pages, exports, api)
    assert len(slack_calls) >= 15 and len(mails) >= 3, (len(slack_calls), len(mails))
    print(f"anonymity scan: {len(paths)} paths x {len(viewers)} viewers = {pages} pages ({exports} exports), "
          f"{api} API answers, {len(slack_calls)} Slack calls, {len(mails)} e-mails")
