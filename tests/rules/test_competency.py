"""Competency certificates (decision 37): expiration and status."""
from datetime import date

import pytest

from webapp.rules import Period, Status
from webapp.rules.competency import competency_certificate_expiration, competency_status

TWO_YEARS, MONTH = Period(2, "years"), Period(1, "months")


@pytest.mark.parametrize("completed_on, duration, expires_on", [
    (date(2026, 6, 15), TWO_YEARS, date(2028, 6, 15)),
    (date(2024, 2, 29), Period(1, "years"), date(2025, 2, 28)),
    (date(2026, 6, 15), None, None),
    (date(9999, 6, 1), TWO_YEARS, None),
])
def test_competency_certificate_expiration(completed_on, duration, expires_on):
    assert competency_certificate_expiration(completed_on, duration) == expires_on


DAY = date(2026, 6, 15)


@pytest.mark.parametrize("completed_on, expires_on, lead_time, status", [
    (None, None, MONTH, Status.MISSING),
    (date(2026, 7, 1), date(2028, 7, 1), MONTH, Status.UPCOMING),
    (date(2025, 1, 1), None, None, Status.VALID),
    (date(2024, 7, 16), date(2026, 7, 16), MONTH, Status.VALID),
    (date(2024, 7, 15), date(2026, 7, 15), MONTH, Status.DUE),
    (date(2024, 6, 16), date(2026, 6, 16), MONTH, Status.DUE),
    (date(2024, 6, 15), date(2026, 6, 15), MONTH, Status.EXPIRED),
    (date(2024, 6, 16), date(2026, 6, 16), None, Status.VALID),
    (date(1, 1, 1), date(1, 1, 20), MONTH, Status.EXPIRED),
])
def test_competency_status(completed_on, expires_on, lead_time, status):
    assert competency_status(DAY, completed_on, expires_on, lead_time) is status


def test_a_lead_time_reaching_before_the_calendar_warns_at_once():
    assert competency_status(date(1, 1, 5), date(1, 1, 1), date(1, 1, 20), MONTH) is Status.DUE
