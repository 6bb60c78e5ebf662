"""A small real HTTP server on 127.0.0.1 (port 0, in a thread) that the provider fakes build on.

Each fake implements its provider's documented endpoints in `route`; this class adds what every
test needs: a log of the requests, an auth check, and faults to inject before the next answers
(`fail(…)`: a 429 with a Retry-After, a 500, garbage, a slow answer that times out) or on every
answer (`fail_always`)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: Any = None              # JSON-encoded unless bytes
    headers: dict[str, str] | None = None


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    form: dict[str, list[str]] | None = None

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class FakeServer:
    # Seconds a "timeout" fault waits before answering: longer than the tests' read timeout.
    SLOW = 1.0

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.faults: list[str | Answer] = []
        self.fail_always: str | None = None
        self.fault_paths: tuple[str, ...] = ()  # faults apply to paths starting with these ("" = all)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                fake._serve(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake._serve(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> "FakeServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- to override --------------------------------------------------------------------------
    def authorised(self, headers: dict[str, str]) -> bool:
        return True

    def route(self, request: Seen) -> Answer:
        return Answer(404, {"error": "not found"})

    def open_path(self, path: str) -> bool:
        """Paths answered without the API's credentials (an OAuth token endpoint)."""
        return False

    # --- faults -------------------------------------------------------------------------------
    def fail(self, *faults: str | Answer) -> None:
        """Answer the next requests with these: "429", "429:<Retry-After>", "500", "garbage", "timeout"."""
        self.faults.extend(faults)

    def _fault(self, path: str) -> str | Answer | None:
        if self.fault_paths and not path.startswith(self.fault_paths):
            return None
        with self._lock:
            if self.faults:
                return self.faults.pop(0)
        return self.fail_always

    @staticmethod
    def _fault_answer(fault: str | Answer) -> Answer:
        if isinstance(fault, Answer):
            return fault
        kind, _, arg = fault.partition(":")
        if kind == "429":
            return Answer(429, {"error": "too many requests"}, {"Retry-After": arg} if arg else {})
        if kind == "garbage":
            return Answer(200, b"<html>Service unavailable</html>", {"Content-Type": "text/html"})
        return Answer(int(kind), {"error": "server error"})

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    # --- serving ------------------------------------------------------------------------------
    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        request = Seen(method, parts.path, parse_qs(parts.query, keep_blank_values=True),
                       {k: v for k, v in handler.headers.items()})
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            request.form = parse_qs(handler.rfile.read(length).decode(), keep_blank_values=True)
        with self._lock:
            self.seen.append(request)
        fault = self._fault(parts.path)
        if fault == "timeout":
            time.sleep(self.SLOW)
            answer = Answer(200, {})
        elif fault is not None:
            answer = self._fault_answer(fault)
        elif not self.authorised(request.headers) and not self.open_path(request.path):
            answer = Answer(401, {"error": "Couldn't authenticate you"})
        else:
            answer = self.route(request)
        body = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
        try:
            handler.send_response(answer.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **(answer.headers or {})}
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)
