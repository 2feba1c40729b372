"""Validators shared by the forms of several areas (and by the imports, which check the same fields)."""
from flask_babel import gettext, lazy_gettext as _l
from types import SimpleNamespace

from wtforms.validators import URL, ValidationError

from webapp.rules.cells import NOT_ONE_LINE
from webapp.rules.people import NOT_ONE_LINE_FIELD

# A web address someone is sent to: http(s), a host with a top-level domain (or an IP address).
WEB_ADDRESS = URL(message=_l("Enter a full web address, starting with https://"))


def one_line(form, field) -> None:
    """Refuse a value that is not a single line of printable text."""
    if isinstance(field.data, str) and NOT_ONE_LINE.search(field.data):
        raise ValidationError(gettext(NOT_ONE_LINE_FIELD, field=field.label.text.lower()))


def web_address_problem(text: str) -> str | None:
    """WEB_ADDRESS's refusal of `text` outside a form (an imported cell), or None."""
    try:
        WEB_ADDRESS(None, SimpleNamespace(data=text))
    except ValidationError as refusal:
        return str(refusal)
    return None


# A tag name is stored in 80 characters (models.people.Tag).
TAG_NAME_MAX = 80


def tag_list(form, field) -> None:
    """A comma-separated list of tags, each short enough to store."""
    if any(len(tag.strip()) > TAG_NAME_MAX for tag in (field.data or "").split(",")):
        raise ValidationError(gettext("Keep each tag to %(max)s characters.", max=TAG_NAME_MAX))
