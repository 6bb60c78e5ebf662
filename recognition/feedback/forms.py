"""The public feedback form and HR's CSV upload."""
from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flashpoint.forms import Form
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from flashpoint.core.languages import N_
from recognition.feedback.models import COMMENT_MAX
from recognition.feedback.validation import HELPER_NAME_MAX
from recognition.sentiment import SCORE_RANGES

# The customer's own words are asked in their language: these are catalogue entries, translated
# where the form is drawn (the CSV export and HR's pages keep the English).
QUESTIONS = {
    "csat": N_("How satisfied are you with the service you received today?"),
    "nps": N_("How likely are you to recommend us to a friend or colleague?"),
    "ces": N_("How easy did we make it for you to get what you needed?"),
}
# Words at the ends of each scale, so a number is never the only cue.
SCALE_ENDS = {
    "csat": (N_("Very unhappy"), N_("Very happy")),
    "nps": (N_("Not at all likely"), N_("Extremely likely")),
    "ces": (N_("Very difficult"), N_("Very easy")),
}
CSAT_WORDS = {1: N_("Very unhappy"), 2: N_("Unhappy"), 3: N_("Okay"), 4: N_("Happy"), 5: N_("Very happy")}


class PublicFeedbackForm(Form):
    score = RadioField(_l("Your rating"), coerce=int, validators=[InputRequired(_l("Please choose a rating."))])
    comment = TextAreaField(_l("Tell us more (optional)"),
                            validators=[Optional(), Length(max=COMMENT_MAX, message=_l(
                                "Please keep it under %(max)s characters.", max=LazyString(format_number, COMMENT_MAX)))])
    helper_name = StringField(_l("Who helped you today? (optional)"),
                              validators=[Optional(), Length(max=HELPER_NAME_MAX, message=_l(
                                  "Please keep the name under %(max)s characters.", max=HELPER_NAME_MAX))])
    consent = BooleanField(_l("May we share your words on our team's wall of thanks?"))
    # Honeypot: hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    submit = SubmitField(_l("Send feedback"))

    def set_metric(self, metric: str) -> None:
        low, high = SCALE_ENDS[metric]
        first, last = SCORE_RANGES[metric]
        self.score.choices = [(n, str(n)) for n in range(first, last + 1)]
        self.score.label.text = QUESTIONS[metric]  # translated by the template
        self.scale_ends = (low, high)


class ImportFeedbackForm(Form):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file."),
                                             FileAllowed(["csv", "txt"], "A .csv file, please.")])
    dry_run = BooleanField("Dry run: check the file and report, store nothing")
    submit = SubmitField("Import")
