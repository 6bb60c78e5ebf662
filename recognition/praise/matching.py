"""Matching names in customers' words to employees, and telling a recovery from proactive delight.

Matching folds case, accents and possessives ("José's" → jose). People of the feedback's own team
are looked at first, then the rest of its department (first names, full names, nicknames); the
rest of the organisation only on full names. A first name or nickname shared by several people at
the same level gives candidates for a manager to confirm, never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from flashpoint.people import directory as people_directory
from flashpoint.people.directory import Directory
from recognition.redaction import fold, redact_contacts

TOKEN_RE = re.compile(r"[a-z0-9]+")
# Words that say a problem was put right: the story is then suggested as a recovery.
RECOVERY_RE = re.compile(
    r"\b(despite|fixed|fixing|sorted (?:it |everything |things )?out|sorted it|mix-? ?ups?|mistakes?|"
    r"resolved|put (?:it |things )?right|made it right|went wrong|broken|broke|"
    r"complaints?|refund(?:ed)?|replaced|(?:was|were|arrived|came|running|ran|delivered|turned up) late|"
    r"delay(?:ed|s)?|lost|wrong|errors?|apologi[sz]ed|"
    r"rescued|saved the day|recover(?:ed|y)?|damaged|missing|even though|turned (?:it|things) around)\b"
)


def tokens(text: str | None) -> list[str]:
    """Folded word tokens with possessives dropped: "José's" → ["jose"]."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    folded = re.sub(r"'s\b", "", fold(text))
    return tuple(TOKEN_RE.findall(folded))


def _contains(haystack: list[list[str]], needle: list[str], present: set[str] | None = None) -> bool:
    if not needle or (present is not None and needle[0] not in present):
        return False
    n = len(needle)
    return any(part[i:i + n] == needle for part in haystack for i in range(len(part) - n + 1))


def suggested_kind(text: str | None) -> str:
    """"recovery" when the words read as a problem put right, else "proactive"."""
    return "recovery" if RECOVERY_RE.search(fold(text)) else "proactive"


# "my husband Tom", "our son Luca": the customer's own people, never an employee to credit.
RELATIONS = frozenset("""
husband wife partner son daughter mum mom mother father dad friend boyfriend girlfriend brother sister
grandson granddaughter grandma grandmother grandpa grandfather kid kids child baby boss neighbour neighbor
fiance fiancee aunt uncle nephew niece cousin dog cat
""".split())


def _mask_relatives(words: list[str]) -> list[str]:
    masked = list(words)
    for i in range(len(words) - 2):
        if words[i] in ("my", "our") and words[i + 1] in RELATIONS:
            masked[i + 2] = "\x00"  # never matches a name
    return masked


@dataclass
class NameMatch:
    user_id: int
    confirmed: bool
    matched_on: str


@dataclass
class MatchResult:
    confirmed: list[NameMatch] = field(default_factory=list)
    candidates: list[NameMatch] = field(default_factory=list)

    def user_ids(self) -> list[int]:
        return [m.user_id for m in (*self.confirmed, *self.candidates)]


def _short_keys_of(name: str, nicknames: str | None) -> list[list[str]]:
    """A person's first name and nicknames, folded."""
    keys = []
    first = tokens(name)[:1]
    if first:
        keys.append(first)
    for nick in (nicknames or "").split(","):
        nick_tokens = tokens(nick)
        if nick_tokens:
            keys.append(nick_tokens)
    return keys


@dataclass
class _Named:
    """One person as matching sees them: their full name and their short names, folded, and their
    place in the directory's order (every tier lists its people in that order)."""
    position: int
    user_id: int
    team_id: int | None
    full: tuple[str, ...]
    short: list[tuple[str, ...]]


@dataclass
class _TierIndex:
    """People of a tier indexed by each of their names (folded word tuples): the names found in a
    text are the text's runs of words looked up here, whatever the number of people."""
    by_full: dict[tuple[str, ...], list[_Named]] = field(default_factory=dict)
    by_short: dict[tuple[str, ...], list[_Named]] = field(default_factory=dict)
    full_lengths: list[int] = field(default_factory=list)  # how many words the names have
    short_lengths: list[int] = field(default_factory=list)

    def full_candidates(self, haystack: list[list[str]], excluded: frozenset[int] = frozenset()) -> list[_Named]:
        """People whose full name appears in the text, in the tier's order (people of the
        `excluded` teams left out)."""
        return self._found(self.by_full, self.full_lengths, haystack, excluded)

    def short_candidates(self, haystack: list[list[str]], excluded: frozenset[int] = frozenset()) -> list[_Named]:
        """People one of whose short names appears in the text, in the tier's order."""
        return self._found(self.by_short, self.short_lengths, haystack, excluded)

    @staticmethod
    def _found(names: dict[tuple[str, ...], list[_Named]], lengths: list[int],
               haystack: list[list[str]], excluded: frozenset[int]) -> list[_Named]:
        found = {id(n): n for part in haystack for k in lengths for i in range(len(part) - k + 1)
                 for n in names.get(tuple(part[i:i + k]), ()) if n.team_id not in excluded}
        return sorted(found.values(), key=lambda n: n.position)


