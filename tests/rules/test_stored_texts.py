"""Stored English texts read back as the messages they were written from (decisions 103 and 110)."""
from datetime import date

import pytest

from webapp.rules import Period, TrackingPolicy, expiration_for
from webapp.rules.certification_columns import CELL_ERRORS, HEADERS, read_row
from webapp.rules.cells import NOT_YES_NO, read_yes_no
from webapp.rules.certifications import NAME_TOO_LONG, name_problem
from webapp.rules.dates import NO_SUCH_DAY, DateRange, read_date
from webapp.rules.entities import IDENTIFIER_MISSING, identifier_problem
from webapp.rules.expiration import set_by
from webapp.rules.import_errors import PAGE_SETTINGS_PROBLEMS, TRAINING_DATE
from webapp.rules.import_previews import (
    BLANK,
    CHANGED,
    ENTITY_LABEL,
    NONE,
    PREVIEW_TEXTS,
    RECORD_LABEL,
    REQUIRES,
    REQUIRES_REVOKED,
    SET,
    changed,
)
from webapp.rules.imported_records import NOT_A_STATUS, STATUS_HELP, read_record_status
from webapp.rules.messages import Counted, Message, english_part
from webapp.rules.people import NOT_ONE_LINE_FIELD, REFUSED, text_problem
from webapp.rules.stored_texts import AUDIT_SUMMARIES, EXPLANATIONS, IMPORT_ERRORS, IMPORT_PREVIEWS, StoredTexts


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


# A part read as a message of its own: written as one.
TYPED = {"problem": PAGE_SETTINGS_PROBLEMS[0], "words": STATUS_HELP, "refusal": NO_SUCH_DAY}


def test_every_message_reads_back_its_own_english():
    for texts in (AUDIT_SUMMARIES, IMPORT_ERRORS):
        for id_, _pattern in texts.patterns:
            names = StoredTexts((id_,)).patterns[0][1].groupindex
            written = Message(id_, tuple((name, TYPED.get(name, f"<{name}>")) for name in names)).english()
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


# --- the other import kinds' row errors, as their services store them (decision 111) ------------------------------

@pytest.mark.parametrize("stored, id_", [
    ("There is no such day: 02/30/2026.", "There is no such day: %(text)s."),
    ("Enter the date as MM/DD/YYYY.", "Enter the date as %(hint)s."),
    ("Write Yes or No (or Y/N, On/Off, True/False, 1/0), not maybe.",
     "Write Yes or No (or Y/N, On/Off, True/False, 1/0), not %(text)s."),
    ("'pending' is not a status a record can be imported with; use Approved (or blank) or Revoked: only records come "
     "in, never pending or declined submissions.", "'%(text)s' is not a status a record can be imported with; use %(words)s"),
    ("01/01/2020 is before the completion date 02/01/2020.", "%(expires)s is before the completion date %(completed)s."),
    ("Keep it to 5,000 characters or fewer.", "Keep it to %(limit)s characters or fewer."),
    ("No one has the username or e-mail address ghost.", "No one has the username or e-mail address %(name)s."),
    ("This person and certification are in the file twice (also row 4).",
     "This person and certification are in the file twice (also row %(row)s)."),
    ("Keep the name to 120 characters or fewer.", "Keep the name to %(limit)s characters or fewer."),
    ("There is no job location with the identifier JL-9.", "There is no job location with the identifier %(identifier)s."),
    ("The client Acme with this identifier is archived: restore it on its page first.",
     "The client %(name)s with this identifier is archived: restore it on its page first."),
    ("Keep the identifier to 80 characters.", "Keep the identifier to %(limit)s characters."),
    ("Crane is held by assets, not by people: choose an Employee certification.",
     "%(name)s is held by assets, not by people: choose an Employee certification."),
    ("Choose existing roles. Not known: Astronaut, Diver.", "Choose existing roles. Not known: %(names)s."),
    ("Also on row 3: each person needs their own e-mail.", "Also on row %(row)s: each person needs their own e-mail."),
    ("sam is inactive. Choose supervisors among the active users.",
     "%(name)s is inactive. Choose supervisors among the active users."),
    ("The header row does not match (missing: Name; not known: Nom). Start from the template.",
     "The header row does not match (missing: %(missing)s; not known: %(unknown)s). Start from the template."),
])
def test_the_other_kinds_row_errors_read_back_as_their_messages(stored, id_):
    found = IMPORT_ERRORS.match(stored)
    assert found.id == id_ and found.english() == stored


