"""Who reads customer praise and who triages it."""
from __future__ import annotations

from flashpoint.extensions import db
from flashpoint.permissions import Rules, is_hr, is_manager, manages_team
from recognition.praise.models import PraiseMatch

rules = Rules()


@rules.rule("view_praise_about_me")
def _view_praise_about_me(user, _obj) -> bool:
    return True


@rules.rule("view_praise_inbox")
def _view_praise_inbox(user, _obj) -> bool:
    """Managers see praise for their teams; HR for everyone."""
    return is_manager(user) or is_hr(user)


@rules.rule("triage_praise")
def _triage_praise(user, feedback) -> bool:
    """Confirm candidates, dismiss, celebrate: managers of the feedback's team, and HR."""
    return feedback is not None and (is_hr(user) or manages_team(user, feedback.team_id))


@rules.rule("view_praise")
def _view_praise(user, feedback) -> bool:
    """Read one piece of praise verbatim (contacts redacted): its team's managers, HR, the people it names."""
    if feedback is None:
        return False
    if is_hr(user) or manages_team(user, feedback.team_id):
        return True
    return db.session.scalar(db.select(PraiseMatch.id).where(
        PraiseMatch.feedback_id == feedback.id, PraiseMatch.user_id == user.id,
        PraiseMatch.confirmed.is_(True))) is not None
