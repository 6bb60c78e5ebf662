"""Fuzzing the three CSV imports and the public feedback form (Hypothesis).

Files are built from the real columns, shuffled, dropped or doubled, with cells that are valid,
nearly valid (a 31 February, a full-width digit, a score one past the end, a slug in capitals) or
hostile (quotes never closed, formulas, NUL, line breaks, very long text), in UTF-8, UTF-8 with a
BOM, Windows-1252 or UTF-16. Each file goes through the command an operator runs (`import-people`,
`import-feedback`, `import-pulse-history`), and first through the page that takes it where there is
one (`/admin/people/import`, `/feedback/import`). The promises: the command ends with 0 or 1, never
a traceback, and the page with 200 or 400, refusing exactly what the command refuses; a refused
file leaves every table exactly as it was; `--dry-run` never stores; a people or feedback file
imported twice changes nothing the second time.

The public form `/f/<slug>` gets posts with any fields: never a 5xx; a refused post (400) and the
honeypot's "thank you" store nothing.

Deterministic: Hypothesis derandomised, no example database, EXAMPLES per target.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from flashpoint.extensions import db
from tests.factories import make_manager, make_team, make_user
from tests.trust.fuzzing import database_state

EXAMPLES = 80
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def app_overrides():
    # The form's limit (10 posts a minute per address) is tested elsewhere; here it would stop the fuzzing.
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture
def org(app):
    shop = make_team("shop", "Downtown Shop")
    online = make_team("online", "Online Shop", parent=shop)
    make_manager(shop, name="Maya Boss", email="maya@example.test", slack_user_id="UMAYA")
    make_user("staff", online, name="Sam Staff", email="sam@example.test")
    return shop


HOSTILE = ["", " ", '"', 'a"b', '"unclosed', "=1+1", "@SUM(A1)", "-5", "+5", "\x00", "line\nbreak", "\r",
           "x" * 6000, "🙂", "é", "NaN", "inf", "1e309", "-0", "٣", "５", "0x10", "1_000", " 4 ", "4.0", "4,5",
           "null", "true", "TRUE", "yes", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31T23:59:59-14:00",
           "2026-06-01T12:00:00+25:00", "2026-06-01T25:00", "2999-01-01", "1899-12-31", "2026-W05", "SHOP",
           "shop ", "nope", "Europe/Nowhere", "UTC", "Europe/Paris", "U123", "admin", "hr", "manager", "staff",
           "root", "a@b", "@example.test", "maya@example.test", "MAYA@EXAMPLE.TEST", "new@example.test"]


def cell(valid: list[str]):
    """Mostly a valid value (so that whole files get stored too), else anything."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(valid) if n < 8 else
                                     st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)))


VALUES = {
    "people": {"email": ["new@example.test", "maya@example.test", "sam@example.test", "other@example.test"],
               "name": ["New Person", "Maya Boss", "Zoë Ünal", "A"],
               "role": ["staff", "manager", "hr", "admin", ""], "team": ["shop", "online", ""],
               "slack_id": ["", "UNEW1", "UMAYA", "U0SAME"], "timezone": ["UTC", "Europe/Paris", ""]},
    "feedback": {"external_id": ["fz-1", "fz-2", "fz-3"],
                 "received_at": ["2026-06-01T10:00:00", "2026-06-01", "2026-06-01T10:00:00Z",
                                 "2026-06-01T10:00:00+02:00"],
                 "team": ["shop", "online"], "metric": ["csat", "nps", "ces"],
                 "score": ["1", "3", "5", "7", "0", "10"], "comment": ["", "Lovely", "Sam was great"],
                 "consent": ["true", "false", ""]},
    "pulse-history": {"team": ["shop", "online"], "period_start": ["2025-01-01", "2025-02-03", "2024-12-01"],
                      "driver": ["recognition", "tools", "peers", "manager", "enps"],
                      "score": ["0", "55.5", "100", "72"], "respondents": ["1", "5", "12", "0"]},
}
# One file each that must be stored, run first whatever Hypothesis generates (what it draws depends on
# the modules loaded before it, so a test run alone may draw differently from the whole suite).
VALID_FILES = {
    "people": b"email,name,role,team,slack_id,timezone\nnew@example.test,New Person,staff,shop,,UTC\n",
    "feedback": b"external_id,received_at,team,metric,score,comment,consent\n"
                b"fz-1,2026-06-01T10:00:00,shop,csat,5,Lovely,true\n",
    "pulse-history": b"team,period_start,driver,score,respondents\nshop,2025-01-01,recognition,72,5\n",
}
COMMANDS = {"people": "import-people", "feedback": "import-feedback", "pulse-history": "import-pulse-history"}


