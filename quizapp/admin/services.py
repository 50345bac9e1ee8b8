"""Administrative writes on accounts."""

from __future__ import annotations

import secrets

from quizapp.auth.services import set_password
from quizapp.models import Person

# No 0/O, 1/l/I: temporary passwords are read aloud or copied by hand.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMP_PASSWORD_LENGTH = 10


def generate_temporary_password() -> str:
    """A random password with letters and digits, easy to read out."""
    while True:
        password = "".join(
            secrets.choice(_TEMP_ALPHABET) for _ in range(TEMP_PASSWORD_LENGTH)
        )
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def reset_password(person: Person) -> str:
    """Give ``person`` a new temporary password and return it.

    The person must change it at next login, and every existing session of
    theirs (including remember-me cookies) ends. The caller commits.
    """
    password = generate_temporary_password()
    set_password(person, password, must_change=True)
    return password
