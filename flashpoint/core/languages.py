"""Languages: the pages customers and frontline staff answer on speak the visitor's language.

A view marked `@translated` (the public feedback form and its thanks page, the pulse answer page,
idea submission) is rendered in the visitor's language: the one they chose with the switcher
(`?lang=es`, remembered in a cookie), else the best match of their browser's `Accept-Language`,
else English. Every other page is rendered in English for now, so nobody reads a page half in
one language and half in another; its strings go through gettext all the same, ready for the day
it is translated. Catalogues live in translations/<lang>/LC_MESSAGES (docs/development.md,
"Translations").
"""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from jinja2 import pass_context
from flask_babel import Babel, format_date, format_number, get_locale, gettext

LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}
DEFAULT = "en"
COOKIE = "flashpoint_lang"
COOKIE_AGE = 365 * 24 * 3600


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; gettext translates it where it is shown."""
    return message


def translated(view):
    """Render this view in the visitor's language (see the module's docstring). Place it right
    under the route decorator, so the function the route registers is the one marked."""
    view.flashpoint_translated = True
    return view


def _is_translated_page() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "flashpoint_translated", False))


def chosen_language() -> str | None:
    """The language the visitor picked with the switcher, this time or an earlier one."""
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return None


def select_locale() -> str:
    # Outside a request (the scheduler, Slack's listeners in their threads, commands): English.
    if not has_request_context() or not _is_translated_page():
        return DEFAULT
    return chosen_language() or request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def _remember_choice(response):
    choice = request.args.get("lang")
    if choice in LANGUAGES and request.cookies.get(COOKIE) != choice:
        response.set_cookie(COOKIE, choice, max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _switcher():
    """The other languages of a translated page, as (code, name) links; empty elsewhere."""
    if not has_request_context() or not _is_translated_page():
        return []
    current = str(get_locale())
    return [(code, name) for code, name in LANGUAGES.items() if code != current]


def init_app(app: Flask) -> None:
    from flashpoint.config import PROJECT_ROOT

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)
    app.after_request(_remember_choice)
    # Text that comes from Python or the database (a question's wording, a label) rather than from
    # the template: looked up in the catalogue as is, and escaped like any other value, whereas
    # the template's `_()` treats its text as markup and formats it.
    app.jinja_env.globals["translate"] = lambda text: gettext(str(text)) if text else ""
    # Marked as depending on the render, or Jinja would fold `5000|format_number` into the
    # template once, in the language of whoever asked first.
    app.jinja_env.filters["format_number"] = pass_context(lambda _ctx, number: format_number(number))
    app.jinja_env.filters["format_date"] = pass_context(
        lambda _ctx, value, style="medium": format_date(value, style) if value else "")

    @app.context_processor
    def inject_language():
        return {"language_switcher": _switcher, "page_language": lambda: str(get_locale())}
