"""Make sure Debian's Chromium is installed for the browser tests (Playwright cannot download one here).

Run by `make test` before pytest. It never fails the build itself: when Chromium cannot be
installed, the browser tests fail and say why, so the gap is visible rather than skipped.
"""
import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
# Without an emoji font, 👏 and friends show as empty boxes in the screenshots.
EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
PACKAGES = ["chromium", "fonts-dejavu-core", "fonts-noto-color-emoji"]


def _apt(prefix: list[str], *args: str) -> int:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run([*prefix, "apt-get", *args], env=env, check=False).returncode


def main() -> int:
    if os.path.exists(CHROMIUM) and os.path.exists(EMOJI_FONT):
        return 0
    if shutil.which("apt-get") is None:
        print(f"{CHROMIUM} is missing and apt-get is not available; the browser tests will fail.",
              file=sys.stderr)
        return 0
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], check=False,
                                                 capture_output=True).returncode == 0:
        prefix = ["sudo", "-n"]
    else:
        print(f"{CHROMIUM} is missing; install it with: sudo apt-get install {' '.join(PACKAGES)}",
              file=sys.stderr)
        return 0
    print("Installing Debian's chromium for the browser tests…", flush=True)
    _apt(prefix, "update", "-qq")
    if _apt(prefix, "install", "-y", "-qq", "--no-install-recommends", *PACKAGES) != 0:
        print("apt-get could not install chromium; the browser tests will fail.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
