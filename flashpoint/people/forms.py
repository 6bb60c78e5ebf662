"""Forms for signing in, passwords, and the admin pages for people and teams."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField,
                     StringField, SubmitField)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from flashpoint.people.models import ROLE_VALUES
from flashpoint.people.services import MIN_PASSWORD


PASSWORD_LENGTH = f"A password needs at least {MIN_PASSWORD} characters (and at most 200)."


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200, message=PASSWORD_LENGTH)])
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new", "The two new passwords differ.")])
    submit = SubmitField("Change password")


class PersonForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    nicknames = StringField("Other names customers use", validators=[Optional(), Length(max=255)],
                            description="Comma-separated, e.g. Bob, Bobby")
    role = SelectField("Role", choices=[(r, r.capitalize() if r != "hr" else "HR") for r in ROLE_VALUES])
    team = SelectField("Team", choices=[], validators=[Optional()])
    slack_id = StringField("Slack user id", validators=[Optional(), Length(max=32)])
    timezone = StringField("Time zone", validators=[Optional(), Length(max=64)], default="UTC")
    password = PasswordField("Password", validators=[Optional(), Length(min=MIN_PASSWORD, max=200, message=PASSWORD_LENGTH)],
                             description="Leave empty to keep the current one")
    active = BooleanField("Active", default=True)
    submit = SubmitField("Save")


class TeamForm(FlaskForm):
    slug = StringField("Slug", validators=[DataRequired(), Length(max=64)],
                       description="Used in the public form address /f/<slug>")
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    parent = SelectField("Part of", choices=[], validators=[Optional()])
    managers = SelectMultipleField("Managers", choices=[], coerce=int, validators=[Optional()])
    form_metric = SelectField("Public form asks",
                              choices=[("csat", "CSAT (1–5)"), ("nps", "NPS (0–10)"), ("ces", "Customer Effort (1–7)")])
    collected_metrics = SelectMultipleField(
        "Metrics collected", choices=[("csat", "CSAT"), ("nps", "NPS"), ("ces", "CES")],
        default=["csat", "nps", "ces"], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    submit = SubmitField("Save")


class ImportPeopleForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired(), FileAllowed(["csv", "txt"], "A .csv file, please.")])
    submit = SubmitField("Import")


class ConfirmForm(FlaskForm):
    """An empty form for POST-only buttons, so they carry a CSRF token."""
    submit = SubmitField("Confirm")
