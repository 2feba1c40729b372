"""Decisions 23 and 24: which single sign-on identities may sign in, and who may use a password."""
import pytest

from webapp.rules.single_sign_on import allowed_domains, identity_refusal, password_sign_in_allowed


def test_allowed_domains_are_read_loosely():
    assert allowed_domains(" Example.org, @crew.example.org ,,") == {"example.org", "crew.example.org"}
    assert allowed_domains("") == frozenset()


def test_a_verified_address_in_any_domain_signs_in_when_none_are_listed():
    assert identity_refusal("erin@example.org", True, frozenset()) is None


@pytest.mark.parametrize("email", [None, "", "no-at-sign"])
def test_no_usable_address_is_refused(email):
    assert "no e-mail address" in identity_refusal(email, True, frozenset())


@pytest.mark.parametrize("verified", [False, None, "true", 1])
def test_only_a_verified_flag_of_exactly_true_counts(verified):
    assert "not verified" in identity_refusal("erin@example.org", verified, frozenset())


def test_entra_domain_ownership_stands_in_only_for_a_missing_verified_flag():
    assert identity_refusal("erin@example.org", None, frozenset(), domain_owner_verified=True) is None
    assert identity_refusal("erin@example.org", False, frozenset(), domain_owner_verified=True) is not None
    assert identity_refusal("erin@example.org", None, frozenset(), domain_owner_verified="true") is not None
    assert identity_refusal("erin@example.org", None, frozenset()) is not None


def test_listed_domains_are_matched_whole_and_in_any_case():
    domains = allowed_domains("example.org")
    assert identity_refusal("erin@EXAMPLE.org", True, domains) is None
    assert "Addresses at evilexample.org may not sign in" in identity_refusal("erin@evilexample.org", True, domains)
    assert "Addresses at sub.example.org may not sign in" in identity_refusal("erin@sub.example.org", True, domains)


def test_password_sign_in_for_administrators_only():
    assert password_sign_in_allowed("on", administrator=False)
    assert password_sign_in_allowed("admins-only", administrator=True)
    assert not password_sign_in_allowed("admins-only", administrator=False)
