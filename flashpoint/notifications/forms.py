"""Forms: notification preferences, "forgot your password?", and setting a password from a link."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from flashpoint.notifications.topics import TOPICS
from flashpoint.people.services import MIN_PASSWORD


class PreferencesForm(FlaskForm):
    channel = RadioField("Reach me by", choices=[("auto", "Automatic"), ("slack", "Slack"),
                                                 ("email", "E-mail")], default="auto")
    submit = SubmitField("Save")

    def topic_fields(self):
        return [(topic, self[f"topic_{topic.key}"]) for topic in TOPICS]


# One checkbox per topic: checked means "send me these".
for _topic in TOPICS:
    setattr(PreferencesForm, f"topic_{_topic.key}", BooleanField(_topic.label, default=True,
                                                                description=_topic.hint))


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Send me a link")


class SetPasswordForm(FlaskForm):
    new = PasswordField("New password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=200,
                               message=f"A password needs at least {MIN_PASSWORD} characters.")])
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new", "The two passwords differ.")])
    submit = SubmitField("Set password and sign in")


class GiveLinkForm(FlaskForm):
    """An admin looking someone up to hand them a sign-in link."""
    email = EmailField("Their e-mail (sign-in name)", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Give a sign-in link")
