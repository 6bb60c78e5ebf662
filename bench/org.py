"""Generate an organisation of the size Flashpoint is for: people, two years of history, the insights panel.

    .venv/bin/python bench/org.py [--scale 1|0.25|0.02] [--database PATH | --database-url URL] [--seed N]

At scale 1: 5,000 people in 400 teams under 40 departments, 2,000,000 customer feedback items with
the praise matches routing would have made, 100,000 hero stories with claps, 20,000 ideas with
200,000 votes, weekly pulses for every team (about 2,500,000 answers), recent notifications, and the
insights panel rebuilt by the app. Every count is multiplied by --scale. The same seed and --today
give the same database. Rows are generated in chunks and written with bulk inserts (COPY on
PostgreSQL), so memory does not grow with the number of rows. See docs/benchmarks.md.

Only the models and the app's entry points are used (create_app, upgrade_database, the panel
rebuild), so the generator keeps working while the services are reorganised.
"""
from __future__ import annotations

import argparse
import bisect
import math
import os
import random
import re
import resource
import sys
import time
import unicodedata
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _org_data as data  # noqa: E402

PASSWORD = "flashpoint-bench"
DAYS = 730
CHUNK = 10_000
# Rows between two commits: a commit lets SQLite checkpoint its write-ahead log.
COMMIT_EVERY = 200_000
FULL = dict(people=5000, teams=400, departments=40, hr=12, feedback=2_000_000, stories=100_000,
            ideas=20_000, votes=200_000)
POSITIVE_FROM = {"csat": 4, "nps": 9, "ces": 6}   # docs/interface.md, "Positive feedback"
PRAISE_COMPOUND = 0.5
DRIVERS = ("recognition", "feedback", "growth", "empowerment", "tools", "manager", "peers",
           "purpose", "wellbeing", "customer_focus")
ITEMS_PER_CYCLE = 6
RECENT = timedelta(days=14)   # notifications are kept for activity this recent


# --- Matching, as praise routing does it ----------------------------------------------------

