"""The Add/Edit Certification form (five sections) and the grids of the details page.

The form only parses; every rule is checked by services.certifications (through the
rules module for tracking settings), whose messages are put on these fields.
"""
from flask_babel import gettext, lazy_gettext as _l
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    HiddenField,
    MultipleFileField,
    DecimalField,
    FieldList,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.forms.choices import SelectField, SelectMultipleField
from webapp.forms.dates import FlexibleDateField
from webapp.forms.my_account import one_time_key
from webapp.forms.validators import WEB_ADDRESS, one_line, tag_list
from webapp.models.base import PERIOD_UNITS, TIME_UNITS
from webapp.rules.required_forms import MOST_FORMS
from webapp.services.certifications import COLUMNS
from webapp.services.activities import DocumentUpload
from webapp.services.storage import ACCEPT_ATTRIBUTE, UploadError, check_upload
from webapp.services.submissions import check_attachments

UNIT_LABELS = {"hours": _l("Hours"), "days": _l("Days"), "weeks": _l("Weeks"),
               "months": _l("Months"), "years": _l("Years")}
PERIOD_CHOICES = [(unit, UNIT_LABELS[unit]) for unit in PERIOD_UNITS]
TIME_CHOICES = [(unit, UNIT_LABELS[unit]) for unit in TIME_UNITS]
TYPE_LABELS = {"employee": _l("Employee"), "asset": _l("Asset"), "client": _l("Client"),
               "location": _l("Job Location")}
EXTEND_CHOICES = [("", _l("Do not extend")), ("month", _l("End of the month")), ("year", _l("End of the year"))]
ACTIVITY_CHOICES = [
    ("none", _l("None")),
    ("course", _l("Course")),
    ("external_course", _l("Course (external learning system)")),
    ("document", _l("Document or Video Acknowledgement")),
    ("form", _l("Form or Payment")),
]
WINDOW_CHOICES = [
    ("first_notice", _l("After the 1st Notice")),
    ("second_notice", _l("After the 2nd Notice")),
    ("custom", _l("Up to a period before the existing expiration date")),
]


def blank_to_none(value):
    if isinstance(value, str):
        value = value.strip()
    return value or None


# What the columns hold: Numeric(12, 2) for a cost, Numeric(8, 2) for a time to complete.
COST_MAX, TIME_MAX = Decimal("9999999999.99"), Decimal("999999.99")
COST_RANGE = _l("Enter a cost from 0 to 9,999,999,999.99.")
TIME_RANGE = _l("Enter a time from 0 to 999,999.99.")


def _int_or_none(value):
    # Any whole number: one that names nothing (out of the database's range too) is refused by name
    # when saved (services.known.check_known).
    if value in (None, "", "None"):
        return None
    return int(value)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def document_fields(prefix: str = "document_") -> dict:
    """The Upload a Document or Video fields, shared by the certification form and the documents page."""
    return {
        f"{prefix}file": FileField(_l("Document or video"), render_kw={"accept": ".pdf,.mp4,.webm,application/pdf,video/*"},
                                   description=_l("A PDF opens in the app; a video plays in the browser's player.")),
        f"{prefix}title": StringField(_l("Title"), filters=[blank_to_none]),
        f"{prefix}revision": StringField(_l("Revision"), filters=[blank_to_none]),
        f"{prefix}revision_date": FlexibleDateField(_l("Revision date")),
        f"{prefix}owner_user_ids": MultiCheckboxField(_l("Owners: users"), coerce=int, validate_choice=False),
        f"{prefix}owner_role_ids": MultiCheckboxField(_l("Owners: roles"), coerce=int, validate_choice=False),
    }


def amount_field(label):
    return StringField(label, filters=[blank_to_none], render_kw={"inputmode": "numeric", "size": 4})


