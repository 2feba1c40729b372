"""The 42 columns of a certifications file, in the main source document's order (Import Certifications),
then Valid When Added, Type and Clients (the HSE documents' fields, decisions 80, 98 and 94): each read from a
cell's text into a setting, with a message naming what is wrong, and written back. The messages and the columns'
explanations are English message ids with their parts (decision 85): the import stores a row's errors in English
and they are translated where they are shown (`CELL_ERRORS`, decision 103); the headers stay English (decision 89).

Pure: text in, settings out. Names (module levels, roles, certifications) are read as lists of names;
whether they exist is for the import to say, which knows the data.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from webapp.rules.cells import NOT_ONE_LINE, read_yes_no
from webapp.rules.languages import N_
from webapp.rules.messages import Message, message

PERIOD_UNITS = ("days", "weeks", "months", "years")
# The Overdue Periods cannot be Years (the source document); FieldCert's 2nd notice can: it is written in
# months (12 per year), which is the same period (decision 44).
OVERDUE_UNITS = ("days", "weeks", "months")
TIME_UNITS = ("hours", "days", "weeks", "months", "years")
EXTEND_TO = ("month", "year")
# Longer numbers are typing slips; the rules refuse periods over 100 years anyway.
_MAX_DIGITS = 9
_DECIMAL = re.compile(r"(\d+)(?:[.,](\d+))?")
# Control characters other than tab and line breaks: no spreadsheet means them, and a database refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

BOOLEAN_HELP = N_("Yes, Y, On, True or 1; or No, N, Off, False, 0 or blank (any case).")

# What read_row says of a cell, as it says it: the import stores the English (decision 103).
NOT_YES_OR_NO = N_("“%(text)s” is not a yes or no: write Yes, Y, On, True or 1; or No, N, Off, False, 0 or blank "
                   "(any case).")
CONTROL_CHARACTERS = N_("Remove the control characters (such as NUL) from this cell.")
NOT_POSITIVE = N_("“%(text)s” is not a positive whole number (1, 2, 3...).")
TOO_LARGE = N_("%(text)s is too large.")
NOT_A_UNIT = N_("“%(text)s” is not a unit here: write %(units)s or None.")
NOT_A_UNIT_NO_YEARS = N_("“%(text)s” is not a unit here: write %(units)s or None (no Years here: 1 Year is 12 Months).")
NOT_AN_EXTENSION = N_("“%(text)s” cannot extend a duration: write Month, Year or None.")
NOT_A_NUMBER = N_("“%(text)s” is not a number: write it like 12.50 (not negative, no thousands separator).")
TOO_MANY_DECIMALS = N_("%(text)s has more than 2 decimals.")
TOO_MANY_DIGITS = N_("%(text)s is too large: at most %(digits)s digits before the decimal mark.")
NOT_AN_ID = N_("“%(text)s” is not a certification ID: IDs are whole numbers (leave it blank to create).")
NOT_ONE_LINE_HERE = N_("Write it on one line, without line breaks or tabs.")
NOT_A_TYPE = N_("“%(text)s” is not a type: write Employee, Asset, Client or Job Location.")
UNIT_MISSING = N_("Give the unit of the %(amount)s.")
AMOUNT_MISSING = N_("%(unit)s is %(written)s, but %(amount)s is blank: give both, or neither.")
# Settings a certification that does not expire, or has no refresher training, leaves blank (a Yes/No one: No or
# blank; the refresher's columns have none).
_LEAVE_BLANK = {
    ("expires", False): N_("Certification Expires is No, so leave %(column)s blank."),
    ("expires", True): N_("Certification Expires is No, so leave %(column)s No or blank."),
    ("has_refresher", False): N_("Refresher Training is No, so leave %(column)s blank."),
}
CELL_ERRORS = (NOT_YES_OR_NO, CONTROL_CHARACTERS, NOT_POSITIVE, TOO_LARGE, NOT_A_UNIT, NOT_A_UNIT_NO_YEARS,
               NOT_AN_EXTENSION, NOT_A_NUMBER, TOO_MANY_DECIMALS, TOO_MANY_DIGITS, NOT_AN_ID, NOT_ONE_LINE_HERE,
               NOT_A_TYPE, UNIT_MISSING, AMOUNT_MISSING, *_LEAVE_BLANK.values())


class CellInvalid(ValueError):
    """The cell's text is not a value of its column; `message` says why (an id and its parts), fit to show;
    str() is its English."""

    def __init__(self, id_: str, **params: object):
        self.message = message(id_, **params)
        super().__init__(self.message.english())


@dataclass(frozen=True)
class Column:
    """One column: its header, the setting it holds (`key`), how its text reads and writes, its rule."""

    header: str
    key: str
    read: Callable[[str], object]
    write: Callable[[object], object]
    help: str | Message  # a message id, or one with its parts: translated where it is shown


def _text(text: str) -> str | None:
    if _CONTROL.search(text):
        raise CellInvalid(CONTROL_CHARACTERS)
    return text or None


def read_boolean(text: str) -> bool:
    try:
        return bool(read_yes_no(text))
    except ValueError:
        raise CellInvalid(NOT_YES_OR_NO, text=text) from None


def write_boolean(value) -> str:
    return "Yes" if value else "No"


def read_positive_integer(text: str) -> int | None:
    if not text:
        return None
    digits = text.lstrip("0")
    if not (text.isascii() and text.isdigit()) or not digits:
        raise CellInvalid(NOT_POSITIVE, text=text)
    if len(digits) > _MAX_DIGITS:
        raise CellInvalid(TOO_LARGE, text=f"{text[:20]}{'...' if len(text) > 20 else ''}")
    return int(digits)


def read_unit(units: tuple[str, ...]) -> Callable[[str], str | None]:
    """A unit among `units` ("Days" or "day", any case), or None for None or blank."""
    words = _unit_words(units)

    def read(text: str) -> str | None:
        word = text.strip().casefold()
        if word in ("", "none"):
            return None
        for unit in units:
            if word in (unit, unit.removesuffix("s")):
                return unit
        raise CellInvalid(NOT_A_UNIT_NO_YEARS if word in ("year", "years") else NOT_A_UNIT, text=text, units=words)

    return read


def _unit_words(units: tuple[str, ...]) -> str:
    """The units as a file writes them: "Days, Weeks, Months" (English words, as the headers)."""
    return ", ".join(unit.capitalize() for unit in units)


def write_choice(value) -> str:
    return value.capitalize() if value else "None"


def read_extend(text: str) -> str | None:
    word = text.strip().casefold()
    if word in ("", "none"):
        return None
    if word in EXTEND_TO or word.removesuffix("s") in EXTEND_TO:
        return word.removesuffix("s")
    raise CellInvalid(NOT_AN_EXTENSION, text=text)


def read_decimal(integer_digits: int) -> Callable[[str], Decimal | None]:
    """A number that is not negative, with at most 2 decimals ("12.50"; a decimal comma too, "12,50")."""

    def read(text: str) -> Decimal | None:
        if not text:
            return None
        match = _DECIMAL.fullmatch(text)
        if match is None or not text.isascii():
            raise CellInvalid(NOT_A_NUMBER, text=text)
        whole, decimals = match.group(1).lstrip("0"), match.group(2) or ""
        if len(decimals.rstrip("0")) > 2:
            raise CellInvalid(TOO_MANY_DECIMALS, text=text)
        if len(whole) > integer_digits:
            raise CellInvalid(TOO_MANY_DIGITS, text=text, digits=integer_digits)
        return Decimal(f"{whole or 0}.{decimals or 0}")

    return read


def write_plain(value) -> object:
    return "" if value is None else value


def write_decimal(value) -> str:
    return "" if value is None else str(value)


def read_name(text: str) -> str | None:
    return text or None


def read_names(text: str) -> tuple[str, ...]:
    """A semicolon-separated list of names, in order, each once (whatever its case), blanks skipped."""
    names, seen = [], set()
    for name in (part.strip() for part in text.split(";")):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return tuple(names)


def write_names(names) -> str:
    return "; ".join(names)


def read_id(text: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS + 1 or int(text) == 0:
        raise CellInvalid(NOT_AN_ID, text=text)
    return int(text)


def read_one_line(text: str) -> str | None:
    if NOT_ONE_LINE.search(text):
        raise CellInvalid(NOT_ONE_LINE_HERE)
    return text or None


# The certification types by the words a file writes them with (decision 98).
TYPE_WORDS = {"employee": "Employee", "asset": "Asset", "client": "Client", "location": "Job Location"}
_TYPE_BY_WORD = {word.casefold(): key for key, word in TYPE_WORDS.items()}


def read_type(text: str) -> str | None:
    """A certification type by its word (any case), or None for blank: a new certification is then an
    Employee one, a stored one keeps its type."""
    if not text:
        return None
    try:
        return _TYPE_BY_WORD[text.casefold()]
    except KeyError:
        raise CellInvalid(NOT_A_TYPE, text=text) from None


def write_type(value: str | None) -> str:
    return TYPE_WORDS.get(value, "") if value else ""


def _boolean(header: str, key: str) -> Column:
    return Column(header, key, read_boolean, write_boolean, BOOLEAN_HELP)


def _amount(header: str, key: str, help_: str) -> Column:
    """`help_`: "A positive whole number: <what it is>, with the unit in the next column." (one sentence each, so
    that each language can write it whole)."""
    return Column(header, key, read_positive_integer, write_plain, help_)


def _unit(header: str, key: str, units: tuple[str, ...]) -> Column:
    return Column(header, key, read_unit(units), write_choice,
                  message(N_("%(units)s or None."), units=_unit_words(units)))


def _extend(header: str, key: str) -> Column:
    return Column(header, key, read_extend, write_choice,
                  N_("Month, Year or None: push each expiration to the end of its month or year."))


def _cost(header: str, key: str) -> Column:
    return Column(header, key, read_decimal(10), write_decimal, N_("Optional: a number such as 125.50."))


def _time(header: str, key: str) -> Column:
    return Column(header, key, read_decimal(6), write_decimal,
                  N_("Optional: a number such as 1.5, with the unit in the next column."))


def _levels(header: str, key: str, help_: str) -> Column:
    return Column(header, key, read_names, write_names, help_)


COLUMNS: tuple[Column, ...] = (
    Column("Certification ID", "id", read_id, write_plain,
           N_("Blank creates a certification; the ID of an existing one, with its exact name, updates it.")),
    Column("Name", "name", read_name, write_plain,
           N_("Required, unique (whatever the case); cannot contain ; < > \\ /")),
    Column("Information", "information", _text, write_plain, N_("Any text, or none.")),
    Column("External URL", "external_url", _text, write_plain,
           N_("Optional: a full web address, starting with https://")),
    _cost("Cost of Training", "cost"),
    _time("Time to Complete", "time_to_complete"),
    _unit("Time to Complete Period", "time_to_complete_unit", TIME_UNITS),
    _boolean("Certification Expires", "expires"),
    _amount("Duration", "duration_amount",
            N_("A positive whole number: how long a record is valid, with the unit in the next column.")),
    _unit("Duration Period", "duration_unit", PERIOD_UNITS),
    _extend("Extend Duration", "extend_to"),
    _amount("Due", "first_notice_amount", N_("A positive whole number: how long before the expiration the status "
                                              "turns Due (1st notice), with the unit in the next column.")),
    _unit("Due Period", "first_notice_unit", PERIOD_UNITS),
    _amount("Overdue", "second_notice_amount", N_("A positive whole number: how long before the expiration the "
                                                   "status turns Overdue (2nd notice), with the unit in the next "
                                                   "column.")),
    _unit("Overdue Period", "second_notice_unit", OVERDUE_UNITS),
    _boolean("Refresher Training", "has_refresher"),
    _cost("Refresher Cost of Training", "refresher_cost"),
    _time("Refresher Time to Complete", "refresher_time_to_complete"),
    _unit("Refresher Time to Complete Period", "refresher_time_to_complete_unit", TIME_UNITS),
    _amount("Refresher Duration", "refresher_duration_amount",
            N_("A positive whole number: how long a refresher record is valid, with the unit in the next column.")),
    _unit("Refresher Duration Period", "refresher_duration_unit", PERIOD_UNITS),
    _extend("Refresher Extend Duration", "refresher_extend_to"),
    _amount("Refresher Due", "refresher_first_notice_amount",
            N_("A positive whole number: the refresher's 1st notice, with the unit in the next column.")),
    _unit("Refresher Due Period", "refresher_first_notice_unit", PERIOD_UNITS),
    _amount("Refresher Overdue", "refresher_second_notice_amount",
            N_("A positive whole number: the refresher's 2nd notice, with the unit in the next column.")),
    _unit("Refresher Overdue Period", "refresher_second_notice_unit", OVERDUE_UNITS),
    _boolean("Hide From Shared Reports", "hide_from_shared_reports"),
    _boolean("Hide From QR Reports", "hide_from_qr_reports"),
    _levels("Hide From People Module Levels", "hidden_levels",
            N_("Names of existing module levels the certification is hidden from, separated by semicolons.")),
    _boolean("Hide Attachments From Shared Reports", "hide_attachments_from_shared_reports"),
    _boolean("Hide Attachments From QR Reports", "hide_attachments_from_qr_reports"),
    _levels("Hide Attachments From People Module Levels", "attachments_hidden_levels",
            N_("Names of existing module levels its attachments are hidden from, separated by semicolons.")),
    _boolean("Require Attachment", "require_attachment"),
    _boolean("Auto Approve User Submissions", "auto_approve_submissions"),
    _boolean("Auto Approve On Activity Completion", "auto_approve_on_activity"),
    Column("Allowed Batch Submission Roles", "batch_roles", read_names, write_names,
           N_("Names of existing roles whose members may batch submit it, separated by semicolons; blank: no batch "
              "submission.")),
    _boolean("Generate Attachment On Approval", "generate_certificate_on_approval"),
    _boolean("Generate Attachment On Activity Completion", "generate_certificate_on_activity"),
    _boolean("Hide Expiration Date In Generated Attachments", "hide_expiration_on_certificate"),
    _boolean("Attach Certificates To Notifications", "attach_files_to_approval_emails"),
    Column("Parent Certification", "parent", read_one_line, write_plain,
           N_("The name of an existing certification (or one in this file) whose valid record also makes this one "
              "valid.")),
    Column("Child Certification(s)", "children", read_names, write_names,
           N_("Names of existing certifications (or ones in this file) this one makes valid, separated by "
              "semicolons. A certification has a parent or children, not both.")),
    _boolean("Valid When Added", "valid_when_added"),
    Column("Type", "type", read_type, write_type, N_(
           "Employee, Asset, Client or Job Location (any case): who holds it. Blank: Employee for a new certification, "
           "unchanged for one that exists. It cannot change once the certification has records or associations.")),
    Column("Clients", "clients", read_names, write_names, N_(
           "Optional: the clients an Employee certification applies to, by identifier (or a name only one client has), "
           "separated by semicolons; blank: none.")),
)
HEADERS = tuple(column.header for column in COLUMNS)
BY_KEY = {column.key: column for column in COLUMNS}
HEADER_OF = {column.key: column.header for column in COLUMNS}

# (amount, unit) pairs: one without the other means nothing.
PAIRS = (
    ("time_to_complete", "time_to_complete_unit"),
    ("duration_amount", "duration_unit"),
    ("first_notice_amount", "first_notice_unit"),
    ("second_notice_amount", "second_notice_unit"),
    ("refresher_time_to_complete", "refresher_time_to_complete_unit"),
    ("refresher_duration_amount", "refresher_duration_unit"),
    ("refresher_first_notice_amount", "refresher_first_notice_unit"),
    ("refresher_second_notice_amount", "refresher_second_notice_unit"),
)
EXPIRING_ONLY = ("duration_amount", "duration_unit", "extend_to", "first_notice_amount", "first_notice_unit",
                 "second_notice_amount", "second_notice_unit", "has_refresher")
REFRESHER_ONLY = tuple(column.key for column in COLUMNS if column.key.startswith("refresher_"))


@dataclass(frozen=True)
class CellError:
    column: str  # the header
    message: Message  # the import stores its English (decision 103)


def read_row(cells: Mapping[str, str]) -> tuple[dict, list[CellError]]:
    """A row's settings by key, and what is wrong with it, by header. `cells` maps each header to its text.

    Beyond each cell: an amount goes with its unit; a certification that does not expire leaves its
    duration, notices and refresher blank, and one without refresher training the refresher columns
    (decision 43)."""
    settings, errors = {}, []
    for column in COLUMNS:
        if column.header not in cells:
            continue  # a column the file has not (decision 80): the setting stays as it is
        try:
            settings[column.key] = column.read(cells[column.header])
        except CellInvalid as invalid:
            errors.append(CellError(column.header, invalid.message))
    failed = {error.column for error in errors}
    for amount, unit in PAIRS:
        if HEADER_OF[amount] in failed or HEADER_OF[unit] in failed:
            continue
        if settings[amount] is not None and settings[unit] is None:
            errors.append(CellError(HEADER_OF[unit], message(UNIT_MISSING, amount=HEADER_OF[amount])))
        elif settings[amount] is None and settings[unit] is not None:
            errors.append(CellError(HEADER_OF[amount], message(AMOUNT_MISSING, unit=HEADER_OF[unit],
                                                               written=write_choice(settings[unit]),
                                                               amount=HEADER_OF[amount])))
    if settings.get("expires") is False:
        errors += _left_blank(settings, EXPIRING_ONLY + REFRESHER_ONLY, "expires")
    elif settings.get("has_refresher") is False:
        errors += _left_blank(settings, REFRESHER_ONLY, "has_refresher")
    return settings, errors


def _left_blank(settings: dict, keys: tuple[str, ...], because: str) -> list[CellError]:
    """What `keys` hold that the No of the `because` column leaves blank (a Yes/No column: No or blank)."""
    return [CellError(HEADER_OF[key], message(_LEAVE_BLANK[because, BY_KEY[key].read is read_boolean],
                                              column=HEADER_OF[key]))
            for key in keys if settings.get(key) not in (None, False)]


def write_row(settings: Mapping) -> tuple:
    """The row's cells, in the columns' order, from settings keyed like read_row's."""
    return tuple(column.write(settings.get(column.key)) for column in COLUMNS)


def overdue_period(amount: int | None, unit: str | None) -> tuple[int | None, str | None]:
    """A 2nd notice as the Overdue columns can hold it: years become months (decision 44)."""
    if unit == "years":
        return amount * 12, "months"
    return amount, unit
