"""The one HTTP client the provider connectors share: JSON GETs with timeouts and bounded retries.

A provider that is busy (429) or failing (5xx, a timeout, a dropped connection) is asked again a
few times, waiting as it says (`Retry-After`, in seconds or as an HTTP date) or else an exponential
backoff capped at `max_wait`; after `attempts` tries the caller gets a SourceError naming the page,
and the sync stops at the last good page. A refusal (401, 403, 404) is not retried: asking again
cannot change it. An answer that is not JSON, or not of the shape the caller expects, is a
SourceError too, never a crash. `sleep` is injectable so tests never wait.
"""
from __future__ import annotations

import email.utils
import time
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

import requests

from recognition.feedback.sources.base import SourceError

# Seconds to connect, then to wait for each read: a provider slower than this is "failing".
TIMEOUT = (5.0, 30.0)
ATTEMPTS = 4
FIRST_WAIT = 1.0
MAX_WAIT = 60.0
# A Retry-After longer than this ends the sync (the next scheduled one carries on) rather than
# holding a worker for minutes.
LONGEST_RETRY_AFTER = 120.0


def retry_after_seconds(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """`Retry-After` as seconds to wait: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now() if now else datetime.now(timezone.utc)
    return max(0.0, (when - current).total_seconds())


class Response:
    """A JSON answer: `data` (the parsed body) and `headers`."""

    def __init__(self, data: Any, headers: Mapping[str, str]) -> None:
        self.data = data
        self.headers = headers


class HttpClient:
    """GETs JSON from one provider, with retries; `what` in each call names the page for messages."""

    def __init__(self, *, provider: str, auth: Any = None, headers: Mapping[str, str] | None = None,
                 timeout: tuple[float, float] = TIMEOUT, attempts: int = ATTEMPTS,
                 first_wait: float = FIRST_WAIT, max_wait: float = MAX_WAIT,
                 sleep: Callable[[float], None] = time.sleep,
                 session: requests.Session | None = None) -> None:
        self.provider = provider
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.auth = auth
        self.session.headers.update({"Accept": "application/json", "User-Agent": "Flashpoint feedback sync"})
        if headers:
            self.session.headers.update(headers)
        self.requests = 0  # how many HTTP requests were sent (tests and logs read it)

    def get_json(self, url: str, *, params: Mapping[str, Any] | None = None, what: str,
                 missing_ok: bool = False) -> Response | None:
        """The JSON at `url`; SourceError when the provider refuses, keeps failing, or answers garbage.

        With `missing_ok`, a 404 is None (a deleted agent, say) rather than an error."""
        problem = ""
        for attempt in range(1, self.attempts + 1):
            wait: float | None = None
            try:
                self.requests += 1
                answer = self.session.get(url, params=params, timeout=self.timeout, allow_redirects=False)
            except requests.Timeout:
                problem = "did not answer in time"
            except requests.ConnectionError:
                problem = "could not be reached"
            except requests.RequestException as exc:
                raise SourceError(f"{self.provider}: {what} could not be asked for ({exc.__class__.__name__}).") from exc
            else:
                status = answer.status_code
                if status == 200:
                    return Response(self._parse(answer, what), answer.headers)
                if status == 404 and missing_ok:
                    return None
                if status == 429 or status >= 500:
                    problem = "is rate-limiting us (429)" if status == 429 else f"failed (HTTP {status})"
                    wait = retry_after_seconds(answer.headers.get("Retry-After"))
                    if wait is not None and wait > LONGEST_RETRY_AFTER:
                        raise SourceError(f"{self.provider}: {what}: asked to wait {wait:.0f} s before "
                                          "asking again; the next sync carries on.")
                elif status in (401, 403):
                    raise SourceError(f"{self.provider} refused the credentials (HTTP {status}) for {what}: "
                                      "check the token and its permissions.")
                else:
                    raise SourceError(f"{self.provider}: {what} answered HTTP {status}.")
            if attempt == self.attempts:
                break
            self.sleep(wait if wait is not None else min(self.max_wait, self.first_wait * 2 ** (attempt - 1)))
        raise SourceError(f"{self.provider}: {what} {problem}, {self.attempts} times; stopped there.")

    def _parse(self, answer: requests.Response, what: str) -> Any:
        try:
            return answer.json()
        except ValueError:
            raise SourceError(f"{self.provider}: {what} did not answer JSON.") from None


def expect(condition: bool, provider: str, what: str, detail: str) -> None:
    """A SourceError naming the page when an answer is not of the documented shape."""
    if not condition:
        raise SourceError(f"{provider}: {what} is not of the expected shape ({detail}).")


def parse_instant(value: Any, provider: str, what: str) -> datetime:
    """An RFC 3339 / ISO 8601 instant as naive UTC; SourceError naming the page when unreadable."""
    if not isinstance(value, str) or not value:
        raise SourceError(f"{provider}: {what} has an item without a readable time ({value!r}).")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Google gives up to nine fractional digits; Python reads at most six.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits):]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SourceError(f"{provider}: {what} has an item without a readable time ({value!r}).") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def parse_mapping(raw: str | None, name: str) -> dict[str, str]:
    """`key=team-slug,key=team-slug` (a *_GROUP_TEAMS / GOOGLE_LOCATION_TEAMS value) as a dict."""
    mapping: dict[str, str] = {}
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, slug = part.rpartition("=")
        if not sep or not key.strip() or not slug.strip():
            raise ValueError(f"{name}: '{part}' is not of the form <id>=<team slug>")
        mapping[key.strip()] = slug.strip()
    return mapping
