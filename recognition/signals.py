"""Domain events other parts subscribe to, so the intake knows nothing of who listens.

Receivers run inside the sender's transaction (before its commit): they may add rows and
notifications to the session; they must not commit.
"""
from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: items=[<Feedback>, ...] (flushed, each has an id; the intake and a
# CSV import announce `recognition.feedback.intake.StoredFeedback` records, the same columns and
# `team` (its id, slug, name, metrics), read-only). Sent once per
# intake (a form post, an API item, a CSV import in steps, the demo) with every new item of it, in
# order: a receiver does its per-item work in bulk (one look-up, one upsert) and never sees an item
# twice. Optional kwarg credited={feedback id: (person id, source)}: whom a source credits for which
# items (recognition/feedback/credits.py); absent, a receiver that needs it looks it up.
feedback_received = _signals.signal("feedback-received")
# sender: the Flask app; kwargs: story=<HeroStory>. Sent when a story becomes approved.
story_approved = _signals.signal("story-approved")
