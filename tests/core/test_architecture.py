"""The shape of the code, held in place: thin edges, small services, a self-explaining repository.

Run `python -m tests.core.test_architecture` for a report of what stands over each limit.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AREAS = ("flashpoint", "recognition", "engagement", "slack_bot")

# A view or a Slack listener parses, calls one service and renders: it fits in this many lines.
EDGE_MAX_LINES = 20
# A module of behaviour (a service) holds one capability: past this it is several.
SERVICE_MAX_LINES = 420


def _sources():
    for area in AREAS:
        yield from sorted((ROOT / area).rglob("*.py"))


def _is_edge_decorator(node: ast.expr) -> bool:
    """`@bp.route(...)`, `@bp.get(...)`, `@bolt_app.action(...)` and the like."""
    if isinstance(node, ast.Call):
        node = node.func
    if not isinstance(node, ast.Attribute):
        return False
    return node.attr in {"route", "get", "post", "put", "patch", "delete", "action", "command",
                         "shortcut", "view", "event", "options", "view_submission", "view_closed",
                         "message_shortcut", "global_shortcut"}


def _body_lines(func: ast.FunctionDef, lines: list[str]) -> int:
    """Lines of code from `def` to the end, leaving out the docstring and blank lines."""
    skip = set()
    first = func.body[0]
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
            and isinstance(first.value.value, str):
        skip = set(range(first.lineno, first.end_lineno + 1))
    return sum(1 for n in range(func.lineno, func.end_lineno + 1)
               if n not in skip and lines[n - 1].strip() and not lines[n - 1].strip().startswith("#"))


def long_edges() -> list[tuple[str, int]]:
    """Views and listeners longer than EDGE_MAX_LINES, as ("path:function", lines)."""
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    any(_is_edge_decorator(d) for d in node.decorator_list):
                size = _body_lines(node, lines)
                if size > EDGE_MAX_LINES:
                    found.append((f"{path.relative_to(ROOT)}:{node.name}", size))
    return sorted(found, key=lambda item: -item[1])


def long_services() -> list[tuple[str, int]]:
    """Modules named services (or in a services package) longer than SERVICE_MAX_LINES."""
    found = []
    for path in _sources():
        if path.name == "services.py" or "services" in path.parent.parts:
            size = len(path.read_text(encoding="utf-8").splitlines())
            if size > SERVICE_MAX_LINES:
                found.append((str(path.relative_to(ROOT)), size))
    return found


def outside_references() -> list[str]:
    """Lines of code, templates or tests that send the reader to documents outside the repository."""
    pattern = re.compile(r"\.\./shared|\b(INTERFACE|DESIGN|SLACK|STYLE|DEVELOPERS)\.md|\bINTERFACE\b")
    hits = []
    for folder in (*AREAS, "tests", "templates", "bench", "migrations"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".cfg", ".toml", ".md"} or path == Path(__file__):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return hits


# Dependencies point one way: slack_bot -> engagement -> recognition -> flashpoint. Only the shell's
# create_app (flashpoint/__init__.py) names the areas, to call their init_app.
MAY_NOT_IMPORT = {
    "flashpoint": ("recognition", "engagement", "slack_bot"),
    "recognition": ("engagement", "slack_bot"),
    "engagement": ("slack_bot",),
}
SLACK_LIBRARIES = ("slack_sdk", "slack_bolt")


def _imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imports_against_the_flow() -> list[str]:
    """Imports that point the wrong way between areas, or Slack libraries outside slack_bot."""
    wrong = []
    for path in _sources():
        relative = path.relative_to(ROOT)
        area = relative.parts[0]
        if relative.as_posix() == "flashpoint/__init__.py":
            continue
        forbidden = MAY_NOT_IMPORT.get(area, ()) + (SLACK_LIBRARIES if area != "slack_bot" else ())
        for name in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            if name.split(".")[0] in forbidden:
                wrong.append(f"{relative} imports {name}")
    return sorted(wrong)


def test_dependencies_point_one_way():
    assert imports_against_the_flow() == []


def test_views_and_listeners_stay_thin():
    assert long_edges() == []


def test_no_service_module_holds_several_capabilities():
    assert long_services() == []


def test_the_repository_explains_itself():
    assert outside_references() == []


def test_migrations_form_one_line():
    heads = subprocess.run(
        [sys.executable, "-c", "from alembic.config import Config; from alembic.script import ScriptDirectory;"
         "c = Config(); c.set_main_option('script_location', 'migrations');"
         "print('\\n'.join(ScriptDirectory.from_config(c).get_heads()))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert len(heads) == 1, heads


if __name__ == "__main__":
    for title, rows in (("views and listeners over %d lines" % EDGE_MAX_LINES, long_edges()),
                        ("service modules over %d lines" % SERVICE_MAX_LINES, long_services())):
        print(f"== {title}: {len(rows)}")
        for name, size in rows:
            print(f"{size:5d}  {name}")
    wrong = imports_against_the_flow()
    print(f"== imports against the flow of dependencies: {len(wrong)}")
    print("\n".join(wrong))
    refs = outside_references()
    print(f"== references to documents outside the repository: {len(refs)}")
    print("\n".join(refs))
