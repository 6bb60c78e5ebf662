"""The people directory and the admin pages that add, edit and deactivate people."""
import csv
import io

import pytest

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow
from tests.factories import PASSWORD, make_manager, make_team, make_user


def _user(email):
    return db.session.scalar(db.select(User).where(User.email == email))


def test_admin_adds_a_person_who_can_then_sign_in(client, login, post_form):
    team = make_team("store-a", "Store A")
    login(make_user("admin"))
    response = post_form("/admin/people/new", {
        "email": "Kwame.Mensah@Example.test", "name": "Kwame Mensah", "role": "manager", "team": "store-a",
        "slack_id": "U0KWAME", "timezone": "Africa/Accra", "password": "kwame's password", "active": "y",
        "nicknames": "Kwams"})
    assert response.status_code == 302
    person = _user("kwame.mensah@example.test")
    assert (person.name, person.role, person.team, person.slack_user_id, person.timezone, person.nicknames) == (
        "Kwame Mensah", "manager", team, "U0KWAME", "Africa/Accra", "Kwams")
    assert person.managed_teams == [team]  # a manager added to a team manages it
    assert person.check_password("kwame's password")


@pytest.mark.parametrize("data,message", [
    ({"email": "not-an-email", "name": "X"}, "not a valid e-mail address"),
    ({"email": "taken@example.test", "name": "X"}, "already has an account"),
    ({"email": "new@example.test", "name": "X", "timezone": "Mars/Olympus"}, "is not a time zone"),
    ({"email": "new@example.test", "name": "X", "slack_id": "not-slack"}, "does not look like a Slack user id"),
    ({"email": "new@example.test", "name": "X", "password": "short"}, "at least 10 characters"),
    ({"email": "new@example.test", "name": ""}, "Enter their name."),
])
def test_adding_a_person_with_bad_input_explains_and_stores_nothing(client, login, post_form, data, message):
    make_user("staff", email="taken@example.test")
    login(make_user("admin"))
    before = db.session.scalar(db.select(db.func.count(User.id)))
    response = post_form("/admin/people/new", {"role": "staff", "timezone": "UTC", **data})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == before


def test_admin_edits_a_person_and_empty_password_keeps_the_old_one(client, login, post_form):
    team_a, team_b = make_team(), make_team()
    person = make_user("staff", team_a, email="ana@example.test", timezone="UTC")
    login(make_user("admin"))
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert 'value="ana@example.test"' in page
    response = post_form(f"/admin/people/{person.id}", {
        "email": "ana@example.test", "name": "Ana Lúcia Silva", "role": "staff", "team": team_b.slug,
        "slack_id": "", "timezone": "Europe/Lisbon", "password": "", "active": "y", "nicknames": ""})
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.name, person.team, person.timezone) == ("Ana Lúcia Silva", team_b, "Europe/Lisbon")
    assert person.check_password(PASSWORD)


def test_demoting_a_manager_to_staff_ends_their_management(client, login, post_form):
    team = make_team()
    manager = make_manager(team, email="boss@example.test")
    login(make_user("admin"))
    post_form(f"/admin/people/{manager.id}", {
        "email": "boss@example.test", "name": manager.name, "role": "staff", "team": team.slug,
        "timezone": "UTC", "active": "y"})
    db.session.refresh(manager)
    assert manager.role == "staff" and manager.managed_teams == []


def test_admin_cannot_deactivate_or_demote_themself(client, login, post_form):
    admin = make_user("admin", email="root@example.test")
    login(admin)
    response = post_form(f"/admin/people/{admin.id}", {
        "email": "root@example.test", "name": admin.name, "role": "staff", "timezone": "UTC", "active": "y"})
    assert "You cannot change your own role." in response.get_data(as_text=True)
    response = post_form(f"/admin/people/{admin.id}/active", {}, page="/admin/people")
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active


def test_admin_posting_their_own_form_without_active_stays_active(client, login, post_form):
    admin = make_user("admin", email="root@example.test")
    login(admin)
    response = post_form(f"/admin/people/{admin.id}", {
        "email": "root@example.test", "name": admin.name, "role": "admin", "timezone": "UTC"})
    assert response.status_code == 200  # the form again, not saved
    db.session.refresh(admin)
    assert admin.active


