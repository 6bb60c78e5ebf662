"""Slack test kit: a local fake Slack Web API over HTTP, and signed requests to /slack/events.

Reuse from any area's tests (ideas, pulses …). In your `tests/<area>/conftest.py`:

    from tests.slack.helpers import fake_slack, slack, slack_settings  # noqa: F401 (fixtures)

    @pytest.fixture
    def app_overrides(fake_slack):
        return slack_settings(fake_slack)

Then in a test:

    def test_something(app, slack, fake_slack):
        manager = make_manager(team, slack_user_id="UMANAGER")
        response = slack.command("/idea", "Fix the till", user_id="UMANAGER")
        assert response.status_code == 200
        assert fake_slack.calls_to("views.open")[0].params["view"]["callback_id"] == "idea_submit"
        slack.view_submission("idea_submit", {"title": {"title": {"type": "plain_text_input",
                              "value": "Fix the till"}}}, user_id="UMANAGER")
        deliver_due(now)                                   # the outbox → the fake Slack
        assert fake_slack.sent_messages(channel="DUMANAGER")

`FakeSlack` (fixture `fake_slack`) records every Web API call (`calls`, `calls_to(method)`) with
its parsed params (JSON strings such as `blocks` and `view` decoded) and answers like Slack.
`FakeSlack(limits=RateLimits(...))` enforces Slack's rate limits (429 with `Retry-After`;
off by default). Script one-shot answers per method: `fake_slack.script("chat.postMessage", status=429,
headers={"Retry-After": "1"})`, `status=500`, `body={"ok": False, "error": "channel_not_found"}`
or `hang=2.0` (the call is received, then answered after the client's timeout: "sent, unclear").
`sent_messages()` lists chat.postMessage calls that Slack accepted (answered ok, hung ones too:
the fake did post them). `users` maps a Slack id to a users.info profile
(`fake_slack.add_user("U1", email="a@b.test")`). Answers sent through a `response_url`
(Bolt's `respond()`) are recorded as method "response": `fake_slack.calls_to("response")`.
`fake_slack.down()` makes every later call fail with a refused connection; `closed_port_url()`
is a Web API URL where nothing listens.

`SlackRequests` (fixture `slack`) signs and posts real payload shapes through the Flask test
client: `command`, `block_action`, `view_submission`, `view_closed`, `shortcut`,
`message_shortcut`, `event` (with `retry_num=`), and `post` for raw bodies. After each request it
waits for the listener's background work (Bolt acknowledges first) and ends the test's database
transaction, so assertions see what the listener wrote.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import math
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
BOT_USER_ID = "UBOTFLASH"
TEAM_ID = "TFLASH"
HEROES_CHANNEL_ID = "CHEROES"


def slack_settings(fake: "FakeSlack", **extra) -> dict:
    """App settings pointing the app at the fake Slack (use as `app_overrides`)."""
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.url, "SLACK_API_TIMEOUT": 1, "SLACK_HEROES_CHANNEL": "#heroes",
            **extra}


# --- The fake Slack Web API -------------------------------------------------------------------

@dataclass
class Call:
    method: str
    params: dict
    headers: dict
    status: int = 200
    answer: dict | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool((self.answer or {}).get("ok"))


@dataclass
class _Script:
    status: int = 200
    body: dict | str | None = None
    headers: dict = field(default_factory=dict)
    hang: float = 0.0


@dataclass
class RateLimits:
    """Slack's limits as the fake enforces them (429 with Retry-After past them); `speed` scales
    every rate (20 = twenty times faster than Slack, for runs of seconds)."""
    posts_per_minute: float = 600       # chat.postMessage, workspace-wide (Slack: "several hundred")
    post_burst: int = 20
    channel_posts_per_second: float = 1.0  # chat.postMessage in one channel, "short bursts allowed"
    channel_burst: int = 3
    opens_per_minute: float = 50        # conversations.open, tier 3
    open_burst: int = 5
    speed: float = 1.0

    def buckets(self) -> dict[str, tuple[float, float]]:
        """Per key kind: (tokens a second, burst)."""
        return {"chat.postMessage": (self.posts_per_minute / 60 * self.speed, self.post_burst),
                "channel": (self.channel_posts_per_second * self.speed, self.channel_burst),
                "conversations.open": (self.opens_per_minute / 60 * self.speed, self.open_burst)}


class _Limiter:
    """Token buckets per method and per channel; `check` spends a token or says how long to wait."""

    def __init__(self, limits: RateLimits):
        self.limits = limits
        self.rates = limits.buckets()
        self.state: dict[str, tuple[float, float]] = {}  # key → (tokens, stamp)

    def _wait(self, key: str, kind: str, now: float) -> float:
        rate, burst = self.rates[kind]
        tokens, stamp = self.state.get(key, (burst, now))
        tokens = min(burst, tokens + (now - stamp) * rate)
        self.state[key] = (tokens, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / rate

    def check(self, method: str, params: dict) -> float:
        if method not in ("chat.postMessage", "conversations.open"):
            return 0.0
        now = time.monotonic()
        keys = [(method, method)]
        if method == "chat.postMessage":
            keys.append((f"channel:{params.get('channel', '')}", "channel"))
        wait = max(self._wait(key, kind, now) for key, kind in keys)
        if wait > 0:
            return wait
        for key, _kind in keys:
            tokens, stamp = self.state[key]
            self.state[key] = (tokens - 1, stamp)
        return 0.0


class FakeSlack:
    """A small threaded HTTP server on 127.0.0.1 that speaks enough of the Web API.

    `FakeSlack(limits=RateLimits(speed=20))` enforces Slack's rate limits (off by default)."""

    def __init__(self, port: int = 0, limits: RateLimits | None = None, ts_start: int = 1700000000):
        self.port = port
        self.ts_start = ts_start  # message ts are unique per channel: give a later start to reuse a database
        self.limiter = _Limiter(limits) if limits else None
        self.calls: list[Call] = []
        self.users: dict[str, dict] = {}
        self.channels: dict[str, str] = {"#heroes": HEROES_CHANNEL_ID, "heroes": HEROES_CHANNEL_ID}
        self._scripts: dict[str, list[_Script]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._down = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> "FakeSlack":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                fake._handle(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server and not self._down:
            self._server.shutdown()
            self._server.server_close()

    @property
    def root_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    # scripting
    def script(self, method: str, *, status: int = 200, body: dict | str | None = None,
               headers: dict | None = None, hang: float = 0.0, times: int = 1) -> None:
        """Answer the next `times` calls of `method` this way, then normally again."""
        with self._lock:
            for _ in range(times):
                self._scripts.setdefault(method, []).append(
                    _Script(status=status, body=body, headers=headers or {}, hang=hang))

    def enforce(self, limits: RateLimits | None) -> None:
        """From now on, answer 429 past these limits (None: never)."""
        with self._lock:
            self.limiter = _Limiter(limits) if limits else None

    def add_user(self, user_id: str, *, email: str | None = None, name: str = "Someone") -> None:
        self.users[user_id] = {"id": user_id, "name": name, "real_name": name,
                               "profile": {"email": email, "real_name": name}}

    def down(self) -> None:
        """Stop answering for good: every later connection to `url` is refused."""
        self._server.shutdown()
        self._server.server_close()
        self._down = True

    # reading what happened
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent_messages(self, channel: str | None = None) -> list[Call]:
        """chat.postMessage calls that posted a message (the hung ones did too)."""
        return [c for c in self.calls_to("chat.postMessage")
                if (c.ok or c.status == 0) and (channel is None or c.params.get("channel") == channel)]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._scripts.clear()

    # the server side
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        method = parts.path.rsplit("/", 1)[-1]
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8") if length else ""
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if raw:
            if (handler.headers.get("Content-Type") or "").startswith("application/json"):
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw, keep_blank_values=True)))
        for key in ("blocks", "view", "attachments"):
            if isinstance(params.get(key), str) and params[key][:1] in "[{":
                params[key] = json.loads(params[key])
        call = Call(method=method, params=params, headers=dict(handler.headers))
        with self._lock:
            self.calls.append(call)
            queue = self._scripts.get(method) or []
            script = queue.pop(0) if queue else None
            wait = self.limiter.check(method, params) if self.limiter and script is None else 0.0
        if wait > 0:
            # Slack sends whole seconds; a fake running faster than Slack sends its own scale.
            retry_after = str(math.ceil(wait)) if self.limiter.limits.speed == 1 else f"{wait:.3f}"
            call.status, call.answer = 429, {"ok": False, "error": "ratelimited"}
            self._reply(handler, 429, call.answer, {"Retry-After": retry_after})
            return
        if script and script.hang:
            # Slack acts on the call, but the answer comes too late for the client.
            answer = self._answer(method, params)
            call.status, call.answer = 0, answer
            time.sleep(script.hang)
            self._reply(handler, 200, answer, {})
            return
        if script:
            body = script.body
            if body is None:
                body = ({"ok": False, "error": "ratelimited"} if script.status == 429
                        else "Internal Server Error" if script.status >= 500 else {"ok": True})
            call.status = script.status
            call.answer = body if isinstance(body, dict) else {"ok": False}
            self._reply(handler, script.status, body, script.headers)
            return
        answer = self._answer(method, params)
        call.status, call.answer = 200, answer
        self._reply(handler, 200, answer, {})

    def _reply(self, handler, status: int, body, headers: dict) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else str(body)).encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json; charset=utf-8"
                                if isinstance(body, dict) else "text/plain")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a scripted hang)

    def _next_ts(self) -> str:
        return f"{self.ts_start + next(self._ts)}.000100"

    def _answer(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": "https://flash.slack.test/", "team": "Flash", "user": "flashpoint",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": "BFLASH"}
        if method == "conversations.open":
            users = params.get("users", "")
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}
        if method == "chat.postMessage":
            channel = params.get("channel", "")
            channel = self.channels.get(channel, channel)
            return {"ok": True, "channel": channel, "ts": self._next_ts(),
                    "message": {"text": params.get("text"), "blocks": params.get("blocks")}}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = params.get("view") or {}
            return {"ok": True, "view": {**view, "id": "V" + uuid.uuid4().hex[:10].upper(),
                                         "hash": "h1"}}
        if method == "users.info":
            user = self.users.get(params.get("user"))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": params.get("channel"), "name": "heroes"}}
        return {"ok": True}


