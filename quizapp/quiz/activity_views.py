"""The member's pages of a published study or test: the activity page and its two starts.

Registered on the quiz blueprint by ``routes``. An activity that is not the
member's (not in its audience nor in its subtree), a draft or a cancelled one
is a 404.
"""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Activity, ActivityMember, Attempt, Person, PracticeSource, Role
from quizapp.models.base import utcnow
from quizapp.quiz import activities, closing, starting
from quizapp.quiz.activity_pages import activity_page
from quizapp.quiz.errors import OpenPracticeExists, QuizError
from quizapp.quiz.forms import StartForm


def _person() -> Person:
    return current_user._get_current_object()


def _membership_or_404(activity_id: int) -> tuple[Activity, ActivityMember]:
    found = activities.member_for(db.session, _person(), activity_id, utcnow())
    if found is None:
        abort(404)
    return found


@role_required(Role.MEMBER)
def activity(activity_id: int) -> Response:
    """The activity as the member stands in it; a sitting past its end is submitted first."""
    now = utcnow()
    found, member = _membership_or_404(activity_id)
    closed = closing.submit_expired(
        db.session, now, person_id=current_user.id, activity_id=activity_id,
        clear_after=current_app.config["QUIZ_WRONG_BOOK_CLEAR_STREAK"])
    # A late joiner's audience row, and what was submitted. What this request read stays
    # loaded: expiring it would read the person, activity and membership again.
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    if closed:
        flash("答题时间已到，系统已按截止时保存的答案自动交卷。", "warning")
    page = activity_page(db.session, _person(), found, member, now)
    start_form, practice_form = StartForm(), StartForm()
    start_form.start_key.data = secrets.token_urlsafe(16)
    practice_form.start_key.data = secrets.token_urlsafe(16)
    response = make_response(render_template(
        "quiz/activity.html", page=page, start_form=start_form, practice_form=practice_form,
        now=now,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


def where_to_answer(attempt: Attempt) -> str:
    """Where a start sends the member: the question the attempt is on (a new one's first),
    not ``resume``, which would only redirect there (one request less for every start of a
    test that thousands start at once; the question page sends a closed attempt on as
    ``resume`` does). Call before the commit, which expires the attempt."""
    return url_for(".answer", attempt_id=attempt.id, position=attempt.current_position)


@role_required(Role.MEMBER)
def activity_start(activity_id: int) -> Response:
    """Start (or resume) the member's next scored sitting."""
    membership = _membership_or_404(activity_id)
    form = StartForm()
    back = url_for(".activity", activity_id=activity_id)
    if not form.validate_on_submit():
        flash("页面已过期，请刷新后重试", "danger")
        return redirect(back)
    try:
        attempt = starting.start_scored(db.session, _person(), activity_id,
                                        client_key=form.start_key.data or None,
                                        membership=membership)
    except QuizError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(back)
    target = where_to_answer(attempt)
    db.session.commit()
    return redirect(target)


@role_required(Role.MEMBER)
def activity_practice(activity_id: int) -> Response:
    """Start a practice from the activity's practice set (never scored)."""
    membership = _membership_or_404(activity_id)
    form = StartForm()
    back = url_for(".activity", activity_id=activity_id)
    if not form.validate_on_submit():
        flash("页面已过期，请刷新后重试", "danger")
        return redirect(back)
    try:
        attempt = starting.start_practice(db.session, _person(), PracticeSource.ACTIVITY, None,
                                          activity_id=activity_id,
                                          client_key=form.start_key.data or None,
                                          membership=membership)
    except OpenPracticeExists as error:
        flash(str(error), "warning")
        return redirect(url_for(".resume", attempt_id=error.attempt_id))
    except QuizError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(back)
    target = where_to_answer(attempt)
    db.session.commit()
    return redirect(target)
