"""Stored English texts read back as the messages they were written from (decisions 103 and 110)."""
from datetime import date

import pytest

from webapp.rules import Period, TrackingPolicy, expiration_for
from webapp.rules.certification_columns import CELL_ERRORS, HEADERS, read_row
from webapp.rules.expiration import set_by
from webapp.rules.messages import Counted, Message, english_part
from webapp.rules.stored_texts import AUDIT_SUMMARIES, EXPLANATIONS, IMPORT_ERRORS, StoredTexts


def test_a_stored_summary_reads_back_as_its_message_with_its_parts_as_written():
    found = AUDIT_SUMMARIES.match("Approved Forklift Licence for Emma Employee")
    assert found == Message("Approved %(certification)s for %(person)s",
                            (("certification", "Forklift Licence"), ("person", "Emma Employee")))
    assert found.english() == "Approved Forklift Licence for Emma Employee"


def test_the_most_literal_message_wins():
    assert AUDIT_SUMMARIES.match("Edited certification group Plant").id == "Edited certification group %(name)s"
    assert AUDIT_SUMMARIES.match("Notified Emma about CPR").id == "Notified %(person)s about %(certification)s"
    assert AUDIT_SUMMARIES.match("Ended all other sessions of Sam").id == "Ended all other sessions of %(person)s"


def test_a_day_is_read_back_as_a_date_to_be_written_in_the_reader_s_order():
    found = AUDIT_SUMMARIES.match("Revoked CPR completed 01/10/2026 of Wanda: forged")
    assert dict(found.params)["day"] == date(2026, 1, 10)


def test_a_text_no_message_wrote_is_none():
    assert AUDIT_SUMMARIES.match("Something a newer version wrote") is None
    assert AUDIT_SUMMARIES.match("Approved Forklift") is None
    assert IMPORT_ERRORS.match("This record is in the file twice (also row 7).").params == (("row", "7"),)


def test_every_message_reads_back_its_own_english():
    for texts in (AUDIT_SUMMARIES, IMPORT_ERRORS):
        for id_, _pattern in texts.patterns:
            names = StoredTexts((id_,)).patterns[0][1].groupindex
            written = Message(id_, tuple((name, f"<{name}>") for name in names)).english()
            assert texts.match(written).id == id_


# --- the certifications file's cell errors (decision 103) --------------------------------------------------------

BAD_CELLS = {
    "Certification Expires": "perhaps", "Duration": "0", "Due": "1" * 12, "Duration Period": "fortnight",
    "Overdue Period": "Years", "Extend Duration": "decade", "Cost of Training": "12.345", "Time to Complete": "1234567",
    "Refresher Cost of Training": "-5", "Certification ID": "x7", "Parent Certification": "First\nAid",
    "Information": "bad\x00", "Type": "Vehicle",
}


def test_every_cell_error_reads_back_as_the_message_it_was_written_from():
    _, errors = read_row({**dict.fromkeys(HEADERS, ""), **BAD_CELLS})
    _, between = read_row({**dict.fromkeys(HEADERS, ""), "Certification Expires": "No", "Duration": "1",
                           "Time to Complete Period": "Days", "Refresher Training": "Yes"})
    _, refresher = read_row({**dict.fromkeys(HEADERS, ""), "Certification Expires": "Yes", "Duration": "1",
                             "Duration Period": "Years", "Refresher Training": "No", "Refresher Due": "2",
                             "Refresher Due Period": "Days"})
    written = [error.message for error in errors + between + refresher]
    assert {message.id for message in written} == set(CELL_ERRORS)
    for message in written:
        found = IMPORT_ERRORS.match(message.english())
        assert (found.id, found.english()) == (message.id, message.english())


def test_a_cell_error_reads_back_with_the_cell_s_text_as_it_was_written():
    assert IMPORT_ERRORS.match("“12.5.1” is not a number: write it like 12.50 (not negative, no thousands "
                               "separator).").params == (("text", "12.5.1"),)
    assert IMPORT_ERRORS.match("Refresher Due Period is Days, but Refresher Due is blank: give both, or "
                               "neither.").params == (("unit", "Refresher Due Period"), ("written", "Days"),
                                                      ("amount", "Refresher Due"))


