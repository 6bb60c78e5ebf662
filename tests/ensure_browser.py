"""Make sure Debian's Chromium is installed for the browser tests (Playwright cannot download one here)."""
import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"{CHROMIUM} is missing and cannot be installed here; the browser tests will fail.",
              file=sys.stderr)
        return 0
    print("Installing Debian's chromium for the browser tests…", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-dejavu-core"],
                            env=env, check=False)
    if result.returncode != 0:
        print("apt-get could not install chromium; the browser tests will fail.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
