"""Syncing a pulling source (with an in-test fake): page by page, once per external id, bad items
set aside with the reason, a provider's garbage stops the sync and the next run resumes from the cursor."""
from datetime import datetime

import pytest

from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.feedback.sources import sync
from recognition.feedback.sources.base import SourceError
from recognition.feedback.sources.models import FeedbackSetAside, FeedbackSource
from recognition.praise.models import PraiseMatch
from tests.factories import make_team, make_user
from tests.sources import fakes
from tests.sources.fakes import item, page

NOW = datetime(2026, 3, 1, 12, 3)


def stored() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Feedback.external_id).order_by(Feedback.id)))


def state() -> FeedbackSource:
    db.session.expire_all()
    return db.session.scalar(db.select(FeedbackSource).where(FeedbackSource.name == "fake"))


@pytest.mark.both_databases
def test_pages_are_taken_once_and_a_second_run_adds_nothing(app, fake, db_backend):
    make_team("shop")
    fake["FAKE_PAGES"] = [page(0, item(1), item(2)), page(1, item(3), more=False)]
    report = sync.sync_source("fake", now=NOW)
    assert (report.pages, report.taken, report.error) == (2, 3, None)
    assert stored() == ["fake:1", "fake:2", "fake:3"]
    row = state()
    assert (row.cursor, row.items_taken, row.last_sync_at, row.last_success_at) == ("2", 3, NOW, NOW)
    assert row.next_run_at == datetime(2026, 3, 1, 12, 10)
    # Run again from the start (as after a crash before the cursor was kept): nothing is added.
    row.cursor = None
    db.session.commit()
    again = sync.sync_source("fake", now=NOW)
    assert (again.taken, again.known) == (0, 3) and stored() == ["fake:1", "fake:2", "fake:3"]


def test_garbage_stops_the_sync_at_that_page_and_the_next_run_resumes_from_the_cursor(app, fake):
    make_team("shop")
    fake["FAKE_PAGES"] = [page(0, item(1)), SourceError("Zendesk answered something that is not JSON"),
                          page(2, item(3), more=False)]
    report = sync.sync_source("fake", now=NOW)
    assert (report.pages, report.taken, report.error) == (1, 1, "Zendesk answered something that is not JSON")
    row = state()
    assert (row.cursor, row.last_error, row.last_success_at) == ("1", report.error, None)
    fake["FAKE_PAGES"][1] = page(1, item(2))  # the provider recovered
    report = sync.sync_source("fake", now=NOW)
    assert report.error is None and stored() == ["fake:1", "fake:2", "fake:3"]
    assert fakes.CALLS == [(None, None), ("1", None)]
    assert state().last_error is None


def test_since_rereads_from_that_day(app, fake):
    make_team("shop")
    fake["FAKE_PAGES"] = [page(0, item(1), more=False)]
    sync.sync_source("fake", now=NOW)
    sync.sync_source("fake", since=datetime(2026, 2, 1), now=NOW)
    assert fakes.CALLS == [(None, None), (None, datetime(2026, 2, 1))]
    assert stored() == ["fake:1"]


def test_bad_items_are_set_aside_with_the_reason_and_the_rest_goes_in(app, fake):
    make_team("shop")
    fake["FAKE_PAGES"] = [page(0, item(1), item(2, team="nowhere"), item(3, score=9), item(4, score=None),
                               item(5, team=None), item(6, aside_reason="No rating on ticket 6"), item(7),
                               more=False)]
    report = sync.sync_source("fake", now=NOW)
    assert (report.taken, report.set_aside) == (2, 5)
    assert stored() == ["fake:1", "fake:7"]
    reasons = dict(db.session.execute(db.select(FeedbackSetAside.external_id, FeedbackSetAside.reason)).all())
    assert reasons["fake:2"] == "There is no team 'nowhere'."
    assert "9 is out of range" in reasons["fake:3"]
    assert reasons["fake:4"] == "The item has no score."
    assert "FAKE_DEFAULT_TEAM" in reasons["fake:5"]
    assert reasons["fake:6"] == "No rating on ticket 6"
    assert state().items_set_aside == 5
    # A default team takes the item without one; the set-aside row goes once the item is taken.
    app.config["FAKE_DEFAULT_TEAM"] = "shop"
    try:
        sync.sync_source("fake", since=datetime(2026, 1, 1), now=NOW)
    finally:
        app.config.pop("FAKE_DEFAULT_TEAM")
    assert "fake:5" in stored()
    assert state().items_set_aside == 4


