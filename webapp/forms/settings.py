"""Settings forms: module levels, notification defaults, attachment naming."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from webapp.forms.certifications import MultiCheckboxField, blank_to_none
from webapp.forms.choices import RadioField, SelectField, language_field
from webapp.permissions import CATEGORIES
from webapp.services.settings import DIGEST_WINDOW_DAYS, NOTIFICATION_OPTIONS, known_time_zones


def permission_label(permission) -> str:
    return permission.value.replace("_", " ").capitalize()


class ModuleLevelForm(FlaskForm):
    name = StringField("Module Level Name", filters=[blank_to_none], validators=[Length(max=80)])
    permissions = MultiCheckboxField(
        "Permissions",
        choices=[(p.value, permission_label(p)) for members in CATEGORIES.values() for p in members],
    )
    submit = SubmitField("Save")


class NotificationForm(FlaskForm):
    send_hour = IntegerField("Send notices at (hour of the day, 0-23)",
                             validators=[InputRequired(message="Choose an hour between 0 and 23."),
                                         NumberRange(min=0, max=23, message="Choose an hour between 0 and 23.")])
    digest_window_days = IntegerField(
        "Digest window (days ahead)",
        validators=[InputRequired(message="Choose a digest window between 1 and 365 days."),
                    NumberRange(min=DIGEST_WINDOW_DAYS.start, max=DIGEST_WINDOW_DAYS.stop - 1,
                                message="Choose a digest window between 1 and 365 days.")])
    submit = SubmitField("Save")


for _key, _label in NOTIFICATION_OPTIONS:
    setattr(NotificationForm, _key, BooleanField(_label))


class AttachmentNamingForm(FlaskForm):
    enabled = RadioField("Attachment naming", choices=[("on", "On"), ("off", "Off")], default="off")
    template = StringField("Attachment Naming Template", filters=[blank_to_none], validators=[Length(max=300)])
    submit = SubmitField("Save")


class TimeZoneForm(FlaskForm):
    # Checked by the service (decision 91), so a name zoneinfo does not know gets a clear message.
    time_zone = SelectField("The organisation's time zone", validate_choice=False)
    submit = SubmitField("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(zone, zone) for zone in known_time_zones()]


class PhotoSettingsForm(FlaskForm):
    show_photos = BooleanField("Show photos on QR reports and wallet cards")
    submit = SubmitField("Save")


class LanguageSettingsForm(FlaskForm):
    language = language_field(_l("Default language"), _l("Each person's browser decides"))
    submit = SubmitField(_l("Save"))
