"""The paper pages of a published test: versions and downloads, and entering sittings.

Making versions is for organizers of the test's unit; downloading and entering for organizers
and secretaries whose units are in the test's audience (entering only their own units'
members). Members get 403.
"""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from quizapp.auth.access import has_role
from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Activity, Attempt, AttemptItem, Paper, Person, Role
from quizapp.models.org import subtree_ids
from quizapp.paper import papers, services, word
from quizapp.paper.forms import EntryForm, MakePapersForm
from quizapp.models.base import utcnow
from quizapp.publish.scopes import activity_scope
from quizapp.results.clock import local_time

bp = Blueprint("paper", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ENTERING = services.ENTERING_ROLES
ENTERED_SHOWN = 500  # the latest paper sittings listed on the page


def _me() -> Person:
    return current_user._get_current_object()


def _activity_for_me(activity_id: int) -> Activity:
    """The activity, if the current organizer or secretary manages a unit of its audience."""
    activity = db.get_or_404(Activity, activity_id)
    if not services.entering_unit_ids(db.session, _me()) & subtree_ids(db.session, activity.unit_id):
        abort(403)
    return activity


def _page(activity: Activity, entry: EntryForm, status: int = 200) -> tuple[str, int]:
    versions = papers.papers_of(db.session, activity.id)
    sections = papers.sections_of(db.session, versions[0]) if versions else []
    items = (select(func.count(AttemptItem.id)).where(AttemptItem.attempt_id == Attempt.id)
             .correlate(Attempt).scalar_subquery())
    entered = list(db.session.execute(
        select(Attempt, Person.name, items).join(Person, Attempt.person_id == Person.id)
        .where(Attempt.activity_id == activity.id, Attempt.paper_id.is_not(None))
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc()).limit(ENTERED_SHOWN)))
    labels = {p.id: p.label for p in versions}
    make = MakePapersForm()
    return render_template(
        "paper/index.html", activity=activity, versions=versions, sections=sections,
        entered=entered, entered_total=papers.paper_sitting_count(db.session, activity.id),
        labels=labels, entry=entry, make=make,
        can_make=_may_make(activity),
        key_open=_may_make(activity) or papers.key_open_to_secretaries(activity, utcnow()),
        fixed=papers.papers_entered(db.session, activity.id),
    ), status


def _may_make(activity: Activity) -> bool:
    return has_role(db.session, _me(), (Role.ORGANIZER,), activity.unit_id)


@bp.route("/activities/<int:activity_id>")
@role_required(*ENTERING)
def index(activity_id: int) -> tuple[str, int]:
    activity = _activity_for_me(activity_id)
    return _page(activity, EntryForm())


@bp.route("/activities/<int:activity_id>/make", methods=["POST"])
@role_required(Role.ORGANIZER, scope=activity_scope)
def make(activity_id: int) -> Response:
    activity = db.get_or_404(Activity, activity_id)
    form = MakePapersForm()
    if not form.validate_on_submit():
        flash("请选择版本数", "warning")
        return redirect(url_for("paper.index", activity_id=activity.id))
    try:
        made = papers.make_papers(db.session, activity, versions=int(form.versions.data), by=_me())
    except papers.PaperError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(url_for("paper.index", activity_id=activity.id))
    db.session.commit()
    flash(f"已生成 {'、'.join(p.label + '卷' for p in made)}，每卷 {len(made[0].items)} 题。", "success")
    return redirect(url_for("paper.index", activity_id=activity.id))


def _version(activity: Activity, label: str) -> Paper:
    paper = db.session.scalar(select(Paper).where(Paper.activity_id == activity.id,
                                                  Paper.label == label.upper()))
    if paper is None:
        abort(404)
    return paper


@bp.route("/activities/<int:activity_id>/paper-<label>.docx")
@role_required(*ENTERING)
def paper_file(activity_id: int, label: str) -> Response:
    activity = _activity_for_me(activity_id)
    paper = _version(activity, label)
    data = word.paper_docx(activity, paper, papers.sections_of(db.session, paper))
    return send_file(BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"{activity.title}-{paper.label}卷.docx")


@bp.route("/activities/<int:activity_id>/key-<label>.docx")
@role_required(*ENTERING)
def key_file(activity_id: int, label: str) -> Response:
    activity = _activity_for_me(activity_id)
    paper = _version(activity, label)
    if not _may_make(activity) and not papers.key_open_to_secretaries(activity, utcnow()):
        # A secretary is in the audience too: the key of the pool waits for the close.
        flash(f"参考答案在测试截止（{local_time(activity.closes_at)}）后向支部书记开放；"
              "阅卷请联系组织员", "warning")
        return redirect(url_for("paper.index", activity_id=activity.id))
    data = word.key_docx(activity, paper, papers.sections_of(db.session, paper))
    return send_file(BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"{activity.title}-{paper.label}卷-参考答案.docx")


@bp.route("/activities/<int:activity_id>/entry", methods=["POST"])
@role_required(*ENTERING)
def enter(activity_id: int) -> Response | tuple[str, int]:
    activity = _activity_for_me(activity_id)
    form = EntryForm()
    if not form.validate_on_submit():
        return _page(activity, form, 400)
    try:
        done = services.enter_paper_sittings(db.session, activity, form.lines.data, by=_me())
        db.session.commit()
    except services.PaperEntryError as error:
        db.session.rollback()
        form.lines.errors = list(error.problems)
        return _page(activity, form, 400)
    except IntegrityError:  # a member started online (or another entry landed) meanwhile
        db.session.rollback()
        form.lines.errors = ["录入时有党员刚刚开始在线答题或已被他人录入，本批未保存，请重新提交以查看具体原因"]
        return _page(activity, form, 409)
    flash(f"已录入并评分 {len(done)} 份纸质答卷。", "success")
    return redirect(url_for("paper.index", activity_id=activity.id))
