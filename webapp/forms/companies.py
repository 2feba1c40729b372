"""Company form: name, URL, information, tags."""
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import URL, Length, Optional

from webapp.forms.certifications import blank_to_none
from webapp.forms.validators import tag_list


class CompanyForm(FlaskForm):
    name = StringField(lazy_gettext("Company Name"), filters=[blank_to_none], validators=[Length(max=120)])
    url = StringField("URL", filters=[blank_to_none],
                      validators=[Optional(), URL(message=lazy_gettext("Enter a full web address, starting with https://")), Length(max=500)])
    information = TextAreaField(lazy_gettext("Information"), filters=[blank_to_none])
    tags = StringField(lazy_gettext("Tags"), filters=[blank_to_none], validators=[tag_list], description=lazy_gettext("Separate tags with commas."))
    submit = SubmitField(lazy_gettext("Save"))

    def fill_from(self, company) -> None:
        self.name.data, self.url.data, self.information.data = company.name, company.url, company.information
        self.tags.data = ", ".join(tag.name for tag in company.tags)

    def values(self) -> dict:
        return {"name": self.name.data, "url": self.url.data, "information": self.information.data,
                "tag_names": (self.tags.data or "").split(",")}
