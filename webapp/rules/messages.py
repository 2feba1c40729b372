"""Texts the rules give a person: an English message id and its parts, translated where they are shown
(docs/rules.md decision 85). Pure: `english()` writes the English sentence; `webapp.i18n.translated` writes it
in the request's language."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .periods import Period, format_date, plural


@dataclass(frozen=True, slots=True)
class Counted:
    """A count with its unit ("3 days"), written with the plural form of the language it is shown in."""

    amount: int
    unit: str


@dataclass(frozen=True, slots=True)
class Message:
    """`id` is English text with `%(name)s` placeholders (marked with `N_`); `params` their raw values:
    dates, Counted, Period, nested Messages (translated too), or text shown as it is (a person's notes)."""

    id: str
    params: tuple[tuple[str, object], ...] = ()

    def english(self) -> str:
        if not self.params:
            return self.id
        return self.id % {name: english_part(value) for name, value in self.params}


def message(id: str, **params: object) -> Message:  # noqa: A002 (gettext's word for it)
    return Message(id, tuple(params.items()))


def english_part(value: object) -> str:
    """A part of a message as the English sentence writes it."""
    if isinstance(value, Message):
        return value.english()
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Counted):
        return plural(value.amount, value.unit)
    return str(value)  # a Period writes itself ("2 weeks"); text is shown as it is
