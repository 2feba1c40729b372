"""Forms for supervisors: decisions, notices, people search, requirement settings, roles and record dates."""
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
    comment = TextAreaField("Comment for the e-mail to the user", validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 4})


class NotifyForm(FlaskForm):
    message = TextAreaField("Message (optional)", validators=[Optional(), Length(max=2000)], render_kw={"rows": 4})


class PeopleFilterForm(FlaskForm):
    """A GET form: no CSRF token, so links to a filtered list can be shared."""

    class Meta:
        csrf = False

    q = SearchField("Search by name, username or e-mail", validators=[Optional(), Length(max=100)])
    company = SelectField("Company", coerce=str, validators=[Optional()])
    role = SelectField("Role", coerce=str, validators=[Optional()])
    status = SelectField("Holds a certification that is", validators=[Optional()],
                         choices=[("", "Any status")] + [(s.value, s.label) for s in Status])
    include_hidden = BooleanField("Include hidden users")
    inactive = BooleanField("Show inactive people instead")


class PendingFilterForm(FlaskForm):
    """Pending Approvals' filters: a GET form, so a filtered list can be bookmarked."""

    class Meta:
        csrf = False

    person = SelectField("Person", coerce=optional_id)
    certification = SelectField("Certification", coerce=optional_id)
    company = SelectField("Company", coerce=optional_id)
    submitted_from = FlexibleDateField("Submitted on or after", validators=[Optional()])
    submitted_to = FlexibleDateField("Submitted on or before", validators=[Optional()])


class ActionForm(FlaskForm):
    """Only the CSRF token: for buttons that post without fields."""


class RequirementStateForm(FlaskForm):
    state = RadioField(
        "This certification is",
        choices=[
            ("none", "Required as usual"),
            ("not_applicable", "Not applicable to this user"),
            ("deferred", "Deferred until a date"),
            ("required", "Required, cannot be deferred"),
        ],
        default="none",
        validators=[InputRequired("Choose one of the options.")],
    )
    deferred_until = FlexibleDateField("Deferred until", validators=[Optional()])
    notes = TextAreaField("Notes (public on the QR report)", validators=[Optional(), Length(max=2000)])


class TrainingForm(FlaskForm):
    in_training = BooleanField("User is in training")
    training_until = FlexibleDateField("Training end date", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])


class AssignRoleForm(FlaskForm):
    role = SelectField("Role", coerce=int, validators=[InputRequired("Choose a role.")])


class DirectRequirementForm(FlaskForm):
    certification = SelectField("Certification", coerce=int, validators=[InputRequired("Choose a certification.")])


class RecordDatesForm(FlaskForm):
    completed_on = FlexibleDateField("Completion date", validators=[InputRequired("Enter the completion date.")])
    expires_on = FlexibleDateField("Expiration date", validators=[Optional()], expiration=True)


