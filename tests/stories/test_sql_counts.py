"""Regression guard: the SQL statements of the hero wall and the praise inbox do not grow with the organisation.

Each page is requested once on a small organisation and once after it grew (more people and teams,
stories, claps, pending nominations, praise naming people, dismissals): the number of statements
must be the same, for HR, a manager and (the wall) a colleague, on page 1, on a page reached by its
"Older" link and on a page asked by number. HR's short-lived cache is emptied before each request,
so the statements counted are those of a cold page.
"""
import re

import pytest

from flashpoint.extensions import db
from recognition.stories.wall import clap
from tests.factories import make_manager, make_team, make_user
from tests.sqlcount import count_statements
from tests.stories.factories import customer_says, make_story

PAGES = {
    "hr": ["/heroes", "/heroes?page=2", "/praise", "/praise?page=2"],
    "manager": ["/heroes", "/heroes?page=2", "/praise", "/praise?page=2"],
    "staff": ["/heroes", "/heroes?page=2"],
}


class Org:
    def __init__(self):
        self.dept = make_team("dept", "Department")
        self.shop = make_team("shop", "The Shop", parent=self.dept)
        self.care = make_team("care", "Care Desk", parent=self.dept)
        self.hr = make_user("hr", name="Helen HR")
        self.manager = make_manager(self.shop, name="Maya Lindqvist")
        self.carl = make_manager(self.care, name="Carl Care")
        self.staff = make_user(team=self.shop, name="Sam Okafor")
        self.round = 0
        db.session.commit()

    def grow(self, people: int, stories: int, praise: int) -> None:
        """More of everything the pages read, in both teams and in teams of their own."""
        self.round += 1
        r = self.round
        extra = [make_team(f"t{r}-{n}", f"Team {r}-{n}", parent=self.dept) for n in range(2)]
        for team in extra:
            make_manager(team, name=f"Boss {team.slug}")
        shop = [make_user(team=self.shop, name=f"Shop Person {r}-{n}") for n in range(people)]
        care = [make_user(team=self.care, name=f"Care Person {r}-{n}") for n in range(people)]
        for n in range(people):
            make_user(team=extra[n % 2], name=f"Other Person {r}-{n}")
        db.session.commit()
        clappers = shop[:3] + care[:3]
        for n in range(stories):
            if n % 3 == 0:
                nominator, heroes = self.carl, [care[n % len(care)]]
            else:
                nominator, heroes = self.manager, [shop[n % len(shop)], shop[(n + 1) % len(shop)]][: 1 + n % 2]
            story = make_story(nominator, heroes, text=f"Round {r} story {n}",
                               kind="recovery" if n % 4 == 0 else "proactive")
            for person in clappers[: 1 + n % len(clappers)]:
                clap(story, person)
        # Nominations waiting for a decision (the wall's "To approve" for the manager).
        for n in range(3):
            make_story(shop[n], [shop[(n + 1) % len(shop)]], text=f"Round {r} pending {n}")
        for n in range(praise):
            person = shop[n % len(shop)]
            customer_says(self.shop, f"{person.name} was wonderful, thank you", consent=n % 2 == 0)
            customer_says(self.care, "Everyone was lovely")
        db.session.commit()


def statements_of(client, path: str) -> int:
    """The statements one GET sends (the request works in a session of its own)."""
    db.session.commit()
    with count_statements() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(counted)


def _older_link(html: str) -> str:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert found, "no link to an older page"
    return found.group(1).replace("&amp;", "&")


def _counts(app, org: Org, signed_in) -> dict:
    counts = {}
    for role, paths in PAGES.items():
        client = signed_in(getattr(org, role))
        for path in paths:
            app.extensions.pop("recognition.hr_cache", None)
            counts[(role, path)] = statements_of(client, path)
            if path in ("/heroes", "/praise"):
                app.extensions.pop("recognition.hr_cache", None)
                older = _older_link(client.get(path).get_data(as_text=True))
                app.extensions.pop("recognition.hr_cache", None)
                counts[(role, path + " older")] = statements_of(client, older)
    return counts


@pytest.mark.both_databases
def test_wall_and_inbox_cost_the_same_whatever_the_size_of_the_organisation(app, signed_in, db_backend):
    org = Org()
    org.grow(people=4, stories=26, praise=45)
    _counts(app, org, signed_in)  # warm: the first requests of an app build its caches
    small = _counts(app, org, signed_in)
    org.grow(people=10, stories=30, praise=50)
    _counts(app, org, signed_in)  # the new people moved the directory's version: caches rebuild once
    large = _counts(app, org, signed_in)
    assert large == small
    assert max(small.values()) <= 30, small


@pytest.mark.both_databases
def test_wall_pages_follow_their_links_and_answer_a_page_number(app, signed_in, db_backend):
    org = Org()
    org.grow(people=3, stories=26, praise=0)
    client = signed_in(org.staff)

    def ids(html):
        return re.findall(r'<article class="story-card[^"]*" id="story-(\d+)"', html)

    first = client.get("/heroes").get_data(as_text=True)
    older = client.get(_older_link(first)).get_data(as_text=True)
    third = client.get(_older_link(older)).get_data(as_text=True)
    by_number = [ids(client.get(f"/heroes?page={n}").get_data(as_text=True)) for n in (1, 2, 3)]
    assert [ids(first), ids(older), ids(third)] == by_number
    assert [len(x) for x in by_number] == [12, 12, 2]
    assert "Page 2 of 3 · 26 in all" in older and "Page 3 of 3" in third and 'rel="next"' not in third
    newer = re.search(r'<a href="([^"]+)" rel="prev">', third).group(1).replace("&amp;", "&")
    assert "before=" in newer and ids(client.get(newer).get_data(as_text=True)) == ids(older)
    back_to_first = re.search(r'<a href="([^"]+)" rel="prev">', older).group(1).replace("&amp;", "&")
    assert ids(client.get(back_to_first).get_data(as_text=True)) == ids(first)
    assert ids(client.get("/heroes?page=9").get_data(as_text=True)) == []
    assert client.get("/heroes?after=abc&before=-3&page=zz").status_code == 200
