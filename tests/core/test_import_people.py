"""`import-people` from the command line and from the admin upload: all rows or none, `line N` reports."""
import io

import pytest

from flashpoint.extensions import db
from flashpoint.people.models import User
from tests.factories import make_team, make_user

HEADER = "email,name,role,team,slack_id,timezone\n"


def _people():
    return {u.email: u for u in db.session.scalars(db.select(User))}


@pytest.fixture
def teams():
    return make_team("store", "Store"), make_team("care", "Care")


def _cli(runner, tmp_path, content, encoding="utf-8"):
    path = tmp_path / "people.csv"
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return runner.invoke(args=["import-people", str(path)])


def test_cli_adds_people_and_a_manager_manages_their_team(runner, tmp_path, teams):
    store, _care = teams
    result = _cli(runner, tmp_path, HEADER
                  + "amara@example.test,Amara Okafor,manager,store,U0AMARA,Europe/London\n"
                  + "diego@example.test,Diego Fernández,,store,,\n")
    assert result.exit_code == 0, result.output
    assert "2 rows read: 2 added, 0 updated, 0 unchanged." in result.output
    people = _people()
    assert people["amara@example.test"].managed_teams == [store]
    diego = people["diego@example.test"]
    assert (diego.role, diego.team, diego.timezone, diego.slack_user_id) == ("staff", store, "UTC", None)


def test_reimport_updates_by_email_and_counts_unchanged(runner, tmp_path, teams):
    make_user("staff", teams[0], email="amara@example.test", name="Amara O.", timezone="UTC")
    make_user("staff", teams[0], email="kofi@example.test", name="Kofi Mensah", timezone="UTC")
    result = _cli(runner, tmp_path, HEADER
                  + "AMARA@example.test,Amara Okafor,staff,care,,Africa/Lagos\n"
                  + "kofi@example.test,Kofi Mensah,staff,store,,UTC\n")
    assert result.exit_code == 0, result.output
    assert "2 rows read: 0 added, 1 updated, 1 unchanged." in result.output
    amara = _people()["amara@example.test"]
    assert (amara.name, amara.team.slug, amara.timezone) == ("Amara Okafor", "care", "Africa/Lagos")
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_empty_cells_leave_a_known_persons_details_as_they_are(runner, tmp_path, teams):
    store = teams[0]
    make_user("admin", store, email="boss@example.test", name="Boss", slack_user_id="U0BOSS",
              timezone="Asia/Tokyo")
    result = _cli(runner, tmp_path, HEADER + "boss@example.test,Boss Person,,,,\n")
    assert result.exit_code == 0, result.output
    boss = _people()["boss@example.test"]
    assert (boss.name, boss.role, boss.team, boss.slack_user_id, boss.timezone) == (
        "Boss Person", "admin", store, "U0BOSS", "Asia/Tokyo")


def test_bad_rows_are_reported_by_line_and_nothing_is_written(runner, tmp_path, teams):
    make_user("staff", email="owner@example.test", slack_user_id="U0TAKEN")
    result = _cli(runner, tmp_path, HEADER
                  + "good@example.test,Good Person,staff,store,,\n"          # line 2
                  + "not-an-email,Bad Email,staff,store,,\n"                 # line 3
                  + "x@example.test,,staff,store,,\n"                        # line 4
                  + "y@example.test,Y,boss,nowhere,,Mars/Base\n"             # line 5
                  + "good@example.test,Twice,staff,store,,\n"                # line 6
                  + "z@example.test,Z,staff,store,U0TAKEN,\n"                # line 7
                  + "w@example.test,W,staff,store,U0W,\n"                    # line 8
                  + "v@example.test,V,staff,store,U0W,\n")                   # line 9
    assert result.exit_code == 1
    out = result.output
    assert "line 3: 'not-an-email' is not a valid e-mail address" in out
    assert "line 4: a name is required" in out
    assert "line 5: role 'boss' is not one of staff, manager, hr, admin; there is no team 'nowhere'; " \
           "'Mars/Base' is not a time zone" in out
    assert "line 6: good@example.test already appears on line 2" in out
    assert "line 7: Slack id U0TAKEN already belongs to owner@example.test" in out
    assert "line 9: Slack id U0W already appears on line 8" in out
    assert "line 2" not in out.replace("on line 2", "") and "line 8:" not in out
    assert "Nothing was imported" in out
    assert set(_people()) == {"owner@example.test"}


