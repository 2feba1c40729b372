"""Forms for supervisors: decisions, notices, people search, requirement settings, roles and record dates."""
from flask_babel import gettext, lazy_gettext as _l
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
    comment = TextAreaField(_l("Comment for the e-mail to the user"), validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 4})


class NotifyForm(FlaskForm):
    message = TextAreaField(_l("Message (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 4})


class PeopleFilterForm(FlaskForm):
    """A GET form: no CSRF token, so links to a filtered list can be shared."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search by name, username or e-mail"), validators=[Optional(), Length(max=100)])
    company = SelectField(_l("Company"), coerce=str, validators=[Optional()])
    role = SelectField(_l("Role"), coerce=str, validators=[Optional()])
    status = SelectField(_l("Holds a certification that is"), validators=[Optional()],
                         choices=[("", _l("Any status"))] + [(s.value, _l(s.label)) for s in Status])
    include_hidden = BooleanField(_l("Include hidden users"))
    inactive = BooleanField(_l("Show inactive people instead"))


class PendingFilterForm(FlaskForm):
    """Pending Approvals' filters: a GET form, so a filtered list can be bookmarked."""

    class Meta:
        csrf = False

    person = SelectField(_l("Person"), coerce=optional_id)
    certification = SelectField(_l("Certification"), coerce=optional_id)
    company = SelectField(_l("Company"), coerce=optional_id)
    submitted_from = FlexibleDateField(_l("Submitted on or after"), validators=[Optional()])
    submitted_to = FlexibleDateField(_l("Submitted on or before"), validators=[Optional()])


class ActionForm(FlaskForm):
    """Only the CSRF token: for buttons that post without fields."""


class RequirementStateForm(FlaskForm):
    state = RadioField(
        _l("This certification is"),
        choices=[
            ("none", _l("Required as usual")),
            ("not_applicable", _l("Not applicable to this user")),
            ("deferred", _l("Deferred until a date")),
            ("required", _l("Required, cannot be deferred")),
        ],
        default="none",
        validators=[InputRequired(_l("Choose one of the options."))],
    )
    deferred_until = FlexibleDateField(_l("Deferred until"), validators=[Optional()])
    notes = TextAreaField(_l("Notes (public on the QR report)"), validators=[Optional(), Length(max=2000)])


class TrainingForm(FlaskForm):
    in_training = BooleanField(_l("User is in training"))
    training_until = FlexibleDateField(_l("Training end date"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class AssignRoleForm(FlaskForm):
    role = SelectField(_l("Role"), coerce=int, validators=[InputRequired(_l("Choose a role."))])


class DirectRequirementForm(FlaskForm):
    certification = SelectField(_l("Certification"), coerce=int, validators=[InputRequired(_l("Choose a certification."))])


class RecordDatesForm(FlaskForm):
    completed_on = FlexibleDateField(_l("Completion date"), validators=[InputRequired(_l("Enter the completion date."))])
    expires_on = FlexibleDateField(_l("Expiration date"), validators=[Optional()], expiration=True)


class AttachForm(FlaskForm):
    files = MultipleFileField(_l("Drag Files Here or Click to Upload"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField(_l("Add Link"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"})


class CompetencyCertificateForm(FlaskForm):
    completed_on = FlexibleDateField(_l("Date competency was assessed"), validators=[InputRequired(_l("Enter the date competency was assessed."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    files = MultipleFileField(_l("Certificate files"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    submit = SubmitField(_l("Record Competency Certificate"))


class RecordCertificationForm(CardFields, FlaskForm):
    certification = SelectField(_l("Certification"), coerce=int, validators=[InputRequired(_l("Choose a certification."))])
    completed_on = FlexibleDateField(_l("Completion date"), validators=[InputRequired(_l("Enter the completion date."))])
    expires_on = FlexibleDateField(_l("Expiration date (prefilled from the rules; change it only if the certificate says otherwise)"),
                                   validators=[Optional()], expiration=True)
    files = MultipleFileField(_l("Attach files"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField(_l("Links"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"})
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    idempotency_key = one_time_key()
    submit = SubmitField(_l("Approve Certification"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Write a Comment"), validators=[InputRequired(_l("Write the comment first.")), Length(max=4000)],
                         render_kw={"rows": 3})
    idempotency_key = one_time_key()


class RevocationForm(FlaskForm):
    """Revoke a record, or restore a revoked one: the reason is required either way."""

    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_l("Give the reason.")), Length(max=2000)],
                           render_kw={"rows": 3})


class BatchSubmitForm(FlaskForm):
    certification = SelectField(_l("Certification"), coerce=int, validators=[InputRequired(_l("Choose a certification."))])
    completed_on = FlexibleDateField(_l("Completion date"), validators=[InputRequired(_l("Enter the completion date."))])
    files = MultipleFileField(_l("Attachments (added to every record)"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    show_all = BooleanField(_l("Show all users"))
    users = SelectMultipleField(_l("Users"), coerce=int, validate_choice=False)
    idempotency_key = one_time_key()
    submit = SubmitField(_l("Submit Certifications"))


class InboxUploadForm(FlaskForm):
    files = MultipleFileField(_l("Drop Files Here or Click to Upload"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})


class RenameAttachmentForm(FlaskForm):
    name = StringField(_l("File name"), validators=[InputRequired(_l("Enter the file name.")), Length(max=255)])


class EditAccountForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[InputRequired(_l("Enter the first name.")), Length(max=80), one_line],
                             render_kw={"autocomplete": "off"})
    last_name = StringField(_l("Last name"), validators=[InputRequired(_l("Enter the last name.")), Length(max=80), one_line],
                            render_kw={"autocomplete": "off"})
    email = StringField(_l("E-mail"), validators=[InputRequired(_l("Enter the e-mail address.")), Length(max=254),
                                              Regexp(EMAIL_PATTERN, message=_l("Enter an e-mail address such as name@example.com."))],
                        render_kw={"type": "email", "autocomplete": "off"})
    username = StringField(_l("Username"), validators=[InputRequired(_l("Enter the username.")), Length(max=80), one_line],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120), one_line])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40), one_line],
                        render_kw={"type": "tel", "autocomplete": "off"})
    employee_number = StringField(_l("Employee number"), validators=[Optional(), Length(max=40), one_line],
                                  render_kw={"autocomplete": "off"})
    company = SelectField(_l("Company"), coerce=int, validate_choice=False)
    supervisors = MultiCheckboxField(_l("Supervisors"), coerce=int, validate_choice=False)
    module_levels = MultiCheckboxField(_l("Module levels"), coerce=int, validate_choice=False)
    photo = FileField(_l("Photo (JPEG, PNG, WebP or GIF)"), render_kw={"accept": PHOTO_ACCEPT})
    active = BooleanField(_l("Active (may sign in)"))
    submit = SubmitField(_l("Save"))


TRAINING_PREFIX = "training_until_"


class AddPersonForm(EditAccountForm):
    """Edit Account Info's fields and checks, with roles, each with its own optional training end date
    (fields named training_until_<role id>: see add_person_form); a new person is active and invited."""

    active = None
    roles = MultiCheckboxField(_l("Roles"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Add Person"))

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
                field.errors = [*field.errors, gettext("Tick this role too, or clear its training end date.")]
                valid = False
        return valid


def add_person_form(roles: list[tuple[int, str]]) -> AddPersonForm:
    """Add Person with a training end date field for each of `roles` (id, name)."""
    fields = {f"{TRAINING_PREFIX}{role_id}": FlexibleDateField(gettext("%(name)s: in training until (optional)", name=name),
                                                               validators=[Optional()])
              for role_id, name in roles}
    form = type("AddPersonWithRolesForm", (AddPersonForm,), fields)()
    form.roles.choices = roles
    return form


class EraseForm(FlaskForm):
    confirmation = StringField(_l("Type the username to confirm"), validators=[InputRequired(_l("Type the username."))],
                               render_kw={"autocomplete": "off", "autocapitalize": "none"})
