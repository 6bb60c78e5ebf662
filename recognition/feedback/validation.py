"""Checking one feedback item (docs/interface.md, "Feedback fields"): the one validation the form,
the API and the CSV import share."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

import sqlalchemy as sa

from flashpoint.extensions import db
from flashpoint.people.models import METRICS, Team
from flashpoint.timeutil import parse_instant, utcnow
from recognition.feedback.models import COMMENT_MAX
from recognition.sentiment import SCORE_RANGES

EXTERNAL_ID_MAX = 200
HELPER_NAME_MAX = 200
EMAIL_MAX = 254
FUTURE_TOLERANCE = timedelta(minutes=5)
TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0", ""}
METRIC_LABELS = {"csat": "CSAT", "nps": "NPS", "ces": "CES"}


# A team missing from the kept ones is looked up (built once).
_TEAM_BY_SLUG = sa.select(Team).where(Team.slug == sa.bindparam("slug"))
_teams = Team.__table__
_ALL_TEAMS = sa.select(_teams.c.id, _teams.c.slug, _teams.c.name, _teams.c.parent_id,
                       _teams.c.collected_metrics, _teams.c.form_metric)


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A team as the intake reads it (what `Team` offers it), kept per process."""
    id: int
    slug: str
    name: str
    parent_id: int | None
    collected_metrics: str
    form_metric: str

    @property
    def metrics(self) -> list[str]:
        return [m for m in self.collected_metrics.split(",") if m]

    def collects(self, metric: str) -> bool:
        return metric in self.metrics


# Every team by slug, per database, at the version of teams and tokens it was read at
# (flashpoint/versions.py): any change to a team moves the version, so every process sees it at
# its next item. The API and webhooks look a team up per item; this spares the statement.
_kept: dict[str, tuple[int, dict[str, TeamRecord]]] = {}


def team_by_slug(slug: str) -> TeamRecord | Team | None:
    """The team with this slug, from the process's copy when it is current."""
    from flashpoint import versions

    version = versions.current().intake
    key = versions.current_database_key()
    kept = _kept.get(key)
    if version is not None and (kept is None or kept[0] != version):
        kept = _kept[key] = (version, {row.slug: TeamRecord(*row) for row in db.session.execute(_ALL_TEAMS)})
    found = kept[1].get(slug) if kept is not None and kept[0] == version else None
    # Not kept (or no version): ask the database, as a team added in this transaction may be there.
    return found if found is not None else db.session.scalar(_TEAM_BY_SLUG, {"slug": slug})


def forget() -> None:
    """Drop every kept team (tests that rewrite a database behind the triggers' back)."""
    _kept.clear()


