"""Every validation message a form can show is the app's own: no WTForms default ("This field is
required.", "Not a valid choice.") reaches a page. Every form derives from `flashpoint.forms.Form`
(which rewords what WTForms itself says), and a validator without its own message fails here the
day it is added."""
from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField
from wtforms.validators import Optional

from flashpoint.forms import Form
from tests.conftest import csrf_token_from
from tests.factories import make_team

AREAS = ("flashpoint", "recognition", "engagement", "slack_bot")


def _form_classes():
    for area in AREAS:
        package = importlib.import_module(area)
        for module in pkgutil.walk_packages(package.__path__, area + "."):
            if module.name.endswith(("forms", "views", "account_views")) or ".forms" in module.name:
                importlib.import_module(module.name)

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return [c for c in walk(FlaskForm) if c.__module__.split(".")[0] in AREAS]


def test_every_validator_speaks_in_the_apps_own_words(app):
    forms = _form_classes()
    assert len(forms) >= 20, [f.__name__ for f in forms]
    defaults = []
    for form in forms:
        for name in dir(form):
            field = getattr(form, name)
            if not isinstance(field, UnboundField):
                continue
            where = f"{form.__module__}.{form.__name__}.{name}"
            for validator in field.kwargs.get("validators") or ():
                if not isinstance(validator, Optional) and getattr(validator, "message", None) is None:
                    defaults.append(f"{where}: {type(validator).__name__} has no message of its own")
    assert defaults == []
    assert [f.__name__ for f in forms if not issubclass(f, Form)] == []


def test_what_wtforms_itself_would_say_is_reworded(app):
    """WTForms' own messages, through the translations every form uses."""
    from flashpoint.forms import OWN_WORDS

    with app.test_request_context():
        words = Form.Meta().get_translations(None)
        for theirs, ours in OWN_WORDS.items():
            assert words.gettext(theirs) == ours != theirs
        assert words.ngettext("Field must be at least %(min)d character long.",
                              "Field must be at least %(min)d characters long.", 3) == "Use at least %(min)d characters."


def test_a_tampered_choice_reads_in_our_words(app, client):
    make_team("shop", "The Shop")
    page = client.get("/f/shop").get_data(as_text=True)
    response = client.post("/f/shop", data={"score": "99", "csrf_token": csrf_token_from(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose one of the options offered." in html or "Please choose a rating." in html
    assert "Not a valid choice" not in html and "This field is required" not in html
