"""The idea board's query: scope, filters, search and sort, plus "similar ideas" while typing."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from engagement.ideas.models import KINDS, STATUSES, Idea, IdeaTag, IdeaVote
from flashpoint.extensions import db
from flashpoint.pagination import keyset_page
from flashpoint.people.models import Team, User

SORTS = {"newest": "Newest", "votes": "Most votes", "updated": "Recently updated"}


@dataclass
class BoardFilters:
    scope: str = "org"          # "team" (my team and its sub-teams) or "org"
    team: str = ""              # a team slug
    kind: str = ""
    status: str = ""            # a status, or "open"
    tag: str = ""
    q: str = ""
    sort: str = "newest"
    mine: bool = False

    @classmethod
    def from_args(cls, args, user: User) -> BoardFilters:
        scope = args.get("scope") or ("team" if user.team_id else "org")
        return cls(
            scope=scope if scope in ("team", "org") else "org",
            team=(args.get("team") or "").strip()[:64],
            kind=args.get("kind") if args.get("kind") in KINDS else "",
            status=args.get("status") if args.get("status") in STATUSES + ("open",) else "",
            tag=(args.get("tag") or "").strip().lower()[:40],
            q=(args.get("q") or "").strip()[:200],
            sort=args.get("sort") if args.get("sort") in SORTS else "newest",
            mine=args.get("mine") == "1",
        )


def votes_subquery():
    return (db.select(IdeaVote.idea_id, func.count(IdeaVote.id).label("votes"))
            .group_by(IdeaVote.idea_id).subquery())


def board_query(filters: BoardFilters, viewer: User):
    """A select of ideas for the board, sorted and filtered; the caller paginates."""
    stmt = db.select(Idea)
    if filters.sort == "votes":
        # Only this sort needs every idea's votes counted; the others read the page's counts afterwards.
        votes = votes_subquery()
        vote_col = func.coalesce(votes.c.votes, 0)
        stmt = stmt.outerjoin(votes, votes.c.idea_id == Idea.id)
    if filters.mine:
        stmt = stmt.where(Idea.submitter_id == viewer.id)
    elif filters.scope == "team" and viewer.team is not None:
        stmt = stmt.where(Idea.team_id.in_([t.id for t in viewer.team.subtree()]))
    if filters.team:
        team = db.session.scalar(db.select(Team).where(Team.slug == filters.team))
        stmt = stmt.where(Idea.team_id.in_([t.id for t in team.subtree()] if team else [-1]))
    if filters.kind:
        stmt = stmt.where(Idea.kind == filters.kind)
    if filters.status == "open":
        stmt = stmt.where(Idea.status.in_(("new", "under review", "planned", "in progress")))
    elif filters.status:
        stmt = stmt.where(Idea.status == filters.status)
    if filters.tag:
        stmt = stmt.where(Idea.id.in_(db.select(IdeaTag.idea_id).where(IdeaTag.name == filters.tag)))
    if filters.q:
        for word in filters.q.split()[:8]:
            pattern = f"%{_escape_like(word)}%"
            stmt = stmt.where(or_(Idea.title.ilike(pattern, escape="\\"),
                                  Idea.description.ilike(pattern, escape="\\")))
    if filters.sort == "votes":
        stmt = stmt.order_by(vote_col.desc(), Idea.created_at.desc(), Idea.id.desc())
    elif filters.sort == "updated":
        stmt = stmt.order_by(Idea.updated_at.desc(), Idea.id.desc())
    else:
        stmt = stmt.order_by(Idea.created_at.desc(), Idea.id.desc())
    return stmt


def board_page(filters: BoardFilters, viewer: User, args, per_page: int):
    """The page of the board the query string asks for. Newest and recently updated are keyset pages
    (flashpoint/pagination.py: links carry a cursor, a deep page costs what page 1 costs); the vote
    order, which needs every idea's count, pages by number."""
    stmt = board_query(filters, viewer).options(
        selectinload(Idea.team), selectinload(Idea.submitter), selectinload(Idea.tags))
    if filters.sort == "votes":
        return db.paginate(stmt, per_page=per_page, error_out=False, count=True)
    time_col = Idea.updated_at if filters.sort == "updated" else Idea.created_at
    return keyset_page(stmt, time_col=time_col, id_col=Idea.id, args=args, per_page=per_page)


