"""Test data for insights: feedback through the intake, history through the import, live pulses
through the pulse tables and their closing duty."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from engagement.insights import services
from engagement.pulses.models import PulseAnswer, PulseCycle, PulseCycleItem, PulseParticipation
from engagement.pulses import cycles as pulse_cycles
from flashpoint.extensions import db
from recognition.feedback.intake import receive_feedback
from tests.factories import make_user

_ids = itertools.count(1)


def add_feedback(team, metric: str, scores, when: datetime | date) -> None:
    """Feedback items through the intake service (which sends feedback_received), then commit."""
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day, 12, 0)
    for i, score in enumerate(scores):
        receive_feedback({"external_id": f"t-{next(_ids)}", "received_at": (when + timedelta(minutes=i)).isoformat(),
                          "team": team.slug, "metric": metric, "score": score}, "api")
    db.session.commit()


def csat_scores(percent_good: int, n: int = 10) -> list[int]:
    """n CSAT ratings of which exactly percent_good % are 4 or 5."""
    good = round(n * percent_good / 100)
    return [5] * good + [2] * (n - good)


def history_csv(rows) -> str:
    lines = ["team,period_start,driver,score,respondents"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def import_history(rows) -> services.HistoryImportReport:
    report = services.import_pulse_history(history_csv(rows))
    assert report.ok, report.errors
    db.session.commit()
    return report


def closed_cycle(team, opens_on: date, answers: dict[str, list[int]], respondents: int,
                 closes_at: datetime | None = None) -> PulseCycle:
    """A cycle of `team` with the given answers per driver and `respondents` people who answered,
    closed through the pulse closing duty (which sends cycle_closed)."""
    first = datetime(opens_on.year, opens_on.month, opens_on.day, 9, 0)
    closes_at = closes_at or first + timedelta(days=5)
    cycle = PulseCycle(origin_key=f"test:{next(_ids)}", team_id=team.id, opens_on=opens_on, sequence=0,
                       first_invite_at=first, closes_at=closes_at)
    db.session.add(cycle)
    db.session.flush()
    items = {}
    for position, driver in enumerate(answers):
        item = PulseCycleItem(cycle_id=cycle.id, position=position, driver=driver,
                              scale="nps11" if driver == "enps" else "agree5", wording=driver)
        db.session.add(item)
        db.session.flush()
        items[driver] = item
    for _ in range(respondents):
        person = make_user("staff", team, password=None)
        db.session.add(PulseParticipation(cycle_id=cycle.id, user_id=person.id, invite_at=first, answered=True))
    for driver, values in answers.items():
        for value in values:
            db.session.add(PulseAnswer(cycle_id=cycle.id, cycle_item_id=items[driver].id, driver=driver, value=value))
    db.session.commit()
    pulse_cycles.close_due_cycles(closes_at)
    db.session.commit()
    return cycle


def add_feedback_bulk(items) -> None:
    """Many items at once through the intake's CSV import: items are (team slug, metric, score, datetime)."""
    from recognition.feedback.imports import import_feedback

    lines = ["external_id,received_at,team,metric,score,comment"]
    for slug, metric, score, when in items:
        lines.append(f"b-{next(_ids)},{when.isoformat()},{slug},{metric},{score},")
    report = import_feedback("\n".join(lines) + "\n")
    assert not report.errors, report.errors[:5]
    db.session.commit()


def month_start(year: int, month: int, offset: int = 0) -> date:
    index = year * 12 + month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def plant_months(teams: dict[str, list[float | None]], csat: dict[str, list[int | None]], first: date,
                 respondents: int = 8) -> None:
    """History engagement (two drivers averaging to the given value) and CSAT (10 items with exactly
    the given % of 4–5 ratings) per team and month from `first`. None leaves a month out."""
    rows, items = [], []
    for slug, values in teams.items():
        for i, value in enumerate(values):
            if value is None:
                continue
            start = month_start(first.year, first.month, i)
            rows += [(slug, start.isoformat(), "recognition", value + 5, respondents),
                     (slug, start.isoformat(), "tools", value - 5, respondents)]
    for slug, values in csat.items():
        for i, percent in enumerate(values):
            if percent is None:
                continue
            start = month_start(first.year, first.month, i)
            when = datetime(start.year, start.month, 10, 12)
            items += [(slug, "csat", score, when + timedelta(minutes=k)) for k, score in enumerate(csat_scores(percent))]
    if rows:
        import_history(rows)
    if items:
        add_feedback_bulk(items)
