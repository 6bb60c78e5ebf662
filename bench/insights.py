"""Insights at organisation scale: reading the team-period panel against recomputing from raw rows,
with the baseline measured in the same run.

    .venv/bin/python bench/insights.py [--teams 40] [--months 36] [--items 120] [--repeat 5]

The organisation: `--teams` teams with 8 people each, `--months` months of customer feedback
(`--items` per team and month, CSAT/NPS/CES mixed), aggregated pulse history for all but the last
12 months and live monthly pulse cycles (8 respondents × 10 drivers + eNPS) for the last 12.

Figures printed:
- baseline: the correlation figures (`/api/v1/insights/correlation`, a year, monthly) computed
  from raw rows — every feedback item, history row and pulse answer in range, aggregated per
  team-month, then the same statistics;
- the same answer read from the panel, and the whole insights page (`page.report`: 7 lags ×
  3 metrics × pooled/within, drivers, heatmap, trends) from the panel;
- the weekly grain over three years from the panel, against its raw recomputation;
- upkeep: a full `rebuild()`, and the incremental cost of one feedback item (the receiver).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn, repeat: int = 1):
    """Median wall time of `repeat` runs, and the last value."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def month_start(first: date, offset: int) -> date:
    index = first.year * 12 + first.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def build(args, db, models):
    """Insert the organisation with bulk statements (the intake's receivers are not the subject here)."""
    import sqlalchemy as sa

    Team, User, Feedback, PulseHistory, PulseCycle, PulseCycleItem, PulseAnswer, PulseParticipation, DRIVERS = models
    rng = random.Random(7)
    today = date.today()
    first = month_start(today.replace(day=1), -(args.months - 1))
    db.session.execute(sa.insert(Team), [{"slug": f"team-{t}", "name": f"Team {t}", "collected_metrics": "csat,nps,ces",
                                          "form_metric": "csat", "created_at": datetime.utcnow()}
                                         for t in range(args.teams)])
    team_ids = list(db.session.scalars(sa.select(Team.id).order_by(Team.id)))
    users = []
    for t, team_id in enumerate(team_ids):
        for p in range(8):
            users.append({"email": f"p{t}-{p}@bench.test", "name": f"P {t}-{p}", "role": "staff", "team_id": team_id,
                          "timezone": "UTC", "active": True, "private_recognition": False, "nicknames": "",
                          "created_at": datetime.utcnow()})
    db.session.execute(sa.insert(User), users)
    people = defaultdict(list)
    for user_id, team_id in db.session.execute(sa.select(User.id, User.team_id)):
        people[team_id].append(user_id)
    ranges = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
    feedback, history, n = [], [], 0
    live_from = month_start(first, args.months - 12)
    for team_id in team_ids:
        level = rng.gauss(0, 1)
        for m in range(args.months):
            start = month_start(first, m)
            mood = level + rng.gauss(0, 1)
            for _ in range(args.items):
                metric = rng.choice(list(ranges))
                low, high = ranges[metric]
                score = max(low, min(high, round((low + high) / 2 + mood + rng.gauss(0, (high - low) / 3))))
                n += 1
                feedback.append({"external_id": f"b{n}", "team_id": team_id, "metric": metric, "score": score,
                                 "comment": "", "helper_name": "", "channel": "csv", "consent": False,
                                 "positive": False, "created_at": datetime.utcnow(),
                                 "received_at": datetime(start.year, start.month, rng.randint(1, 28), rng.randint(8, 19))})
            if start < live_from:
                for driver in DRIVERS:
                    history.append({"team_id": team_id, "period_start": start, "driver": driver,
                                    "score": round(min(100, max(0, 60 + 8 * mood + rng.gauss(0, 6))), 1),
                                    "respondents": rng.randint(5, 8), "imported_at": datetime.utcnow()})
    for chunk in range(0, len(feedback), 20_000):
        db.session.execute(sa.insert(Feedback), feedback[chunk:chunk + 20_000])
    if history:  # none when every month is within the last year of live pulses
        db.session.execute(sa.insert(PulseHistory), history)
    answers = []
    for team_id in team_ids:
        for m in range(12):
            start = month_start(live_from, m)
            cycle = PulseCycle(origin_key=f"bench:{team_id}:{m}", team_id=team_id, opens_on=start + timedelta(days=2),
                               sequence=m, first_invite_at=datetime(start.year, start.month, 3, 9),
                               closes_at=datetime(start.year, start.month, 8, 9),
                               closed_at=datetime(start.year, start.month, 8, 9))
            db.session.add(cycle)
            db.session.flush()
            items = []
            for position, driver in enumerate(list(DRIVERS) + ["enps"]):
                item = PulseCycleItem(cycle_id=cycle.id, position=position, driver=driver,
                                      scale="nps11" if driver == "enps" else "agree5", wording=driver)
                db.session.add(item)
                items.append(item)
            db.session.flush()
            for user_id in people[team_id]:
                db.session.add(PulseParticipation(cycle_id=cycle.id, user_id=user_id,
                                                  invite_at=cycle.first_invite_at, answered=True))
                for item in items:
                    value = rng.randint(0, 10) if item.driver == "enps" else rng.randint(1, 5)
                    answers.append({"id": f"{cycle.id}-{item.id}-{user_id}", "cycle_id": cycle.id,
                                    "cycle_item_id": item.id, "driver": item.driver, "value": value})
    db.session.execute(sa.insert(PulseAnswer), answers)
    db.session.commit()
    return len(feedback), len(history), len(answers)


