"""Domain events other parts subscribe to, so the intake knows nothing of who listens.

Receivers run inside the sender's transaction (before its commit): they may add rows and
notifications to the session; they must not commit.
"""
from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: feedback=<Feedback> (flushed, has an id). Sent once per new item.
feedback_received = _signals.signal("feedback-received")
# sender: the Flask app; kwargs: story=<HeroStory>. Sent when a story becomes approved.
story_approved = _signals.signal("story-approved")
