"""Erasing an archived certification, role or company: its name typed to confirm."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired


class EraseByNameForm(FlaskForm):
    confirm_name = StringField(_l("Type the name to confirm"), validators=[InputRequired(_l("Type the name."))],
                               render_kw={"autocomplete": "off", "autocapitalize": "none"})