def test_the_shared_refusals_are_written_from_their_messages():
    with pytest.raises(ValueError) as refused:
        read_date("02/30/2026", DateRange(date(2000, 1, 1), date(2100, 12, 31)))
    assert IMPORT_ERRORS.match(str(refused.value)).id == NO_SUCH_DAY
    with pytest.raises(ValueError) as refused:
        read_yes_no("maybe")
    assert IMPORT_ERRORS.match(str(refused.value)).id == NOT_YES_NO
    with pytest.raises(ValueError) as refused:
        read_record_status("pending")
    assert IMPORT_ERRORS.match(str(refused.value).removeprefix("Status: ")).id == NOT_A_STATUS
    assert IMPORT_ERRORS.match(name_problem("x" * 201, 200)).id == NAME_TOO_LONG
    assert IMPORT_ERRORS.match(identifier_problem("", 80).english()).id == IDENTIFIER_MISSING


def test_a_role_s_training_date_refusal_reads_back_with_the_date_s_refusal_nested_in_it():
    found = IMPORT_ERRORS.match("Rigger: There is no such day: 02/30/2027.")
    assert found.id == TRAINING_DATE
    assert found.params == (("role", "Rigger"), ("refusal", Message(NO_SUCH_DAY, (("text", "02/30/2027"),))))


def test_a_person_s_text_refusals_and_the_shared_refusals_read_back_as_their_messages():
    assert IMPORT_ERRORS.match(text_problem("Job Title", "x" * 121, 120)).params == (("field", "job title"),
                                                                                     ("limit", "120"))
    assert IMPORT_ERRORS.match(text_problem("First Name", "Ana\tMaría", 80)).id == NOT_ONE_LINE_FIELD
    assert all(IMPORT_ERRORS.match(id_).id == id_ for id_ in REFUSED.values())


# --- an import's preview (decision 114) ---------------------------------------------------------------------------

PREVIEW_PARTS = {"before": Message(BLANK), "after": "Foreman", "value": Message(NONE), "day": date(2026, 1, 2),
                 "holder": Message(ENTITY_LABEL["asset"], (("name", "Forklift 1"), ("identifier", "FL-01")))}


@pytest.mark.parametrize("id_", PREVIEW_TEXTS)
def test_every_preview_text_reads_back_its_own_english(id_):
    names = StoredTexts((id_,)).patterns[0][1].groupindex
    written = Message(id_, tuple((name, PREVIEW_PARTS.get(name, f"<{name}>")) for name in names))
    assert _shape(IMPORT_PREVIEWS.match(written.english())) == _shape(written)


def test_a_preview_s_values_dates_and_holders_read_back_as_written():
    assert IMPORT_PREVIEWS.match("Asset Forklift 1 (FL-01): Annual Inspection, completed 01/02/2026") == Message(
        RECORD_LABEL, (("holder", Message(ENTITY_LABEL["asset"], (("name", "Forklift 1"), ("identifier", "FL-01")))),
                       ("certification", "Annual Inspection"), ("day", date(2026, 1, 2))))
    assert IMPORT_PREVIEWS.match("Emma Field (emma): First Aid, completed 06/20/2025").params[0] == (
        "holder", "Emma Field (emma)")
    assert IMPORT_PREVIEWS.match(changed("Job Title", "Welder", "", BLANK).english()) == changed(
        "Job Title", "Welder", "", BLANK)
    assert IMPORT_PREVIEWS.match("Job Title: Welder → Foreman").params == (
        ("column", "Job Title"), ("before", "Welder"), ("after", "Foreman"))
    assert IMPORT_PREVIEWS.match("Tags: none").params == (("column", "Tags"), ("value", Message(NONE)))


def test_the_most_literal_preview_text_wins():
    assert IMPORT_PREVIEWS.match("Requires Site Permit, revoked").id == REQUIRES_REVOKED
    assert IMPORT_PREVIEWS.match("Requires Site Permit").id == REQUIRES
    assert IMPORT_PREVIEWS.match("Duration: 1 → 2").id == CHANGED
    assert IMPORT_PREVIEWS.match("Responsible User: ada").id == SET
    assert IMPORT_PREVIEWS.match("Rigger") is None
