"""JSON endpoints of the answering page's script (static/js/quiz.js).

Every reply is JSON with ``ok`` and, on refusal, a Chinese ``message``. The
script sends the CSRF token in the ``X-CSRFToken`` header. No reply carries
any part of the answer key.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response

from quizapp.auth.decorators import password_change_pending, role_required
from quizapp.auth.session import parse_session_id
from quizapp.extensions import db
from quizapp.models import AttemptItem, Role
from quizapp.quiz import autosave, queries, services
from quizapp.quiz.errors import AttemptClosed, AttemptNotFound, QuestionNotInAttempt, StaleSave
from quizapp.quiz.responses import BadResponse

MAX_SEQ = 2**53  # what a browser's Number holds exactly


def _refuse(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(ok=False, message=message, **extra), status


def _whole(value: Any, upper: int) -> bool:
    return type(value) is int and 1 <= value <= upper


def _save_request() -> tuple[int, int, Any] | None:
    """(question id, seq, response) of an autosave's JSON body, or None when it is malformed."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes ("silent" covers ValueError only)
        data = None
    if not isinstance(data, dict):
        return None
    question_id, seq = data.get("question_id"), data.get("seq")
    if not _whole(question_id, MAX_SEQ) or not _whole(seq, MAX_SEQ):
        return None
    return question_id, seq, data.get("response")


def save_answer(attempt_id: int) -> Response | tuple[Response, int]:
    """Autosave one answer: ``{"question_id", "response", "seq"}``.

    ``response`` is in display form (see ``quiz.responses``); ``seq`` is the
    client's sequence number, higher for every newer answer to the question.
    200 saved; 409 ``stale`` (a newer answer is stored) or ``closed``
    (submitted, abandoned, past the deadline); 404 not my attempt, or not a
    question of it; 400 a malformed request.

    On PostgreSQL a save that checks out is stored by ``autosave.quick_save`` (one statement
    that checks the login too); anything else goes the checked way (``_checked_save``), which
    gives every refusal.
    """
    claim = parse_session_id(session.get("_user_id"))
    wanted = _save_request() if claim is not None else None
    if wanted is not None:
        question_id, seq, shown = wanted
        saved = autosave.quick_save(claim, attempt_id, question_id, seq, shown)
        if saved is not None:
            return jsonify(ok=True, seq=saved.seq, position=saved.position)
    return _checked_save(attempt_id)


# The quick path saves only for a live login of the attempt's owner (a member's right) who owes
# no password change; the checked path applies both guards.
save_answer.required_roles = (Role.MEMBER,)  # type: ignore[attr-defined]
save_answer.checks_password_change = True  # type: ignore[attr-defined]


@role_required(Role.MEMBER)
def _checked_save(attempt_id: int) -> Response | tuple[Response, int]:
    pending = password_change_pending()
    if pending is not None:
        return pending
    wanted = _save_request()
    if wanted is None:
        return _refuse(400, "请求格式不正确")
    question_id, seq, shown = wanted
    try:
        saved = services.save_answer(db.session, current_user.id, attempt_id,
                                     shown=shown, question_id=question_id, seq=seq)
    except StaleSave as error:
        return _refuse(409, str(error), stale=True, seq=error.saved_seq)
    except AttemptClosed as error:
        return _refuse(409, str(error), closed=True)
    except (AttemptNotFound, QuestionNotInAttempt) as error:
        return _refuse(404, str(error))
    except BadResponse as error:
        return _refuse(400, str(error))
    db.session.commit()
    return jsonify(ok=True, seq=saved.seq, position=saved.position)


@role_required(Role.MEMBER)
def attempt_state(attempt_id: int) -> Response | tuple[Response, int]:
    """The attempt's status, each question's stored sequence number, and a fresh CSRF token
    (the script asks for it when a save is refused as expired)."""
    attempt = queries.owned_attempt(db.session, current_user.id, attempt_id)
    if attempt is None:
        return _refuse(404, "答题记录不存在")
    rows = db.session.execute(
        select(AttemptItem.question_id, AttemptItem.saved_seq)
        .where(AttemptItem.attempt_id == attempt_id)
    )
    response = jsonify(
        ok=True,
        status=attempt.status.value,
        csrf_token=generate_csrf(),
        saved={str(question_id): seq for question_id, seq in rows},
    )
    response.headers["Cache-Control"] = "no-store"
    return response
