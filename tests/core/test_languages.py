"""The pages customers and frontline staff answer on speak the visitor's language: the feedback
form and its thanks page, the pulse answer page and idea submission, in English, Spanish and
French; every other page stays English, and the catalogues leave nothing untranslated."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from engagement.pulses import links
from engagement.pulses.models import PulseCycle, PulseParticipation
from flashpoint.config import PROJECT_ROOT
from flashpoint.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_manager, make_team, make_user

LANGUAGES = ("es", "fr")
TRANSLATIONS = PROJECT_ROOT / "translations"


class _Text(HTMLParser):
    """The words a visitor reads or hears: text nodes and the attributes read aloud."""

    SPOKEN = ("alt", "aria-label", "placeholder", "title", "data-count-left", "data-count-max")

    def __init__(self):
        super().__init__()
        self.words: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.words.add(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.words.add(" ".join(data.split()))


def spoken(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return parser.words


def _same_in(language: str) -> set[str]:
    """Words the translators kept as they are ("Idea" is Spanish too)."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return {m.id for m in read_po(f) if m.id and m.string == m.id}


def untranslated(english: str, translated: str, *, names: tuple[str, ...]) -> set[str]:
    """English words of a page still present in its translation, apart from names, numbers and
    words the same in both languages."""
    language = re.search(r'<html lang="(\w+)"', translated).group(1)
    def is_language(text: str) -> bool:
        rest = text
        # Language names in the switcher are written in their own language on every page.
        for name in (*names, "Flashpoint", "English", "Español", "Français"):
            rest = rest.replace(name, "")
        return bool(re.search(r"[A-Za-z]{3,}", rest))

    same = _same_in(language) if language != "en" else set()
    return {text for text in spoken(english) & spoken(translated) if is_language(text) and text not in same}


@pytest.fixture
def shop():
    return make_team("shop", "Harbour Street")


def _in(client, path: str, language: str, **kwargs):
    return client.get(path, headers={"Accept-Language": language}, **kwargs)