# --- expiration explanations (decision 111) ----------------------------------------------------------------------

YEAR, MONTH, WEEK = Period(1, "years"), Period(1, "months"), Period(1, "weeks")


def _policy(**settings) -> TrackingPolicy:
    return TrackingPolicy(**{"expires": True, "duration": YEAR, "first_notice": MONTH, "second_notice": WEEK,
                             **settings})


def _shape(message: Message) -> tuple:
    """A message's ids, nested, and its other parts as the English writes them."""
    return (message.id, tuple((name, _shape(value) if isinstance(value, Message) else english_part(value))
                              for name, value in message.params))


REFRESHER = _policy(duration=Period(2, "years"), extend_to="year")
EXPLAINED = [
    (_policy(), date(2026, 7, 1), None, None),
    (_policy(extend_to="month"), date(2025, 10, 17), None, None),
    (_policy(forced_expiration=date(2025, 7, 1)), date(2025, 11, 13), None, None),
    (_policy(existing_window_opens="first_notice", existing_grace=Period(2, "weeks")), date(2026, 6, 10),
     date(2026, 7, 1), None),
    (_policy(existing_window_opens="second_notice"), date(2026, 6, 28), date(2026, 7, 1), None),
    (_policy(existing_window_opens=Period(3, "days")), date(2026, 6, 29), date(2026, 7, 1), None),
    (_policy(refresher=REFRESHER), date(2026, 3, 10), date(2026, 7, 1), None),
    (_policy(existing_window_opens="first_notice", refresher=REFRESHER), date(2026, 6, 10), date(2026, 7, 1), None),
    (_policy(), date(9999, 3, 1), None, None),
    (_policy(extend_to="year"), date(9999, 3, 1), None, None),
    (_policy(expiry_as_printed=True), date(2026, 3, 1), None, date(2028, 1, 31)),
    (TrackingPolicy(), date(2026, 3, 1), None, None),
]


@pytest.mark.parametrize("policy, completed, existing, printed", EXPLAINED)
def test_every_explanation_the_rules_give_reads_back_as_its_message(policy, completed, existing, printed):
    why = expiration_for(policy, completed, existing, printed_expiration=printed).why
    assert _shape(EXPLANATIONS.match(why.english())) == _shape(why)
    over = set_by(date(2030, 1, 31), "Ana García (Site 2)", why)
    assert _shape(EXPLANATIONS.match(over.english())) == _shape(over)


def test_imported_and_typed_explanations_read_back():
    assert EXPLANATIONS.match("Never expires, as imported.") == Message("Never expires, as imported.")
    assert EXPLANATIONS.match("03/31/2027 as imported") == Message("%(expires)s as imported",
                                                                   (("expires", date(2027, 3, 31)),))
    assert EXPLANATIONS.match("01/01/0001 set by Sam") == Message(
        "%(expires)s set by %(person)s", (("expires", date(1, 1, 1)), ("person", "Sam")))


def test_dates_and_counts_are_read_back_to_be_written_in_the_reader_s_order_and_plural_forms():
    found = EXPLANATIONS.match("07/01/2027 = completed 07/01/2026 + 1 year")
    assert found.params[0] == ("expires", date(2027, 7, 1))
    assert found.params[1][1].params == (("completed", date(2026, 7, 1)), ("duration", Counted(1, "years")))


@pytest.mark.parametrize("text", [
    "Set by hand",  # an older version's words
    "13/45/2026 = completed 07/01/2026 + 1 year",  # not a date
    "07/01/2027 = completed 07/01/2026 + 1 fortnight",  # not a unit
    "07/01/2027 = completed 07/01/2026 plus 1 year",  # a how the rules never wrote
    "07/01/2027 set by",
])
def test_an_explanation_the_rules_did_not_write_is_none(text):
    assert EXPLANATIONS.match(text) is None
