"""Texts written once in English and stored (the audit trail's summaries, an import's row errors, written by a
background job that has no reader), translated where they are shown through a fixed set of message ids
(docs/rules.md decision 103): a stored text that reads as one of them, word for word, becomes that message with
its parts (names, numbers) as they were written, a day in the reader's order; any other text is shown as it was
written. A record's expiration explanation ("why?") is read back the same way (decision 111), its parts typed: a date,
a count of days to years, or a message nested in it (how the rules reached the date); so is an import's preview
(decision 114).
Pure: `match` gives the Message; `webapp.i18n` writes it in the request's language."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from . import expiration
from .certification_columns import CELL_ERRORS
from .cells import NOT_YES_NO
from .certifications import FAMILY_PROBLEMS, NAME_PROBLEMS, TYPE_FIXED
from .dates import DATE_PROBLEMS
from .entities import ENTITY_PROBLEMS
from .import_errors import PAGE_SETTINGS_PROBLEMS, ROW_ERRORS
from .import_previews import ENTITY_LABEL, PREVIEW_TEXTS, VALUE_WORDS
from .imported_records import AS_IMPORTED, BEFORE_COMPLETION, ENTITY_STATUS_HELP, NEVER_AS_IMPORTED, NOT_A_STATUS, STATUS_HELP
from .languages import N_
from .messages import Counted, Message
from .people import FIELD_TOO_LONG, NOT_ONE_LINE_FIELD, REFUSED

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Part:
    """How a part of a message is written (`pattern`, a regular expression) and read back (`read`: its value,
    or None when the text is not such a part)."""

    pattern: str
    read: Callable[[str], object | None]


class StoredTexts:
    """Message ids with `%(name)s` placeholders, each read back from the English text it wrote. A placeholder
    named in `parts` is read by its Part; any other is text (a `day`, a date when it reads as one)."""

    def __init__(self, ids: Iterable[str], parts: Mapping[str, Part] | None = None):
        self.parts = dict(parts or {})
        # The most literal first: "Edited certification group %(name)s" before "Edited certification %(name)s".
        ordered = sorted(set(ids), key=lambda id_: -len(_PLACEHOLDER.sub("", id_)))
        self.patterns = [(id_, re.compile(_pattern(id_, self.parts), re.DOTALL)) for id_ in ordered]

    def match(self, text: str) -> Message | None:
        """The message `text` was written from, or None."""
        for id_, pattern in self.patterns:
            found = pattern.fullmatch(text)
            if found:
                params = tuple((name, self._read(name, value)) for name, value in found.groupdict().items())
                if all(value is not None for _, value in params):
                    return Message(id_, params)
        return None

    def _read(self, name: str, value: str) -> object | None:
        part = self.parts.get(name)
        return _part(name, value) if part is None else part.read(value)


def _part(name: str, value: str) -> object:
    """A part as the message takes it: a `day` was written MM/DD/YYYY (format_date) and is shown in the reader's
    order, so 01/10/2026 never reads as the 1st of October; anything else is text."""
    if name == "day":
        try:
            return datetime.strptime(value, "%m/%d/%Y").date()
        except ValueError:
            return value
    return value


def _pattern(id_: str, typed: Mapping[str, Part]) -> str:
    parts, position = [], 0
    for placeholder in _PLACEHOLDER.finditer(id_):
        name = placeholder.group(1)
        parts.append(re.escape(id_[position:placeholder.start()]))
        parts.append(f"(?P<{name}>{typed[name].pattern if name in typed else '.+?'})")
        position = placeholder.end()
    parts.append(re.escape(id_[position:]))
    return "".join(parts)


# What services/*.py write with record_audit, as the f-strings there write it (the parts are names, counts and
# dates as they were at the time).
AUDIT_SUMMARIES = StoredTexts((
    N_("Deleted a comment"),
    N_("Edited a comment"),
    N_("Exported the audit trail as CSV"),
    N_("Failed sign-in for an unknown account"),
    N_("Added field %(field)s to form %(form)s"),
    N_("Added learning system %(name)s"),
    N_("Added %(person)s as an administrator from the command line"),
    N_("Added %(person)s"),
    N_("Approved %(certification)s for %(person)s"),
    N_("Assigned %(person)s to work at %(location)s"),
    N_("Assigned %(role)s to %(person)s"),
    N_("Associated %(names)s with %(certification)s"),
    N_("Attached %(names)s to %(certification)s of %(person)s"),
    N_("Changed the module levels of %(person)s"),
    N_("Changed the photo of %(person)s"),
    N_("Comment on %(certification)s of %(person)s"),
    N_("Created certification group %(name)s"),
    N_("Created certification %(name)s"),
    N_("Created company %(name)s"),
    N_("Created module level %(name)s"),
    N_("Created role %(name)s"),
    N_("Created shared report %(name)s"),
    N_("Deactivated %(person)s"),
    N_("Declined %(certification)s for %(person)s"),
    N_("Deleted certification group %(name)s"),
    N_("Deleted module level %(name)s"),
    N_("Deleted scheduled report %(name)s"),
    N_("Deleted shared report %(name)s"),
    N_("E-mailed shared report %(name)s to %(addresses)s"),
    N_("Edited certification group %(name)s"),
    N_("Edited certification %(name)s"),
    N_("Edited company %(name)s"),
    N_("Edited dates of %(certification)s for %(person)s"),
    N_("Edited module level %(name)s"),
    N_("Edited role %(name)s"),
    N_("Edited the account info of %(person)s"),
    N_("Edited the certifications %(role)s requires"),
    N_("Edited the roles of %(company)s"),
    N_("Edited the roles requiring %(certification)s"),
    N_("Edited the users assigned to %(role)s"),
    N_("Edited the users required to hold %(certification)s"),
    N_("Ended all sessions of %(person)s"),
    N_("Ended all other sessions of %(person)s"),
    N_("Erased the personal data of %(person)s on request"),
    N_("Failed sign-in as %(username)s"),
    N_("Invited %(person)s to choose a password"),
    N_("Moved field %(field)s on form %(form)s"),
    N_("Notified %(person)s"),
    N_("Notified %(person)s about %(certification)s"),
    N_("Revoked %(certification)s completed %(day)s of %(person)s: %(reason)s"),
    N_("Restored %(certification)s completed %(day)s of %(person)s: %(reason)s"),
    N_("Reactivated %(person)s"),
    N_("Refused password sign-in as %(username)s"),
    N_("Removed field %(field)s from form %(form)s"),
    N_("Removed %(role)s from %(person)s"),
    N_("Removed %(name)s from the attachment inbox"),
    N_("Replaced the secret of %(name)s"),
    N_("Reset the QR code of %(name)s"),
    N_("Reset the calendar feed of %(person)s"),
    N_("Revoked %(certification)s of %(name)s: %(reason)s"),
    N_("Restored %(certification)s of %(name)s: %(reason)s"),
    N_("Saved form %(name)s"),
    N_("Saved scheduled report %(name)s"),
    N_("Turned off notifications on %(device)s"),
    N_("Turned on notifications on %(device)s"),
    N_("Uploaded revision %(revision)s of %(document)s for %(certification)s"),
    N_("Uploaded %(name)s to the attachment inbox"),
    N_("Enabled learning system %(name)s"),
    N_("Disabled learning system %(name)s"),
    N_("Hid %(person)s from reports"),
    N_("Showed %(person)s in reports"),
    N_("Paused scheduled report %(name)s"),
    N_("Resumed scheduled report %(name)s"),
    N_("%(person)s batch submitted %(certification)s for %(other)s"),
    N_("%(person)s recorded a competency certificate for %(other)s in %(role)s"),
    N_("%(certification)s no longer directly required of %(person)s"),
    N_("%(certification)s required of %(person)s"),
    N_("%(person)s no longer works at %(location)s"),
    N_("%(person)s changed their password"),
    N_("%(person)s edited their profile"),
    N_("%(person)s signed in with %(provider)s"),
    N_("%(person)s signed in"),
    N_("%(person)s signed out"),
    N_("%(person)s's account was created at their first sign-in with %(provider)s"),
    N_("Added asset %(name)s"),
    N_("Added client %(name)s"),
    N_("Added job location %(name)s"),
    N_("Edited asset %(name)s"),
    N_("Edited client %(name)s"),
    N_("Edited job location %(name)s"),
))

# What the import kinds (services/*import*.py, services/imports.py) write of a row, in a background job: the ids of
# rules/import_errors.py and of the rules whose refusals they share (decision 112).
IMPORT_ERRORS = StoredTexts((
    *CELL_ERRORS, *ROW_ERRORS, *NAME_PROBLEMS, *FAMILY_PROBLEMS, TYPE_FIXED, *DATE_PROBLEMS, NOT_YES_NO,
    *ENTITY_PROBLEMS, NOT_A_STATUS, BEFORE_COMPLETION, *REFUSED.values(), NOT_ONE_LINE_FIELD, FIELD_TOO_LONG,
), {  # the parts that are messages of their own
    "problem": Part(".+?", StoredTexts(PAGE_SETTINGS_PROBLEMS).match),
    "refusal": Part(".+?", StoredTexts(DATE_PROBLEMS).match),
    "words": Part(".+?", StoredTexts((STATUS_HELP, ENTITY_STATUS_HELP)).match),
})

_VALUES = StoredTexts(VALUE_WORDS)
_VALUE = Part(".+?", lambda text: _VALUES.match(text) or text)
_ENTITY_LABELS = StoredTexts(ENTITY_LABEL.values())

# What an import's preview says of a row (rules/import_previews.py, decision 114): a value "(blank)", "none"... is a
# message of its own, and a record's holder an entity's label (a kind of entity and its name) or a person's name.
IMPORT_PREVIEWS = StoredTexts(PREVIEW_TEXTS, {
    **dict.fromkeys(("before", "after", "value"), _VALUE),
    "holder": Part(".+?", lambda text: _ENTITY_LABELS.match(text) or text),
})


def _date(text: str) -> date | None:
    """A date as format_date writes it, MM/DD/YYYY (01/01/0001 to 12/31/9999 included)."""
    month, day, year = (int(number) for number in text.split("/"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _counted(text: str) -> Counted:
    """"1 year", "3 weeks" (periods.plural), to be written with the reader's plural forms."""
    amount, unit = text.split(" ")
    return Counted(int(amount), unit.removesuffix("s") + "s")


