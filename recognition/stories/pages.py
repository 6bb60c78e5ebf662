"""What the story pages show, assembled from several queries: the wall, one story, the nomination form."""
from __future__ import annotations

from markupsafe import Markup, escape

from flashpoint import versions
from flashpoint.extensions import db
from flashpoint.people import picker
from flashpoint.people.models import Team, User
from flashpoint.permissions import can, is_hr, manages_person
from recognition.feedback.models import Feedback
from recognition.praise.matching import suggested_kind
from recognition.hr_cache import hr_cached
from flashpoint.pagination import KeysetPage, keyset_page
from recognition.redaction import redact_contacts
from recognition.stories import wall as stories_wall
from recognition.stories.approvals import decision_words
from recognition.stories.approvers import approver_for, pending_ids_for
from recognition.stories.drafts import draft_from_praise
from recognition.stories.models import KIND_LABELS, HeroStory
from recognition.stories.quotes import hero_quote, public_quote
from recognition.stories.values import active_values, all_values

# The side panel names the first 15 people of each unsung list and says how many more there are.
UNSUNG_SHOWN = 15
WALL_PERIODS = {"30d": "Last 30 days", "90d": "Last 90 days", "365d": "Last 12 months"}


def _wall_filters(filters: dict) -> dict:
    return dict(team_id=filters["team"], value_id=filters["value"], kind=filters["kind"], period=filters["period"],
                search=filters["q"])


def wall_query(filters: dict):
    """The wall's stories for the filters the page shows (team, value, kind, period, q), newest first."""
    return stories_wall.wall_query(**_wall_filters(filters))


def wall_stories(args, filters: dict, per_page: int) -> KeysetPage:
    """The page of the wall the query string asks for (keyset cursors, or a page number)."""
    ids = stories_wall.wall_ids(**_wall_filters(filters))
    return keyset_page(ids, load=stories_wall.load_cards, time_col=HeroStory.approved_at, id_col=HeroStory.id,
                       args=args, per_page=per_page, total=lambda: _wall_total(ids, filters))


def _wall_total(ids, filters: dict) -> int:
    """How many stories the wall holds; the unfiltered count is the whole organisation's, the same for
    everyone, so it is kept a short while per process (`hr_cached`) instead of counted per request."""
    if any(filters.values()):
        return stories_wall.wall_count(ids)
    return hr_cached(("wall_count",), lambda: stories_wall.wall_count(ids))


def wall_page(viewer: User, page, filters: dict) -> dict:
    """The wall's page of stories with their claps and quotes, the filter choices, and for managers
    and HR the balance of their teams and the unsung heroes."""
    ids = [s.id for s in page.items]
    insights = None
    if can(viewer, "view_story_insights"):
        team_ids = stories_wall.scope_team_ids(viewer)
        balances = [b for b in stories_wall.balance(team_ids, everyone=is_hr(viewer))
                    if b.total or len(team_ids) <= 12]
        insights = {"balances": balances, "unsung": stories_wall.unsung_heroes(viewer, limit=UNSUNG_SHOWN)}
    return dict(
        page=page, counts=stories_wall.clap_counts(ids), clapped=stories_wall.clapped_by(viewer, ids),
        quotes={s.id: public_quote(s) for s in page.items},
        team_options=team_options(filters["team"]), balance_items=balance_items, values=all_values(),
        kinds=KIND_LABELS, periods=WALL_PERIODS, filters=filters, insights=insights, pending=pending_ids_for(viewer),
    )


# Per database: (the teams' version, the team filter's options). The intake's version moves with any
# change to any column of teams (flashpoint/versions.py), so a process keeps them until then.
_TEAM_OPTIONS: dict[str, tuple[int, str]] = {}


def team_options(selected: int | None) -> Markup:
    """The wall's team filter, one option per team by name (441 at full size): written once per
    process and version of the teams, not read and rendered again for each page."""
    key, version = versions.current_database_key(), versions.current().intake
    kept = _TEAM_OPTIONS.get(key)
    if kept is None or version is None or kept[0] != version:
        rows = db.session.execute(db.select(Team.id, Team.name).order_by(Team.name)).all()
        kept = (version, "".join(f'<option value="{team_id}">{escape(name)}</option>' for team_id, name in rows))
        if version is not None:
            _TEAM_OPTIONS[key] = kept
    html = kept[1]
    if selected:
        html = html.replace(f'<option value="{selected}">', f'<option value="{selected}" selected>', 1)
    return Markup(html)


