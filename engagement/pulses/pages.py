"""What the pulse results page shows a viewer: the teams in their scope, the twelve periods, the
period chosen and a team's comments, each figure already through `anonymity`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from markupsafe import Markup, escape

from engagement.pulses import anonymity, results, rotation
from engagement.pulses.models import DRIVER_LABELS, DRIVERS
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.permissions import can


def teams_in_scope(viewer: User) -> list[tuple[Team, int]]:
    """Teams the viewer may see, in tree order with their depth.

    The "view_team_pulse" rule, taken for the whole tree at once from the teams loaded here:
    HR sees every team, a manager the teams they manage and everything under them (walking
    `Team.subtree()` per team would cost a statement per sub-team).
    """
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    by_parent: dict = {}
    for team in teams:
        by_parent.setdefault(team.parent_id, []).append(team)
    sees_all = can(viewer, "view_team_pulse", None)
    managed = set() if sees_all else {team.id for team in viewer.managed_teams}
    ordered: list[tuple[Team, int]] = []

    def walk(parent_id, depth, inherited):
        for team in by_parent.get(parent_id, []):
            allowed = sees_all or inherited or team.id in managed
            if allowed:
                ordered.append((team, depth))
            walk(team.id, depth + 1, allowed and not sees_all)

    walk(None, 0, False)
    return ordered


def window_start(grain: str, today: date) -> date:
    """Results cover 12 periods: a year of months or twelve weeks."""
    if grain == "week":
        return rotation.week_monday(today) - timedelta(weeks=11)
    return rotation.add_months(rotation.month_start(today), -11)


def results_page(viewer: User, grain: str, period: str, team: Team | None, today: date) -> dict:
    """The results page's values for `grain`, the period asked for (ISO date; else the last
    complete one with data) and the team whose comments are shown (None: no team chosen)."""
    first = window_start(grain, today)
    scope = teams_in_scope(viewer)
    show_org = can(viewer, "view_organisation_pulse")
    # Sum only the viewer's teams (whole subtrees, so their figures are the same as in the whole
    # tree); the organisation's row needs every team.
    table = results.compute(grain, first, today, teams=None if show_org else {t.id for t, _ in scope})
    periods = results.periods_between(first, today, grain)
    # Periods in which any team had a pulse, as when the whole organisation is summed.
    with_cycles = table.keys() if show_org else results.periods_with_cycles(grain, first, today)
    data_periods = [p for p in periods if p in with_cycles]
    try:
        chosen = results.period_start(date.fromisoformat(period), grain)
    except ValueError:
        # The running period is still filling up: show the last complete one first.
        complete = [p for p in data_periods if p < results.period_start(today, grain)]
        chosen = (complete or data_periods or [None])[-1]
    comments = None
    if team is not None and chosen is not None:
        comments = results.comments_for(team.id, chosen, grain)
    return dict(grain=grain, periods=periods, data_periods=data_periods, table=table,
                scope=scope, show_org=show_org, chosen=chosen,
                team=team, comments=comments, drivers=DRIVERS, labels=DRIVER_LABELS, ROOT=anonymity.ROOT,
                explain=anonymity.explain, threshold=anonymity.min_group_size(),
                comment_threshold=anonymity.min_comment_group_size(), fig=fig, spark=spark, heat_cells=heat_cells)


@dataclass
class EngagementTrend:
    """One line of the home page's engagement panel: a team (or the organisation) month by month."""
    label: str
    points: list[tuple[date, float | None]]  # None where no result is shown (hidden or no pulse)
    latest: results.TeamPeriod | None        # the last month with a figure shown
    change: float | None                     # its engagement minus the month before's, when both shown
    hidden: str                              # why nothing is shown, when `latest` is None


