"""A job location's site requirements: what it requires of the people working there, and who works there."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from webapp.forms.certifications import MultiCheckboxField
from webapp.forms.validators import one_line


class SiteCertificationsForm(FlaskForm):
    certifications = MultiCheckboxField(_l("Certifications everyone working here must hold"), coerce=int,
                                        validators=[Optional()], validate_choice=False)


class SiteWorkerForm(FlaskForm):
    who = StringField(_l("Username or e-mail of the person"), validators=[Length(max=254), one_line])
