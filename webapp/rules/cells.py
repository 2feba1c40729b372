"""How a cell of an import file (or a one-line form field) reads, the same for every kind of file."""
from __future__ import annotations

import re

from .languages import N_
from .messages import message

# The words of a Yes/No cell, in any case (issue 18, and the people file's Active column).
YES_WORDS = frozenset({"yes", "y", "on", "true", "1"})
NO_WORDS = frozenset({"no", "n", "off", "false", "0"})
# Line breaks (CR, LF and the Unicode ones) and other control characters: a value that becomes a
# mail header (titles, names, subjects) with one of these could not be sent, or would add headers.
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# read_yes_no's refusal, by message id (an import stores its English: stored_texts `IMPORT_ERRORS`).
NOT_YES_NO = N_("Write Yes or No (or Y/N, On/Off, True/False, 1/0), not %(text)s.")


def read_yes_no(text: str) -> bool | None:
    """True, False, or None for a blank cell. ValueError, saying what to write, for any other word."""
    word = text.strip().casefold()
    if not word:
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(message(NOT_YES_NO, text=text.strip()).english())
