"""Organizers' views of studies and tests: the list, creating and editing, the activity page,
publishing, cancelling and deleting. Audience, overrides and QR codes are in
``member_routes.py`` (registered here)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Activity, ActivityKind, ActivityStatus, Person, Role
from quizapp.models.base import utcnow
from quizapp.auth.access import managed_unit_ids, organizer_unit_choices
from quizapp.publish import edits, member_routes, pools, queries, services
from quizapp.publish.forms import ActivityForm, ConfirmForm, StudyForm, TestForm
from quizapp.results.clock import to_local
from quizapp.results.periods import period_label, quarter_name, quarter_start
from quizapp.publish.qr import unreachable_from_phones
from quizapp.publish.reading import fill_form, quarter_choices, spec_from_form
from quizapp.publish.scopes import activity_scope
from quizapp.publish.specs import MAX_PARTS, MAX_PASSAGES, ActivitySpec, PublishError
from quizapp.results import integrity

bp = Blueprint("publish", __name__)
bp.add_app_template_global(period_label, "period_label")
for rule, view, methods in member_routes.RULES:
    bp.add_url_rule(rule, view_func=view, methods=methods)


def _me() -> Person:
    return current_user._get_current_object()


def _activity(activity_id: int) -> Activity:
    return db.get_or_404(Activity, activity_id)


@bp.route("/")
@role_required(Role.ORGANIZER)
def index() -> str:
    rows = queries.activities_in(
        db.session, managed_unit_ids(db.session, current_user._get_current_object()), utcnow())
    return render_template("publish/index.html", rows=rows)


def _new_form(kind: ActivityKind) -> ActivityForm:
    form = StudyForm() if kind is ActivityKind.STUDY else TestForm()
    if kind is ActivityKind.TEST:
        form.quarter.choices = quarter_choices(to_local(utcnow()).date())
    return form


def _prepare(form: ActivityForm, kind: ActivityKind, activity: Activity | None) -> None:
    """Choices and blank rows for rendering the form."""
    me = _me()
    form.unit.choices = organizer_unit_choices(db.session, me)
    if activity is not None and activity.status is not ActivityStatus.DRAFT:
        form.unit.choices = [(activity.unit_id, activity.unit.name)]
    usable = pools.usable_speeches(db.session, me)
    if activity is not None:  # keep the activity's own speeches selectable (and selected)
        known = {s.id for s in usable}
        usable += [x.speech for x in [*activity.parts, *activity.passages]
                   if x.speech is not None and x.speech.id not in known]
    speeches = [("", "任意讲话（党员可见的全部）")] + list(dict.fromkeys(
        (str(s.id), f"{s.title}（{s.unit.name}）") for s in usable))
    # Every row is in the page; those past the shown ones are hidden until 添加一行 shows one in
    # place (js/publish.js). Without a script, saving shows the spare rows, as before.
    spare = 2 if form.is_submitted() else (3 if kind is ActivityKind.STUDY else 4)
    shown = min(MAX_PARTS, max(len([e for e in form.parts if e.form.type.data]) + spare, len(form.parts)))
    while len(form.parts) < MAX_PARTS:
        form.parts.append_entry()
    form.shown_parts = shown
    for entry in form.parts:
        entry.form.speech.choices = speeches
    if isinstance(form, StudyForm):
        filled = len([e for e in form.passages if e.form.speech.data])
        form.shown_passages = min(MAX_PASSAGES, max(filled + 2, len(form.passages)))
        while len(form.passages) < MAX_PASSAGES:
            form.passages.append_entry()
        for entry in form.passages:
            entry.form.speech.choices = [("", "（不用）")] + speeches[1:]


def _show_error(form: ActivityForm, error: PublishError) -> dict[str, str | None]:
    """Put the error beside its field when it has one; the problem to show above the form."""
    name = error.field
    if name == "period":
        name = "month" if isinstance(form, StudyForm) else "quarter"
    field = getattr(form, name, None) if name and name not in {"parts", "passages"} else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
        return {"field": name, "message": "请按下面标出的提示修改"}
    return {"field": name, "message": str(error)}


def _save(kind: ActivityKind, form: ActivityForm, activity: Activity | None) -> Response | str:
    problem = None
    if activity is not None and activity.status is not ActivityStatus.DRAFT:
        form.unit.data = activity.unit_id  # fixed after publication
    if form.validate_on_submit():
        try:
            spec = spec_from_form(form, kind)
            message = _store(spec, activity, publish=bool(form.publish.data))
        except PublishError as error:
            db.session.rollback()
            problem = _show_error(form, error)
        else:
            db.session.commit()
            flash(message[1], "success")
            return redirect(url_for(".activity", activity_id=message[0]))
    elif form.is_submitted():
        problem = {"field": None, "message": "请按下面标出的提示修改"}
    _prepare(form, kind, activity)
    template = "publish/study_form.html" if kind is ActivityKind.STUDY else "publish/test_form.html"
    return render_template(template, form=form, activity=activity, problem=problem)


def _store(spec: ActivitySpec, activity: Activity | None, publish: bool) -> tuple[int, str]:
    """Create, update or edit, and publish if asked; (activity id, message)."""
    me = _me()
    if activity is None:
        activity = services.create_activity(db.session, spec, by=me)
        message = "已保存为草稿"
    elif activity.status is ActivityStatus.DRAFT:
        services.update_draft(db.session, activity, spec, by=me)
        message = "草稿已保存"
    else:
        change = edits.edit_published(db.session, activity, spec, by=me)
        return activity.id, f"已修改并记录（第 {activity.version} 版）" if change else "没有改动"
    if publish:
        size = services.publish_activity(db.session, activity)
        message = f"已发布，参加人数 {size} 人"
    return activity.id, message


@bp.route("/studies/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def new_study() -> Response | str:
    form = _new_form(ActivityKind.STUDY)
    if not form.is_submitted():  # this month, as an organizer publishing today means
        form.month.data = to_local(utcnow()).date().strftime("%Y-%m")
    return _save(ActivityKind.STUDY, form, None)


@bp.route("/tests/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def new_test() -> Response | str:
    form = _new_form(ActivityKind.TEST)
    if not form.is_submitted():  # this quarter, not the first choice (the last quarter)
        form.quarter.data = quarter_name(quarter_start(to_local(utcnow()).date()))
    return _save(ActivityKind.TEST, form, None)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANIZER, scope=activity_scope)
def edit(activity_id: int) -> Response | str:
    activity = _activity(activity_id)
    if activity.status is ActivityStatus.CANCELLED:
        flash("已撤销的活动不能修改", "warning")
        return redirect(url_for(".activity", activity_id=activity.id))
    form = _new_form(activity.kind)
    if activity.kind is ActivityKind.TEST:
        form.quarter.choices = quarter_choices(to_local(utcnow()).date(), activity.period_start)
    if not form.is_submitted():
        fill_form(form, activity)
    elif activity.status is not ActivityStatus.DRAFT:
        # Kind, unit and period are fixed once published: whatever was posted, keep them.
        fill_period(form, activity)
    return _save(activity.kind, form, activity)


def fill_period(form: ActivityForm, activity: Activity) -> None:
    """Keep a published activity's period on the form."""
    if isinstance(form, StudyForm):
        form.month.data = activity.period_start.strftime("%Y-%m")
    else:
        form.quarter.data = quarter_name(activity.period_start)


