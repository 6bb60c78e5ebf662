"""The documentation names only what exists: every file path in README.md and docs/*.md, and the
module map in docs/architecture.md lists every module of the four packages and nothing else."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PACKAGES = ("flashpoint", "recognition", "engagement", "slack_bot")

# `path/like/this.py` in backticks, or a relative markdown link target: a name with a folder and
# an extension, or a folder ending in "/". URL paths (leading "/"), placeholders and globs are not files.
BACKTICKED = re.compile(r"`([A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*/(?:[A-Za-z0-9_\-]+\.[A-Za-z0-9]+)?)`")
LINKED = re.compile(r"\]\(([^)#\s:]+)(?:#[^)]*)?\)")
# Folders made at run time, not kept in the repository.
MADE_AT_RUN_TIME = {".venv/", "instance/", "tests/screenshots/"}


def named_paths(doc: Path) -> list[tuple[str, Path]]:
    text = doc.read_text(encoding="utf-8")
    found = [(name, ROOT / name) for name in BACKTICKED.findall(text) if name not in MADE_AT_RUN_TIME]
    found += [(name, (doc.parent / name).resolve()) for name in LINKED.findall(text)]
    return found


def missing_paths() -> list[str]:
    return [f"{doc.relative_to(ROOT)}: {name}"
            for doc in DOCS for name, path in named_paths(doc) if not path.exists()]


def map_of_modules() -> set[str]:
    """The modules docs/architecture.md lists: `- `name.py`` lines under a "### `package/`" heading."""
    listed, package = set(), None
    for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### `([a-z_/]+)/`", line)
        if heading:
            package = heading.group(1)
        elif line.startswith("## "):
            package = None
        else:
            item = re.match(r"- `([a-z_0-9]+\.py)`", line)
            if item and package:
                listed.add(f"{package}/{item.group(1)}")
    return listed


def modules() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def test_every_path_the_docs_name_exists():
    assert missing_paths() == []


def test_the_architecture_map_lists_every_module_and_only_those():
    listed, present = map_of_modules(), modules()
    assert sorted(present - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - present) == [], "docs/architecture.md lists modules that do not exist"


if __name__ == "__main__":
    for problem in missing_paths():
        print("missing:", problem)
    for name in sorted(modules() - map_of_modules()):
        print("not in the map:", name)
    for name in sorted(map_of_modules() - modules()):
        print("in the map, not in the code:", name)
