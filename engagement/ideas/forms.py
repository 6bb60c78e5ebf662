"""Forms for submitting ideas, commenting, and the owner's status and reassignment forms."""
from flask_babel import lazy_gettext as _l
from flashpoint.forms import Form
from wtforms import (BooleanField, DateField, IntegerField, RadioField, SelectField, SelectMultipleField,
                     StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from engagement.ideas.models import (COMMENT_MAX, DESCRIPTION_MAX, KINDS, MESSAGE_MAX, STATUSES,
                                     TITLE_MAX)


class IdeaForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give your idea a title.")),
                                                 Length(max=TITLE_MAX, message=_l("At most %(max)s characters.", max=TITLE_MAX))],
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(
                                    max=DESCRIPTION_MAX, message=_l("At most %(max)s characters.", max=DESCRIPTION_MAX))],
                                description=_l("What happens today, and what would delight customers instead?"),
                                render_kw={"rows": 6, "maxlength": DESCRIPTION_MAX})
    kind = RadioField(_l("Kind"), choices=[(key, _l(label)) for key, label in KINDS.items()], default="idea",
                      validators=[InputRequired(_l("Choose idea or obstacle."))])
    team = SelectField(_l("Team it concerns"), choices=[], validators=[DataRequired(_l("Choose a team."))])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=400, message=_l("At most %(max)s characters.", max=400))],
                       description=_l("Optional, separated by commas, e.g. checkout, queues"))
    anonymous = BooleanField(_l("Post anonymously"),
                             description=_l("Nobody sees your name, admins included; you still hear every follow-up."))
    submit = SubmitField(_l("Submit"))


class CommentForm(Form):
    body = TextAreaField("Add a comment", validators=[DataRequired("Write something first."),
                                                      Length(max=COMMENT_MAX, message=f"A comment is at most {COMMENT_MAX:,} characters.")],
                         render_kw={"rows": 3, "maxlength": COMMENT_MAX})
    submit = SubmitField("Comment")


class StatusForm(Form):
    status = SelectField("Status", choices=[(s, s.capitalize()) for s in STATUSES])
    message = TextAreaField("Message to the people behind it", validators=[Optional(), Length(max=MESSAGE_MAX, message=f"A message is at most {MESSAGE_MAX:,} characters.")],
                            description="Required when declining. Sent to the proposer, voters and followers.",
                            render_kw={"rows": 3, "maxlength": MESSAGE_MAX})
    duplicate_of = IntegerField("Duplicate of idea #", validators=[Optional(), NumberRange(min=1, message="Give the number of the idea it repeats (#12 is 12).")])
    # The people picker posts ids found by search (never a list of everyone to choose from): the
    # service checks them.
    implementers = SelectMultipleField("Implemented by", choices=[], coerce=int, validators=[Optional()],
                                       validate_choice=False)
    implemented_on = DateField("Implemented on", validators=[Optional()],
                               description="Defaults to today")
    submit = SubmitField("Update status")


class ReassignForm(Form):
    owner = SelectField("New owner", choices=[], coerce=int)
    submit = SubmitField("Reassign")


class ButtonForm(Form):
    """POST-only buttons (vote, follow) carry a CSRF token through this empty form."""
