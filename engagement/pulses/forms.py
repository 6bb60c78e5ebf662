"""Pulse forms: schedules, question bank items, comment replies (all with CSRF)."""
from flashpoint.forms import Form
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from engagement.pulses.models import CADENCES, DRIVER_LABELS

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]


QUESTION_EMPTY = "Write the question."
QUESTION_LENGTH = "A question is 8 to 300 characters."


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ScheduleForm(Form):
    name = StringField("Name", validators=[Length(max=120, message="A name is at most 120 characters.")], description="e.g. “Weekly pulse, stores”")
    teams = MultiCheckboxField("Teams", coerce=int, description="A department includes its teams.")
    cadence = SelectField("How often", choices=list(CADENCES.items()), default="weekly")
    weekday = SelectField("Weekday", choices=WEEKDAYS, coerce=int, default=1,
                          description="Never at weekends.")
    local_time = StringField("Local time (HH:MM)", default="10:00",
                             description="Each person receives it at this time in their own time zone.")
    open_days = IntegerField("Days open", default=5, validators=[Optional()])
    items_per_cycle = IntegerField("Questions per cycle", default=5, validators=[Optional()],
                                   description="Driver questions; eNPS is added every 4 weeks.")

    def validate(self, extra_validators=None):
        # Range and shape checks live in services.validate_schedule (one set of messages).
        super().validate(extra_validators)
        for f in (self.teams, self.weekday, self.cadence):
            f.errors = [e for e in f.errors if "Not a valid choice" not in e]
        return not any(f.errors for f in self)


class ItemForm(Form):
    driver = SelectField("Driver", choices=list(DRIVER_LABELS.items()))
    text = TextAreaField("Question", validators=[DataRequired(QUESTION_EMPTY), Length(min=8, max=300, message=QUESTION_LENGTH)])


class ItemEditForm(Form):
    text = TextAreaField("Question", validators=[DataRequired(QUESTION_EMPTY), Length(min=8, max=300, message=QUESTION_LENGTH)])


class ReplyForm(Form):
    body = TextAreaField("Reply", validators=[DataRequired("Write a reply first."), Length(max=2000, message="A reply is at most 2,000 characters.")])


class SendNowForm(Form):
    teams = MultiCheckboxField("Teams", coerce=int)
