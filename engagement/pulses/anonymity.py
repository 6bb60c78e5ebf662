"""The one place deciding which pulse figures may be shown: the group-size threshold and the
subtraction rule. Pages, the CSV export and any API ask here.

Teams form a tree (a department contains its teams; a virtual root stands for the whole
organisation). Each team has an *own* group (its direct members) and a figure covering its
whole subtree. A figure is shown only when

1. its group has at least PULSE_MIN_GROUP_SIZE respondents, and
2. what it covers beyond the shown figures below it (its "uncovered" part: own members plus
   every hidden part under it) is either empty or itself at least the threshold — otherwise
   "parent minus the shown teams" would give away a hidden team's figure.

Rule 2 hides the parent, never a team that meets the threshold (docs/interface.md, "Pulses and
anonymity"): decisions are taken bottom-up, and a team's own visibility depends only on what lies
below it.
"""
from __future__ import annotations

from typing import Hashable

from flask import current_app

ROOT = "__organisation__"
SMALL = "small"              # fewer respondents than the threshold
SUBTRACTION = "subtraction"  # would let a hidden group's figure be worked out
NO_DATA = "none"             # nobody answered


def min_group_size() -> int:
    """The threshold: configured, and never below 3 whatever the configuration says."""
    return max(3, int(current_app.config["PULSE_MIN_GROUP_SIZE"]))


def shown(size: int, threshold: int | None = None) -> bool:
    """For a figure standing alone (a comment list, one team's own cell)."""
    return size >= (threshold if threshold is not None else min_group_size())


def hidden_reasons(parents: dict[Hashable, Hashable | None], own_sizes: dict[Hashable, int],
                   threshold: int | None = None) -> dict[Hashable, str | None]:
    """For every node of the tree (and ROOT): None when its figure may be shown, else why not.

    `parents` maps each team to its parent (None for a top-level team); `own_sizes` gives each
    team's own respondents (missing means 0).
    """
    threshold = threshold if threshold is not None else min_group_size()
    children: dict[Hashable, list] = {ROOT: []}
    for node, parent in parents.items():
        children.setdefault(node, [])
        children.setdefault(parent if parent in parents else ROOT, []).append(node)
    reasons: dict[Hashable, str | None] = {}
    total: dict[Hashable, int] = {}
    uncovered: dict[Hashable, int] = {}

    # Iterative post-order, so deep trees cannot overflow the stack.
    stack = [(ROOT, False)]
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in children.get(node, []))
            continue
        own = own_sizes.get(node, 0) if node != ROOT else 0
        kids = children.get(node, [])
        total[node] = own + sum(total[c] for c in kids)
        uncovered[node] = own + sum(uncovered[c] for c in kids if reasons[c] is not None)
        if total[node] == 0:
            reasons[node] = NO_DATA
        elif total[node] < threshold:
            reasons[node] = SMALL
        elif 0 < uncovered[node] < threshold:
            reasons[node] = SUBTRACTION
        else:
            reasons[node] = None
    return reasons


def explain(reason: str | None, threshold: int | None = None) -> str:
    threshold = threshold if threshold is not None else min_group_size()
    if reason == SMALL:
        return f"Hidden: fewer than {threshold} people answered."
    if reason == SUBTRACTION:
        return ("Hidden: together with the figures shown for its teams, it would reveal a "
                "smaller group's answers.")
    if reason == NO_DATA:
        return "No answers yet."
    return ""
