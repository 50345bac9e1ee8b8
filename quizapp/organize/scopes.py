"""Scopes for ``role_required`` and the small request helpers the bank views share.

A scope returns the unit of the speech a URL acts on, so that only organizers (and admins)
of that unit's subtree get through; anything else is 403, a missing object 404.
"""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, redirect, request
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.redirects import is_safe_next
from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionReport, Speech
from quizapp.auth.access import managed_unit_ids


def speech_scope(speech_id: int, **_: object) -> int:
    speech = db.session.get(Speech, speech_id)
    if speech is None:
        abort(404)
    return speech.unit_id


def question_scope(question_id: int, **_: object) -> int:
    question = db.session.get(BankQuestion, question_id)
    if question is None:
        abort(404)
    return question.speech.unit_id


def report_scope(report_id: int, **_: object) -> int:
    report = db.session.get(QuestionReport, report_id)
    if report is None:
        abort(404)
    return report.question.speech.unit_id


def my_unit_ids() -> set[int]:
    """The units the current organizer manages."""
    return managed_unit_ids(db.session, current_user._get_current_object())


def require_speech_in(unit_ids: set[int], speech_id: int | None) -> None:
    """403 when a filter names a speech outside the organizer's units (404 if there is none)."""
    if speech_id is None:
        return
    speech = db.session.get(Speech, speech_id)
    if speech is None:
        abort(404)
    if speech.unit_id not in unit_ids:
        abort(403)


def back_to(default: str) -> Response:
    """Redirect to the form's (or query's) ``next`` when it is a path on this site."""
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_safe_next(target) else default)


def stash_folder() -> Path:
    """Where workbooks wait between an import's dry run and its confirmation."""
    configured = current_app.config.get("BANK_IMPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "bank_imports"
