"""Role forms: the name, Define Role / Role Info (with competency settings)."""
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from webapp.forms.certifications import PERIOD_CHOICES, MultiCheckboxField, amount_field, blank_to_none
from webapp.forms.choices import RadioField, SelectField
from webapp.forms.validators import one_line, tag_list
from webapp.services.storage import ACCEPT_ATTRIBUTE, UploadError, check_upload
from webapp.services.roles import INFO_COLUMNS


class RoleNameForm(FlaskForm):
    name = StringField(_l("Role Name"), filters=[blank_to_none], validators=[Length(max=120), one_line])
    submit = SubmitField(_l("Submit"))


class RoleForm(FlaskForm):
    name = StringField(_l("Role Name"), filters=[blank_to_none], validators=[Length(max=120), one_line])
    description = TextAreaField(_l("Role Description"), filters=[blank_to_none])
    role_requirements = TextAreaField(_l("Role Requirements"), filters=[blank_to_none],
                                      description=_l("Requirements specific to your organisation, one per line."))
    tags = StringField(_l("Tags"), filters=[blank_to_none], validators=[tag_list], description=_l("Separate tags with commas."))
    certification_ids = MultiCheckboxField(_l("Select Required Certifications"), coerce=int, validate_choice=False)
    require_competency = BooleanField(_l("Require competency for this role"))
    competency_certificate = RadioField(_l("Competency certificate"), default="default", choices=[
        ("default", _l("Use default certificate")), ("existing", _l("Keep the existing custom certificate")),
        ("custom", _l("Add custom certificate")),
    ])
    competency_file = FileField(_l("Custom certificate file"), render_kw={"accept": ACCEPT_ATTRIBUTE})
    competency_expires = BooleanField(_l("Competency expires"))
    competency_duration_amount = amount_field(_l("Duration role competency is valid"))
    competency_duration_unit = SelectField(_l("Competency duration unit"), choices=PERIOD_CHOICES, default="years")
    competency_lead_time_amount = amount_field(_l("E-mail lead time before role competency expires"))
    competency_lead_time_unit = SelectField(_l("Lead time unit"), choices=PERIOD_CHOICES, default="months")
    hidden_level_ids = MultiCheckboxField(_l("Hide competency from module levels"), coerce=int, validate_choice=False)
    hide_competency_from_shared_reports = BooleanField(_l("Hide competency from shared reports"))
    hide_competency_from_qr_reports = BooleanField(_l("Hide competency from QR reports"))
    submit = SubmitField(_l("Save Changes"))

    def set_choices(self, choices: dict) -> None:
        self.certification_ids.choices = [(c.id, c.name) for c in choices["certifications"]]
        self.hidden_level_ids.choices = [(level.id, level.name) for level in choices["levels"]]

    def set_certificate_choices(self, role) -> None:
        """The existing custom certificate is offered only when there is one."""
        if role.competency_certificate_file_id is None:
            self.competency_certificate.choices = [c for c in self.competency_certificate.choices if c.value != "existing"]

    def certificate_value(self):
        """None (default), "existing", or a checked upload; a missing or bad file puts an error on the field."""
        choice = self.competency_certificate.data
        if choice == "existing":
            return "existing"
        if choice != "custom" or not self.require_competency.data:
            return None
        upload = self.competency_file.data
        if not getattr(upload, "filename", None):
            self.competency_file.errors = [*self.competency_file.errors, gettext("Choose the custom certificate file.")]
            return None
        try:
            return check_upload(upload)
        except UploadError as error:
            self.competency_file.errors = [*self.competency_file.errors, str(error)]
            return None

    def fill_from(self, role, certification_ids) -> None:
        for column in INFO_COLUMNS:
            value = getattr(role, column)
            self[column].data = str(value) if column.endswith("_amount") and value is not None else value
        for unit in ("competency_duration_unit", "competency_lead_time_unit"):
            self[unit].data = self[unit].data or self[unit].default
        self.tags.data = ", ".join(tag.name for tag in role.tags)
        self.hidden_level_ids.data = [level.id for level in role.competency_hidden_from_levels]
        self.certification_ids.data = sorted(certification_ids)
        self.competency_certificate.data = "existing" if role.competency_certificate_file_id else "default"

    def values(self) -> dict:
        values = {column: self[column].data for column in INFO_COLUMNS}
        values["tag_names"] = (self.tags.data or "").split(",")
        values["hidden_level_ids"] = self.hidden_level_ids.data or []
        values["certification_ids"] = self.certification_ids.data or []
        return values
