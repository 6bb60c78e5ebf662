"""The pulse results CSV: every figure the viewer may see, blank where anonymity hides it (with
the reason)."""
from __future__ import annotations

import csv
import io
from datetime import date

from engagement.pulses import anonymity, results
from engagement.pulses.models import DRIVERS
from engagement.pulses.pages import teams_in_scope, window_start
from flashpoint.people.models import User
from flashpoint.permissions import can


def results_csv(viewer: User, grain: str, today: date) -> str:
    table = results.compute(grain, window_start(grain, today), today)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["team", "period_start", "group_size", "invited", "answered", "response_rate",
                     "engagement", "enps", *DRIVERS, "hidden"])
    nodes = [(anonymity.ROOT, "(organisation)")] if can(viewer, "view_organisation_pulse") else []
    nodes += [(t.id, t.slug) for t, _ in teams_in_scope(viewer)]
    for period in sorted(table):
        for node, label in nodes:
            row = table[period].get(node)
            if row is None or row.answered == 0:
                continue
            hidden = sorted({m for m, f in row.figures.items()
                             if f.hidden in (anonymity.SMALL, anonymity.SUBTRACTION)})
            rate = row.response_rate
            writer.writerow([label, period.isoformat(), row.engagement.n, row.invited, row.answered,
                             "" if rate is None else f"{rate:.0f}", _shown(row.engagement), _shown(row.enps),
                             *[_shown(row.figures[d]) for d in DRIVERS],
                             ";".join(f"{m}:{row.figures[m].hidden}" for m in hidden)])
    return out.getvalue()


def _shown(figure) -> str:
    return "" if not figure.shown or figure.value is None else f"{figure.value:.1f}"
