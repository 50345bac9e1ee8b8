"""Authentication rules: finding an account, checking and changing passwords.

Services take plain arguments, flush nothing themselves unless stated, and
raise ``AuthError`` subclasses whose message is shown to the user as is.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.auth.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from quizapp.models import Person

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
_PHONE_RE = re.compile(r"1\d{10}")
_PHONE_PREFIXES = ("+86", "0086")


class AuthError(Exception):
    """A user-facing authentication failure; ``str(error)`` is the message."""


class InvalidCredentials(AuthError):
    """Unknown account or wrong password: deliberately indistinguishable."""

    def __init__(self) -> None:
        super().__init__("账号或密码错误")


class AccountDisabled(AuthError):
    """The password is right but the account has been deactivated."""

    def __init__(self) -> None:
        super().__init__("该账号已停用，请联系管理员")


class WrongCurrentPassword(AuthError):
    """The current password given on the change form is wrong."""

    def __init__(self) -> None:
        super().__init__("当前密码不正确")


class WeakPassword(AuthError):
    """A new password breaks one of the password rules."""


def normalize_phone(raw: str | None) -> str | None:
    """A mainland mobile number as 11 digits, or None if ``raw`` is not one.

    Spaces and hyphens are ignored and a +86 / 0086 prefix is dropped.
    """
    if raw is None:
        return None
    digits = re.sub(r"[\s\-]", "", raw)
    for prefix in _PHONE_PREFIXES:
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits if _PHONE_RE.fullmatch(digits) else None


def normalize_member_no(raw: str | None) -> str | None:
    """A party member number without whitespace, upper-cased; None if empty."""
    if raw is None:
        return None
    value = re.sub(r"\s", "", raw).upper()
    return value or None


def find_person_by_account(session: Session, account: str) -> Person | None:
    """The person whose phone number or member number is ``account``.

    A phone number is tried first when ``account`` looks like one.
    """
    phone = normalize_phone(account)
    if phone is not None:
        person = session.scalar(select(Person).where(Person.phone == phone))
        if person is not None:
            return person
    member_no = normalize_member_no(account)
    if member_no is None:
        return None
    return session.scalar(select(Person).where(Person.member_no == member_no))


def authenticate(session: Session, account: str, password: str) -> Person:
    """Return the person for valid credentials or raise an AuthError.

    Unknown accounts cost as much time as wrong passwords and raise the same
    InvalidCredentials. Upgrades an outdated hash in place (caller commits).
    """
    person = find_person_by_account(session, account)
    if person is None:
        burn_verification_time(password)
        raise InvalidCredentials()
    if not verify_password(person.password_hash, password):
        raise InvalidCredentials()
    if not person.active:
        raise AccountDisabled()
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    return person


def check_password_rules(person: Person, password: str) -> None:
    """Raise WeakPassword unless ``password`` is acceptable for ``person``."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"密码长度应为 {MIN_PASSWORD_LENGTH} 到 {MAX_PASSWORD_LENGTH} 个字符"
        )
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise WeakPassword("密码须同时包含字母和数字")
    if password in {person.phone, person.member_no}:
        raise WeakPassword("密码不能与手机号或党员编号相同")


def set_password(person: Person, password: str, *, must_change: bool) -> None:
    """Store a new password and end the person's other sessions.

    No rules are checked: use for passwords issued by an administrator.
    """
    person.password_hash = hash_password(password)
    person.must_change_password = must_change
    person.auth_version += 1


def change_password(person: Person, current: str, new: str) -> None:
    """A person changes their own password, which clears must_change_password."""
    if not verify_password(person.password_hash, current):
        raise WrongCurrentPassword()
    if new == current:
        raise WeakPassword("新密码不能与当前密码相同")
    check_password_rules(person, new)
    set_password(person, new, must_change=False)