def vote_counts(ideas: list[Idea]) -> dict[int, int]:
    ids = [idea.id for idea in ideas]
    if not ids:
        return {}
    rows = db.session.execute(db.select(IdeaVote.idea_id, func.count(IdeaVote.id))
                              .where(IdeaVote.idea_id.in_(ids)).group_by(IdeaVote.idea_id)).all()
    counts = dict.fromkeys(ids, 0)
    counts.update({idea_id: n for idea_id, n in rows})
    return counts


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def all_tags(limit: int = 60) -> list[str]:
    return db.session.scalars(
        db.select(IdeaTag.name).group_by(IdeaTag.name)
        .order_by(func.count(IdeaTag.idea_id).desc(), IdeaTag.name).limit(limit)).all()


# --- Similar ideas ---------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about what an idea is about.
STOPWORDS = set("""a an and are as at be but by can could do for from has have how i if in into is it
its more most need needs no not of on or our should so that the their them there these they this to
too up us was we were what when where which who why will with would you your very get make""".split())
SIMILAR_POOL = 500


def _tokens(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    # A crude stem (plural s) makes "queue" meet "queues" without a language library.
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in STOPWORDS and len(w) > 1}


def _jaccard(ta: set[str], tb: set[str]) -> float:
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _trigrams(text: str) -> set[str]:
    squashed = " " + " ".join(_WORD.findall(text.lower())) + " "
    return {squashed[i:i + 3] for i in range(len(squashed) - 2)}


def similarity(a: str, b: str) -> float:
    """How alike a typed title `a` is to an existing title `b`, 0..1: mostly the share of the
    typed content words found in `b` (a short query against a long title still matches), plus
    word overlap both ways (Jaccard) and character-trigram overlap for spelling variants
    ("check-out" and "checkout"). Set operations only: cheap enough to score hundreds of ideas on
    every keystroke, and good enough to catch "queue at the till is long" against "Open a second
    till when the queue passes five people"."""
    ta, tb = _tokens(a), _tokens(b)
    coverage = (len(ta & tb) / len(ta)) * min(1.0, len(ta) / 2) if ta else 0.0
    return 0.5 * coverage + 0.3 * _jaccard(ta, tb) + 0.2 * _jaccard(_trigrams(a), _trigrams(b))


def similar_ideas(text: str, *, limit: int = 5, threshold: float = 0.3, exclude_id: int | None = None):
    """The most similar recent ideas (not duplicates) to a title being typed: [(idea, votes, score)].

    Only plain columns of the recent pool are read, and an idea sharing no content word with the
    text is skipped before difflib runs (it could not reach the threshold: without shared words
    the score is at most 0.2); only the few best are loaded as objects.
    """
    text = " ".join((text or "").split())[:300]
    words = _tokens(text)
    if not words:
        return []
    pool = db.session.execute(
        db.select(Idea.id, Idea.title, func.substr(Idea.description, 1, 1000))
        .where(Idea.status != "duplicate")
        .order_by(Idea.created_at.desc(), Idea.id.desc()).limit(SIMILAR_POOL)).all()
    scored = []
    for idea_id, title, description in pool:
        if idea_id == exclude_id:
            continue
        title_words = _tokens(title)
        described = words & _tokens(description or "")
        if not (words & title_words) and not described:
            continue
        score = similarity(text, title)
        if len(words) >= 2:
            score = max(score, 0.6 * len(described) / len(words))
        if score >= threshold:
            scored.append((idea_id, score))
    scored.sort(key=lambda row: (-row[1], -row[0]))
    best = scored[:limit]
    if not best:
        return []
    ideas = {i.id: i for i in db.session.scalars(db.select(Idea).where(Idea.id.in_([i for i, _ in best])))}
    counts = vote_counts(list(ideas.values()))
    return [(ideas[i], counts[i], score) for i, score in best]


def status_counts() -> dict[str, int]:
    """How many ideas stand at each status, in the workflow's order (one grouped count)."""
    found = dict(db.session.execute(db.select(Idea.status, func.count(Idea.id)).group_by(Idea.status)).all())
    return {status: found.get(status, 0) for status in STATUSES}
