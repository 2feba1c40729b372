"""The upload form of an import: the file, and the kind's own tick boxes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from webapp.services.imports import ImportKind

ACCEPT_TABLES = ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(FlaskForm):
    file = FileField(_l("CSV or Excel (.xlsx) file"), validators=[FileRequired(_l("Choose the file to import."))],
                     render_kw={"accept": ACCEPT_TABLES})


def upload_form_for(kind: ImportKind) -> ImportUploadForm:
    """The upload form with a tick box for each of the kind's options."""
    fields = {option.name: BooleanField(_l(option.label), default=option.default) for option in kind.options}
    return type("KindUploadForm", (ImportUploadForm,), fields)()
