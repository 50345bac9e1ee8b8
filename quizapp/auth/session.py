"""Flask-Login wiring: how a session id maps back to a person."""

from __future__ import annotations

from flask import Flask

from quizapp.extensions import db, login_manager
from quizapp.models import Person


def load_person(session_id: str) -> Person | None:
    """Load the person for a session id of the form ``"<id>:<auth_version>"``.

    A stale auth_version (the password changed since) or a deactivated account
    yields None, which logs the session out.
    """
    person_id, sep, version = session_id.partition(":")
    if not sep or not (person_id + version).isascii() or not person_id.isdigit() or not version.isdigit():
        return None
    person = db.session.get(Person, int(person_id))
    if person is None or not person.active or person.auth_version != int(version):
        return None
    return person


def init_login_manager(app: Flask) -> None:
    """Bind Flask-Login to ``app`` with the Chinese login prompts."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.user_loader(load_person)
