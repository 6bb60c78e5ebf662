"""Domain events other parts subscribe to, so the intake knows nothing of who listens.

Receivers run inside the sender's transaction (before its commit): they may add rows and
notifications to the session; they must not commit.
"""
from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: feedback=<Feedback> (flushed, has an id). Sent once per new item.
# The intake also passes in_batch=True: the same item is then announced again, with the others of
# its batch, by `feedback_batch_received`. A receiver handles each item exactly once: either here
# (ignoring in_batch=True) plus the batch signal, or here only (ignoring the batch signal).
# Other senders (e.g. the demo) leave in_batch out: every receiver handles those items here.
feedback_received = _signals.signal("feedback-received")
# sender: the Flask app; kwargs: items=[<Feedback>, ...] (flushed, in the order they were announced
# one by one just before). Lets a receiver do per-item work in bulk (one look-up, one upsert).
feedback_batch_received = _signals.signal("feedback-batch-received")
# sender: the Flask app; kwargs: story=<HeroStory>. Sent when a story becomes approved.
story_approved = _signals.signal("story-approved")