@bp.route("/<int:activity_id>")
@role_required(Role.ORGANIZER, scope=activity_scope)
def activity(activity_id: int) -> str:
    activity = _activity(activity_id)
    now = utcnow()
    pool = {part.id: pools.pool_size(db.session, activity.unit_id, part) for part in activity.parts}
    audience, submitted, answering = queries.counts_of(db.session, activity.id)
    fast = integrity.fast_attempts(db.session, activity.id) if submitted else []
    return render_template(
        "publish/activity.html", activity=activity, status=queries.status_now(activity, now), pool=pool,
        audience=audience, submitted=submitted, answering=answering, fast=fast,
        drawn=queries.papers_drawn(db.session, activity)
        if activity.status is ActivityStatus.PUBLISHED else None,
        fast_rule={"seconds": integrity.MIN_SECONDS_PER_QUESTION, "chars": integrity.MAX_CHARS_PER_SECOND},
        changes=edits.change_log(db.session, activity.id), confirm=ConfirmForm(),
        qr=member_routes.qr_for(activity), url=member_routes.link_for(activity),
        loopback=unreachable_from_phones(member_routes.link_for(activity) or ""),
    )


@bp.route("/<int:activity_id>/publish", methods=["POST"])
@role_required(Role.ORGANIZER, scope=activity_scope)
def publish(activity_id: int) -> Response:
    return _act(activity_id, services.publish_activity, "已发布，参加人数 {} 人")


@bp.route("/<int:activity_id>/cancel", methods=["POST"])
@role_required(Role.ORGANIZER, scope=activity_scope)
def cancel(activity_id: int) -> Response:
    return _act(activity_id, services.cancel_activity, "已撤销：党员不能再开始答题，已有的答题记录保留")


@bp.route("/<int:activity_id>/delete", methods=["POST"])
@role_required(Role.ORGANIZER, scope=activity_scope)
def delete(activity_id: int) -> Response:
    activity = _activity(activity_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_draft(db.session, activity)
    except PublishError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".activity", activity_id=activity_id))
    db.session.commit()
    flash("草稿已删除", "success")
    return redirect(url_for(".index"))


def _act(activity_id: int, action, message: str) -> Response:  # type: ignore[no-untyped-def]
    activity = _activity(activity_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = action(db.session, activity)
    except PublishError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message.format(result), "success")
    return redirect(url_for(".activity", activity_id=activity_id))
