"""The public feedback form and HR's CSV upload."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from recognition.feedback.models import COMMENT_MAX
from recognition.feedback.validation import HELPER_NAME_MAX
from recognition.sentiment import SCORE_RANGES

QUESTIONS = {
    "csat": "How satisfied are you with the service you received today?",
    "nps": "How likely are you to recommend us to a friend or colleague?",
    "ces": "How easy did we make it for you to get what you needed?",
}
# Words at the ends of each scale, so a number is never the only cue.
SCALE_ENDS = {
    "csat": ("Very unhappy", "Very happy"),
    "nps": ("Not at all likely", "Extremely likely"),
    "ces": ("Very difficult", "Very easy"),
}
CSAT_WORDS = {1: "Very unhappy", 2: "Unhappy", 3: "Okay", 4: "Happy", 5: "Very happy"}


class PublicFeedbackForm(FlaskForm):
    score = RadioField("Your rating", coerce=int, validators=[InputRequired("Please choose a rating.")])
    comment = TextAreaField("Tell us more (optional)",
                            validators=[Optional(), Length(max=COMMENT_MAX,
                                                           message=f"Please keep it under {COMMENT_MAX:,} characters.")])
    helper_name = StringField("Who helped you today? (optional)",
                              validators=[Optional(), Length(max=HELPER_NAME_MAX)])
    consent = BooleanField("May we share your words on our team's wall of thanks?")
    # Honeypot: hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    website = StringField("Leave this field empty", validators=[Optional()])
    submit = SubmitField("Send feedback")

    def set_metric(self, metric: str) -> None:
        low, high = SCALE_ENDS[metric]
        first, last = SCORE_RANGES[metric]
        self.score.choices = [(n, str(n)) for n in range(first, last + 1)]
        self.score.label.text = QUESTIONS[metric]
        self.scale_ends = (low, high)


class ImportFeedbackForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file."),
                                             FileAllowed(["csv", "txt"], "A .csv file, please.")])
    dry_run = BooleanField("Dry run: check the file and report, store nothing")
    submit = SubmitField("Import")