def test_missing_columns_are_named(runner, tmp_path):
    result = _cli(runner, tmp_path, "email,name,team\nx@example.test,X,store\n")
    assert result.exit_code == 1
    assert "missing columns: role, slack_id, timezone" in result.output
    assert _people() == {}


def test_non_utf8_file_is_refused_with_a_message(runner, tmp_path, teams):
    result = _cli(runner, tmp_path, HEADER + "joao@example.test,João Gonçalves,staff,store,,\n", encoding="latin-1")
    assert result.exit_code == 1
    assert "not UTF-8" in result.output and "CSV UTF-8" in result.output
    assert _people() == {}


def test_bom_header_extra_columns_and_blank_lines_are_fine(runner, tmp_path, teams):
    content = "\ufeffEmail, Name ,role,team,slack_id,timezone,notes\n" \
              "joao@example.test,João Gonçalves,staff,store,,,likes trains\n\n"
    result = _cli(runner, tmp_path, content)
    assert result.exit_code == 0, result.output
    assert _people()["joao@example.test"].name == "João Gonçalves"


def test_header_only_file_changes_nothing(runner, tmp_path):
    result = _cli(runner, tmp_path, HEADER)
    assert result.exit_code == 0
    assert "no people in it" in result.output


def test_large_file_imports_in_a_few_queries(runner, tmp_path, teams, app):
    """Thousands of rows must not cost a query per row (lookups are preloaded)."""
    from sqlalchemy import event

    rows = "".join(f"p{n}@example.test,Person {n},staff,{'store' if n % 2 else 'care'},U{n:06d},UTC\n"
                   for n in range(3000))
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = _cli(runner, tmp_path, HEADER + rows)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert result.exit_code == 0, result.output
    assert "3000 added" in result.output
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) < 10, selects[:20]
    assert db.session.scalar(db.select(db.func.count(User.id))) == 3000


def _upload(client, post_form, content: bytes, filename="people.csv"):
    return post_form("/admin/people/import", {"file": (io.BytesIO(content), filename)},
                     content_type="multipart/form-data")


def test_upload_imports_and_reports(client, login, post_form, teams):
    login(make_user("admin"))
    response = _upload(client, post_form, (HEADER + "amara@example.test,Amara Okafor,staff,store,,\n").encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 row read: 1 added, 0 updated, 0 unchanged." in html and "Amara Okafor" in html
    assert "amara@example.test" in _people()


def test_upload_with_bad_rows_lists_them_and_writes_nothing(client, login, post_form, teams):
    login(make_user("admin", email="admin@example.test"))
    response = _upload(client, post_form, (HEADER + "a@example.test,A,staff,store,,\n"
                                           + "b@example.test,B,staff,nowhere,,\n").encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in html and "line 3: there is no team &#39;nowhere&#39;" in html
    assert set(_people()) == {"admin@example.test"}


def test_upload_refuses_non_utf8_and_accepts_a_bom(client, login, post_form, teams):
    login(make_user("admin"))
    response = _upload(client, post_form, (HEADER + "j@example.test,João,staff,store,,\n").encode("latin-1"))
    assert response.status_code == 400 and "not UTF-8" in response.get_data(as_text=True)
    response = _upload(client, post_form, ("\ufeff" + HEADER + "j@example.test,João,staff,store,,\n").encode())
    assert response.status_code == 200
    assert _people()["j@example.test"].name == "João"


def test_upload_without_a_file_or_with_another_type_is_refused(client, login, post_form):
    login(make_user("admin"))
    response = post_form("/admin/people/import", {})
    assert response.status_code == 200 and "Choose a CSV file to import." in response.get_data(as_text=True)
    response = _upload(client, post_form, b"%PDF-1.4", filename="people.pdf")
    assert "A .csv file, please." in response.get_data(as_text=True)