class CertificationForm(FlaskForm):
    # General
    name = StringField(_l("Certification Name"), filters=[blank_to_none], validators=[Length(max=200), one_line])
    type = SelectField(_l("Type"), choices=list(TYPE_LABELS.items()), default="employee")
    locked_type: str | None = None  # the type of a certification in use (lock_type)
    information = TextAreaField(_l("Information"), filters=[blank_to_none])
    external_url = StringField(
        _l("External / reference URL"), filters=[blank_to_none],
        validators=[Optional(), WEB_ADDRESS, Length(max=1000)],
    )
    group_id = SelectField(_l("Group"), coerce=_int_or_none, validate_choice=False)
    # The clients an Employee certification applies to (decision 94): rendered from a searched list.
    client_ids = MultiCheckboxField(_l("Clients"), coerce=int, validate_choice=False)
    supporting_files = MultipleFileField(_l("Supporting Attachments"), render_kw={"accept": ACCEPT_ATTRIBUTE},
                                         description=_l("PDF is recommended; any accepted file type can be attached."))
    supporting_link = StringField(_l("Add a link"), filters=[blank_to_none], validators=[
        Optional(), WEB_ADDRESS, Length(max=2000)])
    supporting_link_title = StringField(_l("Link title"), filters=[blank_to_none], validators=[Length(max=255)])
    remove_attachment_ids = MultiCheckboxField(_l("Remove attachments"), coerce=int, validate_choice=False)
    # Tracking settings
    cost = DecimalField(_l("Cost"), places=2, validators=[Optional(), NumberRange(min=0, max=COST_MAX, message=COST_RANGE)])
    time_to_complete = DecimalField(_l("Time to complete"), validators=[Optional(), NumberRange(min=0, max=TIME_MAX, message=TIME_RANGE)])
    time_to_complete_unit = SelectField(_l("Time unit"), choices=TIME_CHOICES, default="hours")
    valid_when_added = BooleanField(_l("Valid When Added"))
    never_expires = BooleanField(_l("Certification never expires"), default=True)
    duration_amount = amount_field(_l("Duration a certification is valid"))
    duration_unit = SelectField(_l("Duration unit"), choices=PERIOD_CHOICES, default="years")
    extend_to = SelectField(_l("Extend to end of"), choices=EXTEND_CHOICES, filters=[blank_to_none], validate_choice=False)
    force_expiration = BooleanField(_l("When default behavior applies, force expiration date to be the date provided below"))
    forced_expiration = FlexibleDateField(_l("Force expiration date"), validators=[Optional()])
    use_existing_rule = BooleanField(
        _l("If there is an existing certification on file, calculate from the existing expiration date "
        "if the new certification's completion date is:")
    )
    existing_window_opens = SelectField(_l("Existing-record window opens"), choices=WINDOW_CHOICES, default="first_notice")
    existing_window_amount = amount_field(_l("Up to (before existing expiration date)"))
    existing_window_unit = SelectField(_l("Before unit"), choices=PERIOD_CHOICES, default="weeks")
    existing_grace_amount = amount_field(_l("Up to (after existing expiration date)"))
    existing_grace_unit = SelectField(_l("After unit"), choices=PERIOD_CHOICES, default="weeks")
    first_notice_amount = amount_field(_l("1st Notice"))
    first_notice_unit = SelectField(_l("1st Notice unit"), choices=PERIOD_CHOICES, default="months")
    second_notice_amount = amount_field(_l("2nd Notice"))
    second_notice_unit = SelectField(_l("2nd Notice unit"), choices=PERIOD_CHOICES, default="weeks")
    expiry_as_printed = BooleanField(_l("Expiry as printed: a record expires on the date printed on its card, when the card gives one"))
    has_refresher = BooleanField(_l("Certification has unique refresher training"))
    refresher_cost = DecimalField(_l("Refresher cost"), places=2, validators=[Optional(), NumberRange(min=0, max=COST_MAX, message=COST_RANGE)])
    refresher_time_to_complete = DecimalField(_l("Refresher time to complete"), validators=[Optional(), NumberRange(min=0, max=TIME_MAX, message=TIME_RANGE)])
    refresher_time_to_complete_unit = SelectField(_l("Refresher time unit"), choices=TIME_CHOICES, default="hours")
    refresher_duration_amount = amount_field(_l("Duration the refresher certification is valid"))
    refresher_duration_unit = SelectField(_l("Refresher duration unit"), choices=PERIOD_CHOICES, default="years")
    refresher_extend_to = SelectField(_l("Refresher: extend to end of"), choices=EXTEND_CHOICES, filters=[blank_to_none], validate_choice=False)
    refresher_first_notice_amount = amount_field(_l("Refresher 1st Notice"))
    refresher_first_notice_unit = SelectField(_l("Refresher 1st Notice unit"), choices=PERIOD_CHOICES, default="months")
    refresher_second_notice_amount = amount_field(_l("Refresher 2nd Notice"))
    refresher_second_notice_unit = SelectField(_l("Refresher 2nd Notice unit"), choices=PERIOD_CHOICES, default="weeks")
    # Activities
    activity_type = SelectField(_l("Required Activity"), choices=ACTIVITY_CHOICES, default="none")
    generate_certificate_on_activity = BooleanField(_l("Auto-generate and attach a certificate on completion of an activity"))
    hide_expiration_on_certificate = BooleanField(_l("Hide expiration date in automatically generated certificates"))
    auto_approve_on_activity = BooleanField(_l("Auto-approve certifications submitted on completion of an activity"))
    required_at_login = BooleanField(_l("Required at Login (also auto-approves on activity completion)"))
    course_id = SelectField(_l("Choose a Course"), coerce=_int_or_none, validate_choice=False)
    # Forms required to certify, in order (decision 81): one place each, blank places skipped.
    form_ids = FieldList(SelectField(_l("Form"), coerce=_int_or_none, validate_choice=False),
                         min_entries=MOST_FORMS, max_entries=MOST_FORMS)
    learning_integration_id = SelectField(_l("Learning system"), coerce=_int_or_none, validate_choice=False)
    external_course_ref = StringField(_l("Course id in the learning system"), filters=[blank_to_none],
                                      validators=[Length(max=120)])
    # Privacy
    hidden_level_ids = MultiCheckboxField(_l("Hide certification from"), coerce=int, validate_choice=False)
    attachments_hidden_level_ids = MultiCheckboxField(_l("Hide attachments from"), coerce=int, validate_choice=False)
    hide_from_shared_reports = BooleanField(_l("Hide certification from shared reports"))
    hide_from_qr_reports = BooleanField(_l("Hide certification from QR reports"))
    hide_attachments_from_shared_reports = BooleanField(_l("Hide attachments from shared reports"))
    hide_attachments_from_qr_reports = BooleanField(_l("Hide attachments from QR reports"))
    # Advanced settings
    require_attachment = BooleanField(_l("Require attachment"))
    auto_approve_submissions = BooleanField(_l("Auto-approve all user submissions"))
    allow_batch_submission = BooleanField(_l("Allow batch submissions"))
    batch_role_ids = MultiCheckboxField(_l("Roles allowed to batch submit"), coerce=int, validate_choice=False)
    generate_certificate_on_approval = BooleanField(_l("Auto-generate and attach a certificate on approval"))
    attach_files_to_approval_emails = BooleanField(_l("Include uploaded certification attachments in any approval email notifications"))
    parent_id = SelectField(_l("Parent Certification"), coerce=_int_or_none, validate_choice=False)
    child_ids = MultiCheckboxField(_l("Child Certification(s)"), coerce=int, validate_choice=False)
    tags = StringField(_l("Tags"), filters=[blank_to_none], validators=[tag_list], description=_l("Separate tags with commas."))
    recalculate = BooleanField(_l("Recalculate existing records with these settings"))
    # The digest of the rule-change preview shown (rules decision 36); rendered with the preview itself.
    preview_digest = HiddenField(validators=[Length(max=64)])
    submit = SubmitField(_l("Submit"))

    def set_choices(self, choices: dict, editing=None) -> None:
        self.group_id.choices = [("", gettext("No group"))] + [(g.id, g.name) for g in choices["groups"]]
        levels = [(level.id, level.name) for level in choices["levels"]]
        self.hidden_level_ids.choices = levels
        self.attachments_hidden_level_ids.choices = levels
        self.batch_role_ids.choices = [(role.id, role.name) for role in choices["roles"]]
        others = [(c.id, c.name) for c in choices["certifications"] if editing is None or c.id != editing.id]
        self.parent_id.choices = [("", gettext("No parent"))] + others
        self.child_ids.choices = others
        self.course_id.choices = [("", gettext("Choose a course"))] + [(c.id, c.name) for c in choices["courses"]]
        forms = [("", gettext("No form"))] + [
            (f.id, f"{f.name} (fee {f.fee_amount} {f.fee_currency})" if f.fee_amount else f.name) for f in choices["forms"]
        ]
        for number, place in enumerate(self.form_ids, start=1):
            place.choices = forms
            place.label.text = gettext("Form %(number)s", number=number)
        self.learning_integration_id.choices = [("", gettext("Choose a learning system"))] + [
            (i.id, i.name) for i in choices["integrations"]
        ]
        self.document_owner_user_ids.choices = [(u.id, u.full_name) for u in choices["owners"]]
        self.document_owner_role_ids.choices = [(r.id, r.name) for r in choices["roles"]]
        if editing is not None:
            self.remove_attachment_ids.choices = [(a.id, a.name) for a in editing.supporting_attachments]

    def lock_type(self, current: str) -> None:
        """The certification is in use: its type shows, disabled, and a form without it keeps `current`
        (one that posts another type is refused by the service, decision 66)."""
        self.type.render_kw = {"disabled": True}
        self.locked_type = current

    def fill_from(self, certification) -> None:
        """Put a saved certification's settings into the form (GET of the edit page)."""
        for column in COLUMNS:
            if column in self._fields and column not in ("existing_window_opens", "extend_to", "refresher_extend_to"):
                value = getattr(certification, column)
                if value is not None and column.endswith("_amount"):
                    value = str(value)
                self[column].data = value
        self.extend_to.data = certification.extend_to or ""
        self.refresher_extend_to.data = certification.refresher_extend_to or ""
        self.never_expires.data = not certification.expires
        self.force_expiration.data = certification.forced_expiration is not None
        self.use_existing_rule.data = certification.existing_window_opens is not None
        self.existing_window_opens.data = certification.existing_window_opens or "first_notice"
        for unit in ("duration_unit", "first_notice_unit", "second_notice_unit", "existing_window_unit",
                     "existing_grace_unit", "refresher_duration_unit", "refresher_first_notice_unit",
                     "refresher_second_notice_unit", "time_to_complete_unit", "refresher_time_to_complete_unit"):
            if self[unit].data is None:
                self[unit].data = self[unit].default
        self.hidden_level_ids.data = [level.id for level in certification.hidden_from_levels]
        self.attachments_hidden_level_ids.data = [level.id for level in certification.attachments_hidden_from_levels]
        self.batch_role_ids.data = [role.id for role in certification.batch_roles]
        self.child_ids.data = [child.id for child in certification.children]
        self.client_ids.data = [client.id for client in certification.clients]
        linked = [link.form_id for link in certification.form_links]
        for number, place in enumerate(self.form_ids):
            place.data = linked[number] if number < len(linked) else None
        self.tags.data = ", ".join(tag.name for tag in certification.tags)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.force_expiration.data and self.forced_expiration.date is None and not self.forced_expiration.errors:
            self.forced_expiration.errors = [gettext("Enter the date to force expirations to.")]
            valid = False
        return valid

    def values(self) -> dict:
        """The submitted settings as the service takes them (column names plus relations)."""
        values = {column: self[column].data for column in COLUMNS if column in self._fields}
        if not self.type.raw_data:
            values["type"] = self.locked_type or self.type.data
        values["expires"] = not self.never_expires.data
        values["forced_expiration"] = self.forced_expiration.date if self.force_expiration.data else None
        if not self.use_existing_rule.data:
            values["existing_window_opens"] = None
            values["existing_grace_amount"] = None
        if not self.time_to_complete.data:
            values["time_to_complete_unit"] = None
        if not self.refresher_time_to_complete.data:
            values["refresher_time_to_complete_unit"] = None
        values["tag_names"] = (self.tags.data or "").split(",")
        values["hidden_level_ids"] = self.hidden_level_ids.data or []
        values["attachments_hidden_level_ids"] = self.attachments_hidden_level_ids.data or []
        values["batch_role_ids"] = self.batch_role_ids.data or []
        values["child_ids"] = self.child_ids.data or []
        values["form_ids"] = [place.data for place in self.form_ids]
        # The clients show for an Employee certification only: ticks left hidden under another type mean nothing.
        values["client_ids"] = (self.client_ids.data or []) if values.get("type") == "employee" else []
        values["remove_attachment_ids"] = self.remove_attachment_ids.data or []
        values["new_link"] = (self.supporting_link.data, self.supporting_link_title.data) if self.supporting_link.data else None
        return values

    def document_upload(self, prefix: str = "document_"):
        """The Upload a Document or Video fields as the activities service takes them (None: no file chosen)."""
        return document_upload_from(self, prefix)

    def checked_uploads(self) -> list:
        """The chosen supporting files, checked; a bad file puts its message on the field."""
        checked, _, errors = check_attachments(self.supporting_files.data or [])
        self.supporting_files.errors = [*self.supporting_files.errors, *errors.get("files", [])]
        return checked