class AttachForm(FlaskForm):
    files = MultipleFileField("Drag Files Here or Click to Upload", render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField("Add Link", validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"})


class CompetencyCertificateForm(FlaskForm):
    completed_on = FlexibleDateField("Date competency was assessed", validators=[InputRequired("Enter the date competency was assessed.")])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    files = MultipleFileField("Certificate files", render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    submit = SubmitField("Record Competency Certificate")


class RecordCertificationForm(CardFields, FlaskForm):
    certification = SelectField("Certification", coerce=int, validators=[InputRequired("Choose a certification.")])
    completed_on = FlexibleDateField("Completion date", validators=[InputRequired("Enter the completion date.")])
    expires_on = FlexibleDateField("Expiration date (prefilled from the rules; change it only if the certificate says otherwise)",
                                   validators=[Optional()], expiration=True)
    files = MultipleFileField("Attach files", render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField("Links", validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"})
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    idempotency_key = one_time_key()
    submit = SubmitField("Approve Certification")


class CommentForm(FlaskForm):
    body = TextAreaField("Write a Comment", validators=[InputRequired("Write the comment first."), Length(max=4000)],
                         render_kw={"rows": 3})
    idempotency_key = one_time_key()


class RevocationForm(FlaskForm):
    """Revoke a record, or restore a revoked one: the reason is required either way."""

    reason = TextAreaField("Reason", validators=[InputRequired("Give the reason."), Length(max=2000)],
                           render_kw={"rows": 3})


class BatchSubmitForm(FlaskForm):
    certification = SelectField("Certification", coerce=int, validators=[InputRequired("Choose a certification.")])
    completed_on = FlexibleDateField("Completion date", validators=[InputRequired("Enter the completion date.")])
    files = MultipleFileField("Attachments (added to every record)", render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    show_all = BooleanField("Show all users")
    users = SelectMultipleField("Users", coerce=int, validate_choice=False)
    idempotency_key = one_time_key()
    submit = SubmitField("Submit Certifications")


class InboxUploadForm(FlaskForm):
    files = MultipleFileField("Drop Files Here or Click to Upload", render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})


class RenameAttachmentForm(FlaskForm):
    name = StringField("File name", validators=[InputRequired("Enter the file name."), Length(max=255)])


class EditAccountForm(FlaskForm):
    first_name = StringField("First name", validators=[InputRequired("Enter the first name."), Length(max=80), one_line],
                             render_kw={"autocomplete": "off"})
    last_name = StringField("Last name", validators=[InputRequired("Enter the last name."), Length(max=80), one_line],
                            render_kw={"autocomplete": "off"})
    email = StringField("E-mail", validators=[InputRequired("Enter the e-mail address."), Length(max=254),
                                              Regexp(EMAIL_PATTERN, message="Enter an e-mail address such as name@example.com.")],
                        render_kw={"type": "email", "autocomplete": "off"})
    username = StringField("Username", validators=[InputRequired("Enter the username."), Length(max=80), one_line],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})
    job_title = StringField("Job title", validators=[Optional(), Length(max=120), one_line])
    phone = StringField("Phone", validators=[Optional(), Length(max=40), one_line],
                        render_kw={"type": "tel", "autocomplete": "off"})
    employee_number = StringField("Employee number", validators=[Optional(), Length(max=40), one_line],
                                  render_kw={"autocomplete": "off"})
    company = SelectField("Company", coerce=int, validate_choice=False)
    supervisors = MultiCheckboxField("Supervisors", coerce=int, validate_choice=False)
    module_levels = MultiCheckboxField("Module levels", coerce=int, validate_choice=False)
    photo = FileField("Photo (JPEG, PNG, WebP or GIF)", render_kw={"accept": PHOTO_ACCEPT})
    active = BooleanField("Active (may sign in)")
    submit = SubmitField("Save")


TRAINING_PREFIX = "training_until_"


class AddPersonForm(EditAccountForm):
    """Edit Account Info's fields and checks, with roles, each with its own optional training end date
    (fields named training_until_<role id>: see add_person_form); a new person is active and invited."""

    active = None
    roles = MultiCheckboxField("Roles", coerce=int, validate_choice=False)
    submit = SubmitField("Add Person")

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
                field.errors = [*field.errors, "Tick this role too, or clear its training end date."]
                valid = False
        return valid


def add_person_form(roles: list[tuple[int, str]]) -> AddPersonForm:
    """Add Person with a training end date field for each of `roles` (id, name)."""
    fields = {f"{TRAINING_PREFIX}{role_id}": FlexibleDateField(f"{name}: in training until (optional)",
                                                               validators=[Optional()])
              for role_id, name in roles}
    form = type("AddPersonWithRolesForm", (AddPersonForm,), fields)()
    form.roles.choices = roles
    return form


class EraseForm(FlaskForm):
    confirmation = StringField("Type the username to confirm", validators=[InputRequired("Type the username.")],
                               render_kw={"autocomplete": "off", "autocapitalize": "none"})
