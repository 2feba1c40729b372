"""The audit trail's filters: a GET form without CSRF, so a filtered trail can be bookmarked and linked to."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField
from wtforms.validators import Length, Optional, Regexp

from webapp.forms.choices import SelectField
from webapp.forms.dates import FlexibleDateField


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    person = SearchField(_l("Person acted on (name, username or e-mail)"), validators=[Optional(), Length(max=100)])
    actor = SearchField(_l("Done by (name, username or e-mail)"), validators=[Optional(), Length(max=100)])
    action = SelectField(_l("Kind of action"), default="", validate_choice=True)
    object_type = SelectField(_l("Object"), default="", validate_choice=True)
    object_id = SearchField(_l("Object ID"), validators=[Optional(), Regexp(r"^\d{1,9}$", message=_l("Enter the object's number."))])
    date_from = FlexibleDateField(_l("On or after"), validators=[Optional()])
    date_to = FlexibleDateField(_l("On or before"), validators=[Optional()])
    person_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$", message=_l("Not a person."))])
