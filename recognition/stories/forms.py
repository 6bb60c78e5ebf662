"""Forms for nominating, deciding, clapping, triaging praise and editing company values.

Content rules (heroes, length, kind, values) live in the services, so the web, Slack and the
CLI refuse the same things with the same words; the forms only carry values and CSRF.
"""
from flashpoint.forms import Form
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from recognition.stories.models import KIND_LABELS, STORY_MAX


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StoryForm(Form):
    # validate_choice=False: a hero id posted directly (even one's own) reaches the service,
    # which answers with a clear message rather than WTForms' "Not a valid choice".
    heroes = SelectMultipleField("Heroes", coerce=int, choices=[], validate_choice=False)
    text = TextAreaField("The story", description=f"What happened, and why it mattered (up to {STORY_MAX:,} characters).")
    kind = RadioField("Kind", choices=list(KIND_LABELS.items()), validate_choice=False)
    values = MultiCheckboxField("Values it shows", coerce=int, choices=[], validate_choice=False)
    feedback_id = HiddenField()
    submit = SubmitField("Nominate")

    def story_fields(self) -> dict:
        """What the person wrote, as the story services take it."""
        return {"hero_ids": self.heroes.data, "text": self.text.data, "kind": self.kind.data,
                "value_ids": self.values.data}


class DeclineForm(Form):
    reason = TextAreaField("Why decline?", description="The nominator reads this.")
    submit = SubmitField("Decline")


class ActionForm(Form):
    """A button that only needs CSRF (approve, clap, dismiss, undo)."""
    submit = SubmitField("OK")


class ConfirmCandidateForm(Form):
    user_id = IntegerField(validators=[Optional()])
    submit = SubmitField("This one")


class ValueForm(Form):
    name = StringField("Name")
    description = StringField("What it means")
    active = BooleanField("Offered on new stories", default=True)
    submit = SubmitField("Save")
