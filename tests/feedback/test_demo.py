"""Demo feedback: a year for every team in all three metrics, praise naming the team's own people."""
import random
from collections import Counter
from datetime import timedelta

from flashpoint.people.demo import load_people
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow
from recognition.feedback.demo import load_feedback, team_trend
from recognition.feedback.models import Feedback


def test_demo_feedback_covers_a_year_of_every_team_names_its_staff_and_is_seeded(app):
    load_people(random.Random(1))
    load_feedback(random.Random(2))
    db.session.commit()
    items = db.session.scalars(db.select(Feedback)).all()
    teams = [t for t in db.session.scalars(db.select(Team)) if t.parent_id is not None]
    departments = {t.id for t in db.session.scalars(db.select(Team)) if t.parent_id is None}
    assert len(items) > 5000
    assert not any(item.team_id in departments for item in items)
    now = utcnow()
    for team in teams:
        mine = [i for i in items if i.team_id == team.id]
        metrics = Counter(i.metric for i in mine)
        assert set(metrics) == {"csat", "nps", "ces"}
        assert metrics.most_common(1)[0][0] == team.form_metric
        assert min(i.received_at for i in mine) < now - timedelta(days=330)
        staff_names = {p.first_name for p in db.session.scalars(db.select(User).where(User.team_id == team.id))}
        named = [i for i in mine if any(n in i.comment or n == i.helper_name for n in staff_names)]
        assert len(named) > 20, team.slug
        assert any(i.consent for i in named) and any(i.helper_name for i in mine)
    assert len({team_trend(t.slug) for t in teams}) == len(teams)
    assert any(not i.positive and i.comment for i in items)
    # The same seed gives the same feedback.
    first = [(i.team_id, i.metric, i.score, i.comment) for i in db.session.scalars(db.select(Feedback).order_by(Feedback.id))]
    db.session.execute(db.delete(Feedback))
    load_feedback(random.Random(2))
    second = [(i.team_id, i.metric, i.score, i.comment) for i in db.session.scalars(db.select(Feedback).order_by(Feedback.id))]
    assert first == second
