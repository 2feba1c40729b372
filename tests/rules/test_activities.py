"""Rules of activities: form answers, quiz marks and webhook signatures."""
from datetime import UTC, date, datetime

import pytest

from webapp.rules.activities import (
    NEVER_COMPLETED,
    WEBHOOK_TOLERANCE_SECONDS,
    FieldSpec,
    activity_notice_date,
    check_answer,
    check_webhook,
    mark_quiz,
    webhook_signature,
)
from webapp.rules.dates import date_order

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


def _check(kind, raw, required=True, submit=True, choices=()):
    return check_answer(FieldSpec("1", "Field", kind, required, tuple(choices)), raw, signer_name="Emma Employee",
                        for_submission=submit)


@pytest.mark.parametrize("kind, raw, expected", [
    ("text", "  hello ", "hello"),
    ("number", "12.50", "12.50"),
    ("date", "06/01/2026", "2026-06-01"),
    ("date", "2026-06-01", "2026-06-01"),
    ("choice", "Good", "Good"),
    ("checkbox", "y", True),
    ("signature", "emma  EMPLOYEE", "emma  EMPLOYEE"),
])
def test_good_answers_are_kept(kind, raw, expected):
    assert _check(kind, raw, choices=("Good", "Worn")) == (expected, None)


@pytest.mark.parametrize("kind, raw, message", [
    ("text", "", "is required"),
    ("checkbox", None, "Tick"),
    ("number", "twelve", "must be a number"),
    ("number", "NaN", "must be a number"),
    ("date", "31/31/2026", "“Field”: There is no such day: 31/31/2026."),
    ("date", "06/01/26", "“Field”: Enter the year with four digits, as MM/DD/YYYY."),
    ("date", "0002-06-01", "“Field”: Enter a date from 01/01/1900 to 12/31/2100."),
    ("choice", "Flat", "Choose one of the options"),
    ("signature", "Someone Else", "Emma Employee"),
])
def test_bad_answers_are_refused(kind, raw, message):
    _, refusal = _check(kind, raw, choices=("Good", "Worn"))
    assert refusal is not None and message in refusal


def test_a_draft_may_leave_required_answers_empty_but_not_malformed():
    assert _check("text", "", submit=False) == (None, None)
    assert _check("checkbox", None, submit=False) == (False, None)
    assert _check("number", "x", submit=False)[1] is not None


@pytest.mark.parametrize("answers, pass_mark, percent, passed", [
    ([1, 0], 100, 100, True),
    ([1, 1], 100, 50, False),
    ([1, 1], 50, 50, True),
    ([1, None], None, 50, False),
])
def test_quiz_is_marked_against_the_pass_mark(answers, pass_mark, percent, passed):
    result = mark_quiz([1, 0], answers, pass_mark)
    assert (result.percent, result.passed) == (percent, passed)


def test_a_signed_fresh_delivery_is_accepted():
    body = b'{"delivery_id": "1"}'
    timestamp = str(int(NOW.timestamp()))
    assert check_webhook("s", timestamp, "sha256=" + webhook_signature("s", timestamp, body), body, NOW) is None


@pytest.mark.parametrize("secret, timestamp_offset, tamper, message", [
    ("other", 0, False, "signature does not match"),
    ("s", 0, True, "signature does not match"),
    ("s", -(WEBHOOK_TOLERANCE_SECONDS + 1), False, "too old"),
    ("s", WEBHOOK_TOLERANCE_SECONDS + 1, False, "too old"),
])
def test_bad_signature_tampered_body_or_old_timestamp_is_refused(secret, timestamp_offset, tamper, message):
    body = b'{"delivery_id": "1"}'
    timestamp = str(int(NOW.timestamp()) + timestamp_offset)
    signature = webhook_signature(secret, timestamp, body)
    sent = body + b" " if tamper else body
    assert message in check_webhook("s", timestamp, signature, sent, NOW)


def test_missing_headers_are_refused():
    assert "no timestamp or signature" in check_webhook("s", None, None, b"{}", NOW)
    assert "whole seconds" in check_webhook("s", "yesterday", "x", b"{}", NOW)


@pytest.mark.parametrize(("activity", "revision_date", "expires_on", "key"), [
    ("document", date(2026, 6, 1), None, date(2026, 6, 1)),  # once per revision
    ("document", date(2026, 6, 12), date(2027, 1, 1), date(2026, 6, 12)),
    ("form", None, None, NEVER_COMPLETED),  # never completed: once
    ("form", None, date(2026, 5, 1), date(2026, 5, 1)),  # expired: once per expiration
])
def test_the_activity_notice_key_makes_it_once_per_revision_or_cycle(activity, revision_date, expires_on, key):
    assert activity_notice_date(activity, revision_date=revision_date, expires_on=expires_on) == key


def test_a_date_answer_is_read_in_the_persons_order():
    spec = FieldSpec("1", "Birth date", "date", True, ())
    assert check_answer(spec, "04/05/1990", signer_name="E", for_submission=True, order=date_order("dd/MM/y")) == (
        "1990-05-04", None)
    assert check_answer(spec, "04/05/1990", signer_name="E", for_submission=True) == ("1990-04-05", None)
