"""The member's home page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.main.queries import home_summary
from quizapp.models import Role
from quizapp.quiz.queries import quiz_home

bp = Blueprint("main", __name__)


@bp.route("/")
@role_required(Role.MEMBER)
def home() -> str:
    summary = home_summary(db.session, current_user)
    quiz = quiz_home(db.session, current_user._get_current_object(), recent=3)
    return render_template("main/home.html", summary=summary, quiz=quiz)
