"""The hero picker on the nomination form: the chosen people and a search, never the whole organisation."""
import re

import pytest

from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition.stories.models import HeroStory
from tests.factories import make_manager, make_team, make_user
from tests.sqlcount import count_statements


@pytest.fixture
def org(app):
    shop, depot = make_team("shop", "The Shop"), make_team("depot", "The Depot")
    return {"shop": shop, "depot": depot, "maya": make_manager(shop, name="Maya Lindqvist"),
            "sam": make_user(team=shop, name="Sam Okafor"), "priya": make_user(team=shop, name="Priya Sharma"),
            "kenji": make_user(team=depot, name="Kenji Tanaka")}


def _offered(html: str) -> set[str]:
    return set(re.findall(r'name="heroes" value="(\d+)"', html))


def test_the_form_offers_the_combobox_and_only_ones_own_team_not_everyone(org, client, login):
    login(org["sam"])
    html = client.get("/heroes/new").get_data(as_text=True)
    assert 'role="combobox"' in html and 'aria-controls="heroes-picker-listbox"' in html
    assert 'aria-expanded="false"' in html and 'role="listbox"' in html and "/people/search" in html
    # Without script: a Find button and one's own team to tick; the depot is not on the page.
    assert 'name="find" value="heroes"' in html
    assert _offered(html) == {str(org["maya"].id), str(org["priya"].id)}
    assert "Kenji Tanaka" not in html


def test_without_script_find_shows_whom_it_found_keeps_what_was_typed_and_saves_nothing(org, login, post_form):
    login(org["sam"])
    response = post_form("/heroes/new", {"heroes": [org["priya"].id], "text": "Half-written story.",
                                         "kind": "recovery", "find": "heroes", "heroes-q": "kenji"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.scalar(db.select(HeroStory)) is None
    assert "Half-written story." in html and 'value="kenji"' in html
    # Priya stays chosen (ticked); Kenji is offered, unticked.
    assert re.search(rf'name="heroes" value="{org["priya"].id}" checked', html)
    assert re.search(rf'name="heroes" value="{org["kenji"].id}">', html) and "Kenji Tanaka · The Depot" in html
    response = post_form("/heroes/new", {"heroes-q": "nobody-like-this", "find": "heroes", "text": "", "kind": ""})
    assert "Nobody found for “nobody-like-this”." in response.get_data(as_text=True)
    # Ticking Kenji and nominating: the story is in, with both heroes.
    response = post_form("/heroes/new", {"heroes": [org["priya"].id, org["kenji"].id], "text": "Half-written story.",
                                         "kind": "recovery", "heroes-q": "kenji"})
    assert response.status_code == 302
    story = db.session.scalar(db.select(HeroStory))
    assert {h.name for h in story.heroes} == {"Priya Sharma", "Kenji Tanaka"}


def test_a_refused_nomination_shows_the_chosen_heroes_again_deactivated_ones_marked(org, login, post_form):
    gone = make_user(team=org["depot"], name="Greta Gone", active=False)
    login(org["sam"])
    response = post_form("/heroes/new", {"heroes": [org["kenji"].id, gone.id], "text": "A story.",
                                         "kind": "proactive"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Greta Gone no longer works here." in html
    assert re.search(rf'name="heroes" value="{gone.id}" checked', html) and "(no longer works here)" in html
    assert re.search(rf'name="heroes" value="{org["kenji"].id}" checked', html)


def test_editing_never_offers_the_nominator_and_find_saves_nothing(org, login, client, post_form):
    from tests.stories.factories import make_story

    story = make_story(org["sam"], [org["priya"]], text="As it was.")
    login(org["maya"])
    html = client.get(f"/heroes/{story.id}/edit").get_data(as_text=True)
    assert re.search(rf'name="heroes" value="{org["priya"].id}" checked', html)
    assert str(org["sam"].id) not in _offered(html)
    response = post_form(f"/heroes/{story.id}/edit", {"heroes": [org["priya"].id], "text": "Changed.",
                                                      "kind": "proactive", "find": "heroes", "heroes-q": "okafor"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Changed." in html
    assert str(org["sam"].id) not in _offered(html) and "Nobody found for “okafor”." in html  # the nominator
    db.session.refresh(story)
    assert story.text == "As it was."


@pytest.mark.both_databases
def test_the_form_costs_the_same_whatever_the_size_of_the_organisation(app, client, login):
    team = make_team("big", "Big Store")
    nominator = make_user(team=team, name="Nora Nominator")
    login(nominator)

    def statements():
        with count_statements() as counted:
            html = client.get("/heroes/new").get_data(as_text=True)
        return len(counted), len(html)

    before, size = statements()
    others = [make_team(f"t{n}", f"Team {n}") for n in range(5)]
    db.session.add_all(User(email=f"p{n}@example.test", name=f"Person {n:04d}", team_id=others[n % 5].id)
                       for n in range(400))
    db.session.add_all(User(email=f"m{n}@example.test", name=f"Mate {n:04d}", team_id=team.id) for n in range(40))
    db.session.commit()
    after, size_after = statements()
    assert after == before
    assert size_after - size < 20 * 400  # 20 team-mates suggested at most, nobody else
