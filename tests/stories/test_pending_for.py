"""Whose decision a pending story waits for (`pending_for`) follows the approvers rule for every
viewer, including HR's shortcut of not reading the stories a hero's own manager decides."""
from __future__ import annotations

import pytest

from flashpoint.extensions import db
from recognition.stories.approvers import approvers_for, pending_for
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import make_story


@pytest.mark.both_databases
def test_pending_stories_wait_for_whoever_the_rule_names(db_backend, app):
    region = make_team("region", "Region")
    boss_of_region = make_manager(region)
    managed = make_team("managed", "Managed", parent=region)
    boss = make_manager(managed)
    alone = make_team("alone", "Alone")            # no manager anywhere above: HR decides
    idle = make_team("idle", "Idle")               # its only manager has left: HR decides
    make_manager(idle, active=False)
    hr, admin = make_user("hr"), make_user("admin")
    peer, helper = make_user("staff", managed), make_user("staff", alone)
    idle_person = make_user("staff", idle)

    stories = {
        "a manager's own person": make_story(peer, [make_user("staff", managed)]),
        "the manager is the hero": make_story(peer, [boss]),              # the region's manager
        "the manager nominates": make_story(boss, [peer, helper]),        # the region's manager
        "nobody manages the team": make_story(helper, [make_user("staff", alone)]),
        "the manager has left": make_story(idle_person, [make_user("staff", idle)]),
        "heroes of two teams": make_story(idle_person, [helper, make_user("staff", managed)]),
        "HR is the hero": make_story(helper, [hr, make_user("staff", alone)]),
    }
    db.session.commit()
    assert all(story.is_pending for story in stories.values())
    for viewer in (hr, admin, boss, boss_of_region, peer):
        expected = {name for name, story in stories.items() if viewer in approvers_for(story)}
        found = {name for name, story in stories.items() if story in pending_for(viewer)}
        assert found == expected, viewer.email
    assert {name for name, s in stories.items() if s in pending_for(hr)} == {
        "nobody manages the team", "the manager has left"}


@pytest.mark.both_databases
def test_the_managers_kept_per_process_follow_every_change(db_backend, app):
    """The team tree and managers the rule reads are kept per process; a new manager, a manager
    leaving or a team moved under another shows at the next read."""
    top, alone = make_team("top", "Top"), make_team("alone", "Alone")
    hr = make_user("hr")
    story = make_story(make_user("staff", alone), [make_user("staff", alone)])
    db.session.commit()
    assert [s.id for s in pending_for(hr)] == [story.id]
    boss = make_manager(top)
    db.session.commit()
    assert pending_for(hr) == [story]          # the new manager is above no hero's team
    alone.parent = top
    db.session.commit()
    assert pending_for(hr) == [] and pending_for(boss) == [story]
    boss.active = False
    db.session.commit()
    assert pending_for(hr) == [story] and pending_for(boss) == []
    assert all(pending_for(viewer) == [s for s in [story] if viewer in approvers_for(s)] for viewer in (hr, boss))
