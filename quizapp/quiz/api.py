"""JSON endpoints of the answering page's script (static/js/quiz.js).

Every reply is JSON with ``ok`` and, on refusal, a Chinese ``message``. The
script sends the CSRF token in the ``X-CSRFToken`` header. No reply carries
any part of the answer key.

The answers endpoint takes one answer (``{"question_id", "response", "seq"}``, the page's
script before issue 16 and the load benchmarks) or a batch (``{"answers": [...]}``, see
``quiz.batch``), which is what the page sends now.
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
from quizapp.quiz import autosave, batch, queries, services
from quizapp.quiz.batch import Entry, Refused
from quizapp.quiz.errors import AttemptClosed, AttemptNotFound, QuestionNotInAttempt, StaleSave
from quizapp.quiz.responses import BadResponse

MAX_SEQ = 2**53  # what a browser's Number holds exactly


def _refuse(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(ok=False, message=message, **extra), status


def _whole(value: Any, upper: int) -> bool:
    return type(value) is int and 1 <= value <= upper


def _json_body() -> Any:
    try:
        return request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes ("silent" covers ValueError only)
        return None


def _save_request() -> tuple[int, int, Any] | None:
    """(question id, seq, response) of an autosave's JSON body, or None when it is malformed."""
    data = _json_body()
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
    data = _json_body()
    if isinstance(data, dict) and "answers" in data:
        return _save_batch(attempt_id, data)
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


def _batch_request(data: dict[str, Any]) -> list[Entry] | None:
    """The entries of a batch's JSON body, or None when it is malformed (not a list of 1 to
    ``batch.MAX_ENTRIES`` objects with a whole ``question_id`` and ``seq``, each question
    once)."""
    answers = data.get("answers")
    if not isinstance(answers, list) or not 1 <= len(answers) <= batch.MAX_ENTRIES:
        return None
    entries: dict[int, Entry] = {}
    for answer in answers:
        if not isinstance(answer, dict):
            return None
        question_id, seq = answer.get("question_id"), answer.get("seq")
        if not _whole(question_id, MAX_SEQ) or not _whole(seq, MAX_SEQ) or question_id in entries:
            return None
        entries[question_id] = Entry(question_id, seq, answer.get("response"))
    return list(entries.values())


def _save_batch(attempt_id: int, data: dict[str, Any]) -> Response | tuple[Response, int]:
    """Save a batch: ``{"answers": [{"question_id", "response", "seq"}, ...]}``.

    200 with ``results``, one per entry in the request's order: ``{"question_id", "ok": true,
    "seq", "position"}`` saved, or ``{"question_id", "ok": false, "message"}`` refused (with
    ``"stale": true`` and the stored ``seq`` when a newer answer is stored); ``ok`` is true
    when every entry was saved. Refused whole, nothing saved: 409 ``closed`` (submitted,
    abandoned, past the deadline), 404 not my attempt, 400 malformed.

    On PostgreSQL the entries that check out are stored by ``autosave.quick_save_many`` (one
    statement that checks the login too); the rest go the checked way.
    """
    claim = parse_session_id(session.get("_user_id"))
    entries = _batch_request(data)
    if claim is None or entries is None:
        return _checked_batch(attempt_id, entries, {})
    quick = autosave.quick_save_many(claim, attempt_id, entries)
    if quick is None:
        return _checked_batch(attempt_id, entries, {})
    saved, rest = quick
    if not rest:
        return _batch_reply(entries, saved)
    return _checked_batch(attempt_id, entries, saved, rest)


@role_required(Role.MEMBER)
def _checked_batch(attempt_id: int, entries: list[Entry] | None,
                   saved: dict[int, services.Saved], rest: list[Entry] | None = None
                   ) -> Response | tuple[Response, int]:
    pending = password_change_pending()
    if pending is not None:
        return pending
    if entries is None:
        return _refuse(400, "请求格式不正确")
    try:
        outcome = batch.save_many(db.session, current_user.id, attempt_id,
                                  entries if rest is None else rest)
    except AttemptClosed as error:
        return _refuse(409, str(error), closed=True)
    except AttemptNotFound as error:
        return _refuse(404, str(error))
    if any(isinstance(done, services.Saved) for done in outcome.values()):
        db.session.commit()
    else:  # every entry refused: not even the attempt's updated_at moves
        db.session.rollback()
    return _batch_reply(entries, {**outcome, **saved})


def _batch_reply(entries: list[Entry], outcome: dict[int, services.Saved | Refused]) -> Response:
    results: list[dict[str, Any]] = []
    for entry in entries:
        done = outcome[entry.question_id]
        if isinstance(done, Refused):
            result: dict[str, Any] = {"question_id": entry.question_id, "ok": False,
                                      "message": done.message}
            if done.stale_seq is not None:
                result.update(stale=True, seq=done.stale_seq)
        else:
            result = {"question_id": entry.question_id, "ok": True, "seq": done.seq,
                      "position": done.position}
        results.append(result)
    return jsonify(ok=all(result["ok"] for result in results), results=results)


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
