"""Forms for signing in, passwords, and the admin pages for people and teams."""
from flashpoint.forms import Form
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField,
                     StringField, SubmitField)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from flashpoint.people.models import ROLE_VALUES
from flashpoint.people.services import MIN_PASSWORD


PASSWORD_LENGTH = f"A password needs at least {MIN_PASSWORD} characters (and at most 200)."


EMAIL_LENGTH = "An e-mail address is at most 254 characters."


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired("Enter your e-mail address."), Length(max=254, message=EMAIL_LENGTH)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200, message="A password is at most 200 characters.")])
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


class ChangePasswordForm(Form):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new = PasswordField("New password", validators=[DataRequired("Choose a new password."), Length(min=MIN_PASSWORD, max=200, message=PASSWORD_LENGTH)])
    confirm = PasswordField("New password again",
                            validators=[DataRequired("Type the new password again."), EqualTo("new", "The two new passwords differ.")])
    submit = SubmitField("Change password")


class PersonForm(Form):
    email = EmailField("E-mail", validators=[DataRequired("Enter their e-mail address."), Length(max=254, message=EMAIL_LENGTH)])
    name = StringField("Name", validators=[DataRequired("Enter their name."), Length(max=120, message="A name is at most 120 characters.")])
    nicknames = StringField("Other names customers use", validators=[Optional(), Length(max=255, message="Other names take at most 255 characters in all.")],
                            description="Comma-separated, e.g. Bob, Bobby")
    role = SelectField("Role", choices=[(r, r.capitalize() if r != "hr" else "HR") for r in ROLE_VALUES])
    team = SelectField("Team", choices=[], validators=[Optional()])
    slack_id = StringField("Slack user id", validators=[Optional(), Length(max=32, message="A Slack user id is at most 32 characters (it looks like U012AB3CD).")])
    timezone = StringField("Time zone", validators=[Optional(), Length(max=64, message="A time zone name is at most 64 characters (e.g. Europe/Madrid).")], default="UTC")
    password = PasswordField("Password", validators=[Optional(), Length(min=MIN_PASSWORD, max=200, message=PASSWORD_LENGTH)],
                             description="Leave empty to keep the current one")
    active = BooleanField("Active", default=True)
    submit = SubmitField("Save")


class TeamForm(Form):
    slug = StringField("Slug", validators=[DataRequired("Give the team a slug: its short name in links."), Length(max=64, message="A slug is at most 64 characters.")],
                       description="Used in the public form address /f/<slug>")
    name = StringField("Name", validators=[DataRequired("Enter the team's name."), Length(max=120, message="A name is at most 120 characters.")])
    parent = SelectField("Part of", choices=[], validators=[Optional()])
    # Found with the people picker, never a list of everyone: `teams.save_team` checks the ids.
    managers = SelectMultipleField("Managers", choices=[], coerce=int, validators=[Optional()], validate_choice=False)
    form_metric = SelectField("Public form asks",
                              choices=[("csat", "CSAT (1–5)"), ("nps", "NPS (0–10)"), ("ces", "Customer Effort (1–7)")])
    collected_metrics = SelectMultipleField(
        "Metrics collected", choices=[("csat", "CSAT"), ("nps", "NPS"), ("ces", "CES")],
        default=["csat", "nps", "ces"], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    submit = SubmitField("Save")


class ImportPeopleForm(Form):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import."), FileAllowed(["csv", "txt"], "A .csv file, please.")])
    submit = SubmitField("Import")


class ConfirmForm(Form):
    """An empty form for POST-only buttons, so they carry a CSRF token."""
    submit = SubmitField("Confirm")
