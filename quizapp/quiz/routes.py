"""The member's pages: home, practice, answering, submitting, results, 错题本 and speeches.

Every page is the member's own: an attempt that is not theirs is a 404.
"""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptStatus, BankQuestion, Person, Role
from quizapp.models.base import utcnow
from quizapp.quiz import (
    activity_pages,
    activity_views,
    api,
    closing,
    corrections,
    feedback,
    pages,
    queries,
    secrecy,
    services,
    starting,
)
from quizapp.quiz.errors import AttemptClosed, OpenPracticeExists, QuestionNotInAttempt, QuizError
from quizapp.quiz.forms import ConfirmForm, PracticeForm, ReportForm
from quizapp.quiz.responses import BadResponse
from quizapp.results.clock import as_utc, local_time, seconds_left

TIME_UP = "答题时间已到，系统已按截止时保存的答案交卷，超时后的作答不计入成绩。"

bp = Blueprint("quiz", __name__)
bp.add_app_template_filter(local_time, "quiz_time")
bp.add_app_template_filter(seconds_left, "seconds_left")
bp.add_app_template_filter(pages.bare_stem, "bare_stem")
bp.add_url_rule("/attempts/<int:attempt_id>/answers", view_func=api.save_answer,
                methods=["POST"])
bp.add_url_rule("/attempts/<int:attempt_id>/state", view_func=api.attempt_state)
bp.add_url_rule("/activities/<int:activity_id>", view_func=activity_views.activity)
bp.add_url_rule("/activities/<int:activity_id>/start", view_func=activity_views.activity_start,
                methods=["POST"])
bp.add_url_rule("/activities/<int:activity_id>/practice",
                view_func=activity_views.activity_practice, methods=["POST"])


@bp.record_once
def _config_defaults(state: object) -> None:
    # A question leaves the 错题本 after this many right answers in a row.
    state.app.config.setdefault("QUIZ_WRONG_BOOK_CLEAR_STREAK", 2)  # type: ignore[attr-defined]