def raw_payload(query, db, threshold):
    """The correlation answer recomputed from raw rows (what the panel saves every read)."""
    import sqlalchemy as sa

    from engagement.insights import stats
    from engagement.insights.analysis import MIN_CUSTOMER_ITEMS
    from engagement.insights.models import PulseHistory
    from engagement.insights.periods import period_start, shift
    from engagement.pulses.models import PulseAnswer, PulseCycle, PulseParticipation
    from flashpoint.people.models import Team
    from recognition.feedback.models import Feedback

    grain, lag = query.grain, query.lag
    lo = shift(period_start(query.start, grain), grain, -3)
    hi = shift(period_start(query.end, grain), grain, 4)
    sums = defaultdict(lambda: [0, 0, 0])
    for team_id, metric, score, received_at in db.session.execute(
            sa.select(Feedback.team_id, Feedback.metric, Feedback.score, Feedback.received_at)
            .where(Feedback.received_at >= datetime.combine(lo, datetime.min.time()),
                   Feedback.received_at < datetime.combine(hi, datetime.min.time()), Feedback.metric == query.metric)):
        bucket = sums[(team_id, period_start(received_at, grain))]
        bucket[0] += 1
        bucket[1] += score
        bucket[2] += 1 if score >= 4 else 0
    engagement = {}
    hist = defaultdict(list)
    for row in db.session.execute(sa.select(PulseHistory.team_id, PulseHistory.period_start, PulseHistory.score,
                                            PulseHistory.respondents)
                                  .where(PulseHistory.period_start >= query.start, PulseHistory.period_start <= query.end)):
        hist[(row.team_id, period_start(row.period_start, grain))].append(row)
    for key, rows in hist.items():
        weight = sum(r.respondents for r in rows)
        if max(r.respondents for r in rows) >= threshold and weight:
            engagement[key] = sum(r.score * r.respondents for r in rows) / weight
    answered = dict(db.session.execute(
        sa.select(PulseParticipation.cycle_id, sa.func.count()).where(PulseParticipation.answered.is_(True))
        .group_by(PulseParticipation.cycle_id)).all())
    live = defaultdict(lambda: [0.0, 0, 0])
    for cycle_id, team_id, opens_on, driver, value in db.session.execute(
            sa.select(PulseCycle.id, PulseCycle.team_id, PulseCycle.opens_on, PulseAnswer.driver, PulseAnswer.value)
            .join(PulseAnswer, PulseAnswer.cycle_id == PulseCycle.id)
            .where(PulseCycle.closed_at.is_not(None), PulseCycle.opens_on >= query.start,
                   PulseCycle.opens_on <= query.end, PulseAnswer.driver != "enps")):
        bucket = live[(team_id, period_start(opens_on, grain))]
        bucket[0] += (value - 1) * 25
        bucket[1] += 1
        bucket[2] = max(bucket[2], answered.get(cycle_id, 0))
    for key, (total, count, group) in live.items():
        if group >= threshold:
            engagement[key] = total / count
    slugs = dict(db.session.execute(sa.select(Team.id, Team.slug)).all())
    points = []
    for (team_id, start), value in sorted(engagement.items()):
        n, total, good = sums.get((team_id, shift(start, grain, lag)), (0, 0, 0))
        if n < MIN_CUSTOMER_ITEMS:
            continue
        customer = 100.0 * good / n if query.metric == "csat" else total / n
        points.append((team_id, start, value, customer))
    x = [p[2] for p in points]
    y = [p[3] for p in points]
    teams = [p[0] for p in points]
    pooled, within = stats.pooled(x, y, teams), stats.within(x, y, teams)
    return {"n": pooled.n, "teams": pooled.teams, "pearson": pooled.pearson.as_dict(),
            "spearman": pooled.spearman.as_dict(), "within_team": within.as_dict(),
            "points": [{"team": slugs[p[0]], "period_start": p[1].isoformat(), "engagement": p[2], "customer": p[3]}
                       for p in points]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--items", type=int, default=120, help="feedback items per team and month")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("FLASHPOINT_INSTANCE", tempfile.mkdtemp(prefix="fp-bench-insights-"))

    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db

    from engagement.insights import analysis, page, panel
    from engagement.insights.models import DRIVERS, PulseHistory
    from engagement.pulses.models import PulseAnswer, PulseCycle, PulseCycleItem, PulseParticipation
    from flashpoint.people.models import Team, User
    from recognition.feedback.models import Feedback

    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-insights-db-"))
    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}"))
    with app.app_context():
        upgrade_database()
        setup, (n_feedback, n_history, n_answers) = timed(lambda: build(args, db, (
            Team, User, Feedback, PulseHistory, PulseCycle, PulseCycleItem, PulseAnswer, PulseParticipation, DRIVERS)))
        rebuild, rows = timed(panel.rebuild)
        db.session.commit()
        threshold = app.config["PULSE_MIN_GROUP_SIZE"]

        year = analysis.parse_query({"metric": "csat", "grain": "month"})
        raw_time, raw = timed(lambda: raw_payload(year, db, threshold), args.repeat)
        panel_time, fast = timed(lambda: analysis.correlation_payload(year), args.repeat)
        assert fast["n"] == raw["n"] and abs((fast["spearman"]["r"] or 0) - (raw["spearman"]["r"] or 0)) < 1e-9, \
            (fast["n"], raw["n"], fast["spearman"], raw["spearman"])
        page_time, _ = timed(lambda: page.compute_report(year), args.repeat)

        first = analysis.default_range()[1] - timedelta(days=31 * args.months)
        weeks = analysis.parse_query({"metric": "csat", "grain": "week", "from": first.isoformat()})
        raw_weeks_time, raw_weeks = timed(lambda: raw_payload(weeks, db, threshold), args.repeat)
        panel_weeks_time, fast_weeks = timed(lambda: analysis.correlation_payload(weeks), args.repeat)
        assert fast_weeks["n"] == raw_weeks["n"], (fast_weeks["n"], raw_weeks["n"])

        team_ids = list(db.session.scalars(db.select(Team.id)))
        sample = 2_000

        def incremental():
            for i in range(sample):
                panel.record_feedback(team_ids[i % len(team_ids)], "csat", 4, datetime(2025, 6, 1 + i % 28, 12))
            db.session.commit()
        incremental_time, _ = timed(incremental)

    print(f"Insights, {args.teams} teams × {args.months} months: {n_feedback:,} feedback items, "
          f"{n_history:,} history rows, {n_answers:,} live pulse answers; panel {rows:,} team-periods (SQLite)")
    print(f"  setup (bulk inserts)                         {setup:8.2f} s")
    print(f"  baseline: correlation from raw rows, a year  {raw_time * 1000:8.1f} ms ({raw['n']} points)")
    print(f"  the same from the panel                      {panel_time * 1000:8.1f} ms   ratio {raw_time / panel_time:6.1f}x faster")
    print(f"  whole insights page from the panel           {page_time * 1000:8.1f} ms   ratio {page_time / raw_time:6.2f}x one raw correlation")
    print(f"  weekly, {args.months} months: raw rows             {raw_weeks_time * 1000:8.1f} ms ({raw_weeks['n']} points)")
    print(f"  weekly, {args.months} months: panel                {panel_weeks_time * 1000:8.1f} ms   ratio {raw_weeks_time / panel_weeks_time:6.1f}x faster")
    print(f"  full rebuild                                 {rebuild:8.2f} s   ratio {rebuild / raw_time:6.1f}x one raw correlation")
    print(f"  incremental upkeep per feedback item         {incremental_time / sample * 1e6:8.0f} µs")


if __name__ == "__main__":
    main()
