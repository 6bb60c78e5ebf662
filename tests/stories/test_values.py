"""HR's list of company values: the defaults a new install has, add, rename, retire; others may not."""
from flashpoint.extensions import db
from recognition.stories.models import CompanyValue
from tests.factories import make_manager, make_team, make_user


def active_names():
    return [v.name for v in db.session.scalars(db.select(CompanyValue).where(CompanyValue.active.is_(True))
                                                .order_by(CompanyValue.position))]


def test_hr_sees_the_defaults_and_adds_renames_and_retires_values(app, signed_in, post_form):
    hr = signed_in(make_user("hr", name="Harriet HR"))
    html = hr.get("/heroes/values").get_data(as_text=True)
    assert "Customer first" in html and len(active_names()) == 5
    post_form("/heroes/values", {"name": "Curiosity", "description": "We ask why.", "active": "y"},
              test_client=hr)
    assert active_names()[-1] == "Curiosity"
    value = db.session.scalar(db.select(CompanyValue).where(CompanyValue.name == "Own it"))
    post_form("/heroes/values", {"value_id": value.id, "name": "Ownership", "description": "Ours to fix."},
              test_client=hr)  # no "active": retired
    db.session.refresh(value)
    assert value.name == "Ownership" and value.active is False
    assert "Ownership" not in active_names()


def test_bad_values_are_refused_with_a_message(app, signed_in, post_form):
    hr = signed_in(make_user("hr", name="Harriet HR"))
    for data, message in (({"name": ""}, "A value needs a name."),
                          ({"name": "Customer FIRST"}, "There is already a value called"),
                          ({"name": "<b>Bold</b>"}, "HTML tags are not allowed")):
        response = post_form("/heroes/values", {**data, "active": "y"}, test_client=hr)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert len(active_names()) == 5


def test_the_last_value_cannot_be_retired(app, signed_in, post_form):
    hr = signed_in(make_user("hr", name="Harriet HR"))
    hr.get("/heroes/values")
    values = db.session.scalars(db.select(CompanyValue)).all()
    for value in values[1:]:
        value.active = False
    db.session.commit()
    response = post_form("/heroes/values", {"value_id": values[0].id, "name": values[0].name}, test_client=hr)
    assert response.status_code == 400 and "Keep at least one value" in response.get_data(as_text=True)


def test_managers_and_staff_may_not_edit_values(app, signed_in):
    team = make_team()
    assert signed_in(make_manager(team, name="Maya Lindqvist")).get("/heroes/values").status_code == 403
    assert signed_in(make_user(team=team, name="Sam Okafor")).post("/heroes/values").status_code in (400, 403)