def engagement_trends(viewer: User, today: date, months: int = 6) -> list[EngagementTrend]:
    """The home page's answer to "how engaged are my people": HR reads the organisation, a manager
    each team at the top of what they manage (its sub-teams counted in), the last `months` months,
    every figure through `anonymity` exactly as on the results page."""
    first = rotation.add_months(rotation.month_start(today), -(months - 1))
    periods = results.periods_between(first, today, "month")
    if can(viewer, "view_organisation_pulse"):
        table = results.compute("month", first, today)
        nodes = [(anonymity.ROOT, "The organisation")]
    else:
        scope = teams_in_scope(viewer)
        ids = {team.id for team, _ in scope}
        if not ids:
            return []
        table = results.compute("month", first, today, teams=ids)
        nodes = [(team.id, team.name) for team, _ in scope if team.parent_id not in ids]
    trends = []
    for node, label in nodes:
        rows = [table.get(period, {}).get(node) for period in periods]
        points = [(p, row.engagement.value if row is not None and row.engagement.shown else None)
                  for p, row in zip(periods, rows)]
        shown = [i for i, (_, value) in enumerate(points) if value is not None]
        latest = rows[shown[-1]] if shown else None
        change = None
        if len(shown) >= 2 and shown[-2] == shown[-1] - 1:
            change = points[shown[-1]][1] - points[shown[-2]][1]
        last_row = next((row for row in reversed(rows) if row is not None), None)
        hidden = anonymity.explain(last_row.engagement.hidden if last_row else anonymity.NO_DATA)
        trends.append(EngagementTrend(label, points, latest, change, hidden))
    return trends


# The page's two repeated pieces, written here rather than as template macros: HR's page draws them
# for every team (400 teams × 12 bars, and the driver heatmap), where a macro call per piece was
# most of the page's time. The markup is the same as the macros gave; every text is escaped.

def fig(figure, explain, threshold: int, signed: bool = False) -> Markup:
    """A figure's value, or a dash saying why it is hidden (never the value)."""
    if figure and figure.shown and figure.value is not None:
        return Markup(f"{'+' if signed and figure.value > 0 else ''}{figure.value:.0f}")
    why = escape(explain(figure.hidden if figure else "none", threshold))
    return Markup(f'<span class="hidden-fig" title="{why}">–<span class="visually-hidden"> {why}</span></span>')


def heat_cells(row, drivers, explain, threshold: int) -> Markup:
    """A team's row of the driver heatmap: a cell per driver, coloured by its band of 20 points."""
    cells = []
    for driver in drivers:
        figure = row.figures[driver] if row else None
        if figure and figure.shown and figure.value is not None:
            band = int(figure.value // 20)
            cells.append(f'<td class="num heat heat-{band if band < 4 else 4}">{figure.value:.0f}</td>')
        else:
            cells.append(f'<td class="num heat">{fig(figure, explain, threshold)}</td>')
    return Markup("".join(cells))


@lru_cache(maxsize=1024)
def _label(period: date, form: str) -> str:
    return period.strftime(form)


def spark(periods: list[date], table: dict, node, explain, threshold: int, big: bool = False) -> Markup:
    """A node's engagement over the periods as small bars; a hidden or missing figure is a flat
    gap whose tooltip says why.

    HR's page draws one for each of 441 teams, so the markup is kept short: the bars stand in a
    group turned upside down (each bar starts at the baseline, no `y` to write), heights are
    rounded to a tenth and written without float noise, and the colours come from `.spark rect`."""
    w, h = (14, 80) if big else (8, 28)
    bar_label = "%d %b" if len(periods) >= 14 else "%b %Y"
    reasons: dict = {}
    parts = [f'<svg class="spark{" big" if big else ""}" width="{len(periods) * w}" height="{h + (14 if big else 0)}" '
             f'role="img" aria-label="Engagement by period"><g transform="matrix(1 0 0 -1 0 {h})">']
    axis = []
    for i, period in enumerate(periods):
        row = table.get(period, {}).get(node)
        figure = row.engagement if row else None
        if figure and figure.shown and figure.value is not None:
            raw = round(figure.value / 100 * h, 1)
            parts.append(f'<rect x="{i * w + 1}" width="{w - 2}" height="{raw if raw > 2 else 2:g}">'
                         f'<title>{_label(period, bar_label)}: {figure.value:.0f}</title></rect>')
        else:
            reason = figure.hidden if figure else "none"
            if reason not in reasons:
                reasons[reason] = escape(explain(reason, threshold))
            parts.append(f'<rect x="{i * w + 1}" width="{w - 2}" height="2" class="gap">'
                         f'<title>{_label(period, "%d %b %Y")}: {reasons[reason]}</title></rect>')
        if big and (i == 0 or i == len(periods) - 1 or i % 3 == 0):
            axis.append(f'<text x="{i * w}" y="{h + 12}" class="axis">{_label(period, "%b")}</text>')
    parts.append("</g>")
    parts.extend(axis)
    parts.append("</svg>")
    return Markup("".join(parts))
