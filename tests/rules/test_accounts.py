"""Decisions 17 and 18: changing someone's e-mail address, and the hold on password resets after it."""
from datetime import datetime, timedelta, timezone

from webapp.rules.accounts import may_change_email, reset_held, reset_hold_after_email_change

NOW = datetime(2026, 6, 15, 9, tzinfo=timezone.utc)
SUPERVISOR = {"view_supervised_users", "edit_supervised_accounts"}
ADMINISTRATOR = SUPERVISOR | {"manage_settings", "manage_module_levels"}


def test_only_someone_holding_every_permission_of_the_person_may_change_their_address():
    assert may_change_email(SUPERVISOR, {"view_supervised_users"}, own=False)
    assert may_change_email(SUPERVISOR, SUPERVISOR, own=False)
    assert not may_change_email(SUPERVISOR, ADMINISTRATOR, own=False)
    assert not may_change_email(SUPERVISOR, {"view_own_certifications"}, own=False)
    assert may_change_email(set(), ADMINISTRATOR, own=True)


def test_resets_are_held_a_day_after_someone_other_than_an_administrator_changed_the_address():
    held_until = reset_hold_after_email_change(NOW, own=False, by_administrator=False)
    assert held_until == NOW + timedelta(hours=24)
    assert reset_held(held_until, NOW + timedelta(hours=23, minutes=59))
    assert not reset_held(held_until, NOW + timedelta(hours=24))
    assert reset_hold_after_email_change(NOW, own=True, by_administrator=False) is None
    assert reset_hold_after_email_change(NOW, own=False, by_administrator=True) is None
    assert not reset_held(None, NOW)
