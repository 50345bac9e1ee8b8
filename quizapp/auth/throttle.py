"""Slowing down password guessing without letting anyone lock a member out.

Failed logins are counted per account, per client address and per trusted device, in the
database (``LoginThrottle``), so every app node sees the same counts. A limit such as ``"5 per 1 minute"`` allows that many
failures; the last of them starts a wait of the window (1 minute), and each further failure
doubles it (2, 4, 8 … minutes, at most ``LOGIN_THROTTLE_MAX_WAIT``). Counts are forgotten after a
quiet spell that begins when the wait ends: the window for an address (an office behind one
public address should not carry a morning's typos all day), ``LOGIN_THROTTLE_ACCOUNT_MEMORY``
for an account and a device.

A device that has logged in to an account before carries a signed cookie naming the person
(OWASP's "device cookie" against brute force). From such a device a login is counted against
the device alone, never against the account or the address, so an attacker guessing a member's
number slows down only themselves, while the owner's phone still gets in.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quizapp.models import LoginThrottle
from quizapp.sql import insert_for

DEVICE_COOKIE = "quizapp_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
_DEVICE_SALT = "quizapp-login-device"
ACCOUNT, ADDRESS, DEVICE = "account:", "address:", "device:"


@dataclass(frozen=True)
class Policy:
    """How many failures a key gets, the first wait, the longest wait and the memory (seconds)."""

    free: int
    window: float
    max_wait: float
    memory: float


def policy(limit: str, *, max_wait: float, memory: float | None = None) -> Policy:
    """A policy from a limit in the ``limits`` package's notation (``"5 per 1 minute"``); ``memory`` defaults to
    the window."""
    item = parse(limit)
    window = float(item.get_expiry())
    return Policy(free=item.amount, window=window, max_wait=max(max_wait, window),
                  memory=window if memory is None else memory)


def now() -> float:
    """The current Unix time (one place, so tests can move the clock)."""
    return time.time()


def wait_seconds(session: Session, keys: Sequence[str], at: float) -> float:
    """Seconds until every one of ``keys`` may try again (0 when none is waiting)."""
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    return max((row.locked_until - at for row in rows
                if row.locked_until is not None and row.locked_until > at), default=0.0)


def wait_minutes(seconds: float) -> int:
    """Whole minutes to show for a wait ("请 N 分钟后再试"), at least 1."""
    return max(1, math.ceil(seconds / 60))


def record_failure(session: Session, key: str, rule: Policy, at: float,
                   address: str | None) -> LoginThrottle:
    """Count one failed login for ``key``; start or lengthen its wait. Flushes."""
    session.execute(insert_for(session, LoginThrottle)
                    .values(key=key, failures=0, last_failure_at=at)
                    .on_conflict_do_nothing(index_elements=["key"]))
    row = session.scalars(
        select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
        .execution_options(populate_existing=True)).one()
    quiet_since = max(row.last_failure_at, row.locked_until or 0.0)
    if at - quiet_since > rule.memory:
        row.failures, row.locked_until = 0, None
    row.failures += 1
    row.last_failure_at = at
    row.last_address = address
    if row.failures >= rule.free:
        doubling = min(row.failures - rule.free, 40)
        row.locked_until = at + min(rule.window * 2 ** doubling, rule.max_wait)
    session.flush()
    return row


def forget_if_never_locked(session: Session, key: str) -> None:
    """After a successful login: forget the key's few failures (typos), but keep a wait that
    someone's guessing earned, so a login in between does not reset the attacker's count."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key,
                                                LoginThrottle.locked_until.is_(None)))


def forget(session: Session, key: str) -> None:
    """Forget every failure counted for ``key`` (a trusted device that got in)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def prune(session: Session, before: float) -> None:
    """Delete counts whose last failure is older than ``before`` (Unix seconds): pass a time
    beyond the longest wait plus the longest memory, so nothing still counting goes."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < before))


def waiting(session: Session, at: float) -> list[LoginThrottle]:
    """Accounts and addresses waiting now, the longest wait first."""
    return list(session.scalars(
        select(LoginThrottle)
        .where(LoginThrottle.locked_until > at,
               LoginThrottle.key.startswith(ACCOUNT) | LoginThrottle.key.startswith(ADDRESS))
        .order_by(LoginThrottle.locked_until.desc(), LoginThrottle.key)))


def clear(session: Session, key: str) -> bool:
    """An admin ends the wait of ``key`` and its count; False if there was none."""
    return session.execute(delete(LoginThrottle).where(LoginThrottle.key == key)).rowcount > 0


# --- the device cookie ---

def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_DEVICE_SALT)


def device_cookie_value(secret_key: str, person_id: int, nonce: str | None = None) -> str:
    """A signed cookie value naming the person and this device (a random nonce)."""
    return _serializer(secret_key).dumps({"p": person_id, "n": nonce or secrets.token_urlsafe(16)})


def read_device_cookie(secret_key: str, value: str | None) -> tuple[int, str] | None:
    """(person id, nonce) of a genuine device cookie, or None."""
    if not value:
        return None
    try:
        data = _serializer(secret_key).loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) \
            or not isinstance(data.get("n"), str):
        return None
    return data["p"], data["n"]