def test_the_credited_agent_outranks_names_and_an_unknown_address_falls_back(app, fake):
    team = make_team("shop")
    make_user(team=team, name="Amara Okafor", email="amara@example.test")
    make_user(team=team, name="Sofia Reyes")
    fake["FAKE_PAGES"] = [page(0, item(1, comment="Sofia was great", employee_email="amara@example.test"),
                               item(2, comment="Sofia was great", employee_email="left@example.test"), more=False)]
    sync.sync_source("fake", now=NOW)
    found = [(m.feedback.external_id, m.user.name, m.matched_on)
             for m in db.session.scalars(db.select(PraiseMatch).order_by(PraiseMatch.id))]
    assert found == [("fake:1", "Amara Okafor", "credited by Fake Desk"), ("fake:1", "Sofia Reyes", "sofia"),
                     ("fake:2", "Sofia Reyes", "sofia")]


def test_the_command_prints_progress_and_refuses_an_unconfigured_source(app, fake):
    make_team("shop")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sync-source", "fake"])
    assert result.exit_code == 1 and "not configured" in result.output
    result = runner.invoke(args=["sync-source", "nosuch"])
    assert result.exit_code == 1 and "no pulling source 'nosuch'" in result.output
    fake["FAKE_PAGES"] = [page(0, item(1)), page(1, item(2), more=False)]
    result = runner.invoke(args=["sync-source", "fake", "--since", "2026-02-01"])
    assert result.exit_code == 0, result.output
    assert "page 1: 1 taken" in result.output and "page 2: 2 taken" in result.output
    fake["FAKE_PAGES"].append(SourceError("HTTP 500 three times"))  # the next run resumes there
    result = runner.invoke(args=["sync-source", "fake"])
    assert result.exit_code == 1 and "HTTP 500 three times" in result.output


def test_the_scheduler_runs_every_configured_source(app, fake):
    from flashpoint.scheduler import tick

    make_team("shop")
    fake["FAKE_PAGES"] = [page(0, item(1), more=False)]
    outcomes = dict(tick(NOW))
    assert "fake: 1 page, 1 taken" in outcomes["feedback_sources"]
    assert stored() == ["fake:1"]


@pytest.mark.both_databases
def test_two_syncs_of_one_source_do_not_run_at_once(app, fake, db_backend, monkeypatch):
    from datetime import timedelta

    from flashpoint.scheduler import tick

    make_team("shop")
    fake["FAKE_PAGES"] = [page(0, item(1)), page(1, item(2), more=False)]
    refused = []

    def second_sync(report):  # called mid-way through the first sync, its first page committed
        if not refused:
            with pytest.raises(sync.SyncRunning) as caught:
                sync.sync_source("fake", now=NOW)
            refused.append(str(caught.value))

    report = sync.sync_source("fake", now=NOW, progress=second_sync)
    assert refused == ["A sync of fake is already running (since 01 Mar 2026 12:03 UTC); this one did not start."]
    assert (report.taken, report.error) == (2, None) and state().sync_started_at is None  # freed

    # The scheduler's duty holds the source: the command says so and fails; the duty skips.
    row = state()
    row.sync_started_at = NOW
    db.session.commit()
    monkeypatch.setattr(sync, "utcnow", lambda: NOW + timedelta(minutes=5))  # the command's clock
    result = app.test_cli_runner().invoke(args=["sync-source", "fake"])
    assert result.exit_code == 1 and "A sync of fake is already running (since 01 Mar 2026 12:03 UTC)" in result.output
    outcome = dict(tick(NOW + timedelta(minutes=7)))["feedback_sources"]
    assert "fake: skipped. A sync of fake is already running" in outcome
    # A claim older than the lease was left by a crashed sync: the next one goes ahead.
    assert sync.sync_source("fake", now=NOW + sync.LEASE + timedelta(minutes=1)).error is None
    assert state().sync_started_at is None
