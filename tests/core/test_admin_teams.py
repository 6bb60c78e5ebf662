"""The teams pages: adding teams and departments, managers, metrics, and the mistakes refused."""
import pytest

from flashpoint.extensions import db
from flashpoint.people.models import Team
from tests.factories import make_manager, make_team, make_user


def _team(slug):
    return db.session.scalar(db.select(Team).where(Team.slug == slug))


def _form(**data):
    return {"name": "A team", "parent": "", "form_metric": "csat", "collected_metrics": ["csat", "nps", "ces"],
            **data}


@pytest.mark.parametrize("role", ["admin", "hr"])
def test_admin_and_hr_add_a_team_under_a_department_with_managers(client, login, post_form, role):
    dept = make_team("care", "Customer Care")
    boss = make_user("manager", name="Kenji Tanaka")
    login(make_user(role))
    response = post_form("/admin/teams/new", _form(
        slug="care-chat", name="Chat Support", parent="care", form_metric="ces",
        collected_metrics=["csat", "ces"], managers=[str(boss.id)]))
    assert response.status_code == 302
    team = _team("care-chat")
    assert (team.name, team.parent, team.form_metric, team.metrics) == ("Chat Support", dept, "ces", ["csat", "ces"])
    assert team.managers == [boss]
    tree = client.get("/admin/teams").get_data(as_text=True)
    assert "Chat Support" in tree and "Kenji Tanaka" in tree


def test_choosing_a_staff_member_as_manager_is_not_offered(client, login, post_form):
    staff = make_user("staff", name="Sipho Dlamini")
    login(make_user("admin"))
    page = client.get("/admin/teams/new").get_data(as_text=True)
    assert "Sipho Dlamini" not in page
    response = post_form("/admin/teams/new", _form(slug="t1", managers=[str(staff.id)]))
    assert response.status_code == 200
    assert "Sipho Dlamini is staff: give them the manager role on their own page first." in response.get_data(as_text=True)
    assert _team("t1") is None


@pytest.mark.parametrize("slug,message", [
    ("taken", "A team with the slug &#39;taken&#39; already exists."),
    ("Not A Slug!", "is not a valid team slug"),
])
def test_bad_or_duplicate_slug_is_refused_with_a_message(client, login, post_form, slug, message):
    make_team("taken", "Taken")
    login(make_user("admin"))
    response = post_form("/admin/teams/new", _form(slug=slug, name="Another"))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 1


def test_a_team_cannot_move_under_its_own_sub_team(client, login, post_form):
    dept = make_team("dept", "Department")
    sub = make_team("sub", "Sub", parent=dept)
    login(make_user("admin"))
    page = client.get(f"/admin/teams/{dept.id}").get_data(as_text=True)
    assert 'value="sub"' not in page  # not offered
    response = post_form(f"/admin/teams/{dept.id}", _form(slug="dept", name="Department", parent="sub"))
    assert response.status_code == 200
    response = post_form(f"/admin/teams/{dept.id}", _form(slug="dept", name="Department", parent="dept"))
    assert response.status_code == 200
    db.session.refresh(dept)
    assert dept.parent is None and sub.parent == dept


def test_metrics_must_include_the_form_metric_and_at_least_one(client, login, post_form):
    team = make_team("t", "T")
    login(make_user("hr"))
    html = post_form(f"/admin/teams/{team.id}", _form(slug="t", form_metric="nps",
                                                        collected_metrics=["csat"])).get_data(as_text=True)
    assert "The public form must ask a metric the team collects." in html
    html = post_form(f"/admin/teams/{team.id}", _form(slug="t", collected_metrics=[])).get_data(as_text=True)
    assert "A team collects at least one customer metric." in html
    db.session.refresh(team)
    assert team.metrics == ["csat", "nps", "ces"] and team.form_metric == "csat"


def test_hr_restricts_a_teams_metrics(client, login, post_form):
    team = make_team("t", "T")
    login(make_user("hr"))
    post_form(f"/admin/teams/{team.id}", _form(slug="t", name="T", form_metric="nps", collected_metrics=["nps"]))
    db.session.refresh(team)
    assert team.metrics == ["nps"] and team.collects("nps") and not team.collects("csat")


def test_a_teams_slug_cannot_change(client, login, post_form):
    team = make_team("poster-slug", "T")
    login(make_user("admin"))
    html = post_form(f"/admin/teams/{team.id}", _form(slug="new-slug", name="T")).get_data(as_text=True)
    assert "cannot change" in html
    db.session.refresh(team)
    assert team.slug == "poster-slug"


def test_team_page_lists_its_people(client, login):
    team = make_team("t", "T")
    make_user("staff", team, name="Chiara Bianchi")
    login(make_user("admin"))
    assert "Chiara Bianchi" in client.get(f"/admin/teams/{team.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_staff_and_managers_cannot_manage_teams(client, login, post_form, role):
    team = make_team("t", "T")
    person = make_manager(team) if role == "manager" else make_user(role, team)
    login(person)
    assert client.get("/admin/teams").status_code == 403
    assert client.get(f"/admin/teams/{team.id}").status_code == 403
    assert "/admin/teams" not in client.get("/").get_data(as_text=True)


def test_empty_organisation_shows_how_to_start(client, login):
    login(make_user("admin"))
    html = client.get("/admin/teams").get_data(as_text=True)
    assert "No teams yet." in html


def test_managers_are_chosen_with_the_people_picker_and_checked_when_saved(client, login, post_form):
    import re

    team = make_team("t", "T")
    keep = make_user("manager", name="Kenji Tanaka")
    gone = make_user("manager", name="Greta Gone", active=False)
    hr = make_user("hr", name="Harriet Hughes")
    make_user("staff", name="Kenneth Staff")
    team.managers.append(keep)
    db.session.commit()
    login(make_user("admin"))
    html = client.get(f"/admin/teams/{team.id}").get_data(as_text=True)
    assert 'role="combobox"' in html and 'data-roles="manager,hr,admin"' in html
    assert re.search(rf'name="managers" value="{keep.id}" checked', html) and "Harriet Hughes" not in html
    # Without script: Find offers people of a manager's role only, and saves nothing.
    response = post_form(f"/admin/teams/{team.id}", _form(slug="t", name="Renamed", managers=[str(keep.id)],
                                                          find="managers", **{"managers-q": "ken"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Kenneth Staff" not in html
    assert re.findall(r'name="managers" value="(\d+)">', html) == []  # Kenji is chosen already; nobody else
    response = post_form(f"/admin/teams/{team.id}", _form(slug="t", managers=[], find="managers",
                                                          **{"managers-q": "harr"}))
    assert re.findall(r'name="managers" value="(\d+)">', response.get_data(as_text=True)) == [str(hr.id)]
    db.session.refresh(team)
    assert team.name == "T"
    for ids, message in (([keep.id, 99999], "One of the managers chosen is not someone we know."),
                         ([gone.id], "Greta Gone no longer works here.")):
        html = post_form(f"/admin/teams/{team.id}", _form(slug="t", managers=[str(i) for i in ids])).get_data(as_text=True)
        assert message in html
    assert post_form(f"/admin/teams/{team.id}", _form(slug="t", managers=[str(keep.id), str(hr.id)])).status_code == 302
    db.session.refresh(team)
    assert {m.name for m in team.managers} == {"Kenji Tanaka", "Harriet Hughes"}
