"""Company form: name, URL, information, tags."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import URL, Length, Optional

from webapp.forms.certifications import blank_to_none
from webapp.forms.validators import tag_list


class CompanyForm(FlaskForm):
    name = StringField(_l("Company Name"), filters=[blank_to_none], validators=[Length(max=120)])
    url = StringField("URL", filters=[blank_to_none],
                      validators=[Optional(), URL(message=_l("Enter a full web address, starting with https://")), Length(max=500)])
    information = TextAreaField(_l("Information"), filters=[blank_to_none])
    tags = StringField(_l("Tags"), filters=[blank_to_none], validators=[tag_list], description=_l("Separate tags with commas."))
    submit = SubmitField(_l("Save"))

    def fill_from(self, company) -> None:
        self.name.data, self.url.data, self.information.data = company.name, company.url, company.information
        self.tags.data = ", ".join(tag.name for tag in company.tags)

    def values(self) -> dict:
        return {"name": self.name.data, "url": self.url.data, "information": self.information.data,
                "tag_names": (self.tags.data or "").split(",")}
