"""The load generator's side of the page benchmarks: a keep-alive HTTP client, sign-in through /login, client processes.

Everything here runs in the load generator's own processes (a `multiprocessing` pool started with
"spawn"), never in the server's, so the client's CPU is not charged to the page it times.
"""
from __future__ import annotations

import http.client
import json
import random
import re
import time
from datetime import datetime, timezone
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """One HTTP/1.1 connection (reopened when the server closes it) with its own cookie jar."""

    def __init__(self, host: str, port: int, timeout: float, cookies: dict[str, str] | None = None):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        all_headers = {"Connection": "keep-alive", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                # A kept-alive connection the server closed meanwhile: open a new one, once.
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return response.status, dict(response.headers.items()), data
        raise AssertionError("unreachable")

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def sign_in(host: str, port: int, email: str, password: str, timeout: float = 30.0) -> dict[str, str]:
    """Sign in through the real form (CSRF token from the page); the session cookies, or ValueError why not."""
    client = Client(host, port, timeout)
    status, _, page = client.request("GET", "/login")
    match = CSRF.search(page.decode("utf-8", "replace"))
    if status != 200 or not match:
        raise ValueError(f"GET /login answered {status} without a CSRF token")
    form = urlencode({"csrf_token": match.group(1), "email": email, "password": password}).encode()
    status, headers, _ = client.request("POST", "/login", body=form,
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise ValueError(f"signing in as {email} answered {status} instead of a redirect (wrong password?)")
    status, headers, _ = client.request("GET", "/")
    if status != 200:
        raise ValueError(f"after signing in as {email}, / answered {status} ({headers.get('Location', '')})")
    client.close()
    return client.cookies


# --- Feedback bodies for POST /api/v1/feedback ---------------------------------------------------

PRAISE = [
    "{first} was wonderful, thank you so much.", "Thanks to {full} for sorting out my order so quickly.",
    "{first} went out of their way to find the right size for me.", "Quick and friendly service.",
    "Lovely experience, the team was very helpful.", "{first} and {other} made my day!",
    "Really patient with all my questions, thank you {first}.", "Great help on the phone today.",
]
COMPLAINTS = [
    "Waited forty minutes and nobody called me back.", "The item was out of stock again.",
    "I had to explain my problem three times.", "Delivery was late and the box was damaged.",
    "{first} tried to help but the system was down.", "Not great, the queue was very long.",
]
RANGES = {"csat": (1, 5, 4), "nps": (0, 10, 9), "ces": (1, 7, 6)}  # low, high, first score that is praise


def feedback_body(rng: random.Random, external_id: str, teams: list[dict]) -> bytes:
    """A realistic item: a team, a metric it collects, a score, and a comment that sometimes names someone."""
    team = rng.choice(teams)
    metric = rng.choice(team["metrics"])
    low, high, good = RANGES[metric]
    score = rng.randint(good, high) if rng.random() < 0.7 else rng.randint(low, good - 1)
    people = team["people"] or ["Amara Okafor", "Kenji Tanaka"]
    full, other = rng.choice(people), rng.choice(people)
    comment = rng.choice(PRAISE if score >= good else COMPLAINTS).format(
        first=full.split()[0], full=full, other=other.split()[0])
    item = {"external_id": external_id, "team": team["slug"], "metric": metric, "score": score,
            "received_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "comment": comment if rng.random() < 0.85 else None, "consent": rng.random() < 0.5}
    return json.dumps(item).encode()


# --- One client process --------------------------------------------------------------------------

_barrier = None


def init_process(barrier) -> None:
    """Pool initializer: the barrier that starts every client of a measurement at once."""
    global _barrier
    _barrier = barrier


def run_client(spec: dict) -> dict:
    """Warm up, wait for the other clients, then send `spec["n"]` requests one after another.

    Returns the start and end of the timed part (time.monotonic is shared by all processes on the
    machine) and one (seconds, status, bytes) sample per timed request.
    """
    client = Client(spec["host"], spec["port"], spec["timeout"], spec.get("cookies"))
    rng = random.Random(spec["seed"])
    expected = spec.get("expect", 200)
    errors: list[str] = []
    counter = 0

    def send() -> tuple[float, int, int]:
        nonlocal counter
        counter += 1
        headers = dict(spec.get("headers") or {})
        body = None
        if spec.get("body") == "feedback":
            body = feedback_body(rng, f"{spec['id_prefix']}-{counter}", spec["teams"])
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            status, _, data = client.request(spec["method"], spec["path"], body=body, headers=headers)
        except (OSError, http.client.HTTPException) as exc:  # timeouts and refused connections included
            client.close()
            errors.append(f"{type(exc).__name__}: {exc}")
            return time.perf_counter() - started, 0, 0
        elapsed = time.perf_counter() - started
        if status != expected and len(errors) < 5:
            errors.append(f"{status}: {data[:200].decode('utf-8', 'replace')}")
        return elapsed, status, len(data)

    for _ in range(spec.get("warmup", 1)):
        send()
    if _barrier is not None:
        _barrier.wait(timeout=spec["timeout"] * 4 + 60)
    start = time.monotonic()
    samples = [send() for _ in range(spec["n"])]
    end = time.monotonic()
    client.close()
    return {"start": start, "end": end, "samples": samples, "errors": errors}


def probe(host: str, port: int, path: str, cookies: dict[str, str], timeout: float,
          headers: dict[str, str] | None = None) -> tuple[int, str, float]:
    """One GET, to learn whether a role may see a page, how many pages a list has, and how long it takes."""
    client = Client(host, port, timeout, cookies)
    started = time.perf_counter()
    try:
        status, _, data = client.request("GET", path, headers=headers)
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"{type(exc).__name__}: {exc}", time.perf_counter() - started
    finally:
        client.close()
    return status, data.decode("utf-8", "replace"), time.perf_counter() - started
