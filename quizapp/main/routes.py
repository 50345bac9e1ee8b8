"""The member's home page: what is open for me, my points, my results and my notices."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.main.queries import home_summary, unread_notices
from quizapp.main.services import mark_notice_read
from quizapp.models import Role
from quizapp.models.base import utcnow
from quizapp.points.queries import total_for
from quizapp.quiz.activity_pages import answers_out
from quizapp.quiz.closing import submit_expired
from quizapp.quiz.forms import ConfirmForm
from quizapp.quiz.queries import quiz_home

bp = Blueprint("main", __name__)


@bp.route("/")
@role_required(Role.MEMBER)
def home() -> str:
    person = current_user._get_current_object()
    now = utcnow()
    if submit_expired(db.session, now, person_id=person.id,
                      clear_after=current_app.config["QUIZ_WRONG_BOOK_CLEAR_STREAK"]):
        db.session.commit()
    return render_template(
        "main/home.html",
        summary=home_summary(db.session, person),
        quiz=quiz_home(db.session, person, recent=3, now=now),
        points=total_for(db.session, person.id),
        notices=unread_notices(db.session, person.id),
        answers_out=answers_out(db.session, person.id, now),
        notice_form=ConfirmForm(),
    )


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it (public, like the static files). Its 214 bytes
    are read whole: a browser that drops the request early leaves no file open behind it."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()
    response = Response(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@role_required(Role.MEMBER)
def notice_read(notice_id: int) -> Response:
    """知道了: the notice leaves the home page."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("页面已过期，请刷新后重试", "danger")
        return redirect(url_for(".home"))
    if not mark_notice_read(db.session, current_user.id, notice_id):
        abort(404)
    db.session.commit()
    return redirect(url_for(".home"))
