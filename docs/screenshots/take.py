"""Refresh the README's screenshots: `make screenshots`.

Loads the demo into a fresh instance directory, serves it on a free local port and photographs, at
desktop (1280 px) and phone (390 px) width, the pages a newcomer should see first: the customer's
feedback form, the manager's home, HR's home and insights. The PNG files land beside this script.
Needs Chromium (`python tests/ensure_browser.py` installs Debian's).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "flashpoint-demo"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# (file name, who signs in, page): what a newcomer should see first.
SHOTS = [("customer-form", None, "/f/store-downtown"), ("manager-home", "manager", "/"),
         ("hr-home", "hr", "/"), ("insights", "hr", "/insights")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env: dict, *args: str, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, **kwargs)


def main() -> int:
    with tempfile.TemporaryDirectory() as instance:
        env = dict(os.environ, FLASHPOINT_INSTANCE=instance, FLASHPOINT_SCHEDULER="off")
        for command in ("init-db", "demo"):
            if _flask(env, command, stdout=subprocess.DEVNULL).wait() != 0:
                print(f"flask {command} failed", file=sys.stderr)
                return 1
        port = _free_port()
        server = _flask(env, "run", "--port", str(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            _photograph(base)
        finally:
            server.terminate()
            server.wait()
    return 0


def _photograph(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size, viewport in SIZES.items():
            sessions = {}
            for name, role, path in SHOTS:
                if role not in sessions:
                    context = browser.new_context(base_url=base, viewport=viewport)
                    page = context.new_page()
                    if role:
                        page.goto("/login")
                        page.fill("input[name=email]", f"{role}@demo.flashpoint.test")
                        page.fill("input[name=password]", PASSWORD)
                        with page.expect_navigation():
                            page.click("main form button[type=submit]")
                    sessions[role] = page
                page = sessions[role]
                page.goto(path, wait_until="networkidle")
                page.wait_for_timeout(800)  # charts finish drawing
                target = HERE / f"{name}-{size}.png"
                # Desktop: the first screen and a bit more; phone: the first two screens.
                clip_height = 1100 if size == "desktop" else 1500
                height = min(clip_height, page.evaluate("document.documentElement.scrollHeight"))
                page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
                                full_page=True)
                print(target.relative_to(ROOT))
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
