"""An idea's default owner is chosen by the rule that chooses a story's approver (docs/interface.md, "Approvers")."""
from engagement.ideas.owners import default_owner
from recognition.stories.approvers import approver_for
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import make_story


def _story_approver(team, nominator):
    """Who would be asked to approve a story, told by `nominator`, about someone in `team`."""
    return approver_for(make_story(nominator, [make_user(team=team)]))


def test_a_team_with_two_managers_gets_the_person_a_story_approver_would_be(app):
    team = make_team("shop")
    sam = make_manager(team, name="Sam Lee")
    make_manager(team, name="Zoe Young")
    namesake = make_manager(team, name="Sam Lee")  # the same name: the earlier person comes first
    submitter = make_user(team=team)
    owner = default_owner(team, submitter)
    assert owner == _story_approver(team, submitter) == sam
    # The submitter never owns their own idea, as a nominator never approves their own story.
    assert default_owner(team, sam) == _story_approver(team, sam) == namesake


def test_a_team_without_a_manager_gets_its_parents_manager_else_hr(app):
    hr = make_user("hr", name="Hana HR")
    parent = make_team("retail")
    head = make_manager(parent, name="Hugo Head")
    team = make_team("shop", parent=parent)
    submitter = make_user(team=team)
    assert default_owner(team, submitter) == _story_approver(team, submitter) == head
    orphan = make_team("online")
    assert default_owner(orphan, submitter) == _story_approver(orphan, submitter) == hr
    assert default_owner(orphan) == hr