def test_deactivate_and_reactivate_from_the_list(client, login, post_form):
    person = make_user("staff", name="Lars Nielsen")
    login(make_user("admin"))
    response = post_form(f"/admin/people/{person.id}/active", {}, page="/admin/people")
    assert response.status_code == 302
    db.session.refresh(person)
    assert not person.active
    assert "Lars Nielsen is now deactivated." in client.get("/admin/people").get_data(as_text=True)
    post_form(f"/admin/people/{person.id}/active", {}, page="/admin/people")
    db.session.refresh(person)
    assert person.active


def test_deactivating_without_csrf_token_is_refused(client, login):
    person = make_user("staff")
    login(make_user("admin"))
    response = client.post(f"/admin/people/{person.id}/active")
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.active


def test_directory_filters_by_search_role_team_and_not_signed_in_yet(client, login):
    store, care = make_team("store"), make_team("care")
    make_user("staff", store, name="Mei Chen", last_login_at=utcnow())
    make_user("staff", store, name="Kofi Mensah")
    make_user("manager", care, name="Ingrid Johansson")
    make_user("staff", care, name="Retired Person", active=False)
    login(make_user("admin", name="Zed Admin"))

    def names(query):
        html = client.get("/admin/people" + query).get_data(as_text=True)
        return {n for n in ("Mei Chen", "Kofi Mensah", "Ingrid Johansson", "Retired Person") if n in html}

    assert names("?q=mensah") == {"Kofi Mensah"}
    assert names("?q=%25") == set()  # a LIKE wildcard is searched for literally
    assert names("?team=store") == {"Mei Chen", "Kofi Mensah"}
    assert names("?role=manager") == {"Ingrid Johansson"}
    assert names("?status=never") == {"Kofi Mensah", "Ingrid Johansson"}
    assert names("?status=inactive") == {"Retired Person"}


def test_department_filter_includes_its_teams(client, login):
    dept = make_team("dept")
    make_user("staff", make_team("sub", parent=dept), name="Yuki Tanaka")
    make_user("staff", make_team("elsewhere"), name="Omar Haddad")
    login(make_user("admin"))
    html = client.get("/admin/people?team=dept").get_data(as_text=True)
    assert "Yuki Tanaka" in html and "Omar Haddad" not in html


def test_hr_sees_the_whole_directory_but_cannot_edit(client, login, post_form):
    person = make_user("staff", make_team(), name="Priya Sharma")
    login(make_user("hr"))
    html = client.get("/admin/people?status=never").get_data(as_text=True)
    assert "Priya Sharma" in html
    assert "Add a person" not in html and f"/admin/people/{person.id}" not in html
    assert client.get(f"/admin/people/{person.id}").status_code == 403
    assert client.get("/admin/people/new").status_code == 403
    assert client.get("/admin/people/import").status_code == 403
    response = post_form(f"/admin/people/{person.id}/active", {}, page="/admin/people")
    assert response.status_code == 403
    db.session.refresh(person)
    assert person.active


def test_manager_sees_only_the_people_of_their_teams(client, login):
    dept = make_team("dept")
    mine = make_team("mine", parent=dept)
    manager = make_manager(dept, name="Maya Lindqvist")
    make_user("staff", mine, name="Tariq Karimi")
    make_user("staff", make_team("theirs"), name="Greta Novak")
    login(manager)
    html = client.get("/admin/people?status=never").get_data(as_text=True)
    assert "Tariq Karimi" in html and "Greta Novak" not in html
    assert "Not signed in yet" in html


def test_staff_cannot_see_the_directory(client, login):
    login(make_user("staff", make_team()))
    assert client.get("/admin/people").status_code == 403
    assert client.get("/admin/people.csv").status_code == 403


def test_export_is_csv_in_the_import_columns_and_defuses_formulas(client, login):
    make_user("staff", make_team("store"), name="=HYPERLINK(1)", email="x@example.test", slack_user_id="U0X")
    login(make_user("admin"))
    response = client.get("/admin/people.csv?team=store")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [{"email": "x@example.test", "name": "'=HYPERLINK(1)", "role": "staff", "team": "store",
                     "slack_id": "U0X", "timezone": "UTC", "active": "true", "last_sign_in": ""}]


def test_directory_paginates(client, login):
    team = make_team()
    for n in range(30):
        make_user("staff", team, name=f"Person {n:02d}", password=None)
    login(make_user("admin", name="Zz Admin"))
    first = client.get("/admin/people").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Zz Admin" in client.get("/admin/people?page=2").get_data(as_text=True)


def test_unknown_person_is_a_friendly_404(client, login):
    login(make_user("admin"))
    response = client.get("/admin/people/99999")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)
