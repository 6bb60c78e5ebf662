"""The threshold and the subtraction rule, decided in one module."""
from engagement.pulses import anonymity
from engagement.pulses.anonymity import ROOT, SMALL, SUBTRACTION, hidden_reasons


def test_a_group_under_the_threshold_is_hidden_and_one_at_it_is_shown():
    reasons = hidden_reasons({"a": None, "b": None}, {"a": 4, "b": 5}, threshold=5)
    assert reasons["a"] == SMALL
    assert reasons["b"] is None


def test_parent_is_hidden_when_it_minus_its_shown_teams_would_reveal_a_small_team():
    # dept = big1 + big2 + small: showing dept, big1 and big2 would give small away by subtraction.
    parents = {"dept": None, "big1": "dept", "big2": "dept", "small": "dept"}
    reasons = hidden_reasons(parents, {"big1": 6, "big2": 7, "small": 2}, threshold=5)
    assert reasons["small"] == SMALL
    assert reasons["big1"] is None and reasons["big2"] is None  # teams meeting the threshold stay shown
    assert reasons["dept"] == SUBTRACTION
    assert reasons[ROOT] == SUBTRACTION  # the organisation total would reveal it just the same


def test_parent_is_shown_when_its_hidden_parts_together_reach_the_threshold():
    parents = {"dept": None, "big": "dept", "small1": "dept", "small2": "dept"}
    reasons = hidden_reasons(parents, {"big": 8, "small1": 3, "small2": 3}, threshold=5)
    assert reasons["small1"] == SMALL and reasons["small2"] == SMALL
    assert reasons["dept"] is None  # dept − big = the two small teams together: 6 people


def test_a_departments_own_few_members_count_as_a_hidden_part():
    parents = {"dept": None, "t1": "dept", "t2": "dept"}
    reasons = hidden_reasons(parents, {"dept": 1, "t1": 6, "t2": 6}, threshold=5)
    assert reasons["dept"] == SUBTRACTION


def test_hidden_mass_propagates_up_through_a_hidden_parent():
    # org → dept → (big, small); org − other = dept, dept − big = small.
    parents = {"dept": None, "big": "dept", "small": "dept", "other": None}
    reasons = hidden_reasons(parents, {"big": 9, "small": 2, "other": 9}, threshold=5)
    assert reasons["dept"] == SUBTRACTION
    assert reasons["other"] is None
    assert reasons[ROOT] == SUBTRACTION


def test_the_threshold_never_goes_below_three(app):
    app.config["PULSE_MIN_GROUP_SIZE"] = 1
    assert anonymity.min_group_size() == 3
    app.config["PULSE_MIN_GROUP_SIZE"] = 7
    assert anonymity.min_group_size() == 7