def test_the_feedback_form_answers_in_the_browsers_language(client, shop):
    spanish = _in(client, "/f/shop", "es-MX,es;q=0.9,en;q=0.5").get_data(as_text=True)
    assert '<html lang="es">' in spanish and "¿Qué tal lo hicimos?" in spanish
    assert "Muy contento" in spanish and "Enviar opinión" in spanish
    french = _in(client, "/f/shop", "fr-CA").get_data(as_text=True)
    assert '<html lang="fr">' in french and "Comment nous en sommes-nous sortis ?" in french
    assert "Jusqu'à 5\u202f000 caractères." in french
    assert "How did we do?" in _in(client, "/f/shop", "de-DE").get_data(as_text=True)
    assert "Hasta 5.000 caracteres." in _in(client, "/f/shop", "es").get_data(as_text=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_on_the_feedback_pages_is_left_in_english(client, shop, language):
    for path in ("/f/shop", "/f/shop/thanks", "/f/nowhere"):
        english = _in(client, path, "en").get_data(as_text=True)
        other = _in(client, path, language).get_data(as_text=True)
        assert untranslated(english, other, names=("Harbour Street",)) == set(), path


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_form_explains_itself_in_the_visitors_language(client, shop, language):
    page = _in(client, "/f/shop", language)
    token = csrf_token_from(page.get_data(as_text=True))
    refused = client.post("/f/shop", data={"csrf_token": token, "comment": "x"},
                          headers={"Accept-Language": language}).get_data(as_text=True)
    assert {"es": "Elija una valoración.", "fr": "Choisissez une note."}[language] in refused


def test_the_switcher_choice_outlasts_the_browsers_language(client, shop):
    chosen = _in(client, "/f/shop?lang=fr", "es")
    assert '<html lang="fr">' in chosen.get_data(as_text=True)
    assert "flashpoint_lang=fr" in chosen.headers["Set-Cookie"]
    later = _in(client, "/f/shop/thanks", "es").get_data(as_text=True)
    assert '<html lang="fr">' in later and "Merci !" in later
    assert 'hreflang="es"' in later and 'hreflang="en"' in later


def test_pages_not_yet_translated_stay_in_english(client, login, shop):
    login(make_user("staff", shop))
    html = _in(client, "/heroes?lang=es", "es").get_data(as_text=True)
    assert '<html lang="en">' in html and "Héroes" not in html and 'hreflang=' not in html


def _open_cycle(runner, team):
    result = runner.invoke(args=["pulse-now", "--team", team.slug])
    assert result.exit_code == 0, result.output
    return db.session.scalar(sa.select(PulseCycle).order_by(PulseCycle.id.desc()))


def _link_path(cycle, person) -> str:
    participation = db.session.scalar(sa.select(PulseParticipation).where(
        PulseParticipation.cycle_id == cycle.id, PulseParticipation.user_id == person.id))
    return "/pulse/" + links.token_for(participation)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pulse_asks_its_questions_in_the_respondents_language(client, runner, shop, language):
    make_manager(shop)
    people = [make_user("staff", shop, password=None) for _ in range(5)]
    cycle = _open_cycle(runner, shop)
    path = _link_path(cycle, people[0])
    english = _in(client, path, "en").get_data(as_text=True)
    other = _in(client, path, language).get_data(as_text=True)
    assert untranslated(english, other, names=("Harbour Street",)) == set()
    assert format_date(cycle.closes_at, "long", locale=language) in other
    token = csrf_token_from(other)
    answers = {name: "4" if f'name="{name}" value="10"' not in other else "8"
               for name in set(re.findall(r'name="(q\d+)"', other))}
    thanks = client.post(path, data={"csrf_token": token, **answers}, headers={"Accept-Language": language})
    assert thanks.status_code == 200
    used = _in(client, path, language).get_data(as_text=True)
    assert untranslated(_in(client, path, "en").get_data(as_text=True), used, names=()) == set()
    assert {"es": "Sus respuestas ya están registradas", "fr": "Vos réponses sont déjà enregistrées"}[language] in used


def test_a_used_link_does_not_say_that_nothing_was_stored(client, runner, shop):
    make_manager(shop)
    people = [make_user("staff", shop, password=None) for _ in range(5)]
    path = _link_path(_open_cycle(runner, shop), people[0])
    html = client.get(path).get_data(as_text=True)
    answers = {name: "4" if f'name="{name}" value="10"' not in html else "8"
               for name in set(re.findall(r'name="(q\d+)"', html))}
    client.post(path, data={"csrf_token": csrf_token_from(html), **answers})
    used = client.get(path).get_data(as_text=True)
    assert "Your answers are already in" in used and "Nothing was stored" not in used


@pytest.mark.parametrize("language", LANGUAGES)
def test_idea_submission_speaks_the_language_too(client, login, shop, language):
    person = make_user("staff", shop, name="Ana Ruiz")
    login(person)
    english = _in(client, "/ideas/new", "en").get_data(as_text=True)
    other = _in(client, "/ideas/new", language).get_data(as_text=True)
    assert untranslated(english, other, names=("Harbour Street", "Ana Ruiz", person.email)) == set()


def _catalogue_ids() -> set:
    """What the code marks for translation today, found the way `make translations` finds it."""
    method_map = [("flashpoint/**.py", "python"), ("recognition/**.py", "python"),
                  ("engagement/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None, "NavItem": (2,)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT), method_map, keywords=keywords,
            options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}}):
        found.add(message)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_text_is_translated_and_compiled(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as f:
        po = read_po(f, locale=language)
    with open(folder / "messages.mo", "rb") as f:
        mo = read_mo(f)
    def plain(value):  # plural entries come as lists from one reader and tuples from the other
        return tuple(value) if isinstance(value, (list, tuple)) else value

    translated = {plain(m.id): plain(m.string) for m in po if m.id and not m.fuzzy}
    missing = {m for m in _catalogue_ids() if not (translated.get(m) and all(translated[m]))}
    assert missing == set(), f"run `make translations` and translate these in {folder}/messages.po"
    compiled = {plain(m.id): plain(m.string) for m in mo if m.id}
    assert compiled == translated, "messages.mo is older than messages.po: run `make translations`"
