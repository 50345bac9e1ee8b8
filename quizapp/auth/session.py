"""Flask-Login wiring: login sessions kept in the database, one row per login.

The session cookie (and the remember-me cookie) carries ``"<person id>:<auth_version>:<token>"``;
the ``login_session`` table keeps the token's SHA-256. Logging out deletes the row, so a copied
cookie stops working at logout; a password change bumps ``auth_version`` and so ends every session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import BindParameter, Exists, bindparam, delete, select
from sqlalchemy.orm import Session

from quizapp.extensions import db, login_manager
from quizapp.models import LoginSession, Person
from quizapp.models.base import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Run on every request of a logged-in person: built once, with the values bound per call.
_LIVE_SESSION_PERSON = (
    select(Person)
    .join(LoginSession, LoginSession.person_id == Person.id)
    .where(Person.id == bindparam("person_id"), LoginSession.token_hash == bindparam("digest"),
           LoginSession.expires_at > bindparam("now"))
)


@dataclass(frozen=True)
class LoginClaim:
    """What a session id claims: checked against ``login_session`` before it is believed."""

    person_id: int
    auth_version: int
    token: str

    @property
    def digest(self) -> str:
        return _digest(self.token)


def parse_session_id(session_id: object) -> LoginClaim | None:
    """The claim of ``"<person id>:<auth_version>:<token>"``, or None when it is malformed."""
    if not isinstance(session_id, str):
        return None
    person_id, version, token = (session_id.split(":") + ["", ""])[:3]
    if not (person_id + version).isascii() or not person_id.isdigit() or not version.isdigit():
        return None
    if not token or len(token) > 100:
        return None
    return LoginClaim(int(person_id), int(version), token)


def live_login(person_id: BindParameter[int], now: BindParameter[datetime]) -> Exists:
    """SQL true when a claim's login is live, as ``load_person`` decides it, and its person
    owes no forced password change: for one statement that checks the login and does its work
    in one round trip (the autosave's). Binds ``claim_version`` and ``claim_digest`` besides
    the two given."""
    return (
        select(LoginSession.id)
        .join(Person, LoginSession.person_id == Person.id)
        .where(Person.id == person_id, Person.active.is_(True),
               Person.must_change_password.is_(False),
               Person.auth_version == bindparam("claim_version"),
               LoginSession.token_hash == bindparam("claim_digest"),
               LoginSession.expires_at > now)
        .exists()
    )


def load_person(session_id: str) -> Person | None:
    """The person of a live login session, or None (which logs the request out).

    None for a malformed id, a token without a row (logged out) or past its expiry, a stale
    auth_version (the password changed since) and a deactivated account. (The autosave checks
    the same in SQL: ``quiz.autosave``.)
    """
    claim = parse_session_id(session_id)
    if claim is None:
        return None
    person = db.session.scalar(
        _LIVE_SESSION_PERSON,
        {"person_id": claim.person_id, "digest": claim.digest, "now": utcnow()},
    )
    if person is None or not person.active or person.auth_version != claim.auth_version:
        return None
    person.login_token = claim.token  # type: ignore[attr-defined]
    return person


def open_session(db_session: Session, person: Person, *, remember: bool) -> None:
    """Log ``person`` in with a new login session (committed) and a fresh cookie.

    Whatever the browser's session held before (a CSRF token, flashed messages) is dropped, so
    nothing planted before the login carries over into it.
    """
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db_session.execute(delete(LoginSession).where(
        LoginSession.person_id == person.id, LoginSession.expires_at <= now))
    db_session.add(LoginSession(person_id=person.id, token_hash=_digest(token), created_at=now,
                                expires_at=now + current_app.config["REMEMBER_COOKIE_DURATION"]))
    db_session.commit()
    person.login_token = token  # type: ignore[attr-defined]
    session.clear()
    login_user(person, remember=remember)


def close_session(db_session: Session) -> None:
    """Log the current person out and delete their login session (committed)."""
    token = getattr(current_user, "login_token", None)
    if current_user.is_authenticated and token:
        db_session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
        db_session.commit()
    logout_user()
    session.clear()


def init_login_manager(app: Flask) -> None:
    """Bind Flask-Login to ``app`` with the Chinese login prompts."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.user_loader(load_person)