def closed_port_url() -> str:
    """A Web API base URL on which nothing listens (Slack unreachable)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


# --- Signed requests to /slack/events ----------------------------------------------------------

def signature_headers(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict:
    """The X-Slack-Signature headers Slack sends: v0= HMAC-SHA256 of v0:{timestamp}:{body}."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:{body}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


class SlackRequests:
    """Send requests to /slack/events the way Slack does, signed, with real payload shapes."""

    def __init__(self, app, client, secret: str = SIGNING_SECRET, response_base: str | None = None):
        self.app = app
        self.client = client
        self.secret = secret
        # response_url answers (respond()) go to the fake too: recorded as method "response".
        self.response_url = (response_base or "https://hooks.slack.test/") + "hooks/response"
        self._trigger = itertools.count(1)

    def post(self, body: str, *, content_type: str, headers: dict | None = None,
             timestamp: int | None = None, secret: str | None = None):
        from flashpoint.extensions import db
        from slack_bot.app import wait_idle

        db.session.commit()  # let the listener see the test's data; end our read transaction
        all_headers = {"Content-Type": content_type,
                       **signature_headers(body, secret=secret or self.secret, timestamp=timestamp),
                       **(headers or {})}
        response = self.client.post("/slack/events", data=body.encode("utf-8"), headers=all_headers)
        assert wait_idle(self.app, timeout=15), "Slack listener work did not finish"
        db.session.commit()
        return response

    def post_form(self, fields: dict, **kwargs):
        return self.post(urlencode(fields), content_type="application/x-www-form-urlencoded", **kwargs)

    def post_payload(self, payload: dict, **kwargs):
        return self.post_form({"payload": json.dumps(payload)}, **kwargs)

    def trigger_id(self) -> str:
        return f"{next(self._trigger)}.{TEAM_ID}.trigger"

    # slash commands
    def command(self, command: str, text: str = "", *, user_id: str, user_name: str = "someone",
                channel_id: str = "C0GENERAL", channel_name: str = "general", **kwargs):
        fields = {"token": "legacy", "team_id": TEAM_ID, "team_domain": "flash", "channel_id": channel_id,
                  "channel_name": channel_name, "user_id": user_id, "user_name": user_name,
                  "command": command, "text": text, "api_app_id": "AFLASH", "is_enterprise_install": "false",
                  "response_url": self.response_url,
                  "trigger_id": self.trigger_id()}
        return self.post_form(fields, **kwargs)

    # interactivity
    def _user(self, user_id: str) -> dict:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}

    def block_action(self, action_id: str, value: str | None = None, *, user_id: str,
                     block_id: str = "actions", channel_id: str | None = "DAPPROVER",
                     message_ts: str | None = "1700000001.000100", view: dict | None = None,
                     action: dict | None = None, **kwargs):
        """A button click: in a message (channel + message) or in a view (App Home, a modal)."""
        act = action or {"type": "button", "action_id": action_id, "block_id": block_id,
                         "text": {"type": "plain_text", "text": action_id}, "action_ts": "1700000100.0001"}
        if value is not None:
            act["value"] = value
        payload = {"type": "block_actions", "user": self._user(user_id), "api_app_id": "AFLASH",
                   "token": "legacy", "team": {"id": TEAM_ID, "domain": "flash"},
                   "trigger_id": self.trigger_id(), "actions": [act], "is_enterprise_install": False}
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "VHOME")}
            payload["view"] = view
        else:
            payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                                    "is_ephemeral": False}
            payload["channel"] = {"id": channel_id, "name": "directmessage"}
            payload["message"] = {"type": "message", "ts": message_ts, "text": "", "user": BOT_USER_ID}
            payload["response_url"] = self.response_url
        return self.post_payload(payload, **kwargs)

    def view_submission(self, callback_id: str, values: dict, *, user_id: str,
                        private_metadata: str = "", view_id: str = "VMODAL", **kwargs):
        """`values` is `state.values`: {block_id: {action_id: {"type": …, "value"/"selected_…": …}}}."""
        payload = {"type": "view_submission", "team": {"id": TEAM_ID, "domain": "flash"},
                   "user": self._user(user_id), "api_app_id": "AFLASH", "token": "legacy",
                   "trigger_id": self.trigger_id(), "is_enterprise_install": False,
                   "view": {"id": view_id, "team_id": TEAM_ID, "type": "modal", "callback_id": callback_id,
                            "private_metadata": private_metadata, "blocks": [],
                            "state": {"values": values}, "hash": "h1",
                            "title": {"type": "plain_text", "text": "Flashpoint"}},
                   "response_urls": []}
        return self.post_payload(payload, **kwargs)

    def view_closed(self, callback_id: str, *, user_id: str, private_metadata: str = "", **kwargs):
        payload = {"type": "view_closed", "team": {"id": TEAM_ID}, "user": self._user(user_id),
                   "api_app_id": "AFLASH", "is_cleared": False,
                   "view": {"id": "VMODAL", "type": "modal", "callback_id": callback_id,
                            "private_metadata": private_metadata, "state": {"values": {}}}}
        return self.post_payload(payload, **kwargs)

    def shortcut(self, callback_id: str, *, user_id: str, **kwargs):
        """A global shortcut."""
        payload = {"type": "shortcut", "token": "legacy", "action_ts": "1700000100.0001",
                   "team": {"id": TEAM_ID, "domain": "flash"}, "user": self._user(user_id),
                   "callback_id": callback_id, "trigger_id": self.trigger_id()}
        return self.post_payload(payload, **kwargs)

    def message_shortcut(self, callback_id: str, *, user_id: str, message_text: str, message_user: str,
                         channel_id: str = "C0GENERAL", message_ts: str = "1700000050.000200", **kwargs):
        payload = {"type": "message_action", "token": "legacy", "action_ts": "1700000100.0001",
                   "team": {"id": TEAM_ID, "domain": "flash"}, "user": self._user(user_id),
                   "channel": {"id": channel_id, "name": "general"}, "callback_id": callback_id,
                   "trigger_id": self.trigger_id(), "message_ts": message_ts,
                   "message": {"type": "message", "user": message_user, "ts": message_ts,
                               "text": message_text},
                   "response_url": self.response_url}
        return self.post_payload(payload, **kwargs)

    # the Events API
    def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None, **kwargs):
        envelope = {"token": "legacy", "team_id": TEAM_ID, "api_app_id": "AFLASH", "event": event,
                    "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
                    "event_time": int(time.time()),
                    "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]}
        headers = dict(kwargs.pop("headers", {}) or {})
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return self.post(json.dumps(envelope), content_type="application/json", headers=headers, **kwargs)


# --- Fixtures (import them into your conftest) ---------------------------------------------------

@pytest.fixture
def fake_slack():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def slack(app, client, fake_slack):
    """Signed requests to this test's app (which must be built with `slack_settings`)."""
    return SlackRequests(app, client, response_base=fake_slack.root_url)


# --- A stand-in Slack for local demos ---------------------------------------------------------------

def _serve_forever(port: int) -> None:
    """Print every Web API call the app makes, e.g. with the demo organisation:

        python -m tests.slack.helpers --port 8099 &
        SLACK_API_URL=http://127.0.0.1:8099/api/ SLACK_BOT_TOKEN=xoxb-demo SLACK_SIGNING_SECRET=demo \\
            .venv/bin/flask --app wsgi tick
    """
    fake = FakeSlack(port).start()
    print(f"Fake Slack Web API on {fake.url} (Ctrl+C stops it)", flush=True)
    shown = 0
    try:
        while True:
            time.sleep(0.3)
            for call in fake.calls[shown:]:
                text = call.params.get("text") or (call.params.get("view") or {}).get("type") or ""
                where = call.params.get("channel") or call.params.get("users") or call.params.get("user_id") or ""
                print(f"{call.method:<20} {where:<14} {str(text).splitlines()[0][:90] if text else ''}", flush=True)
            shown = len(fake.calls)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A local fake Slack Web API that prints every call.")
    parser.add_argument("--port", type=int, default=8099)
    _serve_forever(parser.parse_args().port)
