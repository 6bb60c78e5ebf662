"""Demo step "insights": rebuild the panel from the demo's feedback, pulses and stories, and where a
team-month has customer feedback but no pulse at all, load the aggregated history a former survey
tool would have left, with a planted link to the customer score for some drivers."""
from __future__ import annotations

import random

import sqlalchemy as sa

from engagement.insights import panel, services
from engagement.insights.analysis import MIN_CUSTOMER_ITEMS
from engagement.insights.models import DRIVERS, TeamPeriod
from engagement.pulses.models import PulseCycle
from flashpoint.extensions import db
from flashpoint.people.models import Team, User

# Drivers that move with customer satisfaction in the demo's history (others are noise around a
# team's own level), so the drivers section has something true to find.
LINKED_DRIVERS = {"recognition": 0.9, "empowerment": 0.7, "customer_focus": 0.6, "manager": 0.3}


def _history_rows(rng: random.Random) -> list[tuple]:
    months_with_pulses = {
        (team_id, opens_on.replace(day=1))
        for team_id, opens_on in db.session.execute(sa.select(PulseCycle.team_id, PulseCycle.opens_on))
    }
    sizes = dict(db.session.execute(sa.select(User.team_id, sa.func.count(User.id))
                                    .where(User.team_id.is_not(None)).group_by(User.team_id)).all())
    slugs = dict(db.session.execute(sa.select(Team.id, Team.slug)).all())
    months = db.session.scalars(sa.select(TeamPeriod).where(TeamPeriod.grain == "month")
                                .order_by(TeamPeriod.team_id, TeamPeriod.period_start)).all()
    levels: dict[int, float] = {}
    rows = []
    for month in months:
        if (month.team_id, month.period_start) in months_with_pulses or sizes.get(month.team_id, 0) < 5:
            continue
        csat = month.customer_score("csat", MIN_CUSTOMER_ITEMS)
        if csat is None:
            continue
        level = levels.setdefault(month.team_id, rng.gauss(0, 6))
        respondents = max(5, sizes[month.team_id] - rng.randint(0, 2))
        for driver in DRIVERS:
            link = LINKED_DRIVERS.get(driver, 0.0)
            score = 62 + level + link * (csat - 60) * 0.5 + rng.gauss(0, 5)
            rows.append((slugs[month.team_id], month.period_start.isoformat(), driver,
                         round(min(100.0, max(0.0, score)), 1), respondents))
    return rows


def load_demo(rng: random.Random) -> None:
    panel.rebuild()
    rows = _history_rows(rng)
    if rows:
        text = "team,period_start,driver,score,respondents\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
        report = services.import_pulse_history(text)
        if not report.ok:  # generated rows are valid; a failure here is a bug worth seeing
            raise RuntimeError("; ".join(report.errors[:5]))
