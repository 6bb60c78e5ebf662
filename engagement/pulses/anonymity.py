"""The one place deciding which pulse figures and comments may be shown: the group-size
thresholds, the subtraction rule, which answers may count at all, and the order of comments.
Results, the heatmap, the CSV export, comment threads and the insights panel ask here.

What may count: a cycle's answers count only once it has closed and only when at least the
threshold of people answered it (`counts`); an imported history row only when its respondents meet
the threshold. Every figure is therefore a sum of whole cycles (or rows) of at least the threshold,
so no two figures — a week and its month, a team before and after someone moved, the same cycle
seen with 6 answers and again with 7 — differ by fewer people than the threshold.

Teams form a tree (a department contains its teams; a virtual root stands for the whole
organisation). Each team has an *own* group (its direct members) and a figure covering its
whole subtree. A figure is shown only when

1. its group has at least PULSE_MIN_GROUP_SIZE respondents, and
2. what it covers beyond the shown figures below it (its "uncovered" part: own members plus
   every hidden part under it) is either empty or itself at least the threshold — otherwise
   "parent minus the shown teams" would give away a hidden team's figure.

Rule 2 is complementary suppression: when one part of a parent is hidden, a second figure of
that table is hidden with it so the first cannot be worked out. The complement hidden is the
parent, never a team that meets the threshold (docs/interface.md, "Pulses and anonymity"):
decisions are taken bottom-up, and a team's own visibility depends only on what lies below it.

Survey vendors hide "the next-smallest group" when exactly one group of a breakdown is hidden,
because their total is always shown. Here the total is the complementary cell instead: hiding it
protects the hidden part just as well and never takes a figure from a team that meets the
threshold. And since a hidden group's answers count in no figure at all (above), suppression is a
second line of defence: `tests/pulses/test_small_groups_every_path.py` rewrites a small group's
answers and finds every page, export and API answer unchanged.
"""
from __future__ import annotations

import hashlib
from typing import Hashable

import numpy as np

from flask import current_app

ROOT = "__organisation__"
SMALL = "small"              # fewer respondents than the threshold
SUBTRACTION = "subtraction"  # would let a hidden group's figure be worked out
NO_DATA = "none"             # nobody answered


def min_group_size() -> int:
    """The threshold: configured, and never below 3 whatever the configuration says."""
    return max(3, int(current_app.config["PULSE_MIN_GROUP_SIZE"]))


def min_comment_group_size() -> int:
    """The threshold for comments (free text is easier to attribute than a number): configured,
    and never below the figures' threshold whatever the configuration says."""
    return max(min_group_size(), int(current_app.config.get("PULSE_MIN_COMMENT_GROUP_SIZE") or 0))


def counts(respondents: int, closed: bool, threshold: int | None = None) -> bool:
    """May a cycle's answers add to any figure? Only a closed one (a running cycle seen twice would
    give away the answers that came in between) answered by at least the threshold."""
    return closed and shown(respondents, threshold)


def comment_order(cycle_id: int, comment_id: str) -> str:
    """A sort key shuffling a cycle's comments: the same on every look, unrelated to the order
    they were written in (comment keys are random) or to their words."""
    return hashlib.sha256(f"{cycle_id}:{comment_id}".encode()).hexdigest()


def shown(size: int, threshold: int | None = None) -> bool:
    """For a figure standing alone (a comment list, one team's own cell)."""
    return size >= (threshold if threshold is not None else min_group_size())


def hidden_reasons(parents: dict[Hashable, Hashable | None], own_sizes: dict[Hashable, int],
                   threshold: int | None = None) -> dict[Hashable, str | None]:
    """For every node of the tree (and ROOT): None when its figure may be shown, else why not.

    `parents` maps each team to its parent (None for a top-level team); `own_sizes` gives each
    team's own respondents (missing means 0).
    """
    codes = hidden_codes(parents, {node: np.asarray(size) for node, size in own_sizes.items()}, (), threshold)
    return {node: REASONS[int(code)] for node, code in codes.items()}


SHOWN_CODE = 0
REASONS = (None, SMALL, SUBTRACTION, NO_DATA)  # by code


def hidden_codes(parents: dict[Hashable, Hashable | None], own_sizes: dict[Hashable, np.ndarray], shape: tuple,
                 threshold: int | None = None) -> dict[Hashable, np.ndarray]:
    """`hidden_reasons` for many figures at once: each team's own sizes are arrays of `shape` (one
    size per period and metric, say), and every node gets an array of codes (indices into REASONS),
    element by element the same rule."""
    threshold = threshold if threshold is not None else min_group_size()
    children: dict[Hashable, list] = {ROOT: []}
    for node, parent in parents.items():
        children.setdefault(node, [])
        children.setdefault(parent if parent in parents else ROOT, []).append(node)
    codes: dict[Hashable, np.ndarray] = {}
    total: dict[Hashable, np.ndarray] = {}
    uncovered: dict[Hashable, np.ndarray] = {}
    zero = np.zeros(shape, dtype=np.int64)

    # Iterative post-order, so deep trees cannot overflow the stack.
    stack = [(ROOT, False)]
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in children.get(node, []))
            continue
        own = own_sizes.get(node, zero) if node != ROOT else zero
        kids = children.get(node, [])
        node_total, node_uncovered = own.copy(), own.copy()
        for child in kids:
            node_total = node_total + total[child]
            node_uncovered = node_uncovered + np.where(codes[child] != SHOWN_CODE, uncovered[child], 0)
        total[node], uncovered[node] = node_total, node_uncovered
        codes[node] = np.where(node_total == 0, 3, np.where(
            node_total < threshold, 1, np.where((node_uncovered > 0) & (node_uncovered < threshold), 2, SHOWN_CODE)))
    return codes


def explain(reason: str | None, threshold: int | None = None) -> str:
    threshold = threshold if threshold is not None else min_group_size()
    if reason == SMALL:
        return f"Hidden: fewer than {threshold} people answered."
    if reason == SUBTRACTION:
        return ("Hidden: together with the figures shown for its teams, it would reveal a "
                "smaller group's answers.")
    if reason == NO_DATA:
        return "No results yet: results show once a pulse closes."
    return ""