TOKEN_RE = re.compile(r"[a-z0-9]+")
POSSESSIVE_RE = re.compile(r"'s\b")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("\u2019", "'").lower()


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Folded word tokens with possessives dropped, as praise matching reads words."""
    return tuple(TOKEN_RE.findall(POSSESSIVE_RE.sub("", fold(text))))


def _contains(haystack: list[tuple[str, ...]], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(part[i:i + n] == needle for part in haystack for i in range(len(part) - n + 1))


# --- The organisation, held in memory (its size is the organisation's, not the history's) -------

@dataclass
class Person:
    id: int
    name: str
    email: str
    role: str
    team_id: int
    tz: str
    slack: str | None
    active: bool = True
    private: bool = False
    nickname: str = ""
    full: tuple[str, ...] = ()
    short: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def first(self) -> str:
        return self.name.split()[0]


@dataclass
class TeamInfo:
    id: int
    slug: str
    name: str
    parent_id: int | None
    tz: str
    metrics: list[str] = field(default_factory=list)
    metric_weights: list[float] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    level: float = 0.0
    drift: float = 0.0
    phase: float = 0.0
    utc_offset: float = 0.0
    leaf: bool = False

    def mood(self, progress: float) -> float:
        return self.level + self.drift * (progress - 0.5) + 0.15 * math.sin(2 * math.pi * (2 * progress + self.phase))


class Org:
    def __init__(self) -> None:
        self.people: dict[int, Person] = {}
        self.teams: dict[int, TeamInfo] = {}

    def active_members(self, team_id: int) -> list[Person]:
        """Active direct members in the order matching reads them (name, then id)."""
        cache = self.__dict__.setdefault("_members_cache", {})
        if team_id not in cache:
            cache[team_id] = sorted((self.people[p] for p in self.teams[team_id].members if self.people[p].active),
                                    key=lambda p: (p.name, p.id))
        return cache[team_id]

    def subtree(self, team_id: int) -> list[int]:
        found, stack = [], [team_id]
        while stack:
            t = stack.pop()
            found.append(t)
            stack.extend(self.teams[t].children)
        return found

    def managed_team_ids(self, person_id: int) -> set[int]:
        return {t for team in self.teams.values() if person_id in team.managers for t in self.subtree(team.id)}

    def manages_person(self, manager_id: int, person_id: int) -> bool:
        return person_id != manager_id and self.people[person_id].team_id in self._managed(manager_id)

    def _managed(self, person_id: int) -> set[int]:
        cache = self.__dict__.setdefault("_managed_cache", {})
        if person_id not in cache:
            cache[person_id] = self.managed_team_ids(person_id)
        return cache[person_id]

    def by_role(self, role: str, excluded: set[int]) -> list[int]:
        return [p.id for p in sorted(self.people.values(), key=lambda p: (p.name, p.id))
                if p.role == role and p.active and p.id not in excluded]

    def approvers(self, hero_ids: list[int], nominator_id: int | None) -> list[int]:
        """docs/interface.md, "Approvers": a manager of a hero's team who is neither hero nor
        nominator, else of the parent team, else HR, else an admin."""
        excluded = set(hero_ids) | ({nominator_id} if nominator_id else set())
        level = list(dict.fromkeys(self.people[h].team_id for h in hero_ids))
        while level:
            found = [m for t in level for m in self.teams[t].managers
                     if self.people[m].active and m not in excluded]
            if found:
                return sorted(dict.fromkeys(found), key=lambda m: (self.people[m].name, m))
            level = list(dict.fromkeys(self.teams[t].parent_id for t in level if self.teams[t].parent_id))
        for role in ("hr", "admin"):
            found = self.by_role(role, excluded)
            if found:
                return found
        return []

    def default_owner(self, team_id: int, submitter_id: int) -> int | None:
        """An idea's owner: a manager of its team who is not the submitter, else up the tree, else HR."""
        current = team_id
        while current is not None:
            team = self.teams[current]
            managers = sorted((m for m in team.managers if self.people[m].active and m != submitter_id),
                              key=lambda m: (self.people[m].name, m))
            if managers:
                return managers[0]
            current = team.parent_id
        for role in ("hr", "admin"):
            found = self.by_role(role, {submitter_id})
            if found:
                return found[0]
        return None

    def route(self, team_id: int, comment: str, helper: str):
        """`_route`, remembered: the same words in the same team come back often."""
        cached = self.__dict__.get("_route_cached")
        if cached is None:
            cached = self._route_cached = lru_cache(maxsize=100_000)(self._route)
        return cached(team_id, comment, helper)

    def _route(self, team_id: int, *texts: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """(confirmed, candidates) as (person id, matched_on): praise routing's team tier.

        The words only ever name active people of the feedback's own team (and the customer's
        relatives, masked), and no template word is a name, so the department and organisation
        tiers find nothing more: the team tier alone gives what routing gives.
        """
        haystack = []
        for text in texts:
            if not text:
                continue
            words = list(tokens(text))
            masked = list(words)
            for i in range(len(words) - 2):
                if words[i] in ("my", "our") and words[i + 1] in ("husband", "wife", "son", "daughter", "friend"):
                    masked[i + 2] = "\x00"
            haystack.append(tuple(masked))
        present = {t for part in haystack for t in part}
        confirmed: list[tuple[int, str]] = []
        candidates: list[tuple[int, str]] = []
        if not present:
            return confirmed, candidates
        members = self.active_members(team_id)
        seen: set[int] = set()
        resolved: set[tuple[str, ...]] = set()
        for p in members:
            if len(p.full) >= 2 and p.full[0] in present and p.id not in seen and p.full not in resolved \
                    and _contains(haystack, p.full):
                confirmed.append((p.id, " ".join(p.full)))
                seen.add(p.id)
                resolved.add(p.full)
                resolved.update(p.short)
        by_key: dict[tuple[str, ...], list[int]] = {}
        for p in members:
            if p.id in seen or not any(k[0] in present for k in p.short):
                continue
            for key in p.short:
                if key not in resolved and key[0] in present and _contains(haystack, key):
                    by_key.setdefault(key, []).append(p.id)
        for key, found in by_key.items():
            resolved.add(key)
            unique = [p for p in dict.fromkeys(found) if p not in seen]
            if len(unique) == 1:
                confirmed.append((unique[0], " ".join(key)))
                seen.add(unique[0])
        for key, found in by_key.items():
            unique = [p for p in dict.fromkeys(found) if p not in seen]
            if len(unique) > 1:
                candidates.extend((p, " ".join(key)) for p in unique)
        confirmed_ids = {p for p, _ in confirmed}
        return confirmed, [(p, k) for p, k in candidates if p not in confirmed_ids]


# --- Writing rows ---------------------------------------------------------------------------

class Loader:
    """Buffers rows per table and writes them in chunks: COPY on PostgreSQL, Core executemany else."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.buffers: dict[str, list[tuple]] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self.tables = {}
        self.counts: Counter = Counter()
        self.since_commit = 0
        self.sql: dict[str, tuple] = {}

    def declare(self, table, columns: str) -> None:
        self.tables[table.name] = table
        self.columns[table.name] = tuple(columns.split())
        self.buffers.setdefault(table.name, [])

    def add(self, name: str, row: tuple) -> None:
        buffer = self.buffers[name]
        buffer.append(row)
        if len(buffer) >= CHUNK:
            # Every table in declaration order (parents first), so no row lands before its parent.
            self.flush()

    def flush(self, name: str | None = None) -> None:
        for table_name in ([name] if name else list(self.buffers)):
            rows = self.buffers[table_name]
            if not rows:
                continue
            columns = self.columns[table_name]
            table = self.tables[table_name]
            if self.pg and not any(str(table.c[c].type) == "JSON" for c in columns):
                raw = self.conn.connection.driver_connection
                with raw.cursor() as cursor:
                    with cursor.copy(f'COPY "{table_name}" ({", ".join(columns)}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write_row(row)
            elif self.pg or any(str(table.c[c].type) == "JSON" for c in columns):
                self.conn.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
            else:
                # One statement per table, values turned into what SQLAlchemy stores on SQLite (ISO
                # text for dates and times) only where the column needs it.
                if table_name not in self.sql:
                    self.sql[table_name] = (f'INSERT INTO "{table_name}" ({", ".join(columns)}) '
                                            f'VALUES ({", ".join("?" for _ in columns)})', sqlite_converter(table, columns))
                sql, convert = self.sql[table_name]
                if convert is not None:
                    rows = [convert(row) for row in rows]
                if not table.dialect_options["sqlite"]["with_rowid"]:
                    rows.sort()  # a table ordered by its (random) key: insert in key order
                self.conn.exec_driver_sql(sql, rows)
            self.counts[table_name] += len(rows)
            self.since_commit += len(rows)
            self.buffers[table_name] = []
        if self.since_commit >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        self.conn.commit()
        self.since_commit = 0

    def finish(self) -> None:
        self.flush()
        self.commit()


# --- The generator ----------------------------------------------------------------------------

def scaled(name: str, scale: float, minimum: int = 0) -> int:
    return max(minimum, round(FULL[name] * scale))


def local_instant(day: date, hour: int, minute: int, tz: str) -> datetime:
    local = datetime.combine(day, dtime(hour, minute), tzinfo=ZoneInfo(tz))
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def seconds(td: timedelta) -> float:
    return td.total_seconds()


class Generator:
    def __init__(self, conn, scale: float, seed: int, today: date, out=print) -> None:
        self.conn = conn
        self.scale = scale
        self.seed = seed
        self.today = today
        self.now = datetime.combine(today, dtime(6, 0))
        self.start_day = today - timedelta(days=DAYS)
        self.org = Org()
        self.loader = Loader(conn)
        self.out = out
        self.timings: list[tuple[str, float]] = []
        self.logins: dict[str, str] = {}
        self.notification_id = 0
        self._declare()

    def rng(self, section: str) -> random.Random:
        return random.Random(f"{self.seed}:{section}")

    def progress(self, when) -> float:
        day = when.date() if isinstance(when, datetime) else when
        return (day - self.start_day).days / DAYS

    def _declare(self) -> None:
        from engagement.ideas.models import (Idea, IdeaComment, IdeaEvent, IdeaFollower, IdeaTag, IdeaVote,
                                             idea_implementers)
        from engagement.pulses.models import (PulseAnswer, PulseComment, PulseCommentAuthor, PulseCommentReply,
                                              PulseCycle, PulseCycleItem, PulseItem, PulseParticipation,
                                              PulseSchedule, pulse_schedule_teams)
        from flashpoint.notifications.models import NotificationPreference
        from flashpoint.outbox.models import Notification
        from flashpoint.people.models import Team, User, team_managers
        from recognition.feedback.models import Feedback
        from recognition.praise.models import PraiseDismissal, PraiseMatch
        from recognition.stories.models import Clap, CompanyValue, HeroStory, story_heroes, story_values

        d = self.loader.declare
        d(Team.__table__, "id slug name parent_id collected_metrics form_metric created_at")
        d(User.__table__, "id email name nicknames role team_id slack_user_id timezone password_hash active "
                          "private_recognition created_at last_login_at note")
        d(team_managers, "team_id user_id")
        d(NotificationPreference.__table__, "user_id channel muted updated_at")
        d(CompanyValue.__table__, "id name description active position created_at")
        d(Feedback.__table__, "id external_id team_id metric score comment helper_name received_at channel "
                              "consent positive created_at")
        d(PraiseMatch.__table__, "id feedback_id user_id confirmed candidate matched_on confirmed_by_id created_at")
        d(PraiseDismissal.__table__, "id feedback_id user_id created_at")
        d(HeroStory.__table__, "id nominator_id text kind state feedback_id approver_id decided_by_id decided_at "
                               "decline_reason reminded_at created_at approved_at updated_at")
        d(story_heroes, "story_id user_id")
        d(story_values, "story_id value_id")
        d(Clap.__table__, "id story_id user_id source created_at")
        d(Idea.__table__, "id title description kind team_id submitter_id anonymous owner_id status "
                          "duplicate_of_id implemented_at created_at updated_at status_changed_at")
        d(IdeaTag.__table__, "idea_id name")
        d(IdeaVote.__table__, "id idea_id user_id created_at")
        d(IdeaFollower.__table__, "id idea_id user_id created_at")
        d(IdeaComment.__table__, "id idea_id author_id as_anonymous_author body created_at")
        d(IdeaEvent.__table__, "id idea_id actor_id event from_status to_status message duplicate_of_id created_at")
        d(idea_implementers, "idea_id user_id")
        d(PulseItem.__table__, "id driver scale text version retired_at created_at")
        d(PulseSchedule.__table__, "id name cadence weekday local_time open_days items_per_cycle starts_on active "
                                   "created_by_id created_at")
        d(pulse_schedule_teams, "schedule_id team_id")
        d(PulseCycle.__table__, "id origin_key schedule_id team_id opens_on sequence first_invite_at closes_at "
                                "closed_at created_at")
        d(PulseCycleItem.__table__, "id cycle_id item_id position driver scale wording")
        d(PulseParticipation.__table__, "id cycle_id user_id invite_at invited_at reminded_at answered token_hash")
        d(PulseAnswer.__table__, "id cycle_id cycle_item_id driver value")
        d(PulseComment.__table__, "id cycle_id body")
        d(PulseCommentAuthor.__table__, "comment_id user_id")
        d(PulseCommentReply.__table__, "id comment_id user_id from_author body created_at")
        d(Notification.__table__, "id kind recipient_id channel anonymous_recipient subject payload dedupe_key "
                                  "state transport attempts next_attempt_at sent_at last_error external_ref "
                                  "read_at created_at")

    # --- running -------------------------------------------------------------------------

    def step(self, label: str, fn) -> None:
        before = dict(self.loader.counts)
        started, cpu = time.perf_counter(), cpu_seconds()
        fn()
        self.loader.finish()
        elapsed = time.perf_counter() - started
        self.timings.append((label, elapsed))
        added = {t: n - before.get(t, 0) for t, n in self.loader.counts.items() if n - before.get(t, 0)}
        rows = ", ".join(f"{t} {n:,}" for t, n in added.items())
        self.out(f"  {label:<14} {elapsed:7.1f} s ({cpu_seconds() - cpu:6.1f} s CPU)  "
                 f"peak RSS {peak_rss_mb():5.0f} MB  {rows}")

    def run(self) -> None:
        self._check_words()
        self.step("people", self.people)
        self.step("feedback", self.feedback)
        self.step("stories", self.stories)
        self.step("ideas", self.ideas)
        self.step("pulses", self.pulses)
        self.step("notifications", self.notifications)

    # --- checks --------------------------------------------------------------------------

    def _existing_ids(self, table: str, flag: str) -> list[int]:
        return [row[0] for row in self.conn.exec_driver_sql(
            f'SELECT id FROM "{table}" WHERE {flag} ORDER BY id')]

    def _check_words(self) -> None:
        """The word lists keep matching honest: names are no ordinary words, first names and
        nicknames fold to one plain token each, surnames share no token with them."""
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        short = set()
        for first, nick in data.FIRST_NAMES:
            for word in filter(None, (first, nick)):
                folded = tokens(word)
                assert len(folded) == 1, word
                short.add(folded[0])
        surname_tokens = {t for s in data.SURNAMES for t in tokens(s)}
        assert not short & surname_tokens, short & surname_tokens
        template_words = {t for text in (data.PRAISE_NAMING + data.PRAISE_PLAIN + data.NEUTRAL + data.COMPLAINTS
                                         + [data.PRAISE_RELATIVE])
                          for t in tokens(text.replace("{names}", "").replace("{relative}", ""))}
        clash = (short | surname_tokens) & template_words
        assert not clash, f"names that are also template words: {clash}"
        in_lexicon = {t for t in short | surname_tokens if t in analyzer.lexicon}
        assert not in_lexicon, f"names that carry sentiment: {in_lexicon}"
        # Whether a comment reads as praise depends on its template only (names carry no sentiment).
        self.compound = {text: analyzer.polarity_scores(text.format(names="Xq", relative="Xq"))["compound"]
                         for text in data.PRAISE_NAMING + data.PRAISE_PLAIN + data.NEUTRAL + data.COMPLAINTS
                         + [data.PRAISE_RELATIVE]}

    # --- people and teams ----------------------------------------------------------------

    def people(self) -> None:
        rng = self.rng("people")
        org, s = self.org, self.scale
        n_dept = scaled("departments", s, 2)
        n_teams = max(n_dept, scaled("teams", s, 2))
        n_hr = scaled("hr", s, 1)
        people_wanted = scaled("people", s)
        # Enough people for every team's pulse to reach the anonymity threshold most weeks.
        n_people = max(people_wanted, n_teams * 9 + n_dept + n_hr + 1)
        created = datetime.combine(self.start_day - timedelta(days=400), dtime(9, 0))
        L = self.loader

        # Departments: a function in a region; teams: a unit of that function in a city.
        depts = []
        for i in range(n_dept):
            function, unit, metric_sets = data.FUNCTIONS[i % len(data.FUNCTIONS)]
            # Every (function, region) pair once for the first 40 departments, regions varied early.
            region, tz, cities = data.REGIONS[(i + i // 20) % len(data.REGIONS)]
            name = f"{function} {region}" + (f" {i // 40 + 1}" if i >= 40 else "")
            depts.append((name, function, unit, metric_sets, tz, cities))
        names_seen: Counter = Counter()
        team_id = 0
        for name, function, unit, metric_sets, tz, cities in depts:
            team_id += 1
            org.teams[team_id] = TeamInfo(team_id, slug_of(name), name, None, tz)
        team_id += 1
        head_office = team_id
        org.teams[head_office] = TeamInfo(head_office, "head-office", "Head Office", None, data.REGIONS[0][1])
        per_dept = [n_teams // n_dept + (1 if i < n_teams % n_dept else 0) for i in range(n_dept)]
        for dept_index, count in enumerate(per_dept):
            name, function, unit, metric_sets, tz, cities = depts[dept_index]
            for k in range(count):
                city = cities[k % len(cities)]
                base = f"{unit} {city}"
                names_seen[base] += 1
                team_name = base if names_seen[base] == 1 else f"{base} {names_seen[base]}"
                team_id += 1
                team = TeamInfo(team_id, slug_of(team_name), team_name, dept_index + 1, tz, leaf=True)
                team.metrics = rng.choice(metric_sets).split(",")
                team.metric_weights = [rng.uniform(0.5, 1.5) for _ in team.metrics]
                team.level = rng.gauss(0, 0.45)
                team.drift = rng.gauss(0, 0.5)
                team.phase = rng.random()
                team.utc_offset = ZoneInfo(tz).utcoffset(datetime(self.today.year, 1, 15)).total_seconds() / 3600
                org.teams[team_id] = team
                org.teams[dept_index + 1].children.append(team_id)
        for team in org.teams.values():
            if not team.leaf:
                team.metrics = ["csat", "nps", "ces"]
        leaves = [t for t in org.teams.values() if t.leaf]

        # Names: a few first names are common, so many teams have two people of one name.
        firsts = data.FIRST_NAMES
        weights = list(accumulate(1 / (rank + 8) for rank in range(len(firsts))))
        full_names: set[str] = set()

        def new_name() -> tuple[str, str]:
            while True:
                first, nick = firsts[bisect.bisect(weights, rng.random() * weights[-1])]
                name = f"{first} {rng.choice(data.SURNAMES)}"
                if name not in full_names:
                    full_names.add(name)
                    return name, nick

        emails: set[str] = set()

        def add_person(role: str, team: TeamInfo, email: str | None = None) -> Person:
            pid = len(org.people) + 1
            name, nick = new_name()
            if email is None:
                local = ".".join("".join(ch for ch in fold(part) if "a" <= ch <= "z") for part in name.split())
                email = f"{local}@org.test"
                if email in emails:
                    email = f"{local}{pid}@org.test"
            emails.add(email)
            tz = team.tz if rng.random() > 0.05 else rng.choice(data.REMOTE_ZONES)
            person = Person(pid, name, email, role, team.id, tz,
                            f"U{pid:04d}{rng.getrandbits(24):06X}" if rng.random() < 0.72 else None,
                            nickname=nick if nick and rng.random() < 0.4 else "",
                            private=rng.random() < 0.02)
            person.full = tokens(name)
            person.short = [tokens(name)[:1]] + ([tokens(person.nickname)] if person.nickname else [])
            org.people[pid] = person
            team.members.append(pid)
            return person

        admin = add_person("admin", org.teams[head_office], "admin@org.test")
        hr = [add_person("hr", org.teams[head_office], "hr@org.test" if i == 0 else None) for i in range(n_hr)]
        for dept_id in range(1, n_dept + 1):
            head = add_person("manager", org.teams[dept_id])
            org.teams[dept_id].managers.append(head.id)
        for team in leaves:
            manager = add_person("manager", team, "manager@org.test" if team is leaves[0] else None)
            team.managers.append(manager.id)
        # The rest in teams of uneven sizes (a few small ones, whose pulse figures stay hidden).
        staff = n_people - len(org.people)
        sizes = [rng.lognormvariate(0, 0.45) for _ in leaves]
        total = sum(sizes)
        # A small organisation keeps every team above the pulse threshold; a large one has a few
        # teams of three or four whose pulse figures stay hidden, as real ones do.
        counts = [max(7 if len(leaves) < 20 else 2, int(staff * w / total)) for w in sizes]
        while sum(counts) < staff:
            counts[rng.randrange(len(counts))] += 1
        while sum(counts) > staff:
            i = rng.randrange(len(counts))
            if counts[i] > 7:
                counts[i] -= 1
        for team, count in zip(leaves, counts):
            for k in range(count):
                add_person("staff", team, "staff@org.test" if team is leaves[0] and k == 0 else None)
        # A few people have left: kept for history, never active again.
        for person in org.people.values():
            if person.role == "staff" and not person.email.startswith("staff@") and rng.random() < 0.015:
                person.active = False

        from werkzeug.security import generate_password_hash

        # Hashed once, cheaply (as the test factories do): scrypt for 5,000 people would take minutes.
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        for team in sorted(org.teams.values(), key=lambda t: t.id):
            L.add("teams", (team.id, team.slug, team.name, team.parent_id, ",".join(team.metrics),
                            team.metrics[0], created))
        L.flush("teams")
        for p in org.people.values():
            last_login = self.now - timedelta(hours=rng.uniform(1, 24 * 40)) if rng.random() < 0.8 else None
            L.add("users", (p.id, p.email, p.name, p.nickname, p.role, p.team_id, p.slack, p.tz, password_hash,
                            p.active, p.private, created + timedelta(minutes=p.id), last_login, None))
        L.flush("users")
        for team in org.teams.values():
            for m in team.managers:
                L.add("team_managers", (team.id, m))
        topics = ["digests", "ideas_voted", "ideas_followed", "praise", "pulse_replies"]
        for p in org.people.values():
            if rng.random() < 0.04:
                L.add("notification_preferences", (p.id, rng.choice(["email", "slack", "auto"]),
                                                   rng.sample(topics, rng.randint(0, 2)), created))
        # The company's values: those the migrations wrote, else a list of our own.
        self.value_ids = self._existing_ids("company_values", "active")
        if not self.value_ids:
            for position, (name, description) in enumerate(data.COMPANY_VALUES):
                L.add("company_values", (position + 1, name, description, True, position, created))
            self.value_ids = list(range(1, len(data.COMPANY_VALUES) + 1))

        self.leaves = leaves
        self.head_office = head_office
        first = leaves[0]
        self.logins = {"admin": admin.email, "hr": hr[0].email, "manager": "manager@org.test",
                       "staff": "staff@org.test", "team": first.name}
        # Pools reused by later steps.
        self.active_by_team = {t.id: [p.id for p in org.active_members(t.id)] for t in org.teams.values()}
        self.dept_pool = {d: [p for t in org.subtree(d) for p in self.active_by_team[t]] for d in range(1, n_dept + 1)}
        self.all_active = [p.id for p in org.people.values() if p.active]
        team_weights = list(accumulate(len(self.active_by_team[t.id]) for t in leaves))
        self.pick_team = lambda r: leaves[bisect.bisect(team_weights, r.random() * team_weights[-1])]

    # --- customer feedback and praise ------------------------------------------------------

    def feedback(self) -> None:
        import numpy as np

        rng = self.rng("feedback")
        counts_rng = np.random.default_rng(self.seed)
        org, L = self.org, self.loader
        total = scaled("feedback", self.scale)
        leaves = self.leaves
        weights = np.array([len(self.active_by_team[t.id]) * rng.uniform(0.6, 1.4) for t in leaves])
        per_day = total / DAYS
        lam = weights / weights.sum() * per_day
        channels = ("form", "csv", "api")
        feedback_id = match_id = dismissal_id = 0
        recent_from = self.now - RECENT
        self.recent_praise: list[tuple] = []
        praise_naming = data.PRAISE_NAMING
        compound = self.compound
        for d in range(DAYS):
            day = self.start_day + timedelta(days=d)
            progress = d / DAYS
            # Busier on weekdays, growing a little over the two years.
            factor = (1.15 if day.weekday() < 5 else 0.62) * (0.85 + 0.3 * progress)
            counts = counts_rng.poisson(lam * factor)
            items = []
            midnight = datetime.combine(day, dtime(0, 0))
            for team, count in zip(leaves, counts.tolist()):
                if not count:
                    continue
                mood = team.mood(progress)
                members = self.active_by_team[team.id]
                cum = list(accumulate(team.metric_weights))
                for _ in range(count):
                    metric = team.metrics[bisect.bisect(cum, rng.random() * cum[-1])] if len(cum) > 1 else team.metrics[0]
                    x = 0.75 + 0.7 * mood + rng.gauss(0, 1)
                    if metric == "csat":
                        score = 1 if x < -1.4 else 2 if x < -0.8 else 3 if x < -0.1 else 4 if x < 0.8 else 5
                    elif metric == "nps":
                        score = max(0, min(10, round(8.1 + 1.7 * x)))
                    else:
                        score = max(1, min(7, round(5.4 + 1.1 * x)))
                    received = midnight + timedelta(seconds=int((rng.uniform(7.5, 20.5) - team.utc_offset) * 3600))
                    received = min(max(received, midnight), midnight + timedelta(hours=23, minutes=59))
                    r = rng.random()
                    channel = "form" if r < 0.3 else "csv" if r < 0.7 else "api"
                    good = score >= POSITIVE_FROM[metric]
                    comment, helper, named = "", "", None
                    if rng.random() < (0.5 if channel == "form" else 0.3):
                        if good:
                            if rng.random() < 0.42 and members:
                                how_many = 1 if rng.random() < 0.82 or len(members) < 2 else 2
                                named = rng.sample(members, how_many)
                                spelled = [self._spell(org.people[p], rng) for p in named]
                                template = praise_naming[rng.randrange(len(praise_naming))]
                                comment = template.format(names=" and ".join(spelled))
                                compound_of = template
                            elif rng.random() < 0.03 and members:
                                relative = org.people[rng.choice(members)].first
                                comment = data.PRAISE_RELATIVE.format(relative=relative)
                                compound_of = data.PRAISE_RELATIVE
                            else:
                                comment = compound_of = rng.choice(data.PRAISE_PLAIN)
                        elif score >= POSITIVE_FROM[metric] - 2:
                            comment = compound_of = rng.choice(data.NEUTRAL)
                        else:
                            comment = compound_of = rng.choice(data.COMPLAINTS)
                        positive = good or compound[compound_of] >= PRAISE_COMPOUND
                    else:
                        positive = good
                    if channel == "form" and positive and members:
                        if named and rng.random() < 0.3:
                            helper = org.people[named[0]].first
                        elif not comment and rng.random() < 0.08:
                            helper = org.people[rng.choice(members)].first
                    items.append((received, team.id, metric, score, comment, helper, channel, positive,
                                  bool(named or helper)))
            items.sort()
            for received, team_id, metric, score, comment, helper, channel, positive, names_someone in items:
                feedback_id += 1
                created = received + timedelta(seconds=rng.randint(1, 40)) if channel != "csv" else \
                    datetime.combine(received.date() + timedelta(days=1), dtime(2, 0)) + timedelta(seconds=feedback_id % 3000)
                created = min(created, self.now)
                L.add("feedback", (feedback_id, f"{channel}-{feedback_id:09d}", team_id, metric, score, comment, helper,
                                   received, channel, rng.random() < 0.6, positive, created))
                # Only positive items are routed; words without a name of the team match nobody
                # (no template word is a name), so only items naming someone need matching.
                if not positive or not names_someone:
                    continue
                confirmed, candidates = org.route(team_id, comment, helper)
                if not confirmed and not candidates:
                    continue
                age = self.now - received
                # One match per person: someone who is a candidate under two shared names ("Alex" and
                # "Alexander") is stored once, under the first.
                once: set[int] = set()
                candidates = [(p, k) for p, k in candidates if not (p in once or once.add(p))]
                # Older ambiguous praise was settled by the manager: the person meant is confirmed.
                if candidates and age > timedelta(days=30) and rng.random() < 0.6:
                    meant_key = candidates[0][1]
                    options = [p for p, k in candidates if k == meant_key]
                    meant = rng.choice(options)
                    manager = org.teams[team_id].managers[0]
                    settled = [(p, k) for p, k in candidates if k != meant_key]
                    rows = [(p, True, False, k, None) for p, k in confirmed] + [(meant, True, False, meant_key, manager)] \
                        + [(p, False, True, k, None) for p, k in settled]
                else:
                    rows = [(p, True, False, k, None) for p, k in confirmed] + [(p, False, True, k, None) for p, k in candidates]
                for user_id, is_confirmed, is_candidate, matched_on, by in rows:
                    match_id += 1
                    L.add("praise_matches", (match_id, feedback_id, user_id, is_confirmed, is_candidate, matched_on[:200],
                                             by, created))
                if age > timedelta(days=20) and rng.random() < 0.03:
                    dismissal_id += 1
                    L.add("praise_dismissals", (dismissal_id, feedback_id, org.teams[team_id].managers[0],
                                                received + timedelta(days=rng.uniform(1, 10))))
                if received >= recent_from:
                    self.recent_praise.append((feedback_id, team_id, comment, created,
                                               [row[0] for row in rows if row[1]], [row[0] for row in rows if row[2]]))
            if d % 73 == 72:
                self.out(f"    feedback: {d + 1}/{DAYS} days, {feedback_id:,} items, {match_id:,} praise matches")

    def _spell(self, person: Person, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.3:
            return person.name
        if person.nickname and r < 0.5:
            return person.nickname
        return person.first

    # --- hero stories and claps ------------------------------------------------------------

    def stories(self) -> None:
        import numpy as np
        import sqlalchemy as sa

        from recognition.feedback.models import Feedback
        from recognition.praise.models import PraiseMatch

        rng = self.rng("stories")
        counts_rng = np.random.default_rng(self.seed + 1)
        org, L = self.org, self.loader
        total = scaled("stories", self.scale)
        story_id = clap_id = 0
        pool: deque = deque()
        recent_from = self.now - RECENT
        self.recent_stories: list[tuple] = []
        query = (sa.select(PraiseMatch.feedback_id, Feedback.team_id, PraiseMatch.user_id, Feedback.comment,
                           Feedback.received_at)
                 .join(Feedback, Feedback.id == PraiseMatch.feedback_id)
                 .where(PraiseMatch.confirmed.is_(True), Feedback.positive.is_(True),
                        Feedback.received_at >= sa.bindparam("a"),
                        Feedback.received_at < sa.bindparam("b"))
                 .order_by(PraiseMatch.feedback_id))
        for d in range(DAYS):
            day = self.start_day + timedelta(days=d)
            midnight = datetime.combine(day, dtime(0, 0))
            # Praise of the last week is what nominators turn into stories.
            found: dict[int, list] = {}
            for fid, team_id, user_id, comment, received in self.conn.execute(
                    query, {"a": midnight - timedelta(days=1), "b": midnight}):
                found.setdefault(fid, [fid, team_id, [], comment, received])[2].append(user_id)
            pool.append(list(found.values()))
            if len(pool) > 7:
                pool.popleft()
            count = int(counts_rng.poisson(total / DAYS * (1.2 if day.weekday() < 5 else 0.5)))
            for _ in range(count):
                created = midnight + timedelta(seconds=rng.randint(8 * 3600, 19 * 3600))
                if created > self.now:
                    continue
                evidence = None
                days_with = [p for p in pool if p]
                if days_with and rng.random() < 0.2:
                    bucket = rng.choice(days_with)
                    evidence = bucket.pop(rng.randrange(len(bucket)))
                if evidence:
                    fid, team_id, heroes, comment, _ = evidence
                    heroes = list(dict.fromkeys(h for h in heroes if org.people[h].active))[:3]
                    if not heroes:
                        continue
                    lower = fold(comment)
                    kind = "recovery" if any(w in lower for w in ("despite", "mix-up", "late", "fixed", "failed",
                                                                  "apologised", "sorted")) else "proactive"
                    hero = org.people[heroes[0]]
                    text = data.STORY_FROM_FEEDBACK.format(first=hero.first, words=comment)
                else:
                    fid = None
                    team = self.pick_team(rng)
                    members = self.active_by_team[team.id]
                    k = 1 if rng.random() < 0.85 else min(len(members), rng.choice((2, 2, 3)))
                    heroes = rng.sample(members, k)
                    kind = "recovery" if rng.random() < 0.35 else "proactive"
                    hero = org.people[heroes[0]]
                    text = rng.choice(data.STORIES_RECOVERY if kind == "recovery" else data.STORIES_PROACTIVE)
                    text = text.format(first=hero.first)
                    team_id = team.id
                nominator = self._nominator(team_id, heroes, rng)
                if nominator is None:
                    continue
                story_id += 1
                approver = decided_by = decided_at = approved_at = reason = reminded = None
                if all(org.manages_person(nominator, h) for h in heroes):
                    state, decided_by, decided_at = "approved", nominator, created
                else:
                    approvers = org.approvers(heroes, nominator)
                    approver = approvers[0] if approvers else None
                    wait = timedelta(hours=rng.expovariate(1 / 30))
                    stale = rng.random() < 0.005
                    if approver is None or created + wait > self.now or stale:
                        state = "pending"
                        if self.now - created > timedelta(days=5):
                            reminded = created + timedelta(days=rng.uniform(3, 5))
                    else:
                        decided_by, decided_at = approver, created + wait
                        state = "declined" if rng.random() < 0.05 else "approved"
                        if state == "declined":
                            reason = rng.choice(data.DECLINE_REASONS)
                if state == "approved":
                    approved_at = decided_at
                L.add("hero_stories", (story_id, nominator, text[:3000], kind, state, fid, approver, decided_by,
                                       decided_at, reason, reminded, created, approved_at, None))
                for h in heroes:
                    L.add("story_heroes", (story_id, h))
                for v in rng.sample(self.value_ids, min(len(self.value_ids),
                                                        1 if rng.random() < 0.6 else rng.choice((2, 2, 3)))):
                    L.add("story_values", (story_id, v))
                private = any(org.people[h].private for h in heroes)
                if state == "approved" and not private:
                    clap_id = self._claps(story_id, team_id, heroes, approved_at, clap_id, rng)
                if created >= recent_from or (decided_at and decided_at >= recent_from):
                    self.recent_stories.append((story_id, state, nominator, heroes, approver, decided_by, decided_at,
                                                created, private, text))
            if d % 146 == 145:
                self.out(f"    stories: {d + 1}/{DAYS} days, {story_id:,} stories, {clap_id:,} claps")

    def _nominator(self, team_id: int, heroes: list[int], rng: random.Random) -> int | None:
        org = self.org
        team = org.teams[team_id]
        r = rng.random()
        if r < 0.22 and team.managers and team.managers[0] not in heroes:
            return team.managers[0]
        pool = self.active_by_team[team_id] if r < 0.8 else self.dept_pool[team.parent_id]
        for _ in range(8):
            candidate = rng.choice(pool)
            if candidate not in heroes:
                return candidate
        return None

    def _claps(self, story_id: int, team_id: int, heroes: list[int], approved_at: datetime, clap_id: int,
               rng: random.Random) -> int:
        wanted = min(int(rng.expovariate(1 / 3.6)), 40)
        if not wanted:
            return clap_id
        team = self.org.teams[team_id]
        pool = self.active_by_team[team_id] + self.dept_pool[team.parent_id]
        clappers = {p for p in (rng.choice(pool) for _ in range(wanted * 2)) if p not in heroes}
        for user_id in list(clappers)[:wanted]:
            when = min(approved_at + timedelta(hours=rng.expovariate(1 / 14)), self.now)
            clap_id += 1
            source = "slack" if self.org.people[user_id].slack and rng.random() < 0.45 else "web"
            self.loader.add("story_claps", (clap_id, story_id, user_id, source, when))
        return clap_id

    # --- ideas -------------------------------------------------------------------------------

    def ideas(self) -> None:
        rng = self.rng("ideas")
        org, L = self.org, self.loader
        total = scaled("ideas", self.scale)
        # Votes per idea: a long tail; the factor makes up for the draws capped at the pool size.
        vote_mean = 1.1 * FULL["votes"] / FULL["ideas"]
        ids = Counter()
        recent_by_dept: dict[int, deque] = {}
        recent_from = self.now - RECENT
        self.recent_ideas: list[tuple] = []
        paths = {
            "new": [], "under review": ["under review"], "planned": ["under review", "planned"],
            "in progress": ["under review", "planned", "in progress"],
            "implemented": ["under review", "planned", "in progress", "implemented"],
            "declined": ["under review", "declined"], "duplicate": ["duplicate"],
        }
        finals = list(paths)
        final_weights = [0.12, 0.14, 0.12, 0.1, 0.27, 0.17, 0.08]
        for n in range(total):
            ids["idea"] += 1
            idea_id = ids["idea"]
            created = datetime.combine(self.start_day, dtime(9, 0)) + timedelta(
                seconds=int((n + rng.random()) / total * DAYS * 86400))
            if created > self.now:
                created = self.now - timedelta(hours=1)
            team = self.pick_team(rng)
            dept = team.parent_id
            submitter = rng.choice(self.active_by_team[team.id])
            kind, title, description, tags = rng.choice(data.IDEAS)
            owner = org.default_owner(team.id, submitter)
            anonymous = rng.random() < 0.12
            age = (self.now - created).days
            status = rng.choices(finals, final_weights)[0] if age > 10 else rng.choice(["new", "new", "under review"])
            earlier = recent_by_dept.setdefault(dept, deque(maxlen=40))
            duplicate_of = rng.choice(earlier) if status == "duplicate" and earlier else None
            if status == "duplicate" and duplicate_of is None:
                status = "declined"
            earlier.append(idea_id)
            when, events, reached = created, [], "new"
            for step in paths[status]:
                when = when + timedelta(days=rng.expovariate(1 / 9) + 0.1)
                if when > self.now:
                    break
                events.append((reached, step, when))
                reached = step
            status = reached
            if status != "duplicate":
                duplicate_of = None
            implemented_at = events[-1][2] if status == "implemented" else None
            status_changed = events[-1][2] if events else created
            # Votes and comments.
            k = min(int(rng.lognormvariate(math.log(vote_mean) - 0.6, 1.1)), len(self.all_active) - 1)
            if status == "duplicate":
                k = min(k, 2)
            pool = self.dept_pool[dept] if k < len(self.dept_pool[dept]) * 0.7 else self.all_active
            voters = [v for v in rng.sample(pool, min(k + 1, len(pool))) if v != submitter][:k]
            end = status_changed if status in ("duplicate", "declined", "implemented") else self.now
            votes = [(voter, min(created + timedelta(days=rng.expovariate(1 / 6)), end)) for voter in voters]
            followers = {submitter} if rng.random() < 0.7 else set()
            followers.update(voter for voter in voters if rng.random() < 0.25)
            comments = []
            for _ in range(min(int(rng.expovariate(1 / 2.0)), 20)):
                author = rng.choice(self.dept_pool[dept] + ([owner] if owner else []))
                said = min(created + timedelta(days=rng.expovariate(1 / 8)), self.now)
                comments.append((author, anonymous and author == submitter, rng.choice(data.IDEA_COMMENTS), said))
                followers.add(author)
            last_activity = max([status_changed] + [c[3] for c in comments])
            L.add("ideas", (idea_id, title, description, kind, team.id, submitter, anonymous, owner, status,
                            duplicate_of, implemented_at, created, last_activity, status_changed))
            for voter, voted in votes:
                ids["vote"] += 1
                L.add("idea_votes", (ids["vote"], idea_id, voter, voted))
            for author, as_author, body, said in comments:
                ids["comment"] += 1
                L.add("idea_comments", (ids["comment"], idea_id, author, as_author, body, said))
            for follower in sorted(followers):
                ids["follower"] += 1
                L.add("idea_followers", (ids["follower"], idea_id, follower, created + timedelta(minutes=5)))
            for tag in sorted(set(tags)):
                L.add("idea_tags", (idea_id, tag))
            for from_status, to_status, at in events:
                ids["event"] += 1
                L.add("idea_events", (ids["event"], idea_id, owner, "status", from_status, to_status,
                                      rng.choice(data.IDEA_MESSAGES[to_status]),
                                      duplicate_of if to_status == "duplicate" else None, at))
            if status == "implemented":
                members = self.active_by_team[team.id]
                for implementer in rng.sample(members, min(len(members), rng.randint(1, 3))):
                    L.add("idea_implementers", (idea_id, implementer))
            if created >= recent_from and owner and owner != submitter:
                self.recent_ideas.append((idea_id, owner, title, kind, created))

    # --- pulses ------------------------------------------------------------------------------

    def pulses(self) -> None:
        rng = self.rng("pulses")
        org, L = self.org, self.loader
        created = datetime.combine(self.start_day - timedelta(days=10), dtime(9, 0))
        # The question bank: the one the migrations wrote, else a bank of our own.
        bank: dict[str, list[tuple[int, str, str]]] = {}
        for item_id, driver, scale, text in self.conn.exec_driver_sql(
                "SELECT id, driver, scale, text FROM pulse_items WHERE retired_at IS NULL ORDER BY id"):
            bank.setdefault(driver, []).append((item_id, scale, text))
        if not all(bank.get(d) for d in (*DRIVERS, "enps")):
            bank, item_id = {}, self.conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM pulse_items").scalar()
            for driver in DRIVERS:
                for text in data.PULSE_ITEMS[driver]:
                    item_id += 1
                    bank.setdefault(driver, []).append((item_id, "agree5", text))
                    L.add("pulse_items", (item_id, driver, "agree5", text, 1, None, created))
            item_id += 1
            bank["enps"] = [(item_id, "nps11", data.ENPS_ITEM)]
            L.add("pulse_items", (item_id, "enps", "nps11", data.ENPS_ITEM, 1, None, created))
        starts_on = self.start_day - timedelta(days=self.start_day.weekday())
        hr = org.by_role("hr", set())
        L.add("pulse_schedules", (1, "Weekly pulse", "weekly", 1, "10:00", 5, ITEMS_PER_CYCLE, starts_on, True,
                                  hr[0] if hr else None, created))
        for team in self.leaves:
            L.add("pulse_schedule_teams", (1, team.id))
        ids = Counter()
        self.recent_cycles: list[tuple] = []
        recent_from = self.now - RECENT
        offsets = {t.id: {d: rng.uniform(-0.45, 0.45) for d in DRIVERS} for t in self.leaves}
        instants: dict[tuple, datetime] = {}

        def at(day: date, tz: str) -> datetime:
            key = (day, tz)
            if key not in instants:
                instants[key] = local_instant(day, 10, 0, tz)
            return instants[key]

        week = 0
        while True:
            day = starts_on + timedelta(weeks=week, days=1)  # Tuesdays
            if day > self.today:
                break
            sequence = week
            asked = [(d, turn) for d, turn in drivers_for(sequence, ITEMS_PER_CYCLE)]
            items = [bank[d][turn % len(bank[d])] + (d,) for d, turn in asked]
            if sequence % 4 == 0:
                items.append(bank["enps"][0] + ("enps",))
            answers: list[tuple] = []
            progress = self.progress(day)
            for team in self.leaves:
                members = [org.people[p] for p in self.active_by_team[team.id]]
                invites = {p.id: at(day, p.tz) for p in members}
                closes_at = max(at(day + timedelta(days=5), p.tz) for p in members)
                if closes_at > self.now:
                    continue  # the current week: the scheduler opens it
                ids["cycle"] += 1
                cycle_id = ids["cycle"]
                first_invite = min(invites.values())
                L.add("pulse_cycles", (cycle_id, f"schedule:1:{team.id}:{day.isoformat()}", 1, team.id, day, sequence,
                                       first_invite, closes_at, closes_at + timedelta(seconds=rng.randint(5, 60)),
                                       first_invite))
                cycle_items = []
                for position, (pulse_item, scale, wording, driver) in enumerate(items):
                    ids["cycle_item"] += 1
                    cycle_items.append((ids["cycle_item"], driver))
                    L.add("pulse_cycle_items", (ids["cycle_item"], cycle_id, pulse_item, position, driver, scale, wording))
                mood = team.mood(progress)
                rate = max(0.4, min(0.97, 0.8 + 0.12 * mood + rng.gauss(0, 0.06)))
                team_offsets = offsets[team.id]
                manager = team.managers[0]
                for person in members:
                    answered = rng.random() < rate
                    invite = invites[person.id]
                    reminded = None if answered or rng.random() < 0.3 else invite + timedelta(days=2, hours=rng.randint(0, 5))
                    ids["participation"] += 1
                    L.add("pulse_participations", (ids["participation"], cycle_id, person.id, invite, invite, reminded,
                                                   answered, None))
                    if not answered:
                        continue
                    personal = rng.gauss(0, 0.45)
                    for cycle_item_id, driver in cycle_items:
                        if driver == "enps":
                            value = max(0, min(10, round(8.0 + 2.4 * mood + 1.5 * personal + rng.gauss(0, 1.4))))
                        else:
                            value = max(1, min(5, round(3.6 + 0.95 * mood + team_offsets[driver] + personal
                                                        + rng.gauss(0, 0.65))))
                        answers.append(("%032x" % rng.getrandbits(128), cycle_id, cycle_item_id, driver, value))
                    if rng.random() < 0.04:
                        comment_id = "%032x" % rng.getrandbits(128)
                        good = mood + personal > 0
                        L.add("pulse_comments", (comment_id, cycle_id,
                                                 rng.choice(data.PULSE_COMMENTS_GOOD if good else data.PULSE_COMMENTS_BAD)))
                        L.add("pulse_comment_authors", (comment_id, person.id))
                        if rng.random() < 0.25 and person.id != manager:
                            replied = min(closes_at + timedelta(hours=rng.uniform(2, 72)), self.now)
                            ids["reply"] += 1
                            L.add("pulse_comment_replies", (ids["reply"], comment_id, manager, False,
                                                            rng.choice(data.PULSE_REPLIES), replied))
                            if rng.random() < 0.3:
                                ids["reply"] += 1
                                L.add("pulse_comment_replies", (ids["reply"], comment_id, None, True,
                                                                rng.choice(data.AUTHOR_REPLIES),
                                                                min(replied + timedelta(hours=5), self.now)))
                if first_invite >= recent_from:
                    self.recent_cycles.append((cycle_id, team.id, [p.id for p in members], first_invite, len(items)))
            # Answers carry no person and no time; shuffled so not even their order ties them to one.
            rng.shuffle(answers)
            for row in answers:
                L.add("pulse_answers", row)
            week += 1
            if week % 26 == 0:
                self.out(f"    pulses: {week} weeks, {ids['cycle']:,} cycles, "
                         f"{L.counts['pulse_answers'] + len(L.buffers['pulse_answers']):,} answers")

    # --- notifications of recent activity --------------------------------------------------

    def notifications(self) -> None:
        rng = self.rng("notifications")
        org = self.org

        def note(kind, subject, text, created, recipient=None, channel=None, link=None, quote=None,
                 dedupe=None, extra=None):
            self.notification_id += 1
            payload = dict(extra or {})
            payload["text"] = text
            if link:
                payload["link"] = link
            if quote:
                payload["quote"] = quote
            person = org.people.get(recipient) if recipient else None
            transport = "slack" if channel or (person and person.slack) else "email"
            sent = created + timedelta(seconds=rng.randint(20, 90))
            read = sent + timedelta(hours=rng.expovariate(1 / 20)) if recipient and rng.random() < 0.55 else None
            self.loader.add("notifications", (
                self.notification_id, kind, recipient, channel, False, subject[:200], payload, dedupe,
                "sent", transport, 1, created, sent, None, None,
                read if read and read < self.now else None, created))

        for fid, team_id, comment, created, heroes, candidates in self.recent_praise:
            team = org.teams[team_id]
            for p in heroes:
                note("praise.customer_said", "A customer said something about you",
                     f"A customer of {team.name} mentioned you by name. Here is what they said.", created,
                     recipient=p, link="/praise/me", quote=comment, dedupe=f"praise.customer_said:{fid}:{p}",
                     extra={"feedback_id": fid})
            for m in team.managers:
                names = ", ".join(org.people[p].name for p in heroes)
                text = (f"A customer of {team.name} praised {names}. Celebrate it as a hero story?" if heroes else
                        f"A customer of {team.name} praised someone whose name several people share: "
                        "confirm who they meant in your praise inbox.")
                note("praise.manager_alert", "Customer praise for your team", text, created, recipient=m,
                     link=f"/praise#feedback-{fid}", quote=comment, dedupe=f"praise.manager_alert:{fid}:{m}",
                     extra={"feedback_id": fid, "hero_ids": heroes, "candidate_ids": candidates})
        for story_id, state, nominator, heroes, approver, decided_by, decided_at, created, private, text in self.recent_stories:
            hero_names = " and ".join(org.people[h].name for h in heroes)
            if approver:
                note("story.approval_request", f"Hero story to approve: {hero_names}",
                     f"{org.people[nominator].name} nominated {hero_names} for a hero story. It waits for your approval.",
                     created, recipient=approver, link=f"/heroes/{story_id}", quote=text,
                     dedupe=f"story.approval_request:{story_id}:{approver}", extra={"story_id": story_id})
            if state == "pending" or decided_at is None:
                continue
            if decided_by != nominator:
                note("story.decided", f"Your hero story was {state}",
                     f"Your hero story about {hero_names} was {state} by {org.people[decided_by].name}.", decided_at,
                     recipient=nominator, link=f"/heroes/{story_id}", dedupe=f"story.decided:{story_id}",
                     extra={"story_id": story_id, "outcome": state, "decided_by_id": decided_by})
            if state != "approved":
                continue
            if not private:
                note("story.celebration", f"Hero story: {hero_names}", text, decided_at, channel="#heroes",
                     link=f"/heroes/{story_id}", dedupe=f"story.celebration:{story_id}",
                     extra={"story_id": story_id, "hero_ids": heroes})
            for h in heroes:
                note("story.hero_note", "A hero story about you",
                     f"You are a hero! {org.people[nominator].name} told your story and it has been approved.",
                     decided_at, recipient=h, link=f"/heroes/{story_id}", dedupe=f"story.hero_note:{story_id}:{h}",
                     extra={"story_id": story_id, "private": private})
        for idea_id, owner, title, kind, created in self.recent_ideas:
            what = "obstacle" if kind == "obstacle" else "idea"
            note("idea.assigned", f"New {what}: {title}", f"A new {what} for your team: {title}", created,
                 recipient=owner, link=f"/ideas/{idea_id}", dedupe=f"idea.assigned:{idea_id}:{owner}",
                 extra={"idea_id": idea_id})
        for cycle_id, team_id, members, invited, questions in self.recent_cycles:
            team = org.teams[team_id]
            for p in members:
                note("pulse.invitation", f"Pulse for {team.name}",
                     f"Your weekly pulse for {team.name} is open: {questions} questions, two minutes.", invited,
                     recipient=p, dedupe=f"pulse.invitation:{cycle_id}:{p}",
                     extra={"cycle_id": cycle_id, "questions": questions})


def drivers_for(sequence: int, items_per_cycle: int) -> list[tuple[str, int]]:
    """The pulse rotation: drivers in a fixed order, `items_per_cycle` at a time."""
    k = max(1, min(items_per_cycle, len(DRIVERS)))
    return [(DRIVERS[slot % len(DRIVERS)], slot // len(DRIVERS)) for slot in range(sequence * k, sequence * k + k)]


def sqlite_converter(table, columns):
    """A function turning a row's dates and times into SQLAlchemy's SQLite text, or None if it has none."""
    import sqlalchemy as sa

    stamps = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.DateTime)]
    days = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.Date)]
    if not stamps and not days:
        return None

    def convert(row):
        row = list(row)
        for i in stamps:
            if row[i] is not None:
                row[i] = row[i].isoformat(" ", "microseconds")
        for i in days:
            if row[i] is not None:
                row[i] = row[i].isoformat()
        return tuple(row)

    return convert


def slug_of(name: str) -> str:
    return "-".join(tokens(name))[:64]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- Entry point --------------------------------------------------------------------------------

def database_url(args) -> tuple[str, Path | None]:
    url = args.database_url or (os.environ.get("DATABASE_URL") if not args.database else None)
    if url:
        return url, None
    path = Path(args.database) if args.database else ROOT / "instance" / f"bench-org-{args.scale:g}.db"
    return f"sqlite:///{path.resolve()}", path.resolve()


def rebuild_insights(app) -> int:
    """The app's own full rebuild of the insights panel."""
    try:
        from engagement.insights.panel import rebuild
    except ImportError:
        rebuild = None
    if rebuild is not None:
        from flashpoint.extensions import db

        rows = rebuild()
        db.session.commit()
        return rows
    result = app.test_cli_runner().invoke(args=["rebuild-insights"])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return -1


def generate(url: str, scale: float, seed: int = 7, today: date | None = None, insights: bool = True,
             out=print) -> dict:
    """Create the schema at `url` (which must be empty), fill it, rebuild the panel. Returns figures."""
    import sqlalchemy as sa

    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import Config, normalise_database_url
    from flashpoint.extensions import db

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
    config.FLASHPOINT_SCHEDULER = "off"
    app = create_app(config)
    today = today or datetime.now(timezone.utc).date()
    figures: dict = {"scale": scale, "seed": seed, "today": today.isoformat()}
    started, cpu_started = time.perf_counter(), cpu_seconds()
    with app.app_context():
        upgrade_database()
        engine = db.engine
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # Rows go in parents first; the test of the generator checks the keys afterwards
                # (PRAGMA foreign_key_check), so the load itself skips a lookup per key.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
                conn.exec_driver_sql("PRAGMA cache_size=-131072")  # 128 MB of page cache while loading
            if conn.execute(sa.text("SELECT count(*) FROM users")).scalar():
                raise SystemExit(f"{url} already holds people: give an empty database (or a new file).")
            generator = Generator(conn, scale, seed, today, out)
            generator.run()
            if conn.dialect.name == "postgresql":
                for table in db.metadata.sorted_tables:
                    if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and table.c.id.autoincrement:
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)")
                conn.commit()
        figures["rows"] = dict(generator.loader.counts)
        figures["steps"] = dict(generator.timings)
        if insights:
            t, cpu = time.perf_counter(), cpu_seconds()
            panel_rows = rebuild_insights(app)
            figures["steps"]["insights"] = time.perf_counter() - t
            figures["rows"]["insight_team_periods"] = panel_rows
            out(f"  {'insights':<14} {figures['steps']['insights']:7.1f} s ({cpu_seconds() - cpu:6.1f} s CPU)  "
                f"peak RSS {peak_rss_mb():5.0f} MB  insight_team_periods {panel_rows:,} (the app's rebuild)")
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
            else:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.session.remove()
        engine.dispose()
    figures["seconds"] = time.perf_counter() - started
    figures["cpu_seconds"] = cpu_seconds() - cpu_started
    figures["peak_rss_mb"] = peak_rss_mb()
    figures["logins"] = generator.logins
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02, help="1 = 5,000 people and two years of history")
    parser.add_argument("--database", help="SQLite file to create (default instance/bench-org-<scale>.db)")
    parser.add_argument("--database-url", help="SQLAlchemy URL of an empty database (default: DATABASE_URL)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, help="last day of the history (default: today, UTC)")
    parser.add_argument("--no-insights", action="store_true", help="skip the insights panel rebuild")
    args = parser.parse_args(argv)
    url, path = database_url(args)
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"Generating an organisation at scale {args.scale:g} into {url}")
    figures = generate(url, args.scale, args.seed, args.today, insights=not args.no_insights)
    print("\nRows per table:")
    for table, count in sorted(figures["rows"].items(), key=lambda kv: -kv[1]):
        print(f"  {table:<26} {count:>12,}")
    print(f"\nTotal {sum(n for n in figures['rows'].values() if n > 0):,} rows in {figures['seconds']:.1f} s "
          f"({figures['cpu_seconds']:.1f} s CPU), peak RSS {figures['peak_rss_mb']:.0f} MB" +
          (f", file {path.stat().st_size / 2**20:.0f} MB" if path is not None else ""))
    logins = figures["logins"]
    print(f"\nSign in with password {PASSWORD!r}:")
    print(f"  admin    {logins['admin']}")
    print(f"  hr       {logins['hr']}")
    print(f"  manager  {logins['manager']}  (manages {logins['team']})")
    print(f"  staff    {logins['staff']}  (in {logins['team']})")
    if path is not None:
        print(f"\nServe it: DATABASE_URL=sqlite:///{path} .venv/bin/flask --app wsgi run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