_DATE = Part(r"\d{2}/\d{2}/\d{4}", _date)
_COUNTED = Part(r"\d+ (?:day|week|month|year)s?", _counted)
# How the rules reached a date (nested: extended, then with the refresher settings), and when a renewal was done.
_HOWS = StoredTexts(expiration.HOWS, {
    **dict.fromkeys(("existing", "opens", "closes", "anchor", "completed", "base"), _DATE),
    **dict.fromkeys(("duration", "grace"), _COUNTED),
    "when": Part(".+?", lambda text: _WINDOWS.match(text)),
    "how": Part(".+?", lambda text: _HOWS.match(text)),
})
_WINDOWS = StoredTexts(expiration.WINDOWS, {"period": _COUNTED})

# What a record stores as its expiration explanation, written by the rules (rules/expiration.py,
# rules/imported_records.py) or by a person who typed the expiration (`set_by`).
EXPLANATIONS = StoredTexts((
    expiration.NEVER_EXPIRES, expiration.AS_PRINTED, expiration.BEYOND_CALENDAR, expiration.EXPIRES_AS,
    expiration.SET_BY, expiration.SET_BY_OVER_RULES, NEVER_AS_IMPORTED, AS_IMPORTED,
), {
    "expires": _DATE, "last": _DATE,
    "how": Part(".+?", _HOWS.match),
    "why": Part(".+?", lambda text: EXPLANATIONS.match(text)),
})
