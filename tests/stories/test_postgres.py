"""What depends on the database: one clap per person, one decision per story, on both databases."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from flashpoint.extensions import db
from recognition.stories.approvals import approve
from recognition.stories.errors import StoryError
from recognition.praise.models import PraiseMatch
from recognition.stories.models import Clap, HeroStory
from recognition.stories.wall import clap
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import customer_says, make_story, notes


@pytest.mark.both_databases
def test_one_clap_per_person_is_a_unique_constraint(app, db_backend):
    team = make_team("shop")
    maya = make_manager(team, name="Maya Lindqvist")
    story = make_story(maya, [make_user(team=team, name="Priya Sharma")])
    fan = make_user(team=team, name="Sam Okafor")
    clap(story, fan)
    clap(story, fan, source="slack")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Clap.id))) == 1
    db.session.add(Clap(story_id=story.id, user_id=fan.id, source="web"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.both_databases
def test_routing_the_same_feedback_twice_adds_no_second_match(app, db_backend):
    from recognition.praise.routing import route_feedback

    team = make_team("shop")
    make_user(team=team, name="Priya Sharma")
    feedback = customer_says(team, "Priya was great")
    route_feedback(feedback)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(PraiseMatch.id))) == 1
    db.session.add(PraiseMatch(feedback_id=feedback.id, user_id=feedback_id_user(feedback), confirmed=True))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def feedback_id_user(feedback):
    return db.session.scalar(sa.select(PraiseMatch.user_id).where(PraiseMatch.feedback_id == feedback.id))


@pytest.mark.postgres
def test_two_approvers_at_once_give_one_decision(app, db_backend):
    team = make_team("shop")
    maya = make_manager(team, name="Maya Lindqvist")
    zoe = make_manager(team, name="Zoe Second")
    story = make_story(make_user(team=team, name="Sam Okafor"), [make_user(team=team, name="Priya Sharma")])
    assert story.state == "pending"  # loaded into this session, now stale
    # Zoe approves in another connection first.
    with db.engine.begin() as conn:
        conn.execute(sa.update(HeroStory).where(HeroStory.id == story.id)
                     .values(state="approved", decided_by_id=zoe.id))
    with pytest.raises(StoryError) as refused:
        approve(story, maya)
    assert refused.value.errors["story"] == "Already approved by Zoe Second."
    db.session.rollback()
    assert notes("story.celebration") == []
