"""Flashpoint: employee engagement and hero-story recognition around real customer feedback."""
from __future__ import annotations

import click
from dotenv import load_dotenv
from flask import Flask
from threadpoolctl import threadpool_limits
from sqlalchemy import event
from sqlalchemy.engine import Engine

from flashpoint.config import INSTANCE_DIR, PROJECT_ROOT, Config


def create_app(config: object | None = None) -> Flask:
    """Build the app: configuration, extensions, the shell's pages, then each domain."""
    load_dotenv(PROJECT_ROOT / ".env")
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config or Config())
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    import engagement
    import recognition
    import slack_bot
    from flashpoint import api, cli, core, extensions, notifications, outbox, people, scheduler

    # Pages compute statistics over thousands of points, not millions: the numeric libraries' own
    # thread pools only contend with the other web workers, and their spinning threads burn more
    # CPU than the work (a 20,000-point dot product took 0.4–15 ms with the pool on a busy 2-core
    # machine, 0.007 ms on one thread). One thread per process: the web tier scales by workers.
    # NumPy's and SciPy's BLAS are loaded first, so that the limit reaches both.
    import scipy.linalg  # noqa: F401

    threadpool_limits(limits=1)

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=cli.MIGRATIONS_DIR,
                                render_as_batch=True, compare_type=True)
    extensions.login_manager.init_app(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    core.init_app(app)
    people.init_app(app)
    outbox.init_app(app)
    scheduler.init_app(app)
    cli.init_app(app)
    notifications.init_app(app)
    recognition.init_app(app)
    engagement.init_app(app)
    slack_bot.init_app(app)
    # Last: the domains have declared their API routes on api_bp, which is registered once.
    api.init_app(app)

    if app.config["FLASHPOINT_SCHEDULER"] == "embedded" and not app.testing and _serving():
        from flashpoint.scheduler import start_embedded

        start_embedded(app)
    return app


def _serving() -> bool:
    """True under `flask run` or a WSGI server, False for other CLI commands (init-db, tick, …).

    Under `flask run --debug` the first process only watches files and restarts its child, which
    serves the app: only the child runs the scheduler.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True  # a WSGI server such as gunicorn importing wsgi:app
    if ctx.info_name != "run":
        return False
    from flask.helpers import get_debug_flag
    from werkzeug.serving import is_running_from_reloader

    reload = ctx.params.get("reload")
    reloading = get_debug_flag() if reload is None else reload
    return not reloading or is_running_from_reloader()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, and WAL so readers do not block the writer.

    With WAL, synchronous=NORMAL is the documented safe pairing: the database cannot corrupt, and
    commits stop waiting for a disk flush each (the delivery duty commits once per message).
    """
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
