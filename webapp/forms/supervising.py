"""Forms for supervisors: decisions, notices, people search, requirement settings, roles and record dates."""
from flask_babel import lazy_gettext
from flask_babel import lazy_gettext
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    MultipleFileField,
    SearchField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from webapp.forms.certifications import MultiCheckboxField
from webapp.forms.choices import RadioField, SelectField, SelectMultipleField
from webapp.forms.dates import FlexibleDateField
from webapp.forms.my_account import CardFields, one_time_key
from webapp.forms.reports import optional_id
from webapp.rules import Status
from webapp.services.storage import ACCEPT_ATTRIBUTE
from webapp.forms.validators import one_line
from webapp.rules.people import EMAIL_PATTERN
from webapp.services.photos import PHOTO_ACCEPT


class DeclineForm(FlaskForm):
    comment = TextAreaField(lazy_gettext("Comment for the e-mail to the user"), validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 4})


class NotifyForm(FlaskForm):
    message = TextAreaField(lazy_gettext("Message (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 4})


class PeopleFilterForm(FlaskForm):
    """A GET form: no CSRF token, so links to a filtered list can be shared."""

    class Meta:
        csrf = False

    q = SearchField(lazy_gettext("Search by name, username or e-mail"), validators=[Optional(), Length(max=100)])
    company = SelectField(lazy_gettext("Company"), coerce=str, validators=[Optional()])
    role = SelectField(lazy_gettext("Role"), coerce=str, validators=[Optional()])
    status = SelectField(lazy_gettext("Holds a certification that is"), validators=[Optional()],
                         choices=[("", lazy_gettext("Any status"))] + [(s.value, s.label) for s in Status])
    include_hidden = BooleanField(lazy_gettext("Include hidden users"))
    inactive = BooleanField(lazy_gettext("Show inactive people instead"))


class PendingFilterForm(FlaskForm):
    """Pending Approvals' filters: a GET form, so a filtered list can be bookmarked."""

    class Meta:
        csrf = False

    person = SelectField(lazy_gettext("Person"), coerce=optional_id)
    certification = SelectField(lazy_gettext("Certification"), coerce=optional_id)
    company = SelectField(lazy_gettext("Company"), coerce=optional_id)
    submitted_from = FlexibleDateField(lazy_gettext("Submitted on or after"), validators=[Optional()])
    submitted_to = FlexibleDateField(lazy_gettext("Submitted on or before"), validators=[Optional()])


class ActionForm(FlaskForm):
    """Only the CSRF token: for buttons that post without fields."""


class RequirementStateForm(FlaskForm):
    state = RadioField(
        lazy_gettext("This certification is"),
        choices=[
            ("none", lazy_gettext("Required as usual")),
            ("not_applicable", lazy_gettext("Not applicable to this user")),
            ("deferred", lazy_gettext("Deferred until a date")),
            ("required", lazy_gettext("Required, cannot be deferred")),
        ],
        default="none",
        validators=[InputRequired(lazy_gettext("Choose one of the options."))],
    )
    deferred_until = FlexibleDateField(lazy_gettext("Deferred until"), validators=[Optional()])
    notes = TextAreaField(lazy_gettext("Notes (public on the QR report)"), validators=[Optional(), Length(max=2000)])


class TrainingForm(FlaskForm):
    in_training = BooleanField(lazy_gettext("User is in training"))
    training_until = FlexibleDateField(lazy_gettext("Training end date"), validators=[Optional()])
    notes = TextAreaField(lazy_gettext("Notes"), validators=[Optional(), Length(max=2000)])


class AssignRoleForm(FlaskForm):
    role = SelectField(lazy_gettext("Role"), coerce=int, validators=[InputRequired(lazy_gettext("Choose a role."))])


class DirectRequirementForm(FlaskForm):
    certification = SelectField(lazy_gettext("Certification"), coerce=int, validators=[InputRequired(lazy_gettext("Choose a certification."))])


class RecordDatesForm(FlaskForm):
    completed_on = FlexibleDateField(lazy_gettext("Completion date"), validators=[InputRequired(lazy_gettext("Enter the completion date."))])
    expires_on = FlexibleDateField(lazy_gettext("Expiration date"), validators=[Optional()], expiration=True)


class AttachForm(FlaskForm):
    files = MultipleFileField(lazy_gettext("Drag Files Here or Click to Upload"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField(lazy_gettext("Add Link"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"})


class CompetencyCertificateForm(FlaskForm):
    completed_on = FlexibleDateField(lazy_gettext("Date competency was assessed"), validators=[InputRequired(lazy_gettext("Enter the date competency was assessed."))])
    notes = TextAreaField(lazy_gettext("Notes"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(lazy_gettext("Record Competency Certificate"))


class RecordCertificationForm(CardFields, FlaskForm):
    certification = SelectField(lazy_gettext("Certification"), coerce=int, validators=[InputRequired(lazy_gettext("Choose a certification."))])
    completed_on = FlexibleDateField(lazy_gettext("Completion date"), validators=[InputRequired(lazy_gettext("Enter the completion date."))])
    expires_on = FlexibleDateField(lazy_gettext("Expiration date (prefilled from the rules; change it only if the certificate says otherwise)"),
                                   validators=[Optional()], expiration=True)
    files = MultipleFileField(lazy_gettext("Attach files"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField(lazy_gettext("Links"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"})
    comment = TextAreaField(lazy_gettext("Comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    idempotency_key = one_time_key()
    submit = SubmitField(lazy_gettext("Approve Certification"))


class CommentForm(FlaskForm):
    body = TextAreaField(lazy_gettext("Write a Comment"), validators=[InputRequired(lazy_gettext("Write the comment first.")), Length(max=4000)],
                         render_kw={"rows": 3})
    idempotency_key = one_time_key()


class RevocationForm(FlaskForm):
    """Revoke a record, or restore a revoked one: the reason is required either way."""

    reason = TextAreaField(lazy_gettext("Reason"), validators=[InputRequired(lazy_gettext("Give the reason.")), Length(max=2000)],
                           render_kw={"rows": 3})


class BatchSubmitForm(FlaskForm):
    certification = SelectField(lazy_gettext("Certification"), coerce=int, validators=[InputRequired(lazy_gettext("Choose a certification."))])
    completed_on = FlexibleDateField(lazy_gettext("Completion date"), validators=[InputRequired(lazy_gettext("Enter the completion date."))])
    files = MultipleFileField(lazy_gettext("Attachments (added to every record)"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    show_all = BooleanField(lazy_gettext("Show all users"))
    users = SelectMultipleField(lazy_gettext("Users"), coerce=int, validate_choice=False)
    idempotency_key = one_time_key()
    submit = SubmitField(lazy_gettext("Submit Certifications"))


class InboxUploadForm(FlaskForm):
    files = MultipleFileField(lazy_gettext("Drop Files Here or Click to Upload"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})


class RenameAttachmentForm(FlaskForm):
    name = StringField(lazy_gettext("File name"), validators=[InputRequired(lazy_gettext("Enter the file name.")), Length(max=255)])


class EditAccountForm(FlaskForm):
    first_name = StringField(lazy_gettext("First name"), validators=[InputRequired(lazy_gettext("Enter the first name.")), Length(max=80), one_line],
                             render_kw={"autocomplete": "off"})
    last_name = StringField(lazy_gettext("Last name"), validators=[InputRequired(lazy_gettext("Enter the last name.")), Length(max=80), one_line],
                            render_kw={"autocomplete": "off"})
    email = StringField(lazy_gettext("E-mail"), validators=[InputRequired(lazy_gettext("Enter the e-mail address.")), Length(max=254),
                                              Regexp(EMAIL_PATTERN, message=lazy_gettext("Enter an e-mail address such as name@example.com."))],
                        render_kw={"type": "email", "autocomplete": "off"})
    username = StringField(lazy_gettext("Username"), validators=[InputRequired(lazy_gettext("Enter the username.")), Length(max=80), one_line],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})
    job_title = StringField(lazy_gettext("Job title"), validators=[Optional(), Length(max=120), one_line])
    phone = StringField(lazy_gettext("Phone"), validators=[Optional(), Length(max=40), one_line],
                        render_kw={"type": "tel", "autocomplete": "off"})
    employee_number = StringField(lazy_gettext("Employee number"), validators=[Optional(), Length(max=40), one_line],
                                  render_kw={"autocomplete": "off"})
    company = SelectField(lazy_gettext("Company"), coerce=int, validate_choice=False)
    supervisors = MultiCheckboxField(lazy_gettext("Supervisors"), coerce=int, validate_choice=False)
    module_levels = MultiCheckboxField(lazy_gettext("Module levels"), coerce=int, validate_choice=False)
    photo = FileField(lazy_gettext("Photo (JPEG, PNG, WebP or GIF)"), render_kw={"accept": PHOTO_ACCEPT})
    active = BooleanField(lazy_gettext("Active (may sign in)"))
    submit = SubmitField(lazy_gettext("Save"))


TRAINING_PREFIX = "training_until_"


class AddPersonForm(EditAccountForm):
    """Edit Account Info's fields and checks, with roles, each with its own optional training end date
    (fields named training_until_<role id>: see add_person_form); a new person is active and invited."""

    active = None
    roles = MultiCheckboxField(lazy_gettext("Roles"), coerce=int, validate_choice=False)
    submit = SubmitField(lazy_gettext("Add Person"))

    def training_field(self, role_id: int):
        return self[f"{TRAINING_PREFIX}{role_id}"] if f"{TRAINING_PREFIX}{role_id}" in self else None

    def chosen_roles(self) -> dict[int, date | None]:
        """Each ticked role with its training end date, or None."""
        return {role_id: field.date if (field := self.training_field(role_id)) else None
                for role_id in self.roles.data or ()}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        chosen = set(self.roles.data or ())
        for name, field in self._fields.items():
            if name.startswith(TRAINING_PREFIX) and field.date is not None and \
                    int(name.removeprefix(TRAINING_PREFIX)) not in chosen:
                field.errors = [*field.errors, lazy_gettext("Tick this role too, or clear its training end date.")]
                valid = False
        return valid


def add_person_form(roles: list[tuple[int, str]]) -> AddPersonForm:
    """Add Person with a training end date field for each of `roles` (id, name)."""
    fields = {f"{TRAINING_PREFIX}{role_id}": FlexibleDateField(lazy_gettext("%(name)s: in training until (optional)", name=name),
                                                               validators=[Optional()])
              for role_id, name in roles}
    form = type("AddPersonWithRolesForm", (AddPersonForm,), fields)()
    form.roles.choices = roles
    return form


class EraseForm(FlaskForm):
    confirmation = StringField(lazy_gettext("Type the username to confirm"), validators=[InputRequired(lazy_gettext("Type the username."))],
                               render_kw={"autocomplete": "off", "autocapitalize": "none"})
