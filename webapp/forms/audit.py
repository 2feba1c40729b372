"""The audit trail's filters: a GET form without CSRF, so a filtered trail can be bookmarked and linked to."""
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField
from wtforms.validators import Length, Optional, Regexp

from webapp.forms.choices import SelectField
from webapp.forms.dates import FlexibleDateField


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    person = SearchField(lazy_gettext("Person acted on (name, username or e-mail)"), validators=[Optional(), Length(max=100)])
    actor = SearchField(lazy_gettext("Done by (name, username or e-mail)"), validators=[Optional(), Length(max=100)])
    action = SelectField(lazy_gettext("Kind of action"), default="", validate_choice=True)
    object_type = SelectField(lazy_gettext("Object"), default="", validate_choice=True)
    object_id = SearchField(lazy_gettext("Object ID"), validators=[Optional(), Regexp(r"^\d{1,9}$", message=lazy_gettext("Enter the object's number."))])
    date_from = FlexibleDateField(lazy_gettext("From"), validators=[Optional()])
    date_to = FlexibleDateField(lazy_gettext("To"), validators=[Optional()])
    person_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$", message=lazy_gettext("Not a person."))])
