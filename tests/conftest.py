"""Fixtures: an app on a database migrated once per session, cleaned between tests.

SQLite always; PostgreSQL for tests marked `postgres` or `both_databases` when
FLASHPOINT_TEST_POSTGRES_URL is set. When it is set and the server does not answer, those
tests fail (CI must not pass by skipping them).
"""
from __future__ import annotations

import contextlib
import contextvars
import fcntl
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from flashpoint import create_app
from flashpoint.config import TestConfig, normalise_database_url
from flashpoint.extensions import db
from tests.factories import PASSWORD

# psycopg 3 whatever the spelling (SQLAlchemy 2.0 would pick psycopg2 for plain postgresql://).
PG_URL = normalise_database_url(os.environ.get("FLASHPOINT_TEST_POSTGRES_URL") or "") or None


def _share_url_builders() -> None:
    """Every test builds its own app, and werkzeug compiles two URL builders for each of the ~600
    routes of each (Python source generated and compiled: 85% of create_app's time, ~0.4 s a test
    on a busy machine). A builder depends only on its rule's text and parts; it reads the rule's
    converters at call time, through the rule it is bound to. So apps after the first reuse the
    compiled functions. Rules whose defaults fill a part of the URL are compiled as usual; an
    unknown werkzeug leaves it all as it is."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "shared", False):
        return
    compiled: dict[tuple, object] = {}

    def shared_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        trace = tuple(getattr(self, "_trace", ()))
        if not trace or any(dynamic and part in defaults for dynamic, part in trace):
            return compile_builder(self, append_unknown)
        key = (append_unknown, self.rule, trace, tuple(sorted(defaults)))
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    shared_builder.shared = True
    Rule._compile_builder = shared_builder


_share_url_builders()


def pytest_generate_tests(metafunc):
    if "db_backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
    elif metafunc.definition.get_closest_marker("postgres"):
        metafunc.parametrize("db_backend", ["postgres"], indirect=True)


def _migrate(url: str) -> None:
    from flashpoint.cli import upgrade_database

    app = create_app(TestConfig(database_url=url))
    with app.app_context():
        upgrade_database()
        db.engine.dispose()


@contextlib.contextmanager
def _built_once(tmp_path_factory, name: str):
    """A directory `name` that one process of this run fills (the body runs only while it is empty):
    under pytest-xdist every worker would otherwise migrate and load the demo again. The workers of
    one run share the parent of their temporary directories; a lock file there makes the others
    wait for the first and then use what it built."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp(name)
        yield folder, True
        return
    root = tmp_path_factory.getbasetemp().parent
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            done = folder / ".built"
            if done.exists():
                yield folder, False
                return
            shutil.rmtree(folder, ignore_errors=True)  # a build a failed worker left half done
            folder.mkdir()
            yield folder, True
            done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated once (for all the workers); each test gets a fresh copy of it."""
    with _built_once(tmp_path_factory, "db") as (folder, build):
        path = folder / "template.db"
        if build:
            _migrate(f"sqlite:///{path}")
    return path


@dataclass
class DemoDatabase:
    path: Path      # a SQLite file with the whole demo organisation: copy it, never write to it
    output: str     # what the `demo` command printed


@pytest.fixture(scope="session")
def demo_database(sqlite_template, tmp_path_factory) -> DemoDatabase:
    """The demo organisation, loaded once per run (for all the workers) by the real `demo` command
    (every area's steps)."""
    with _built_once(tmp_path_factory, "demo") as (folder, build):
        path, printed = folder / "demo.db", folder / "demo-output.txt"
        if build:
            shutil.copy(sqlite_template, path)
            demo_app = create_app(TestConfig(database_url=f"sqlite:///{path}"))
            with demo_app.app_context():
                result = demo_app.test_cli_runner().invoke(args=["demo"])
                db.session.remove()
                db.engine.dispose()
            assert result.exit_code == 0, result.output
            printed.write_text(result.output)
    return DemoDatabase(path, printed.read_text())


@pytest.fixture
def demo_app(demo_database, tmp_path, app_overrides):
    """An app on a fresh copy of the demo organisation, for tests that need a full org."""
    path = tmp_path / "demo-copy.db"
    shutil.copy(demo_database.path, path)
    app = create_app(TestConfig(database_url=f"sqlite:///{path}", **app_overrides))
    app.test_client_class = RequestClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A database created for this session on the test server, migrated once, dropped at the end."""
    if not PG_URL:
        pytest.skip("FLASHPOINT_TEST_POSTGRES_URL is not set")
    admin_engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            name = f"flashpoint_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} is unreachable: {exc}")
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    _SEEDS[url] = _seeded_rows(url)
    yield url
    if url in _CLEANERS:
        _CLEANERS.pop(url).dispose()
    with admin_engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


@pytest.fixture
def db_backend(request):
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(request, db_backend, tmp_path):
    if db_backend == "postgres":
        url = request.getfixturevalue("postgres_url")
        _truncate_all(url)
        return url
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "flashpoint.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


# Rows the migrations write (starter questions, default values), per PostgreSQL test database.
_SEEDS: dict[str, dict[str, list[dict]]] = {}
# One engine per PostgreSQL test database for the cleaning between tests (disposed at the end).
_CLEANERS: dict[str, sa.Engine] = {}


def _seeded_rows(url: str) -> dict[str, list[dict]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in db.metadata.sorted_tables}
    engine.dispose()
    return {name: found for name, found in rows.items() if found}


# The sequences that number the tables' rows (serial and identity columns); a free-standing
# sequence such as the people directory's version is left alone, as TRUNCATE … RESTART IDENTITY does.
_OWNED_SEQUENCES = sa.text("""
    SELECT s.oid::regclass::text FROM pg_class s
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
    WHERE s.relkind = 'S'""")


def _truncate_all(url: str) -> None:
    """Empty every table, then put back what the migrations wrote: each test starts from a freshly
    migrated database, as it does on SQLite (a copy of the migrated template).

    Only the tables holding rows are emptied, with DELETE in dependency order: TRUNCATE of every
    table (CASCADE pulls them all in) takes a second or more per test, DELETE of a test's few
    rows milliseconds. The row numbering restarts and the seeded rows are written again."""
    engine = _CLEANERS.get(url)
    if engine is None:
        engine = _CLEANERS[url] = sa.create_engine(url, poolclass=sa.pool.NullPool)
    tables = db.metadata.sorted_tables
    seeds = _SEEDS.get(url, {})
    probe = " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for i, t in enumerate(tables))
    with engine.begin() as conn:
        holding = {row[0] for row in conn.execute(sa.text(probe))}
        for i in reversed(range(len(tables))):
            if i in holding:
                conn.execute(tables[i].delete())
        # After the deletes: a trigger may have written a seeded row (the people directory's version).
        for table in tables:
            if table.name in seeds:
                conn.execute(table.delete())
        sequences = [row[0] for row in conn.execute(_OWNED_SEQUENCES)]
        if sequences:
            conn.execute(sa.text("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in sequences)))
        for table in tables:
            rows = seeds.get(table.name)
            if rows:
                conn.execute(table.insert(), rows)
                if "id" in table.c:
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                         f"(SELECT max(id) FROM \"{table.name}\"))"))


@pytest.fixture
def make_config(database_url):
    """Build a TestConfig on this test's database, with overrides (e.g. Slack settings)."""

    def build(**overrides):
        return TestConfig(database_url=database_url, **overrides)

    return build


@pytest.fixture
def app_overrides():
    """Override in a test module to change the app's settings: return a dict."""
    return {}


class RequestClient(FlaskClient):
    """A test client whose every request runs in contexts of its own, as in production.

    The test's code touches the database in its own app context (`app_context`); a request
    pushes a fresh app context with an empty `g` and its own database session, so nothing a
    request caches (the signed-in person, the CSRF token) leaks into the next one or into
    another client. Before a request the test's pending rows are committed, so the request sees
    them; after it the test's loaded rows are expired, so the test reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        if has_app_context() and (db.session.new or db.session.dirty or db.session.deleted):
            db.session.commit()
        # Buffered: a streamed body (the CSV exports) is read and closed inside the request's
        # own contexts, not later in the test's.
        kwargs.setdefault("buffered", True)
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            if has_app_context():
                db.session.expire_all()


@pytest.fixture
def app(make_config, app_overrides):
    """The app on this test's database; it pushes no context (see `app_context`)."""
    app = create_app(make_config(**app_overrides))
    app.test_client_class = RequestClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def app_context(request):
    """Tests that use an app run their own code in its app context (factories, queries, services);
    requests through the test client each get their own (see RequestClient)."""
    names = request.fixturenames
    owner = "app" if "app" in names else "demo_app" if "demo_app" in names else None
    if owner is None:
        yield None
        return
    app = request.getfixturevalue(owner)
    with app.app_context() as ctx:
        yield ctx
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


@pytest.fixture
def login(client):
    """Sign a person in through the real form (CSRF included)."""

    def do_login(user, password: str = PASSWORD, test_client=None):
        c = test_client or client
        page = c.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        response = c.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return do_login


@pytest.fixture
def post_form(client):
    """POST a form the way a browser would: fetch the page for its CSRF token first."""

    def do_post(path: str, data: dict, page: str | None = None, test_client=None, **kwargs):
        c = test_client or client
        html = c.get(page or path).get_data(as_text=True)
        return c.post(path, data={**data, "csrf_token": csrf_token_from(html)}, **kwargs)

    return do_post


# The real-browser fixtures (live_server, app_url, chromium, page, phone_page) for any area's tests;
# the helpers (sign_in, screenshot, DEMO_LOGINS) are imported from tests.browser.conftest where used.
from tests.browser.conftest import app_url, chromium, live_server, page, phone_page  # noqa: E402,F401
