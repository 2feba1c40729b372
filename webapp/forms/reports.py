"""Report filters (GET forms without CSRF, so a filtered page can be bookmarked) and shared-report forms."""
from flask_babel import gettext, lazy_gettext as _l
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.bounds import database_id
from webapp.forms.certifications import TYPE_LABELS, MultiCheckboxField
from webapp.forms.choices import RadioField, SelectField, SelectMultipleField
from webapp.forms.my_account import one_time_key
from webapp.forms.validators import one_line
from webapp.rules import Status
from webapp.services.storage import ACCEPT_ATTRIBUTE

EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")
# Employees, or the assets, clients or job locations (decision 75): what the rows are.
TYPE_CHOICES = list(TYPE_LABELS.items())


def type_field():
    return SelectField(_l("Type"), choices=TYPE_CHOICES, default="employee", validate_choice=True)


def optional_id(value):
    return database_id(str(value)) if value is not None else None


class MatrixFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = type_field()
    company = SelectField(_l("Company"), coerce=optional_id)
    role = SelectField(_l("Role"), coerce=optional_id)
    group = SelectField(_l("Certification group"), coerce=optional_id)
    client = SelectField(_l("Certifications for client"), coerce=optional_id)  # that apply to it (decision 94)
    supervisor = SelectField(_l("Supervisor"), coerce=optional_id)
    status = SelectField(
        _l("Status"), choices=[("", _l("Any status"))] + [(s.value, _l(s.label)) for s in Status], validate_choice=True
    )
    include_hidden = BooleanField(_l("Include hidden users"))
    # Collapsed (the default) fits a whole organisation on a screen; expanded shows each cell's date.
    view = SelectField(_l("View"), choices=[("collapsed", _l("Collapsed")), ("expanded", _l("Expanded"))], default="collapsed")


REPORT_STATUSES = [
    ("", _l("Any status")),
    ("valid", _l("Valid")),
    ("due", _l("Due")),
    ("overdue", _l("Overdue")),
    ("expired", _l("Expired")),
    ("missing", _l("Missing (Nothing on File)")),
    ("deferred", _l("Deferred")),
    ("in_training", _l("In Training")),
    ("pending", _l("Pending approval")),
    ("active", _l("Active (valid)")),
    ("expiring", _l("Expiring within N days")),
    ("lapsed", _l("Expired or missing")),
]


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = type_field()
    status = SelectField(_l("Status"), choices=REPORT_STATUSES)
    within_days = IntegerField(_l("N days (for expiring)"), default=30, validators=[Optional(), NumberRange(min=0, max=3650)])
    certification = SelectField(_l("Certification"), coerce=optional_id)
    client = SelectField(_l("Certifications for client"), coerce=optional_id)  # that apply to it (decision 94)
    role = SelectField(_l("Role"), coerce=optional_id)
    company = SelectField(_l("Company"), coerce=optional_id)
    supervisor = SelectField(_l("Supervisor"), coerce=optional_id)
    include_archived = BooleanField(_l("Include archived certifications"))


class ScheduledReportForm(ReportFilterForm):
    """Reports' filters saved under a title, sent weekly or monthly to the chosen recipients."""

    class Meta:
        csrf = True

    status = SelectField(_l("Status"), choices=REPORT_STATUSES, default="")
    title = StringField(_l("Report title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200), one_line])
    frequency = RadioField(_l("Send it"), choices=[("weekly", _l("Weekly")), ("monthly", _l("Monthly"))],
                           default="weekly", validators=[InputRequired(_l("Choose weekly or monthly."))])
    recipients = MultiCheckboxField(_l("Recipients"), coerce=int, validators=[Optional()])
    idempotency_key = one_time_key()


class SharedReportForm(FlaskForm):
    title = StringField(_l("Report title"), validators=[DataRequired(), Length(max=200), one_line])
    users = SelectMultipleField(_l("Users"), coerce=int, validators=[Optional()])
    roles = SelectMultipleField(_l("Roles"), coerce=int, validators=[Optional()])
    certifications = SelectMultipleField(_l("Certifications (none: all)"), coerce=int, validators=[Optional()])
    idempotency_key = one_time_key()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.users.data and not self.roles.data:
            self.users.errors.append(gettext("Choose at least one user or role."))
            return False
        return True


def split_addresses(text: str) -> list[str]:
    """The addresses in a comma-separated list, without blanks."""
    return [a.strip() for a in text.split(",") if a.strip()]


class ShareByEmailForm(FlaskForm):
    emails = StringField(_l("E-mail addresses (separate with commas)"), validators=[DataRequired(), Length(max=2000)])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=5000)])
    files = MultipleFileField(_l("Attachments"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})

    def validate_emails(self, field) -> None:
        addresses = split_addresses(field.data)
        bad = [a for a in addresses if not EMAIL.fullmatch(a)]
        if not addresses or bad:
            raise ValidationError(gettext("Not a valid e-mail address: %(addresses)s", addresses=", ".join(bad) or field.data))
        field.addresses = addresses
