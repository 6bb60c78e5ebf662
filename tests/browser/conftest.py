"""The real-browser layer: the real app served over HTTP, driven by Chromium through Playwright.

Fixtures any area can use in its own `tests/<area>/test_*_browser.py` (mark tests `browser`); the
root tests/conftest.py imports them, so they need no import; the helpers are imported from here
(`from tests.browser.conftest import DEMO_LOGINS, screenshot, sign_in`):

- `live_server` (session): the app on a SQLite file holding the demo organisation (loaded once by
  the `demo` command, every area's steps included), served by werkzeug in a thread on
  127.0.0.1 and a free port. `live_server.url` is its base URL; `live_server.app` the Flask app
  (push `live_server.app.app_context()` to look at or change its database). Tests share it, so
  a test that changes data should change only what it created.
- `app_url`: this test's own `app` (the fresh database the factories fill) served the same way,
  for a test that wants its own data rather than the demo organisation; the base URL.
- `chromium` (module): Debian's /usr/bin/chromium, headless, launched by Playwright. Closed at
  the end of each module: Playwright's sync API keeps an event loop running while it is open,
  and a module that starts its own `sync_playwright()` must not find one.
- `page` : a fresh browser context and page for one test (desktop size), signed in as nobody.
  Every console error, uncaught script error, failed same-origin request and same-origin
  response of 400 or more fails the test at teardown. A test that expects one (e.g. it opens
  a 403 page on purpose) calls `page.watch.allow("403")` with a substring of the message.
- `phone_page`: the same at a phone's size (390 x 844, touch).
- `sign_in(page, email, password=DEMO_PASSWORD)`: signs in through the real form and checks it worked.
- `screenshot(page, name)`: saves tests/screenshots/<name>.png (full page) and returns the path.

Demo logins: `DEMO_LOGINS` maps each role (admin, hr, manager, staff) to its e-mail.
"""
from __future__ import annotations

import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from flashpoint import create_app
from flashpoint.config import TestConfig
from flashpoint.demo import DEMO_DOMAIN, DEMO_PASSWORD
from flashpoint.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DEMO_LOGINS = {role: f"{role}@{DEMO_DOMAIN}" for role in ("admin", "hr", "manager", "staff")}
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@dataclass
class LiveServer:
    url: str
    app: object
    database: Path


@pytest.fixture(scope="session")
def live_server(demo_database, tmp_path_factory):
    path = tmp_path_factory.mktemp("live") / "live.db"
    shutil.copy(demo_database.path, path)
    app = create_app(TestConfig(database_url=f"sqlite:///{path}"))
    with served(app) as url:
        app.config["BASE_URL"] = url
        yield LiveServer(url=url, app=app, database=path)
    with app.app_context():
        db.engine.dispose()


@contextmanager
def served(app):
    """The app served over HTTP by werkzeug in a thread on 127.0.0.1 and a free port: its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture
def app_url(app):
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `python tests/ensure_browser.py` (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class BrowserWatch:
    """Collects what went wrong in the browser; the fixture fails the test with it."""
    origin: str
    problems: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, fragment: str) -> None:
        self.allowed.append(fragment)

    def report(self, problem: str) -> None:
        self.problems.append(problem)

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(fragment in p for fragment in self.allowed)]


def _same_origin(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" == origin


def _watched_page(chromium, live_server, **context_options):
    context = chromium.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = BrowserWatch(origin=live_server.url)
    page.on("console", lambda msg: msg.type == "error" and watch.report(f"console error: {msg.text}"))
    page.on("pageerror", lambda exc: watch.report(f"script error: {exc}"))
    # ERR_ABORTED is the browser dropping a request because the test moved on to another page.
    page.on("requestfailed", lambda req: _same_origin(req.url, watch.origin)
            and "ERR_ABORTED" not in (req.failure or "")
            and watch.report(f"request failed: {req.method} {req.url} ({req.failure})"))
    page.on("response", lambda resp: _same_origin(resp.url, watch.origin) and resp.status >= 400 and watch.report(
        f"HTTP {resp.status} for {resp.request.method} {resp.url}"))
    page.watch = watch
    return context, page


@pytest.fixture
def page(chromium, live_server):
    context, page = _watched_page(chromium, live_server, viewport=DESKTOP)
    yield page
    context.close()
    problems = page.watch.unexpected()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)


@pytest.fixture
def phone_page(chromium, live_server):
    context, page = _watched_page(chromium, live_server, viewport=PHONE, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    yield page
    context.close()
    problems = page.watch.unexpected()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form; fails the test if the app does not let the person in."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert urlsplit(page.url).path != "/login", f"{email} could not sign in"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
