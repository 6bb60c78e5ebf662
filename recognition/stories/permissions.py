"""Who may see, nominate, decide and clap hero stories, and who triages customer praise."""
from __future__ import annotations

from flashpoint.permissions import is_hr, is_manager, manages_person, manages_team, rule


@rule("nominate_hero")
def _nominate(user, _obj) -> bool:
    return True


@rule("view_heroes")
def _view_heroes(user, _obj) -> bool:
    return True


@rule("view_praise_about_me")
def _view_praise_about_me(user, _obj) -> bool:
    return True


@rule("view_praise_inbox")
def _view_praise_inbox(user, _obj) -> bool:
    """Managers see praise for their teams; HR for everyone."""
    return is_manager(user) or is_hr(user)


@rule("view_story_insights")
def _view_story_insights(user, _obj) -> bool:
    """The proactive/recovery balance and unsung heroes."""
    return is_manager(user) or is_hr(user)


@rule("manage_values")
def _manage_values(user, _obj) -> bool:
    return is_hr(user)


@rule("triage_praise")
def _triage_praise(user, feedback) -> bool:
    """Confirm candidates, dismiss, celebrate: managers of the feedback's team, and HR."""
    return feedback is not None and (is_hr(user) or manages_team(user, feedback.team_id))


@rule("view_praise")
def _view_praise(user, feedback) -> bool:
    """Read one piece of praise verbatim (contacts redacted): its team's managers, HR, the people it names."""
    if feedback is None:
        return False
    if is_hr(user) or manages_team(user, feedback.team_id):
        return True
    from flashpoint.extensions import db
    from recognition.stories.models import PraiseMatch

    return db.session.scalar(db.select(PraiseMatch.id).where(
        PraiseMatch.feedback_id == feedback.id, PraiseMatch.user_id == user.id,
        PraiseMatch.confirmed.is_(True))) is not None


def _close_to(user, story) -> bool:
    """The heroes, their managers, the nominator and the decider."""
    if story.nominator_id == user.id or story.decided_by_id == user.id:
        return True
    return any(hero.id == user.id or manages_person(user, hero) for hero in story.heroes)


@rule("view_story")
def _view_story(user, story) -> bool:
    if story is None:
        return False
    if story.state == "approved":
        return not story.is_private or _close_to(user, story)
    # Pending or declined: the nominator, who may decide, who decided; HR (not for private heroes).
    from recognition.stories.services import approvers_for

    if story.nominator_id == user.id or story.decided_by_id == user.id or user in approvers_for(story):
        return True
    return is_hr(user) and not story.is_private


@rule("approve_story")
def _approve_story(user, story) -> bool:
    from recognition.stories.services import may_decide

    return story is not None and may_decide(story, user)


@rule("edit_story")
def _edit_story(user, story) -> bool:
    from recognition.stories.services import may_edit

    return story is not None and may_edit(story, user)


@rule("clap_story")
def _clap_story(user, story) -> bool:
    return story is not None and story.state == "approved" and _view_story(user, story)


@rule("read_story_evidence")
def _read_story_evidence(user, story) -> bool:
    """The customer's words verbatim (contacts redacted): heroes, their managers, HR."""
    if story is None or story.feedback is None:
        return False
    return is_hr(user) or any(hero.id == user.id or manages_person(user, hero) for hero in story.heroes)
