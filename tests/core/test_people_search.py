"""The people search behind every picker: who is found, how many, and what it costs."""
import pytest

from flashpoint.people.models import User
from flashpoint.extensions import db
from tests.factories import make_manager, make_team, make_user
from tests.sqlcount import count_statements


@pytest.fixture
def org(app):
    shop = make_team("shop", "The Shop")
    depot = make_team("depot", "The Depot")
    return {
        "shop": shop, "depot": depot,
        "maya": make_manager(shop, name="Maya Lindqvist", email="maya.l@example.test"),
        "priya": make_user(team=shop, name="Priya Sharma", email="psharma@example.test"),
        "bob": make_user(team=depot, name="Robert Okafor", nicknames="Bob, Bobby", email="rokafor@example.test"),
        "gone": make_user(team=shop, name="Priya Gone", active=False),
        "jean": make_user(team=depot, name="Jean-Luc Marchand"),
        "loner": make_user(name="Lone Ranger"),
    }


def _names(client, **params):
    response = client.get("/people/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [p["name"] for p in response.get_json()["people"]]


def test_finds_active_people_by_name_nickname_and_email_beginning_with_their_team(org, client, login):
    login(org["priya"])
    data = client.get("/people/search?q=rob").get_json()
    assert data == {"people": [{"id": org["bob"].id, "name": "Robert Okafor", "team": "The Depot"}], "more": False}
    assert _names(client, q="bobby") == ["Robert Okafor"]            # a nickname
    assert _names(client, q="rokaf") == ["Robert Okafor"]            # the e-mail's beginning
    assert _names(client, q="OKA") == ["Robert Okafor"]              # a later word, any case
    assert _names(client, q="luc") == ["Jean-Luc Marchand"]          # after a hyphen
    assert _names(client, q="pri sha") == ["Priya Sharma"]           # every word must match
    assert _names(client, q="kafor") == []                           # words are matched from their start
    assert _names(client, q="example.test") == []                    # not the middle of an address
    assert _names(client, q="priya") == ["Priya Sharma"]             # the deactivated Priya is not found
    assert _names(client, q="lone") == ["Lone Ranger"]               # people without a team too
    assert "example.test" not in client.get("/people/search?q=p").get_data(as_text=True)


def test_wildcards_in_the_query_are_plain_characters(org, client, login):
    make_user(team=org["shop"], name="Percent 100% Sure")
    login(org["priya"])
    assert _names(client, q="%") == [] and _names(client, q="_") == []
    assert _names(client, q="100%") == ["Percent 100% Sure"]


def test_an_empty_query_suggests_ones_own_team_and_managed_teams(app, org, login):
    def as_(user):
        return login(user, test_client=app.test_client())

    assert _names(as_(org["priya"])) == ["Maya Lindqvist", "Priya Sharma"]
    other = make_user("manager", org["depot"], name="Dora Depot", manages=org["shop"])
    assert _names(as_(other)) == ["Dora Depot", "Jean-Luc Marchand", "Maya Lindqvist", "Priya Sharma",
                                  "Robert Okafor"]
    # No team and none managed: no suggestions (not everyone without a team).
    assert _names(as_(org["loner"])) == []


def test_roles_and_exclusions_narrow_the_search(org, client, login):
    login(org["priya"])
    assert _names(client, q="", role="manager") == ["Maya Lindqvist"]
    assert _names(client, q="m", role=["manager", "hr"]) == ["Maya Lindqvist"]
    assert _names(client, q="sharma") == ["Priya Sharma"]
    assert _names(client, q="sharma", exclude=[org["priya"].id, org["maya"].id]) == []


def test_never_more_than_the_limit_and_says_there_are_more(org, client, login):
    for n in range(60):
        make_user(team=org["depot"], name=f"Sam Number{n:02d}")
    login(org["priya"])
    data = client.get("/people/search?q=sam").get_json()
    assert len(data["people"]) == 20 and data["more"] is True
    assert [p["name"] for p in data["people"]] == [f"Sam Number{n:02d}" for n in range(20)]
    assert len(client.get("/people/search?q=sam&limit=5").get_json()["people"]) == 5
    assert len(client.get("/people/search?q=sam&limit=500").get_json()["people"]) == 50  # capped
    data = client.get("/people/search?q=sam&limit=60").get_json()
    assert len(data["people"]) == 50 and data["more"] is True


def test_names_beginning_with_the_query_come_first(org, client, login):
    make_user(team=org["shop"], name="Ana Maya")
    login(org["priya"])
    assert _names(client, q="maya") == ["Maya Lindqvist", "Ana Maya"]


@pytest.mark.parametrize("params, message", [
    ({"limit": "many"}, "limit must be a whole number"),
    ({"limit": "0"}, "limit must be at least 1"),
    ({"role": "boss"}, "Unknown role 'boss'"),
    ({"exclude": "x1"}, "exclude takes people's ids"),
])
def test_bad_parameters_are_a_clear_400(org, client, login, params, message):
    login(org["priya"])
    response = client.get("/people/search", query_string=params)
    assert response.status_code == 400 and message in response.get_json()["error"]


def test_signed_out_visitors_are_sent_to_sign_in(org, client):
    response = client.get("/people/search?q=pri")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.both_databases
def test_the_statement_count_does_not_grow_with_the_organisation(app, client, login):
    team = make_team("big", "Big Store")
    searcher = make_user(team=team, name="Searcher Person")
    login(searcher)

    def statements(q):
        with count_statements() as counted:
            assert client.get("/people/search", query_string={"q": q}).status_code == 200
        return len(counted)

    small = {q: statements(q) for q in ("", "al", "al be")}
    db.session.add_all(User(email=f"p{n}@example.test", name=f"Alex Person{n}", team_id=team.id) for n in range(300))
    db.session.commit()
    assert {q: statements(q) for q in ("", "al", "al be")} == small
    assert set(small.values()) == {2}  # the signed-in person, the search
