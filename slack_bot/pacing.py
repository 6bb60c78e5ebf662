"""Pacing Web API calls to Slack's published rate limits, so a fan-out waits instead of collecting 429s.

Slack's limits (docs/slack.md, "Web API errors and rate limits"): `chat.postMessage` about one
message a second in each channel with short bursts, under a workspace-wide limit Slack does not
publish (we assume several hundred a minute); `conversations.open` is tier 3, 50+ a minute. Each is a
token bucket here. A bucket whose next token is near is waited for (nothing else of that kind could
go out meanwhile); a channel whose next slot is far is reported, so its message is put back and
other recipients carry on. A 429's `Retry-After` empties the bucket it names until then.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

# A channel may take a few messages at once before its one-a-second pace applies.
CHANNEL_BURST = 3
# Slack counts a channel's messages as they arrive, and arrivals jitter by some milliseconds: spaced
# exactly at the limit, one message in a few would come "too early" and earn a 429. A tenth below it
# keeps a busy channel clear of that at the cost of a tenth of its pace (DMs are one message each).
CHANNEL_PACE = 0.9


@dataclass
class Bucket:
    """A token bucket: `rate` tokens a second, at most `burst` saved up."""
    rate: float
    burst: float
    tokens: float = 0.0
    stamp: float = 0.0
    paused_until: float = 0.0

    def __post_init__(self):
        self.tokens, self.stamp = self.burst, time.monotonic()

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until a call may go out."""
        if now < self.paused_until:
            return self.paused_until - now
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def pause(self, now: float, seconds: float, tokens: float = 1.0) -> None:
        """Slack answered 429: nothing until `Retry-After` has passed, then `tokens` calls."""
        self.paused_until = max(self.paused_until, now + seconds)
        self.tokens = min(self.burst, tokens)
        self.stamp = self.paused_until


class Pacer:
    """The buckets of one process: per method, and per channel for chat.postMessage."""

    def __init__(self, config):
        # The limits are settings (flashpoint/config.py), so a test's fake Slack may run faster.
        self.post_rate = float(config["SLACK_POSTS_PER_MINUTE"]) / 60
        self.post_burst = float(config["SLACK_POST_BURST"])
        self.channel_rate = float(config["SLACK_CHANNEL_POSTS_PER_SECOND"]) * CHANNEL_PACE
        self.open_rate = float(config["SLACK_OPENS_PER_MINUTE"]) / 60
        self.open_burst = float(config["SLACK_OPEN_BURST"])
        self.methods = {"chat.postMessage": Bucket(self.post_rate, self.post_burst),
                        "conversations.open": Bucket(self.open_rate, self.open_burst)}
        self.channels: dict[str, Bucket] = {}
        self.lock = threading.Lock()

    def channel(self, channel: str) -> Bucket:
        bucket = self.channels.get(channel)
        if bucket is None:
            if len(self.channels) >= 10_000:  # a channel idle this long has a full bucket anyway
                self.channels = {k: b for k, b in self.channels.items() if b.tokens < b.burst}
            bucket = self.channels[channel] = Bucket(self.channel_rate, CHANNEL_BURST)
        return bucket

    def buckets(self, method: str, channel: str | None = None) -> list[Bucket]:
        found = [self.methods[method]]
        if channel is not None:
            found.append(self.channel(channel))
        return found

    def channel_wait(self, channel: str) -> float:
        with self.lock:
            return self.channel(channel).wait(time.monotonic())

    def acquire(self, method: str, channel: str | None = None) -> None:
        """Wait for a token of the method (and of the channel), then spend it."""
        while True:
            with self.lock:
                now = time.monotonic()
                buckets = self.buckets(method, channel)
                wait = max(b.wait(now) for b in buckets)
                if wait <= 0:
                    for bucket in buckets:
                        bucket.take(now)
                    return
            time.sleep(wait)

    def refund(self, method: str, channel: str | None = None) -> None:
        """A call that never reached Slack gives its tokens back."""
        with self.lock:
            for bucket in self.buckets(method, channel):
                bucket.tokens = min(bucket.burst, bucket.tokens + 1)

    def pause(self, method: str, channel: str | None, seconds: float) -> None:
        """After a 429: the channel waits when the call had one (others carry on: the workspace's
        own bucket already keeps us under its limit), else the method."""
        with self.lock:
            if channel is not None:
                # One channel's short burst is allowed again once Slack's wait is over.
                self.channel(channel).pause(time.monotonic(), seconds, tokens=CHANNEL_BURST)
            else:
                self.methods[method].pause(time.monotonic(), seconds)

    def method_wait(self, method: str) -> float:
        with self.lock:
            return self.methods[method].wait(time.monotonic())