for _name, _field in document_fields().items():
    setattr(CertificationForm, _name, _field)


def document_upload_from(form, prefix: str = "document_"):
    """A DocumentUpload from a form carrying document_fields; None when no file was chosen."""
    upload = form[f"{prefix}file"].data
    if not getattr(upload, "filename", None):
        return None
    try:
        checked = check_upload(upload)
    except UploadError as error:
        form[f"{prefix}file"].errors = [*form[f"{prefix}file"].errors, str(error)]
        checked = None
    return DocumentUpload(
        title=form[f"{prefix}title"].data, revision=form[f"{prefix}revision"].data,
        revision_date=form[f"{prefix}revision_date"].date, owner_user_ids=form[f"{prefix}owner_user_ids"].data or [],
        owner_role_ids=form[f"{prefix}owner_role_ids"].data or [], upload=checked,
    )


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Delete"))


class GroupForm(FlaskForm):
    name = StringField(_l("Group name"), filters=[blank_to_none], validators=[Length(max=120)])
    parent_id = SelectField(_l("Inside group"), coerce=_int_or_none, validate_choice=False)
    submit = SubmitField(_l("Save"))

    def set_choices(self, tree, editing=None) -> None:
        """Every group of the (depth-first) tree, except the group being edited and its own subgroups."""
        moving = {editing.id} if editing is not None else set()
        for group, _, _ in tree:
            if group.parent_id in moving:
                moving.add(group.id)
        self.parent_id.choices = [("", gettext("Top level"))] + [
            (group.id, "— " * depth + group.name) for group, depth, _ in tree if group.id not in moving
        ]


class AssociatedUsersForm(FlaskForm):
    """The bulk actions over the people ticked on a certification's Associated Users. The people are
    the posted `user_id` boxes; each action's button posts the fields it needs."""

    user_ids = HiddenField()  # where refusals about the chosen people are shown
    state = HiddenField()  # where a refusal of the state (a locked requirement) is shown
    message = TextAreaField(_l("Message (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    deferred_until = FlexibleDateField(_l("Defer until"), validators=[Optional()])
    notes = TextAreaField(_l("Notes (public on the QR report)"), validators=[Optional(), Length(max=2000)],
                          render_kw={"rows": 2})
    completed_on = FlexibleDateField(_l("Completion date"), validators=[Optional()])
    files = MultipleFileField(_l("Attachments (added to every record)"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    idempotency_key = one_time_key()
