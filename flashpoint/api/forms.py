"""Forms of the admin page for API tokens."""
from flashpoint.forms import Form
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from flashpoint.api.models import SCOPES


class TokenForm(Form):
    name = StringField("Name", validators=[DataRequired("Name the token, so you know later what uses it."), Length(max=120, message="A token's name is at most 120 characters.")],
                       description="Who or what uses it, e.g. “Zendesk survey export”")
    scopes = SelectMultipleField("Scopes", choices=[(k, f"{k} — {v}") for k, v in SCOPES.items()],
                                 validators=[DataRequired("Choose at least one scope.")],
                                 option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    submit = SubmitField("Create token")


class RevokeForm(Form):
    submit = SubmitField("Revoke")
