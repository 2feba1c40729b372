"""Validators shared by the forms of several areas."""
import re

from wtforms.validators import ValidationError

# Line breaks (CR, LF and the Unicode ones) and other control characters: a value that becomes a
# mail header (titles, names, subjects) with one of these could not be sent, or would add headers.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(form, field) -> None:
    """Refuse a value that is not a single line of printable text."""
    if isinstance(field.data, str) and _NOT_ONE_LINE.search(field.data):
        raise ValidationError(f"Write the {field.label.text.lower()} on one line, without line breaks or tabs.")