class FeedbackInvalid(ValueError):
    """Feedback that cannot be taken in; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors



@dataclass(frozen=True)
class CleanFeedback:
    external_id: str
    team: Team | TeamRecord
    metric: str
    score: int
    received_at: datetime
    comment: str
    helper_name: str
    consent: bool
    # The person the source credits, by address (lower case; "" when none): see recognition/feedback/credits.py.
    employee_email: str = ""



def as_text(value: Any) -> str:
    # PostgreSQL text cannot hold NUL characters; they carry nothing a person wrote, so they go.
    return "" if value is None else str(value).replace("\x00", "")


def _parse_score(raw: Any, metric: str | None) -> tuple[int | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, "A score is required."
    if isinstance(raw, bool):
        return None, "The score must be a whole number."
    if isinstance(raw, int):
        score = raw
    elif isinstance(raw, str) and raw.strip().lstrip("+-").isdigit():
        score = int(raw.strip())
    else:
        return None, f"The score must be a whole number, not '{as_text(raw)[:20]}'."
    if metric in SCORE_RANGES:
        low, high = SCORE_RANGES[metric]
        if not low <= score <= high:
            return None, f"{METRIC_LABELS[metric]} scores run from {low} to {high}; {score} is out of range."
    return score, None


def _parse_consent(raw: Any) -> tuple[bool, str | None]:
    if raw is None or isinstance(raw, bool):
        return bool(raw), None
    word = as_text(raw).strip().lower()
    if word in TRUE_WORDS:
        return True, None
    if word in FALSE_WORDS:
        return False, None
    return False, f"Consent is true or false, not '{as_text(raw)[:20]}'."


def _parse_email(raw: Any) -> tuple[str, str | None]:
    email = as_text(raw).strip().lower()
    if not email:
        return "", None
    local, at, domain = email.rpartition("@")
    if len(email) > EMAIL_MAX or not at or not local or "." not in domain or any(c.isspace() for c in email):
        return "", f"'{email[:40]}' is not an e-mail address (the credited employee's, e.g. amara@example.com)."
    return email, None


def _parse_received_at(raw: Any, now: datetime) -> tuple[datetime | None, str | None]:
    if isinstance(raw, datetime):
        value = parse_instant(raw.isoformat())
    else:
        text = as_text(raw).strip()
        if not text:
            return None, "received_at is required (ISO 8601, e.g. 2026-03-01T14:30:00Z)."
        try:
            value = parse_instant(text)
        except ValueError:
            return None, f"'{text[:40]}' is not an ISO 8601 date and time (e.g. 2026-03-01T14:30:00Z)."
    if value > now + FUTURE_TOLERANCE:
        return None, f"received_at {value:%Y-%m-%d %H:%M} UTC is in the future."
    return value, None


def validate_feedback(fields: Mapping[str, Any], *, teams: Mapping[str, Team] | None = None,
                      now: datetime | None = None) -> CleanFeedback:
    """Check one item; raise FeedbackInvalid naming every problem at once.

    `teams` (slug → Team) lets a bulk import look teams up once instead of per row.
    """
    now = now or utcnow()
    errors: dict[str, str] = {}

    external_id = as_text(fields.get("external_id")).strip()
    if not external_id:
        errors["external_id"] = "An external_id is required (your system's id for this item)."
    elif len(external_id) > EXTERNAL_ID_MAX:
        errors["external_id"] = f"The external_id has at most {EXTERNAL_ID_MAX} characters."

    slug = as_text(fields.get("team")).strip().lower()
    team = None
    if not slug:
        errors["team"] = "A team slug is required."
    else:
        team = teams.get(slug) if teams is not None else team_by_slug(slug)
        if team is None:
            errors["team"] = f"There is no team '{slug[:64]}'."

    metric = as_text(fields.get("metric")).strip().lower()
    if metric not in METRICS:
        errors["metric"] = (f"The metric must be one of {', '.join(METRICS)}"
                            + (f", not '{metric[:20]}'." if metric else "."))
        metric = None
    elif team is not None and not team.collects(metric):
        errors["metric"] = f"Team '{team.slug}' does not collect {METRIC_LABELS[metric]}."

    score, problem = _parse_score(fields.get("score"), metric)
    if problem:
        errors["score"] = problem

    received_at, problem = _parse_received_at(fields.get("received_at"), now)
    if problem:
        errors["received_at"] = problem

    comment = as_text(fields.get("comment")).replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"The comment has {len(comment):,} characters; at most {COMMENT_MAX:,} are kept."

    helper_name = as_text(fields.get("helper_name")).strip()
    if len(helper_name) > HELPER_NAME_MAX:
        errors["helper_name"] = f"The name has at most {HELPER_NAME_MAX} characters."

    consent, problem = _parse_consent(fields.get("consent"))
    if problem:
        errors["consent"] = problem

    employee_email, problem = _parse_email(fields.get("employee_email"))
    if problem:
        errors["employee_email"] = problem

    if errors:
        raise FeedbackInvalid(errors)
    return CleanFeedback(external_id=external_id, team=team, metric=metric, score=score,
                         received_at=received_at, comment=comment, helper_name=helper_name, consent=consent,
                         employee_email=employee_email)

