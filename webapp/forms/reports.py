"""Report filters (GET forms without CSRF, so a filtered page can be bookmarked) and shared-report forms."""
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.bounds import database_id
from webapp.forms.certifications import MultiCheckboxField
from webapp.forms.choices import RadioField, SelectField, SelectMultipleField
from webapp.forms.my_account import one_time_key
from webapp.forms.validators import one_line
from webapp.models.certifications import CERTIFICATION_TYPE_LABELS
from webapp.rules import Status
from webapp.services.storage import ACCEPT_ATTRIBUTE

EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")
# Employees, or the assets, clients or job locations (decision 75): what the rows are.
TYPE_CHOICES = list(CERTIFICATION_TYPE_LABELS.items())


def type_field():
    return SelectField("Type", choices=TYPE_CHOICES, default="employee", validate_choice=True)


def optional_id(value):
    return database_id(str(value)) if value is not None else None


class MatrixFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = type_field()
    company = SelectField("Company", coerce=optional_id)
    role = SelectField("Role", coerce=optional_id)
    group = SelectField("Certification group", coerce=optional_id)
    supervisor = SelectField("Supervisor", coerce=optional_id)
    status = SelectField(
        "Status", choices=[("", "Any status")] + [(s.value, s.label) for s in Status], validate_choice=True
    )
    include_hidden = BooleanField("Include hidden users")
    # Collapsed (the default) fits a whole organisation on a screen; expanded shows each cell's date.
    view = SelectField("View", choices=[("collapsed", "Collapsed"), ("expanded", "Expanded")], default="collapsed")


REPORT_STATUSES = [
    ("", "Any status"),
    ("valid", "Valid"),
    ("due", "Due"),
    ("overdue", "Overdue"),
    ("expired", "Expired"),
    ("missing", "Missing (Nothing on File)"),
    ("deferred", "Deferred"),
    ("in_training", "In Training"),
    ("pending", "Pending approval"),
    ("active", "Active (valid)"),
    ("expiring", "Expiring within N days"),
    ("lapsed", "Expired or missing"),
]


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = type_field()
    status = SelectField("Status", choices=REPORT_STATUSES)
    within_days = IntegerField("N days (for expiring)", default=30, validators=[Optional(), NumberRange(min=0, max=3650)])
    certification = SelectField("Certification", coerce=optional_id)
    role = SelectField("Role", coerce=optional_id)
    company = SelectField("Company", coerce=optional_id)
    supervisor = SelectField("Supervisor", coerce=optional_id)
    include_archived = BooleanField("Include archived certifications")


class ScheduledReportForm(ReportFilterForm):
    """Reports' filters saved under a title, sent weekly or monthly to the chosen recipients."""

    class Meta:
        csrf = True

    status = SelectField("Status", choices=REPORT_STATUSES, default="")
    title = StringField("Report title", validators=[DataRequired("Enter a title."), Length(max=200), one_line])
    frequency = RadioField("Send it", choices=[("weekly", "Weekly"), ("monthly", "Monthly")],
                           default="weekly", validators=[InputRequired("Choose weekly or monthly.")])
    recipients = MultiCheckboxField("Recipients", coerce=int, validators=[Optional()])
    idempotency_key = one_time_key()


class SharedReportForm(FlaskForm):
    title = StringField("Report title", validators=[DataRequired(), Length(max=200), one_line])
    users = SelectMultipleField("Users", coerce=int, validators=[Optional()])
    roles = SelectMultipleField("Roles", coerce=int, validators=[Optional()])
    certifications = SelectMultipleField("Certifications (none: all)", coerce=int, validators=[Optional()])
    idempotency_key = one_time_key()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.users.data and not self.roles.data:
            self.users.errors.append("Choose at least one user or role.")
            return False
        return True


def split_addresses(text: str) -> list[str]:
    """The addresses in a comma-separated list, without blanks."""
    return [a.strip() for a in text.split(",") if a.strip()]


class ShareByEmailForm(FlaskForm):
    emails = StringField("E-mail addresses (separate with commas)", validators=[DataRequired(), Length(max=2000)])
    message = TextAreaField("Message", validators=[Optional(), Length(max=5000)])
    files = MultipleFileField("Attachments", render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})

    def validate_emails(self, field) -> None:
        addresses = split_addresses(field.data)
        bad = [a for a in addresses if not EMAIL.fullmatch(a)]
        if not addresses or bad:
            raise ValidationError(f"Not a valid e-mail address: {', '.join(bad) or field.data}")
        field.addresses = addresses
