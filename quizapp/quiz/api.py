"""JSON endpoints of the answering page's script (static/js/quiz.js).

Every reply is JSON with ``ok`` and, on refusal, a Chinese ``message``. The
script sends the CSRF token in the ``X-CSRFToken`` header. No reply carries
any part of the answer key.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask import request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import AttemptItem, Role
from quizapp.quiz import queries, services
from quizapp.quiz.errors import AttemptClosed, AttemptNotFound, QuestionNotInAttempt, StaleSave
from quizapp.quiz.responses import BadResponse

MAX_SEQ = 2**53  # what a browser's Number holds exactly


def _refuse(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(ok=False, message=message, **extra), status


def _whole(value: Any, upper: int) -> bool:
    return type(value) is int and 1 <= value <= upper


@role_required(Role.MEMBER)
def save_answer(attempt_id: int) -> Response | tuple[Response, int]:
    """Autosave one answer: ``{"question_id", "response", "seq"}``.

    ``response`` is in display form (see ``quiz.responses``); ``seq`` is the
    client's sequence number, higher for every newer answer to the question.
    200 saved; 409 ``stale`` (a newer answer is stored) or ``closed``
    (submitted, abandoned, past the deadline); 404 not my attempt, or not a
    question of it; 400 a malformed request.
    """
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes ("silent" covers ValueError only)
        data = None
    if not isinstance(data, dict):
        return _refuse(400, "请求格式不正确")
    question_id, seq = data.get("question_id"), data.get("seq")
    if not _whole(question_id, MAX_SEQ) or not _whole(seq, MAX_SEQ):
        return _refuse(400, "请求格式不正确")
    try:
        saved = services.save_answer(db.session, current_user.id, attempt_id,
                                     shown=data.get("response"), question_id=question_id, seq=seq)
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
