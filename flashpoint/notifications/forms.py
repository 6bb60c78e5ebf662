"""Forms: notification preferences, "forgot your password?", and setting a password from a link."""
from flashpoint.forms import Form
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from flashpoint.notifications.topics import TOPICS
from flashpoint.people.services import MIN_PASSWORD


EMAIL_LENGTH = "An e-mail address is at most 254 characters."


class PreferencesForm(Form):
    channel = RadioField("Reach me by", choices=[("auto", "Automatic"), ("slack", "Slack"),
                                                 ("email", "E-mail")], default="auto")
    submit = SubmitField("Save")

    def topic_fields(self):
        return [(topic, self[f"topic_{topic.key}"]) for topic in TOPICS]


# One checkbox per topic: checked means "send me these".
for _topic in TOPICS:
    setattr(PreferencesForm, f"topic_{_topic.key}", BooleanField(_topic.label, default=True,
                                                                description=_topic.hint))


class ForgotPasswordForm(Form):
    email = EmailField("E-mail", validators=[DataRequired("Enter your e-mail address."), Length(max=254, message=EMAIL_LENGTH)])
    submit = SubmitField("Send me a link")


class SetPasswordForm(Form):
    new = PasswordField("New password", validators=[
        DataRequired("Choose a password."), Length(min=MIN_PASSWORD, max=200,
                               message=f"A password needs at least {MIN_PASSWORD} characters.")])
    confirm = PasswordField("New password again",
                            validators=[DataRequired("Type the password again."), EqualTo("new", "The two passwords differ.")])
    submit = SubmitField("Set password and sign in")


class GiveLinkForm(Form):
    """An admin looking someone up to hand them a sign-in link."""
    email = EmailField("Their e-mail (sign-in name)", validators=[DataRequired("Enter their e-mail address."), Length(max=254, message=EMAIL_LENGTH)])
    submit = SubmitField("Give a sign-in link")