@st.composite
def csv_files(draw, kind: str) -> bytes:
    columns = list(VALUES[kind])
    header = draw(st.permutations(columns))
    if draw(st.integers(0, 4)) == 0:
        header = draw(st.lists(st.sampled_from(columns + ["extra", "EMAIL", " team "]), min_size=1, max_size=9))
    rows = draw(st.lists(st.tuples(*[cell(VALUES[kind].get(c.strip().lower(), [""])) for c in header]),
                         min_size=draw(st.sampled_from([0, 1, 1, 1])), max_size=4))
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    text = out.getvalue()
    if draw(st.integers(0, 14)) == 0:  # a quote opened and never closed, somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + '"' + text[at:]
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def run_import(runner, tmp_path, kind: str, data: bytes, *extra: str):
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(data)
    result = runner.invoke(args=[COMMANDS[kind], str(path), *extra])
    # 0 (stored) or 1 (refused, with reasons): anything else is a crash in the import.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert re.search(r"line \d+|UTF|empty|column|no rows|clash", result.output), result.output
    return result


# The pages that take the same files: (path, who may upload).
PAGES = {"people": ("/admin/people/import", "admin"), "feedback": ("/feedback/import", "hr")}


def upload(client, path: str, data: bytes, token: str):
    return client.post(path, data={"file": (io.BytesIO(data), "fuzz.csv"), "csrf_token": token},
                       content_type="multipart/form-data")


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(COMMANDS))
def test_an_import_stores_the_whole_file_or_nothing_whatever_the_file(app, org, runner, client, login, tmp_path,
                                                                       kind):
    """The page (where there is one) first, then the command on the same file: the page refuses
    exactly what the command refuses, a refusal changes nothing, and the command run after a page
    that stored the file changes nothing more (people and feedback are upserted by their keys)."""
    outcomes = set()
    page, role = PAGES.get(kind, (None, None))
    if page:
        login(make_user(role, None, name=f"Fuzzing {role}", email=f"{role}@fuzz.example"))
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                          client.get(page).get_data(as_text=True)).group(1)

    @FUZZ
    @given(data=csv_files(kind))
    @example(data=VALID_FILES[kind])
    @example(data=b"")
    def one_file(data):
        db.session.rollback()
        before = database_state()
        if page:
            response = upload(client, page, data, token)
            assert response.status_code in (200, 400), response.status_code
            db.session.rollback()
            if response.status_code == 400:
                assert database_state() == before, "a file the page refused changed the database"
            before = database_state()
        result = run_import(runner, tmp_path, kind, data)
        outcomes.add(result.exit_code)
        db.session.rollback()
        if page:
            assert (response.status_code == 400) == (result.exit_code == 1), (response.status_code, result.output)
        if result.exit_code == 1:
            assert database_state() == before, f"a refused file changed the database:\n{result.output}"
        elif page:
            assert database_state() == before, f"the same file again changed the database:\n{result.output}"
        if kind == "feedback" and result.exit_code == 0:
            stored = database_state()
            dry = run_import(runner, tmp_path, kind, data, "--dry-run")
            db.session.rollback()
            assert dry.exit_code == 0, dry.output
            assert database_state() == stored, "a dry run changed the database"

    one_file()
    assert outcomes == {0, 1}, f"the fuzzing never reached both outcomes: {outcomes}"


FORM_FIELDS = st.fixed_dictionaries({}, optional={
    "score": st.one_of(st.integers(-3, 12).map(str), st.sampled_from(HOSTILE)),
    "comment": st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE)),
    "helper_name": st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE + ["Sam", "Maya Boss"])),
    "consent": st.sampled_from(["y", "true", "", "no", "\x00"]),
    "website": st.sampled_from(["", "", "", "http://spam.example"]),
    "csrf_token": st.sampled_from(["", "forged"]),
    "lang": st.sampled_from(["en", "fr", "xx"]),
})


@pytest.mark.slow
def test_the_public_form_stores_a_valid_answer_and_nothing_else(app, org, client):
    page = client.get("/f/shop").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    outcomes = set()

    @FUZZ
    @given(fields=FORM_FIELDS, real_token=st.booleans(), slug=st.sampled_from(["shop", "shop", "SHOP", "online", "nope"]))
    @example(fields={"score": "5", "comment": "Lovely"}, real_token=True, slug="shop")
    @example(fields={"comment": "No score"}, real_token=True, slug="shop")
    @example(fields={}, real_token=False, slug="nope")
    def one_post(fields, real_token, slug):
        if real_token:
            fields = {**fields, "csrf_token": token}
        db.session.rollback()
        before = database_state()
        response = client.post(f"/f/{slug}", data=fields)
        outcomes.add(response.status_code)
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        db.session.rollback()
        stored = response.status_code == 302 and not (fields.get("website") or "").strip()
        if not stored:
            assert database_state() == before, f"{response.status_code} but the database changed: {fields}"

    one_post()
    assert {302, 400, 404} <= outcomes, outcomes
