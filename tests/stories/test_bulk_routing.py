"""Praise routing of a CSV import (announced in batches): the same matches, notifications and
wordings as routing each item on its own, in file order."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.praise.models import PraiseMatch
from recognition.praise.routing import route_feedback
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import customer_says, notes

COMMENTS = [
    ("Amara was wonderful, thank you", "5", ""),
    ("Sofia was so kind to my mum", "5", ""),           # two Sofias: candidates for the manager
    ("Amara Okafor and Kenji sorted out the mix-up", "4", ""),
    ("Slow and rude", "1", ""),                          # negative: not routed
    ("Lovely service", "5", "kenji"),                    # named only as the helper
    ("Lovely, thanks to amara", "5", ""),
    ("Greta helped me", "5", ""),                        # inactive: nobody
]


def _import(runner, tmp_path, rows) -> None:
    when = (utcnow() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "received_at", "team", "metric", "score", "comment", "helper_name"])
    writer.writerows([f"bulk-{n}", when, "shop", "csat", score, comment, helper]
                     for n, (comment, score, helper) in enumerate(rows))
    path = tmp_path / "feedback.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["import-feedback", str(path)])
    assert result.exit_code == 0, result.output


def _routing_outcome() -> tuple[list, list]:
    db.session.expire_all()
    matches = [(m.feedback.external_id, m.user.name, m.confirmed, m.candidate, m.matched_on)
               for m in db.session.scalars(db.select(PraiseMatch).order_by(PraiseMatch.id))]
    sent = [(n.kind, n.recipient.name, n.subject, n.payload, n.dedupe_key) for n in notes()]
    return matches, sent


def _imported() -> list[Feedback]:
    return list(db.session.scalars(db.select(Feedback).where(Feedback.external_id.like("bulk-%"))
                                   .order_by(Feedback.id)))


def _org():
    team = make_team("shop")
    maya = make_manager(team, name="Maya Lindqvist")
    amara = make_user(team=team, name="Amara Okafor")
    make_user(team=team, name="Sofia Garcia")
    make_user(team=team, name="Sofia Rossi")
    make_user(team=team, name="Kenji Tanaka")
    make_user(team=team, name="Greta Novak", active=False)
    return team, maya, amara


def test_a_csv_import_routes_exactly_as_routing_each_item_on_its_own(app, runner, tmp_path):
    team, _maya, _amara = _org()
    customer_says(team, "Amara found my parcel")  # an earlier notification moves the wordings on
    _import(runner, tmp_path, COMMENTS)
    imported_outcome = _routing_outcome()

    # Forget what the import routed, then route the same items one at a time, each committed
    # (one item at a time takes its wordings from outbox.varied itself).
    ids = [f.id for f in _imported()]
    db.session.execute(db.delete(PraiseMatch).where(PraiseMatch.feedback_id.in_(ids)))
    db.session.execute(db.delete(Notification).where(
        db.or_(*[Notification.dedupe_key.like(f"praise.%:{i}:%") for i in ids])))
    db.session.commit()
    for item in _imported():
        route_feedback(item)
        db.session.commit()
    assert _routing_outcome() == imported_outcome


def test_wordings_vary_across_one_import_as_they_do_item_by_item(app, runner, tmp_path):
    team, maya, amara = _org()
    customer_says(team, "Amara found my parcel")
    _import(runner, tmp_path, COMMENTS)
    told = [n.payload["text"] for n in notes("praise.customer_said", recipient=amara)]
    assert len(told) == 4  # the form item and three imported items naming her
    assert told[0] == told[3] and len({told[0], told[1], told[2]}) == 3
    alerts = notes("praise.manager_alert", recipient=maya)
    # One alert per routed item that names someone (Sofia's gives candidates; Greta's nobody).
    assert [a.payload["feedback_id"] for a in alerts][1:] == [
        f.id for f in _imported() if f.comment not in ("Slow and rude", "Greta helped me")]
    assert alerts[2].payload["hero_ids"] == [] and len(alerts[2].payload["candidate_ids"]) == 2
    assert len(db.session.scalars(db.select(PraiseMatch)).all()) == 1 + 7


def test_a_second_import_of_the_same_file_routes_nothing_again(app, runner, tmp_path):
    _org()
    _import(runner, tmp_path, COMMENTS)
    before = _routing_outcome()
    _import(runner, tmp_path, COMMENTS)
    assert _routing_outcome() == before
