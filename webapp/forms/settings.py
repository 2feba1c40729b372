"""Settings forms: module levels, notification defaults, attachment naming."""
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from webapp.forms.certifications import MultiCheckboxField, blank_to_none
from webapp.forms.choices import RadioField
from webapp.permissions import CATEGORIES, Permission
from webapp.services.settings import DIGEST_WINDOW_DAYS, NOTIFICATION_OPTIONS


PERMISSION_LABELS = {
    Permission.VIEW_OWN_CERTIFICATIONS: lazy_gettext("View own certifications"),
    Permission.SUBMIT_OWN_CERTIFICATIONS: lazy_gettext("Submit own certifications"),
    Permission.SET_OWN_EXPIRATION: lazy_gettext("Set own expiration"),
    Permission.APPROVE_OWN_SUBMISSIONS: lazy_gettext("Approve own submissions"),
    Permission.VIEW_REPORTS: lazy_gettext("View reports"),
    Permission.VIEW_MATRIX: lazy_gettext("View matrix"),
    Permission.MANAGE_SHARED_REPORTS: lazy_gettext("Manage shared reports"),
    Permission.VIEW_SUPERVISED_USERS: lazy_gettext("View supervised users"),
    Permission.APPROVE_SUPERVISED: lazy_gettext("Approve supervised"),
    Permission.RECORD_FOR_SUPERVISED: lazy_gettext("Record for supervised"),
    Permission.DEFER_SUPERVISED: lazy_gettext("Defer supervised"),
    Permission.MANAGE_SUPERVISED_REQUIREMENTS: lazy_gettext("Manage supervised requirements"),
    Permission.EDIT_SUPERVISED_ACCOUNTS: lazy_gettext("Edit supervised accounts"),
    Permission.VIEW_ALL_USERS: lazy_gettext("View all users"),
    Permission.APPROVE_ALL: lazy_gettext("Approve all"),
    Permission.RECORD_FOR_ALL: lazy_gettext("Record for all"),
    Permission.DEFER_ALL: lazy_gettext("Defer all"),
    Permission.MANAGE_ALL_REQUIREMENTS: lazy_gettext("Manage all requirements"),
    Permission.EDIT_ALL_ACCOUNTS: lazy_gettext("Edit all accounts"),
    Permission.MANAGE_CERTIFICATIONS: lazy_gettext("Manage certifications"),
    Permission.MANAGE_ROLES: lazy_gettext("Manage roles"),
    Permission.MANAGE_COMPANIES: lazy_gettext("Manage companies"),
    Permission.MANAGE_MODULE_LEVELS: lazy_gettext("Manage module levels"),
    Permission.MANAGE_SETTINGS: lazy_gettext("Manage settings"),
    Permission.IMPORT_EXPORT: lazy_gettext("Import export"),
    Permission.BATCH_SUBMIT: lazy_gettext("Batch submit"),
    Permission.USE_ATTACHMENT_INBOX: lazy_gettext("Use attachment inbox"),
    Permission.VIEW_AUDIT_LOG: lazy_gettext("View audit log"),
}
CATEGORY_LABELS = {"My Account": lazy_gettext("My Account"), "Reports": lazy_gettext("Reports"),
                   "Supervised Users": lazy_gettext("Supervised Users"),
                   "Non-Supervised Users": lazy_gettext("Non-Supervised Users"),
                   "Administration": lazy_gettext("Administration"), "General": lazy_gettext("General")}


def permission_label(permission) -> str:
    return PERMISSION_LABELS[permission]


class ModuleLevelForm(FlaskForm):
    name = StringField(lazy_gettext("Module Level Name"), filters=[blank_to_none], validators=[Length(max=80)])
    permissions = MultiCheckboxField(
        lazy_gettext("Permissions"),
        choices=[(p.value, permission_label(p)) for members in CATEGORIES.values() for p in members],
    )
    submit = SubmitField(lazy_gettext("Save"))


class NotificationForm(FlaskForm):
    send_hour = IntegerField(lazy_gettext("Send notices at (hour of the day, 0-23)"),
                             validators=[InputRequired(message=lazy_gettext("Choose an hour between 0 and 23.")),
                                         NumberRange(min=0, max=23, message=lazy_gettext("Choose an hour between 0 and 23."))])
    digest_window_days = IntegerField(
        lazy_gettext("Digest window (days ahead)"),
        validators=[InputRequired(message=lazy_gettext("Choose a digest window between 1 and 365 days.")),
                    NumberRange(min=DIGEST_WINDOW_DAYS.start, max=DIGEST_WINDOW_DAYS.stop - 1,
                                message=lazy_gettext("Choose a digest window between 1 and 365 days."))])
    submit = SubmitField(lazy_gettext("Save"))


for _key, _label in NOTIFICATION_OPTIONS:
    setattr(NotificationForm, _key, BooleanField(_label))


class AttachmentNamingForm(FlaskForm):
    enabled = RadioField(lazy_gettext("Attachment naming"), choices=[("on", lazy_gettext("On")), ("off", lazy_gettext("Off"))], default="off")
    template = StringField(lazy_gettext("Attachment Naming Template"), filters=[blank_to_none], validators=[Length(max=300)])
    submit = SubmitField(lazy_gettext("Save"))


class PhotoSettingsForm(FlaskForm):
    show_photos = BooleanField(lazy_gettext("Show photos on QR reports and wallet cards"))
    submit = SubmitField(lazy_gettext("Save"))
