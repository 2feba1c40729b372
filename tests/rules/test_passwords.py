"""What a new password must be: 12 characters or more and not a common password; nothing else."""
import pytest

from webapp.rules.passwords import password_problem


@pytest.mark.parametrize("password", ["a" * 11, "short"])
def test_fewer_than_12_characters_is_refused(password):
    assert password_problem(password).english() == "Use at least 12 characters."


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "Password1234", "PASSWORD1234"])
def test_common_passwords_are_refused_in_any_case(password):
    assert "most common" in password_problem(password).english()


@pytest.mark.parametrize("password", ["no digits or capitals", "lowercase only words", "correct horse battery staple", "fieldcert-demo"])
def test_no_composition_rules(password):
    assert password_problem(password) is None


def test_very_long_passwords_are_refused():
    assert password_problem("x" * 201).english() == "Use at most 200 characters."
