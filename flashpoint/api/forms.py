"""Forms of the admin page for API tokens."""
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from flashpoint.api.models import SCOPES


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)],
                       description="Who or what uses it, e.g. “Zendesk survey export”")
    scopes = SelectMultipleField("Scopes", choices=[(k, f"{k} — {v}") for k, v in SCOPES.items()],
                                 validators=[DataRequired("Choose at least one scope.")],
                                 option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    submit = SubmitField("Create token")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke")