def _tier_index(directory: Directory, team_ids: frozenset[int] | None) -> _TierIndex:
    """Active people of these teams (None: everyone), built once per version of the directory."""
    return directory.memo(("praise.tier", team_ids), lambda: _build_tier_index(directory, team_ids))


def _build_tier_index(directory: Directory, team_ids: frozenset[int] | None) -> _TierIndex:
    index = _TierIndex()
    if team_ids is not None and not team_ids:
        return index
    people = directory.people if team_ids is None else directory.people_of(team_ids)
    named_by_id = _named(directory)
    by_full, by_short = index.by_full, index.by_short
    for person in people:
        named = named_by_id[person.id]
        if len(named.full) >= 2:
            by_full.setdefault(named.full, []).append(named)
        for k in dict.fromkeys(named.short):
            by_short.setdefault(k, []).append(named)
    index.full_lengths = sorted({len(key) for key in by_full})
    index.short_lengths = sorted({len(key) for key in by_short})
    return index


def _named(directory: Directory) -> dict[int, _Named]:
    """Each active person's full name and short names, folded once per version of the directory
    (a person is in three tiers: their team, their department, the organisation)."""
    def build():
        return {person.id: _Named(position, person.id, person.team_id, tuple(tokens(person.name)),
                                  [tuple(k) for k in _short_keys_of(person.name, person.nicknames)])
                for position, person in enumerate(directory.people)}
    return directory.memo("praise.named", build)


_NO_TEAMS: frozenset[int] = frozenset()


def _tiers(directory: Directory, team_id: int | None) -> list[tuple[frozenset[int] | None, frozenset[int], bool]]:
    """(team ids, teams left out, whether first names and nicknames count) in the order they are
    looked at: the team, the rest of its department, then the whole organisation (None). The
    department's index is its whole subtree, shared by its teams; each leaves its own people out."""
    def build():
        team_ids = frozenset({team_id}) if team_id is not None else frozenset()
        parent = directory.parent(team_id) if team_id is not None else None
        dept_ids = frozenset(directory.subtree(parent)) if parent is not None else frozenset()
        return [(team_ids, _NO_TEAMS, True), (dept_ids, team_ids, True), (None, _NO_TEAMS, False)]
    return directory.memo(("praise.tiers", team_id), build)


def find_named_people(team_id: int | None, *texts: str | None, directory: Directory | None = None) -> MatchResult:
    """Who these words name (user ids), looking at the team, then its department, then everyone by full name.

    `directory`: the people directory read once for a batch (else read here).
    """
    # Contact details first: "tom.customer@example.com" names nobody.
    haystack = [_mask_relatives(tokens(redact_contacts(t))) for t in texts if t]
    present = {token for part in haystack for token in part}
    result = MatchResult()
    if not any(haystack):
        return result
    directory = directory if directory is not None else people_directory.current()
    seen: set[int] = set()
    resolved_keys: set[tuple[str, ...]] = set()
    for tier_ids, excluded, short_names_allowed in _tiers(directory, team_id):
        index = _tier_index(directory, tier_ids)
        # Full names first: they explain a first name that also appears.
        for named in index.full_candidates(haystack, excluded):
            if named.user_id in seen or named.full in resolved_keys:
                continue
            if _contains(haystack, list(named.full), present):
                result.confirmed.append(NameMatch(named.user_id, True, " ".join(named.full)))
                seen.add(named.user_id)
                resolved_keys.add(named.full)
                resolved_keys.update(named.short)
        if not short_names_allowed:
            continue
        by_key: dict[tuple[str, ...], list[int]] = {}
        for named in index.short_candidates(haystack, excluded):
            if named.user_id in seen:
                continue
            for key in named.short:
                if key not in resolved_keys and _contains(haystack, list(key), present):
                    by_key.setdefault(key, []).append(named.user_id)
        for key, found in by_key.items():
            resolved_keys.add(key)
            unique = [p for p in dict.fromkeys(found) if p not in seen]
            if len(unique) == 1:
                result.confirmed.append(NameMatch(unique[0], True, " ".join(key)))
                seen.add(unique[0])
        # One candidacy per person, even when two ambiguous words fit them ("Alex" as a nickname
        # and "Alexander" as a first name): a person is matched to an item at most once.
        listed = {m.user_id for m in result.candidates}
        for key, found in by_key.items():
            unique = [p for p in dict.fromkeys(found) if p not in seen]
            if len(unique) > 1:
                for person in unique:
                    if person not in listed:
                        result.candidates.append(NameMatch(person, False, " ".join(key)))
                        listed.add(person)
    # A person confirmed by one word and a candidate by another is simply confirmed.
    confirmed_ids = {m.user_id for m in result.confirmed}
    result.candidates = [m for m in result.candidates if m.user_id not in confirmed_ids]
    return result
