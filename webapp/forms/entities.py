"""Forms of assets, clients and job locations: details, a record with files, revoking an association."""
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from webapp.forms.certifications import blank_to_none
from webapp.forms.dates import FlexibleDateField
from webapp.forms.reports import optional_id
from webapp.forms.validators import one_line, tag_list
from webapp.rules.entities import REASON_LIMIT
from webapp.services.storage import ACCEPT_ATTRIBUTE


class EntityForm(FlaskForm):
    name = StringField(_l("Name"), filters=[blank_to_none], validators=[Length(max=200), one_line])
    identifier = StringField(_l("Identifier"), filters=[blank_to_none], validators=[Length(max=100), one_line],
                             description=_l("A serial, registration or account number, unique among its kind."))
    description = TextAreaField(_l("Description"), filters=[blank_to_none], validators=[Length(max=5000)],
                                render_kw={"rows": 3})
    tags = StringField(_l("Tags"), filters=[blank_to_none], validators=[tag_list], description=_l("Separate tags with commas."))
    owner_id = SelectField(_l("Responsible user"), coerce=optional_id, validate_choice=False,
                           description=_l("Sees this page and is the one its notices go to."))

    def set_choices(self, owners: list[tuple[int, str]]) -> None:
        self.owner_id.choices = [("", gettext("Nobody"))] + owners

    def fill_from(self, entity) -> None:
        self.name.data, self.identifier.data, self.description.data = entity.name, entity.identifier, entity.description
        self.tags.data = ", ".join(tag.name for tag in entity.tags)
        self.owner_id.data = entity.owner_id

    def values(self) -> dict:
        return {"name": self.name.data, "identifier": self.identifier.data, "description": self.description.data,
                "owner_id": self.owner_id.data, "tag_names": (self.tags.data or "").split(",")}


class EntityRecordForm(FlaskForm):
    completed_on = FlexibleDateField(_l("Completion date"), validators=[InputRequired(_l("Enter the completion date."))])
    expires_on = FlexibleDateField(_l("Expiration date (leave blank: the certification's rules give it)"),
                                   validators=[Optional()], expiration=True)
    notes = TextAreaField(_l("Notes"), filters=[blank_to_none], validators=[Length(max=2000)], render_kw={"rows": 3})
    files = MultipleFileField(_l("Attach files"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})


class RevokeAssociationForm(FlaskForm):
    reason = TextAreaField(_l("Documented reason"), filters=[blank_to_none],
                           validators=[InputRequired(_l("Give the documented reason for revoking.")),
                                       Length(max=REASON_LIMIT)], render_kw={"rows": 3})
