"""Validators shared by the forms of several areas."""
from wtforms.validators import ValidationError

from webapp.rules.people import NOT_ONE_LINE


def one_line(form, field) -> None:
    """Refuse a value that is not a single line of printable text."""
    if isinstance(field.data, str) and NOT_ONE_LINE.search(field.data):
        raise ValidationError(f"Write the {field.label.text.lower()} on one line, without line breaks or tabs.")
