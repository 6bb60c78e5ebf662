"""Small helpers the recognition pages share: a safe way back after a small action, a refusal said."""
from __future__ import annotations

from flask import flash, redirect, request

from flashpoint.extensions import db


def back_to(default: str) -> str:
    """A same-site path to return to after a small action (never an outside address)."""
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def refused(error, back: str):
    """The rules said no (`error.errors`): undo what this request changed, say why, and go back."""
    db.session.rollback()
    flash(" ".join(error.errors.values()), "error")
    return redirect(back)


def int_arg(name: str) -> int | None:
    """A positive id from the query string, or None."""
    try:
        value = int(request.args.get(name) or 0) or None
    except ValueError:
        return None
    # No row has an id beyond a 64-bit integer; the database would refuse to compare with one.
    return value if value is None or 0 < value < 2**63 else None
