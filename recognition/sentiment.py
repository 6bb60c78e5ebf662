"""Is a piece of customer feedback positive? By its score, or by its words reading as praise."""
from __future__ import annotations

from functools import lru_cache

# (docs/interface.md, "Positive feedback"): CSAT 4–5, NPS 9–10, CES 6–7, or a comment with VADER compound >= 0.5.
POSITIVE_FROM = {"csat": 4, "nps": 9, "ces": 6}
SCORE_RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
PRAISE_COMPOUND = 0.5


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def comment_compound(comment: str | None) -> float:
    if not comment or not comment.strip():
        return 0.0
    return _analyzer().polarity_scores(comment)["compound"]


def is_positive(metric: str, score: int, comment: str | None) -> bool:
    if score >= POSITIVE_FROM[metric]:
        return True
    return comment_compound(comment) >= PRAISE_COMPOUND
