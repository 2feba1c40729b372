"""Stored English texts read back as the messages they were written from (decision 103)."""
from datetime import date

from webapp.rules.messages import Message
from webapp.rules.stored_texts import AUDIT_SUMMARIES, IMPORT_ERRORS, StoredTexts


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
