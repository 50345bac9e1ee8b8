"""Flask-Login wiring: login sessions kept in the database, one row per login.

The session cookie (and the remember-me cookie) carries ``"<person id>:<auth_version>:<token>"``;
the ``login_session`` table keeps the token's SHA-256. Logging out deletes the row, so a copied
cookie stops working at logout; a password change bumps ``auth_version`` and so ends every session.

A row's ``expires_at`` is the one expiry every check reads (``load_person`` and, in SQL, the
autosave's ``live_login``). A login with 记住我 lasts ``REMEMBER_COOKIE_DURATION`` from the login.
One without ends after ``LOGIN_IDLE_TIMEOUT`` without a request and ``LOGIN_MAX_AGE`` after the
login at the latest: its expiry starts at the idle timeout, and ``slide_login`` moves it on
(``_SLIDE``) before a request at most every ``LOGIN_SLIDE_INTERVAL``, so the idle time counts
from a request at most that long ago. When the move is due is kept in the signed session cookie
(``SLIDE_DUE``), so it costs no statement per request and none per worker: the quick autosave,
which loads no person, moves it as every other request does. The expiry stops moving once
another idle timeout would pass the day's cap, so it never lies beyond it. A session cookie
without ``SLIDE_DUE`` (记住我, a login restored from the remember cookie, a login from before
this rule) never moves its expiry.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import BindParameter, Exists, bindparam, delete, select, update
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


# Moves a login's expiry to ``idle_end`` (now + the idle timeout): only forward, only while it
# is live, and only while the login is young enough that the new expiry stays within the day's
# cap (``born_after`` = idle_end - the cap). A 记住我 login's expiry lies weeks ahead: never moved.
_SLIDE = (
    update(LoginSession)
    .where(LoginSession.token_hash == bindparam("digest"),
           LoginSession.expires_at > bindparam("now"),
           LoginSession.expires_at < bindparam("idle_end"),
           LoginSession.created_at >= bindparam("born_after"))
    .values(expires_at=bindparam("idle_end"))
)
# Session key: when (POSIX seconds) the next request should move the login's expiry.
SLIDE_DUE = "_login_slide_due"


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


def open_session(db_session: Session, person: Person, *, remember: bool,
                 device: str | None = None) -> None:
    """Log ``person`` in with a new login session (committed) and a fresh cookie.

    ``device`` names the device for the member's list of logins (``auth.devices``).

    Whatever the browser's session held before (a CSRF token, flashed messages) is dropped, so
    nothing planted before the login carries over into it.
    """
    config = current_app.config
    now = utcnow()
    token = secrets.token_urlsafe(32)
    lifetime = (config["REMEMBER_COOKIE_DURATION"] if remember
                else min(config["LOGIN_IDLE_TIMEOUT"], config["LOGIN_MAX_AGE"]))
    db_session.execute(delete(LoginSession).where(
        LoginSession.person_id == person.id, LoginSession.expires_at <= now))
    db_session.add(LoginSession(person_id=person.id, token_hash=_digest(token), created_at=now,
                                expires_at=now + lifetime, device=device))
    db_session.commit()
    person.login_token = token  # type: ignore[attr-defined]
    session.clear()
    login_user(person, remember=remember)
    if not remember:
        session[SLIDE_DUE] = _next_slide(now)


def slide_login() -> None:
    """``before_request``: move the expiry of a login without 记住我 on, if due (see the module).

    Runs before anything else reads the database, in a short transaction of its own.
    """
    due = session.get(SLIDE_DUE)
    if not isinstance(due, (int, float)):
        return
    now = utcnow()
    if now.timestamp() < due:
        return
    claim = parse_session_id(session.get("_user_id"))
    if claim is None:
        return
    config = current_app.config
    idle_end = now + config["LOGIN_IDLE_TIMEOUT"]
    with db.engine.begin() as connection:
        connection.execute(_SLIDE, {"digest": claim.digest, "now": now, "idle_end": idle_end,
                                    "born_after": idle_end - config["LOGIN_MAX_AGE"]})
    session[SLIDE_DUE] = _next_slide(now)


def _next_slide(now: datetime) -> float:
    """When (POSIX seconds) a request should next move the expiry: ``LOGIN_SLIDE_INTERVAL``
    from ``now``, and within a quarter of the idle timeout, so a short one is moved in time."""
    config = current_app.config
    return (now + min(config["LOGIN_SLIDE_INTERVAL"], config["LOGIN_IDLE_TIMEOUT"] / 4)).timestamp()


def current_digest() -> str | None:
    """The SHA-256 of the current login's token (to mark "this device"), or None."""
    token = getattr(current_user, "login_token", None)
    return _digest(token) if token else None


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
    app.before_request(slide_login)  # before any hook that loads the person