def balance_items(balances) -> Markup:
    """The balance panel's rows, written in Python like the pulse sparklines: HR's lists every team
    with a story in 90 days (about 400), which cost half the wall's time as template code."""
    items = []
    for b in balances:
        name = escape(b.team.name)
        nudge = ""
        if b.nudge:
            nudge = (f'<p class="nudge small">Recoveries are {int(round(100 * b.recovery_share, 0))}% here. Look for '
                     "the quiet, proactive delight too — it rarely makes noise on its own.</p>")
        items.append(
            f'<li><div class="balance-head"><span>{name}</span><span class="muted small">{b.proactive} · '
            f'{b.recovery}</span></div><div class="balance-bar" role="img" aria-label="{name}: {b.proactive} '
            f'proactive, {b.recovery} recovery"><span class="bar-proactive" style="width: '
            f'{round(100 * b.proactive / b.total, 1)}%"></span><span class="bar-recovery" style="width: '
            f'{round(100 * b.recovery / b.total, 1)}%"></span></div>{nudge}</li>')
    return Markup("\n".join(items))


def story_page(viewer: User, story: HeroStory) -> dict:
    """One story: the customer's words as this viewer may read them, claps, who decides."""
    evidence = None
    if story.feedback is not None:
        if can(viewer, "read_story_evidence", story):
            evidence = {"words": hero_quote(story), "verbatim": True}
        else:
            evidence = {"words": public_quote(story), "verbatim": False}
    return dict(story=story, evidence=evidence, claps=stories_wall.clap_count(story),
                clapped=bool(stories_wall.clapped_by(viewer, [story.id])), approver=approver_for(story),
                decision=_decision(story))


def _decision(story: HeroStory) -> dict | None:
    """A decided story's outcome in the words refusals and Slack use, split so the page can set the
    outcome in bold: {"outcome": "Declined", "by": "by Ana"}. Plain text: the template escapes it."""
    if story.is_pending:
        return None
    outcome, _, by = decision_words(story).partition(" ")
    return {"outcome": outcome.capitalize(), "by": by}


def evidence_for(viewer: User, feedback_id) -> Feedback | None:
    """The feedback a nomination starts from, when this person may read it; None otherwise."""
    feedback = db.session.get(Feedback, int(feedback_id)) if str(feedback_id or "").isdigit() else None
    return feedback if feedback is not None and can(viewer, "view_praise", feedback) else None


def form_page(viewer: User, form, story: HeroStory | None, feedback: Feedback | None, formdata=None) -> dict:
    """The nomination (or edit) form: the heroes chosen so far in a people picker (never the whole
    organisation: the picker searches), and the values. The nominator is never offered."""
    nominator = story.nominator if story is not None and story.nominator is not None else viewer
    chosen = picker.chosen_ids(form.heroes.data)
    heroes = picker.people_by_ids(chosen)
    hero_picker = picker.build(viewer, "heroes", chosen, chosen=heroes, formdata=formdata, exclude=[nominator.id])
    values = active_values()
    form.heroes.choices = [(p.id, p.name) for p in heroes]
    form.values.choices = [(v.id, v.name) for v in values]
    evidence = None
    if feedback is not None:
        evidence = {"feedback": feedback, "words": redact_contacts(feedback.comment)}
    # The button says what one click does: the viewer's own people are celebrated at once.
    at_once = story is None and bool(heroes) and all(manages_person(viewer, h) for h in heroes)
    return dict(form=form, story=story, hero_picker=hero_picker, values=values, evidence=evidence,
                kinds=KIND_LABELS, publishes_at_once=at_once)


def prefill_nomination(form, viewer: User, feedback: Feedback | None, kind: str | None, hero_ids: list[str]) -> None:
    """A new nomination's form as a link asked for it. From a piece of praise it is the whole draft
    (heroes, a first sentence, a kind), so one more click publishes it."""
    chosen = [int(h) for h in hero_ids if h.isdigit() and int(h) != viewer.id]
    if feedback is not None:
        draft = draft_from_praise(feedback, viewer, kind, chosen)
        form.feedback_id.data = str(feedback.id)
        form.kind.data = draft.kind
        form.text.data = draft.text
        chosen = [p.id for p in draft.heroes]
    form.heroes.data = chosen
    if form.kind.data not in KIND_LABELS:
        form.kind.data = "proactive"


def prefill_edit(form, story: HeroStory):
    """The edit form filled with the story as it stands."""
    form.heroes.data = [h.id for h in story.heroes]
    form.text.data = story.text
    form.kind.data = story.kind
    form.values.data = [v.id for v in story.values]
    return form


def nominated_message(story: HeroStory) -> str:
    """What the nominator reads once their story is in."""
    if story.state == "approved" and story.is_private:
        return "Approved: they are your people. Recognised privately, as the hero wishes."
    if story.state == "approved":
        return "Approved and celebrated: they are your people, so it went straight to the wall."
    if story.approver is not None:
        return f"Thank you! {story.approver.name} will approve it; you will hear when they do."
    return "Thank you! It waits for an approver."
