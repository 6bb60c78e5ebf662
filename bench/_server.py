"""The server side of the page benchmarks: gunicorn on a free port, its workers' peak memory, and `flask` commands."""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-pages-fixed-secret-key"


class ServerError(RuntimeError):
    """The server did not start, or died during the run."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, instance: str) -> dict[str, str]:
    """The environment of every process that runs the app: the database, a throwaway instance folder, no scheduler."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "FLASHPOINT_INSTANCE": instance, "FLASHPOINT_SCHEDULER": "off",
        "SECRET_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1",
        # Every client signs in from 127.0.0.1: the per-address guard against password guessing
        # would otherwise refuse the benchmark's own sign-ins.
        "LOGIN_RATE_LIMIT": "100000 per minute",
    })
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SMTP_URL"):
        env.pop(name, None)
    return env


def flask_command(args: list[str], database_url: str, instance: str) -> str:
    """Run `flask --app wsgi ARGS` against the database; its standard output, or ServerError with its error."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, capture_output=True,
                          text=True, env=app_env(database_url, instance))
    if done.returncode:
        raise ServerError(f"flask {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def _kb(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


class Gunicorn:
    """`gunicorn -w N wsgi:app` on 127.0.0.1 and a free port; the workers' peak RSS sampled while it runs."""

    def __init__(self, database_url: str, workers: int, timeout: float):
        self.database_url, self.workers, self.timeout = database_url, workers, timeout
        self.host, self.port = "127.0.0.1", free_port()
        self.instance = tempfile.mkdtemp(prefix="flashpoint-bench-")
        self.log_path = Path(self.instance) / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.peak_kb: dict[int, int] = {}  # worker pid → VmHWM (kB), the highest seen
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, wait: float = 120.0) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"{self.host}:{self.port}",
             "--timeout", str(int(self.timeout)), "--graceful-timeout", "5",
             # One control socket per user by default: servers run side by side would share it.
             "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=app_env(self.database_url, self.instance), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise ServerError(f"gunicorn exited with {self.process.returncode}:\n{tail}")
            if self._healthy() and len(self.worker_pids()) >= self.workers:
                self._sampler = threading.Thread(target=self._sample, daemon=True)
                self._sampler.start()
                return
            time.sleep(0.2)
        tail = self.log_tail()
        self.stop()
        raise ServerError(f"gunicorn did not answer /healthz within {wait:.0f} s:\n{tail}")

    def _healthy(self) -> bool:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn's workers), from /proc."""
        if self.process is None:
            return []
        master = self.process.pid
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _status(int(entry)).get("PPid", "").strip() == str(master):
                pids.append(int(entry))
        return sorted(pids)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far, from /proc/<pid>/stat."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / ticks

    def _sample(self) -> None:
        # VmHWM is already a peak; sampling keeps the peak of a worker that gunicorn replaced meanwhile.
        while not self._stop.wait(0.5):
            self.sample_memory()

    def sample_memory(self) -> None:
        for pid in self.worker_pids():
            peak = _kb(_status(pid).get("VmHWM"))
            if peak:
                self.peak_kb[pid] = max(peak, self.peak_kb.get(pid, 0))

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise ServerError(f"gunicorn stopped during the run:\n{self.log_tail()}")

    def worker_restarts(self) -> int:
        """Workers gunicorn had to replace (a timeout or a crash): more pids seen than it runs."""
        return max(0, len(self.peak_kb) - self.workers)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        self._stop.set()
        if self.process is not None and self.process.poll() is None:
            self.sample_memory()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.instance, ignore_errors=True)
