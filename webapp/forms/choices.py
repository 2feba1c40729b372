"""Choice fields that take our (value, label) pairs and hand WTForms SelectChoice options.

WTForms 3.4 drops tuple choices; the pairs stay the readable way to write a picker here, and
this is the one place they become SelectChoice (pyproject turns the deprecation into an error).
"""
from __future__ import annotations

from wtforms import RadioField as _RadioField
from wtforms import SelectField as _SelectField
from wtforms import SelectMultipleField as _SelectMultipleField
from wtforms.fields.choices import SelectChoice

from webapp.bounds import database_int
from webapp.rules.languages import AUTOMATIC, LANGUAGE_NAMES


def select_choices(choices):
    """(value, label) pairs (or SelectChoice options) as SelectChoice options; None stays None."""
    if choices is None:
        return None
    return [choice if isinstance(choice, SelectChoice) else SelectChoice(*choice) for choice in choices]


class _PairChoices:
    def __init__(self, *args, choices=None, **kwargs):
        if kwargs.get("coerce") is int:
            # An id picker: a number the database cannot hold is "not a valid choice", not an overflow.
            kwargs["coerce"] = database_int
        super().__init__(*args, choices=select_choices(choices), **kwargs)

    @property
    def choices(self):
        return _SelectField.choices.fget(self)

    @choices.setter
    def choices(self, value):
        _SelectField.choices.fset(self, select_choices(value))


class SelectField(_PairChoices, _SelectField):
    pass


class SelectMultipleField(_PairChoices, _SelectMultipleField):
    pass


class RadioField(_PairChoices, _RadioField):
    pass


def language_field(label: str, automatic: str) -> SelectField:
    """A language picker: `automatic` ('' ) first, then each language named in itself."""
    return SelectField(label, choices=[(AUTOMATIC, automatic), *LANGUAGE_NAMES.items()], default=AUTOMATIC)
