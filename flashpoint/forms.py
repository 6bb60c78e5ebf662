"""The base of every form in the app: Flask-WTF's form (CSRF) speaking in Flashpoint's own words.

Fields carry their own messages where a person can get them wrong ("Enter your e-mail address.");
what WTForms itself would say on a tampered or unusual post ("Not a valid choice.", "This field is
required.") is reworded here, in one place, so no library default reaches a page.
"""
from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm

from flashpoint.core.languages import N_

# WTForms' message → ours (the keys are WTForms' own text, which it passes through `gettext`).
OWN_WORDS = {
    "This field is required.": N_("Please fill this in."),
    "Not a valid choice.": N_("Choose one of the options offered."),
    "Not a valid choice": N_("Choose one of the options offered."),
    "'%(value)s' is not a valid choice for this field.": N_("Choose one of the options offered."),
    "'%(value)s' are not valid choices for this field.": N_("Choose among the options offered."),
    "Choices cannot be None.": N_("Choose one of the options offered."),
    "Not a valid integer value.": N_("Enter a whole number."),
    "Not a valid decimal value.": N_("Enter a number."),
    "Not a valid float value.": N_("Enter a number."),
    "Not a valid date value.": N_("Enter a date as YYYY-MM-DD."),
    "Not a valid datetime value.": N_("Enter a date and time."),
    "Invalid input.": N_("This is not something we can use here."),
    "Invalid email address.": N_("Enter an e-mail address."),
    "Field must be equal to %(other_name)s.": N_("The two entries differ."),
    "Field must be at least %(min)d character long.": N_("Use at least %(min)d character."),
    "Field must be at least %(min)d characters long.": N_("Use at least %(min)d characters."),
    "Field cannot be longer than %(max)d character.": N_("Use at most %(max)d character."),
    "Field cannot be longer than %(max)d characters.": N_("Use at most %(max)d characters."),
    "Field must be exactly %(max)d character long.": N_("Use exactly %(max)d character."),
    "Field must be exactly %(max)d characters long.": N_("Use exactly %(max)d characters."),
    "Field must be between %(min)d and %(max)d characters long.": N_("Use %(min)d to %(max)d characters."),
    "Number must be at least %(min)s.": N_("Enter %(min)s or more."),
    "Number must be at most %(max)s.": N_("Enter %(max)s or less."),
    "Number must be between %(min)s and %(max)s.": N_("Enter a number from %(min)s to %(max)s."),
    "This field is required": N_("Please fill this in."),
    "File does not have an approved extension: {extensions}": N_("Choose a file of the kind asked for."),
    "The CSRF token is missing.": N_("The form expired; please try again."),
    "The CSRF token is invalid.": N_("The form expired; please try again."),
    "The CSRF token has expired.": N_("The form expired; please try again."),
    "The CSRF tokens do not match.": N_("The form expired; please try again."),
    "The CSRF session token is missing.": N_("The form expired; please try again."),
}


class OwnWording:
    """The translations object WTForms asks for its messages: ours, in the visitor's language."""

    def gettext(self, text: str) -> str:
        own = OWN_WORDS.get(text)
        return gettext(own) if own is not None else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return OwnWording()