def _person() -> Person:
    return current_user._get_current_object()


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = queries.owned_attempt(db.session, current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _no_store(body: str) -> Response:
    """Answers and one-time keys must not come back from the browser's cache."""
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _expired(attempt: Attempt) -> bool:
    """Submit a scored sitting the member opens after its deadline (the close job may lag)."""
    if not closing.close_if_expired(db.session, attempt,
                                    clear_after=current_app.config["QUIZ_WRONG_BOOK_CLEAR_STREAK"]):
        return False
    db.session.commit()
    flash(TIME_UP, "warning")
    return True


def _leave_closed(attempt: Attempt) -> Response:
    if attempt.status is AttemptStatus.SUBMITTED:
        return redirect(url_for(".result", attempt_id=attempt.id))
    flash("这次练习已放弃", "info")
    return redirect(url_for(".home"))


@bp.route("/")
@role_required(Role.MEMBER)
def home() -> str:
    summary = queries.quiz_home(db.session, _person(), recent=20)
    return render_template("quiz/home.html", quiz=summary)


@bp.route("/practice", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def practice() -> Response | str:
    person = _person()
    form = PracticeForm()
    if form.is_submitted():
        # The start leaves withheld questions out itself: its choices need not count them.
        form.set_speeches(queries.practice_speeches(db.session, person, count_withheld=False))
    if form.validate_on_submit():
        source, speech_id = form.source()
        try:
            attempt = starting.start_practice(
                db.session, person, source, int(form.count.data),
                speech_id=speech_id, client_key=form.start_key.data or None,
            )
        except OpenPracticeExists as error:
            flash(str(error), "warning")
            return redirect(url_for(".resume", attempt_id=error.attempt_id))
        except QuizError as error:
            flash(str(error), "warning")
            return redirect(url_for(".practice"))
        target = activity_views.where_to_answer(attempt)
        db.session.commit()
        return redirect(target)
    speeches = queries.practice_speeches(db.session, person)
    form.set_speeches(speeches)
    withheld = sum(choice.withheld for choice in speeches)
    speeches = [choice for choice in speeches if choice.question_count]
    form.start_key.data = secrets.token_urlsafe(16)
    home = queries.quiz_home(db.session, person, recent=0)
    return _no_store(render_template(
        "quiz/practice.html", form=form, speeches=speeches, quiz=home, confirm=ConfirmForm(),
        withheld=withheld,
    ))


@bp.route("/attempts/<int:attempt_id>")
@role_required(Role.MEMBER)
def resume(attempt_id: int) -> Response:
    """Open an attempt where the member was (its result once submitted)."""
    attempt = _attempt_or_404(attempt_id)
    if _expired(attempt) or attempt.status is not AttemptStatus.OPEN:
        return _leave_closed(attempt)
    return redirect(url_for(".answer", attempt_id=attempt.id, position=attempt.current_position))


@bp.route("/attempts/<int:attempt_id>/q/<int:position>", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def answer(attempt_id: int, position: int) -> Response | str:
    """One question per screen. Without JavaScript the form posts here: save, then move."""
    attempt = _attempt_or_404(attempt_id)
    if not 1 <= position <= attempt.question_count:
        abort(404)
    if _expired(attempt) or attempt.status is not AttemptStatus.OPEN:
        return _leave_closed(attempt)
    if request.method == "POST":
        return _save_and_move(attempt, position)
    page = pages.answering_page(db.session, attempt, position)
    checked = (feedback.practice_feedback(db.session, attempt, position)
               if request.args.get("check") else None)
    return _no_store(render_template("quiz/answer.html", page=page, attempt=attempt,
                                     practice=feedback.is_practice(attempt), checked=checked,
                                     withheld_note=secrecy.WITHHELD_NOTE))


def _save_and_move(attempt: Attempt, position: int) -> Response:
    """CSRFProtect has checked the token, as for every POST."""
    try:
        services.save_answer(db.session, current_user.id, attempt.id, position=position,
                             form_values=request.form.getlist(f"answer-{position}"))
    except BadResponse as error:
        flash(str(error), "danger")
        return redirect(url_for(".answer", attempt_id=attempt.id, position=position))
    except AttemptClosed as error:
        flash(str(error), "warning")
        return redirect(url_for(".resume", attempt_id=attempt.id))
    db.session.commit()
    go = request.form.get("go", "next")
    if go == "check" and feedback.is_practice(attempt):
        return redirect(url_for(".answer", attempt_id=attempt.id, position=position, check=1))
    if go == "submit" or (go == "next" and position >= attempt.question_count):
        return redirect(url_for(".submit", attempt_id=attempt.id))
    target = {"prev": position - 1, "next": position + 1}.get(go)
    if target is None:
        target = int(go) if go.isascii() and go.isdigit() and len(go) < 6 else position
    target = min(max(target, 1), attempt.question_count)
    return redirect(url_for(".answer", attempt_id=attempt.id, position=target))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def submit(attempt_id: int) -> Response | str:
    """GET: what is still unanswered, and the button. POST: grade once, show the result."""
    attempt = _attempt_or_404(attempt_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        now = utcnow()
        late = attempt.deadline_at is not None and as_utc(attempt.deadline_at) <= now
        try:
            done = services.submit_attempt(
                db.session, current_user.id, attempt.id,
                clear_after=current_app.config["QUIZ_WRONG_BOOK_CLEAR_STREAK"], now=now,
            )
        except QuizError as error:
            flash(str(error), "warning")
            return redirect(url_for(".home"))
        db.session.commit()
        if late and done.graded_now:
            flash(TIME_UP, "warning")
        elif not done.graded_now:
            flash("本次答题已交卷，成绩如下", "info")
        # attempt_id, not attempt.id: the commit expired the attempt, and reading it again
        # was one more statement on every submit.
        return redirect(url_for(".result", attempt_id=attempt_id))
    if _expired(attempt) or attempt.status is not AttemptStatus.OPEN:
        return _leave_closed(attempt)
    page = pages.answering_page(db.session, attempt, attempt.current_position)
    return _no_store(render_template("quiz/submit.html", page=page, form=form))


@bp.route("/attempts/<int:attempt_id>/abandon", methods=["POST"])
@role_required(Role.MEMBER)
def abandon(attempt_id: int) -> Response:
    attempt = _attempt_or_404(attempt_id)
    try:
        services.abandon_practice(db.session, current_user.id, attempt.id)
    except QuizError as error:
        flash(str(error), "warning")
        return redirect(url_for(".home"))
    db.session.commit()
    flash("已放弃这次练习", "info")
    return redirect(url_for(".practice"))


@bp.route("/attempts/<int:attempt_id>/result")
@role_required(Role.MEMBER)
def result(attempt_id: int) -> Response | str:
    attempt = _attempt_or_404(attempt_id)
    if attempt.status is AttemptStatus.OPEN and not _expired(attempt):
        return redirect(url_for(".resume", attempt_id=attempt.id))
    if attempt.status is not AttemptStatus.SUBMITTED:
        return _leave_closed(attempt)
    now = utcnow()
    scored = activity_pages.scored_result(db.session, attempt, now)
    page = pages.result_page(db.session, attempt, reveal=scored is None or scored.revealed,
                             now=now)
    return _no_store(render_template("quiz/result.html", page=page, scored=scored,
                                     report_form=ReportForm(),
                                     withheld_note=secrecy.WITHHELD_NOTE))


@bp.route("/attempts/<int:attempt_id>/q/<int:position>/report", methods=["POST"])
@role_required(Role.MEMBER)
def report(attempt_id: int, position: int) -> Response:
    """纠错 from the result page; errors come back as a message above the question."""
    attempt = _attempt_or_404(attempt_id)
    back = url_for(".result", attempt_id=attempt.id, _anchor=f"item-{position}")
    form = ReportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "danger")
        return redirect(back)
    try:
        corrections.report_question(db.session, current_user.id, attempt.id, position,
                                 form.reason.data)
    except QuestionNotInAttempt:
        abort(404)
    except QuizError as error:
        flash(str(error), "warning")
        return redirect(back)
    db.session.commit()
    flash("已收到你的纠错反馈，组织员会尽快核实处理，谢谢！", "success")
    return redirect(back)


@bp.route("/mistakes")
@role_required(Role.MEMBER)
def mistakes() -> Response:
    person = _person()
    groups = queries.wrong_book(db.session, person)
    form = PracticeForm(scope="mistakes", count="10")
    form.start_key.data = secrets.token_urlsafe(16)
    return _no_store(render_template(
        "quiz/mistakes.html", groups=groups, form=form, key_text=pages.key_text,
        letters=pages.LETTERS, clear_after=current_app.config["QUIZ_WRONG_BOOK_CLEAR_STREAK"],
        total=sum(len(c.entries) for g in groups for c in g.concepts),
        withheld_note=secrecy.WITHHELD_NOTE,
    ))


@bp.route("/speeches/<int:speech_id>")
@role_required(Role.MEMBER)
def speech(speech_id: int) -> str:
    """查看原文: a speech the member may see, opened at a question's source sentence."""
    found = queries.visible_speech(db.session, _person(), speech_id)
    if found is None:
        abort(404)
    question_id = request.args.get("q", type=int)
    if question_id and secrecy.withheld_among(db.session, current_user.id, [question_id],
                                              utcnow()):
        question_id = None  # its source sentence would give away a scored answer
    question = db.session.get(BankQuestion, question_id) if question_id else None
    paragraphs = pages.speech_paragraphs(found, question)
    return render_template("quiz/speech.html", speech=found, paragraphs=paragraphs)
