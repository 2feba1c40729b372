"""Settings forms: module levels, notification defaults, attachment naming."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from webapp.forms.certifications import MultiCheckboxField, blank_to_none
from webapp.forms.choices import RadioField, SelectField, language_field
from webapp.permissions import CATEGORIES, Permission
from webapp.services.settings import DIGEST_WINDOW_DAYS, NOTIFICATION_OPTIONS, known_time_zones


PERMISSION_LABELS = {
    Permission.VIEW_OWN_CERTIFICATIONS: _l("View own certifications"),
    Permission.SUBMIT_OWN_CERTIFICATIONS: _l("Submit own certifications"),
    Permission.SET_OWN_EXPIRATION: _l("Set own expiration"),
    Permission.APPROVE_OWN_SUBMISSIONS: _l("Approve own submissions"),
    Permission.VIEW_REPORTS: _l("View reports"),
    Permission.VIEW_MATRIX: _l("View matrix"),
    Permission.MANAGE_SHARED_REPORTS: _l("Manage shared reports"),
    Permission.VIEW_SUPERVISED_USERS: _l("View supervised users"),
    Permission.APPROVE_SUPERVISED: _l("Approve supervised"),
    Permission.RECORD_FOR_SUPERVISED: _l("Record for supervised"),
    Permission.DEFER_SUPERVISED: _l("Defer supervised"),
    Permission.MANAGE_SUPERVISED_REQUIREMENTS: _l("Manage supervised requirements"),
    Permission.EDIT_SUPERVISED_ACCOUNTS: _l("Edit supervised accounts"),
    Permission.VIEW_ALL_USERS: _l("View all users"),
    Permission.APPROVE_ALL: _l("Approve all"),
    Permission.RECORD_FOR_ALL: _l("Record for all"),
    Permission.DEFER_ALL: _l("Defer all"),
    Permission.MANAGE_ALL_REQUIREMENTS: _l("Manage all requirements"),
    Permission.EDIT_ALL_ACCOUNTS: _l("Edit all accounts"),
    Permission.MANAGE_CERTIFICATIONS: _l("Manage certifications"),
    Permission.MANAGE_ROLES: _l("Manage roles"),
    Permission.MANAGE_COMPANIES: _l("Manage companies"),
    Permission.MANAGE_MODULE_LEVELS: _l("Manage module levels"),
    Permission.MANAGE_SETTINGS: _l("Manage settings"),
    Permission.IMPORT_EXPORT: _l("Import export"),
    Permission.BATCH_SUBMIT: _l("Batch submit"),
    Permission.USE_ATTACHMENT_INBOX: _l("Use attachment inbox"),
    Permission.VIEW_AUDIT_LOG: _l("View audit log"),
}
CATEGORY_LABELS = {"My Account": _l("My Account"), "Reports": _l("Reports"),
                   "Supervised Users": _l("Supervised Users"),
                   "Non-Supervised Users": _l("Non-Supervised Users"),
                   "Administration": _l("Administration"), "General": _l("General")}


def permission_label(permission) -> str:
    return PERMISSION_LABELS[permission]


class ModuleLevelForm(FlaskForm):
    name = StringField(_l("Module Level Name"), filters=[blank_to_none], validators=[Length(max=80)])
    permissions = MultiCheckboxField(
        _l("Permissions"),
        choices=[(p.value, permission_label(p)) for members in CATEGORIES.values() for p in members],
    )
    submit = SubmitField(_l("Save"))


class NotificationForm(FlaskForm):
    send_hour = IntegerField(_l("Send notices at (hour of the day, 0-23)"),
                             validators=[InputRequired(message=_l("Choose an hour between 0 and 23.")),
                                         NumberRange(min=0, max=23, message=_l("Choose an hour between 0 and 23."))])
    digest_window_days = IntegerField(
        _l("Digest window (days ahead)"),
        validators=[InputRequired(message=_l("Choose a digest window between 1 and 365 days.")),
                    NumberRange(min=DIGEST_WINDOW_DAYS.start, max=DIGEST_WINDOW_DAYS.stop - 1,
                                message=_l("Choose a digest window between 1 and 365 days."))])
    submit = SubmitField(_l("Save"))


for _key, _label in NOTIFICATION_OPTIONS:
    setattr(NotificationForm, _key, BooleanField(_l(_label)))


class AttachmentNamingForm(FlaskForm):
    enabled = RadioField(_l("Attachment naming"), choices=[("on", _l("On")), ("off", _l("Off"))], default="off")
    template = StringField(_l("Attachment Naming Template"), filters=[blank_to_none], validators=[Length(max=300)])
    submit = SubmitField(_l("Save"))


class TimeZoneForm(FlaskForm):
    # Checked by the service (decision 91), so a name zoneinfo does not know gets a clear message.
    time_zone = SelectField(_l("The organisation's time zone"), validate_choice=False)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(zone, zone) for zone in known_time_zones()]


class PhotoSettingsForm(FlaskForm):
    show_photos = BooleanField(_l("Show photos on QR reports and wallet cards"))
    submit = SubmitField(_l("Save"))


class LanguageSettingsForm(FlaskForm):
    language = language_field(_l("Default language"), _l("Each person's browser decides"))
    submit = SubmitField(_l("Save"))
