"""Building the Bolt app and its Web API clients from the configuration.

Choices made on purpose (see docs/slack.md):
- `token_verification_enabled=False`: Bolt would call `auth.test` while the app is built, so an
  unreachable Slack would stop the whole web app from starting. Bolt now checks the token on the
  first Slack request instead.
- `process_before_response=False`: over HTTP the answer goes to Slack as soon as a listener calls
  `ack()`; the rest of the listener runs in Bolt's thread pool. That keeps every answer inside
  Slack's 3 seconds whatever the database or the Web API do afterwards. Listeners therefore run
  outside Flask's contexts: `in_app_context` wraps each one.
- Two Web API clients. Listeners get 429 retries only (a 429 means Slack did nothing). Outbox
  delivery gets no client-side retries at all: the outbox decides what may be retried, so a
  message is never posted twice because a retry raced a success.
"""
from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import wraps
from typing import Callable

from flask import Flask, current_app, has_app_context
from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from flashpoint.extensions import db

log = logging.getLogger(__name__)

EXTENSION_KEY = "slack_bot"


def slack_configured(config) -> bool:
    """Slack over HTTP is on when both the bot token and the signing secret are set."""
    return bool(config.get("SLACK_BOT_TOKEN") and config.get("SLACK_SIGNING_SECRET"))


def api_base_url(config) -> str:
    """SLACK_API_URL (with the trailing slash slack_sdk expects) or Slack's own."""
    url = config.get("SLACK_API_URL") or WebClient.BASE_URL
    return url if url.endswith("/") else url + "/"


def listener_client(config) -> WebClient:
    """The client Bolt hands to listeners (views.open, chat.update, users.info …)."""
    return WebClient(
        token=config.get("SLACK_BOT_TOKEN"),
        base_url=api_base_url(config),
        timeout=int(config["SLACK_API_TIMEOUT"]),
        # A 429 means Slack did not act on the call, so waiting and trying again is safe.
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )


def delivery_client(config) -> WebClient:
    """The client the outbox transport posts with: no retries of its own (see module docstring)."""
    return WebClient(
        token=config.get("SLACK_BOT_TOKEN"),
        base_url=api_base_url(config),
        timeout=int(config["SLACK_API_TIMEOUT"]),
        retry_handlers=[],
    )


# Set in a listener's thread while it runs: the event its `ack()` sets (see TrackingExecutor).
_acknowledged = threading.local()
ACK_TIMEOUT = 3.0


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, keeping the futures still running so a test (or a graceful
    shutdown) can wait until every acknowledged request has finished its work.

    `submit` returns once the listener has called `ack()` (or has finished). Bolt's request
    thread then finds the answer at once; otherwise it polls for it every 10 ms, which was most of
    the time a `/hero` took to be acknowledged. The work after `ack()` carries on in the pool.
    """

    def __init__(self, max_workers: int = 8):
        super().__init__(max_workers=max_workers, thread_name_prefix="slack-listener")
        self._running: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        acked = threading.Event()

        def run():
            _acknowledged.event = acked
            try:
                return fn(*args, **kwargs)
            finally:
                _acknowledged.event = None
                acked.set()

        future = super().submit(run)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._forget)
        acked.wait(ACK_TIMEOUT)
        return future

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._running.discard(future)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no listener work is running. Returns False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._running)
            if not pending:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            for future in pending:
                try:
                    future.result(timeout=remaining)
                except Exception:  # the listener's own error handler has logged it
                    pass


def in_app_context(flask_app: Flask) -> Callable:
    """Run a Bolt listener or middleware inside the Flask app context (the one place that does).

    Listeners run in Bolt's thread pool or the Socket Mode thread, outside any Flask context;
    the session is removed afterwards so no connection or transaction leaks between requests.
    """

    def decorator(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(*args, **kwargs):
            _signal_acknowledgement(kwargs)
            if has_app_context() and current_app._get_current_object() is flask_app:
                return fn(*args, **kwargs)
            with flask_app.app_context():
                try:
                    return fn(*args, **kwargs)
                finally:
                    db.session.remove()

        return wrapper

    return decorator


def _signal_acknowledgement(kwargs: dict) -> None:
    """Let the pool know when the listener has answered Slack: at its `ack()`, or at once when
    it takes none (Bolt acknowledged Events API requests itself)."""
    event = getattr(_acknowledged, "event", None)
    if event is None:
        return
    ack = kwargs.get("ack")
    if ack is None:
        event.set()
        return

    def ack_and_signal(*args, **kwargs):
        try:
            return ack(*args, **kwargs)
        finally:
            event.set()
            # Hand the interpreter to the request thread now, so the answer leaves before this
            # listener's work takes its turn (Python would switch only after 5 ms).
            time.sleep(0)

    kwargs["ack"] = ack_and_signal


def build_bolt_app(flask_app: Flask, *, socket_mode: bool = False) -> App:
    """The Bolt app with every listener module of `slack_bot.listeners` registered."""
    config = flask_app.config
    executor = TrackingExecutor()
    bolt = App(
        name="flashpoint",
        client=listener_client(config),
        signing_secret=config.get("SLACK_SIGNING_SECRET") or "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=executor,
        raise_error_for_unhandled_request=False,
    )
    bolt.use(_skip_events_already_handled(flask_app))
    for module in discover_listener_modules():
        module.register(bolt, flask_app)
    flask_app.extensions[EXTENSION_KEY] = {"bolt": bolt, "executor": executor}
    return bolt


def discover_listener_modules() -> list:
    """Every module in slack_bot/listeners/ (ideas and pulses add theirs by adding a file)."""
    from slack_bot import listeners

    modules = []
    for info in sorted(pkgutil.iter_modules(listeners.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{listeners.__name__}.{info.name}")
        if hasattr(module, "register"):
            modules.append(module)
    return modules


def _skip_events_already_handled(flask_app: Flask) -> Callable:
    """Middleware: an Events API envelope whose event_id was seen before is acknowledged and
    dropped. Slack resends on a missed 3-second answer (X-Slack-Retry-Num) and copies may reach
    different workers, so the claim is a unique row, not a set in memory."""
    from slack_bot.events import claim_event

    @in_app_context(flask_app)
    def middleware(body, next, logger):
        if body.get("type") == "event_callback" and body.get("event_id"):
            event_type = (body.get("event") or {}).get("type", "")
            if not claim_event(body["event_id"], event_type):
                logger.info("Slack event %s was already handled; ignoring the retry", body["event_id"])
                return BoltResponse(status=200, body="")
        return next()

    return middleware


def bolt_app(flask_app: Flask | None = None) -> App | None:
    state = (flask_app or current_app).extensions.get(EXTENSION_KEY)
    return state["bolt"] if state else None


def wait_idle(flask_app: Flask, timeout: float = 10.0) -> bool:
    """Wait for acknowledged Slack requests to finish their background work (tests, shutdown)."""
    state = flask_app.extensions.get(EXTENSION_KEY)
    return True if state is None else state["executor"].wait_idle(timeout)
