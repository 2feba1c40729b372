"""Report filters (GET forms without CSRF, so a filtered page can be bookmarked) and shared-report forms."""
from flask_babel import lazy_gettext
from flask_babel import lazy_gettext
from flask_babel import lazy_gettext
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.bounds import database_id
from webapp.forms.certifications import MultiCheckboxField
from webapp.forms.choices import RadioField, SelectField, SelectMultipleField
from webapp.forms.my_account import one_time_key
from webapp.forms.validators import one_line
from webapp.rules import Status
from webapp.services.storage import ACCEPT_ATTRIBUTE

EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")


def optional_id(value):
    return database_id(str(value)) if value is not None else None


class MatrixFilterForm(FlaskForm):
    class Meta:
        csrf = False

    company = SelectField(lazy_gettext("Company"), coerce=optional_id)
    role = SelectField(lazy_gettext("Role"), coerce=optional_id)
    group = SelectField(lazy_gettext("Certification group"), coerce=optional_id)
    supervisor = SelectField(lazy_gettext("Supervisor"), coerce=optional_id)
    status = SelectField(
        lazy_gettext("Status"), choices=[("", lazy_gettext("Any status"))] + [(s.value, s.label) for s in Status], validate_choice=True
    )
    include_hidden = BooleanField(lazy_gettext("Include hidden users"))
    # Collapsed (the default) fits a whole organisation on a screen; expanded shows each cell's date.
    view = SelectField(lazy_gettext("View"), choices=[("collapsed", lazy_gettext("Collapsed")), ("expanded", lazy_gettext("Expanded"))], default="collapsed")


REPORT_STATUSES = [
    ("", lazy_gettext("Any status")),
    ("valid", lazy_gettext("Valid")),
    ("due", lazy_gettext("Due")),
    ("overdue", lazy_gettext("Overdue")),
    ("expired", lazy_gettext("Expired")),
    ("missing", lazy_gettext("Missing (Nothing on File)")),
    ("deferred", lazy_gettext("Deferred")),
    ("in_training", lazy_gettext("In Training")),
    ("pending", lazy_gettext("Pending approval")),
    ("active", lazy_gettext("Active (valid)")),
    ("expiring", lazy_gettext("Expiring within N days")),
    ("lapsed", lazy_gettext("Expired or missing")),
]


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(lazy_gettext("Status"), choices=REPORT_STATUSES)
    within_days = IntegerField(lazy_gettext("N days (for expiring)"), default=30, validators=[Optional(), NumberRange(min=0, max=3650)])
    certification = SelectField(lazy_gettext("Certification"), coerce=optional_id)
    role = SelectField(lazy_gettext("Role"), coerce=optional_id)
    company = SelectField(lazy_gettext("Company"), coerce=optional_id)
    supervisor = SelectField(lazy_gettext("Supervisor"), coerce=optional_id)


class ScheduledReportForm(ReportFilterForm):
    """Reports' filters saved under a title, sent weekly or monthly to the chosen recipients."""

    class Meta:
        csrf = True

    status = SelectField(lazy_gettext("Status"), choices=REPORT_STATUSES, default="")
    title = StringField(lazy_gettext("Report title"), validators=[DataRequired(lazy_gettext("Enter a title.")), Length(max=200), one_line])
    frequency = RadioField(lazy_gettext("Send it"), choices=[("weekly", lazy_gettext("Weekly")), ("monthly", lazy_gettext("Monthly"))],
                           default="weekly", validators=[InputRequired(lazy_gettext("Choose weekly or monthly."))])
    recipients = MultiCheckboxField(lazy_gettext("Recipients"), coerce=int, validators=[Optional()])
    idempotency_key = one_time_key()


class SharedReportForm(FlaskForm):
    title = StringField(lazy_gettext("Report title"), validators=[DataRequired(), Length(max=200), one_line])
    users = SelectMultipleField(lazy_gettext("Users"), coerce=int, validators=[Optional()])
    roles = SelectMultipleField(lazy_gettext("Roles"), coerce=int, validators=[Optional()])
    certifications = SelectMultipleField(lazy_gettext("Certifications (none: all)"), coerce=int, validators=[Optional()])
    idempotency_key = one_time_key()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.users.data and not self.roles.data:
            self.users.errors.append(lazy_gettext("Choose at least one user or role."))
            return False
        return True


def split_addresses(text: str) -> list[str]:
    """The addresses in a comma-separated list, without blanks."""
    return [a.strip() for a in text.split(",") if a.strip()]


class ShareByEmailForm(FlaskForm):
    emails = StringField(lazy_gettext("E-mail addresses (separate with commas)"), validators=[DataRequired(), Length(max=2000)])
    message = TextAreaField(lazy_gettext("Message"), validators=[Optional(), Length(max=5000)])
    files = MultipleFileField(lazy_gettext("Attachments"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})

    def validate_emails(self, field) -> None:
        addresses = split_addresses(field.data)
        bad = [a for a in addresses if not EMAIL.fullmatch(a)]
        if not addresses or bad:
            raise ValidationError(lazy_gettext("Not a valid e-mail address: %(addresses)s", addresses=", ".join(bad) or field.data))
        field.addresses = addresses
