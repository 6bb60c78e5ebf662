"""The stories demo step: works without the feedback step, gives the demo manager things to do."""
import random

from flashpoint.people.demo import load_people
from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition.praise.inbox import praise_for_manager
from recognition.stories.approvers import pending_for
from recognition.stories.demo import load_stories
from recognition.stories.models import Clap, HeroStory
from recognition.stories.wall import unsung_heroes


def test_demo_stories_load_without_feedback_demo_and_give_the_manager_work(app):
    load_people(random.Random("people"))
    load_stories(random.Random("stories"))
    db.session.commit()
    states = {s: db.session.scalar(db.select(db.func.count(HeroStory.id)).where(HeroStory.state == s))
              for s in ("approved", "pending", "declined")}
    assert states["approved"] >= 20 and states["pending"] >= 3 and states["declined"] >= 2
    kinds = set(db.session.scalars(db.select(HeroStory.kind).where(HeroStory.state == "approved")))
    assert kinds == {"proactive", "recovery"}
    maya = db.session.scalar(db.select(User).where(User.email == "manager@demo.flashpoint.test"))
    assert len(pending_for(maya)) >= 3
    unsung = unsung_heroes(maya)
    assert unsung.praised and unsung.unrecognised
    assert praise_for_manager(maya)
    assert db.session.scalar(db.select(db.func.count(Clap.id))) > 20
    assert db.session.scalar(db.select(HeroStory.id).where(HeroStory.feedback_id.is_not(None))) is not None
