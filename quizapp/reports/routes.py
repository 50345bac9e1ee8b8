"""Report views: the dashboard, unit × activity and unit × period reports, mastery, Excel,
reminders, and a member's own results.

Secretaries see their unit's subtree, organizers theirs, admins all: every unit URL is
checked by ``role_required`` over the unit (another branch's unit is 403, a missing one 404).
Members see only ``/reports/me``.
"""

from __future__ import annotations

import re
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.access import has_role
from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Activity, ActivityStatus, Role, Unit
from quizapp.models.base import utcnow
from quizapp.models.org import ancestor_ids, unit_path
from quizapp.results.clock import as_utc
from quizapp.reports import excel, pages, services
from quizapp.auth.access import report_units
from quizapp.reports.dashboard import MANAGING, dashboard
from quizapp.reports.forms import RemindForm
from quizapp.reports.picker import PeriodGroup, period_groups
from quizapp.results.periods import Period, PeriodError, parse_period, quarter_of, today_in_china
from quizapp.reports.queries import BIN_LABELS

bp = Blueprint("reports", __name__)


@bp.app_template_global("period_groups")
def period_groups_now(current: str = "") -> list[PeriodGroup]:
    """The period picker's choices as of today in Beijing (templates: reports/_macros.html)."""
    return period_groups(today_in_china(utcnow()), current)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_scope(unit_id: int, **_: object) -> int:
    """The unit a report URL acts on (404 if there is none)."""
    if db.session.get(Unit, unit_id) is None:
        abort(404)
    return unit_id


def _activity_for(unit: Unit, activity_id: int) -> Activity:
    """A published activity whose audience can include the unit's members, else 404."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.status is not ActivityStatus.PUBLISHED:
        abort(404)
    related = (activity.unit_id in ancestor_ids(db.session, unit.id)
               or unit.id in ancestor_ids(db.session, activity.unit_id))
    if not related:
        abort(404)
    return activity


def _period_or_error() -> tuple[Period | None, str | None]:
    """The period of ``?p=`` (this quarter by default), or the Chinese error."""
    text = request.args.get("p")
    if not text:
        return quarter_of(today_in_china(utcnow())), None
    try:
        return parse_period(text), None
    except PeriodError as error:
        return None, str(error)


def _xlsx(data: bytes, *parts: str) -> Response:
    """A workbook named after what it holds (第一党支部-2026年第四季度-报表.xlsx); Flask sends
    the UTF-8 name as filename* with an ASCII fallback."""
    name = "-".join(_FILE_UNSAFE.sub("_", part).strip("_ ") for part in parts if part)[:120]
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")


# Characters a file name may not hold on Windows, macOS or Linux (and whitespace runs).
_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@bp.route("/")
@role_required(*MANAGING)
def index() -> str:
    person = current_user._get_current_object()
    units = report_units(db.session, person)
    if not units:
        abort(403)
    chosen = request.args.get("unit", type=int)
    unit = next((u for u in units if u.id == chosen), None) if chosen else units[0]
    if unit is None:
        if db.session.get(Unit, chosen) is None:
            abort(404)
        abort(403)
    board = dashboard(db.session, unit, utcnow())
    return render_template("reports/index.html", board=board, units=units, form=RemindForm(),
                           path=unit_path(db.session, unit.id), bins=BIN_LABELS)


@bp.route("/units/<int:unit_id>/activities/<int:activity_id>")
@role_required(*MANAGING, scope=unit_scope)
def activity(unit_id: int, activity_id: int) -> str:
    unit = db.session.get_one(Unit, unit_id)
    report = pages.activity_report(db.session, unit, _activity_for(unit, activity_id))
    can_remind = as_utc(report.activity.closes_at) > utcnow()
    return render_template("reports/report.html", report=report, form=RemindForm(), bins=BIN_LABELS,
                           path=unit_path(db.session, unit.id), can_remind=can_remind)


@bp.route("/units/<int:unit_id>/activities/<int:activity_id>.xlsx")
@role_required(*MANAGING, scope=unit_scope)
def activity_xlsx(unit_id: int, activity_id: int) -> Response:
    unit = db.session.get_one(Unit, unit_id)
    report = pages.activity_report(db.session, unit, _activity_for(unit, activity_id))
    activity = report.activity
    return _xlsx(excel.report_workbook(report, utcnow()), unit.name, activity.title if activity else "", "报表")


@bp.route("/units/<int:unit_id>/activities/<int:activity_id>/remind", methods=["POST"])
@role_required(*MANAGING, scope=unit_scope)
def remind(unit_id: int, activity_id: int) -> Response:
    unit = db.session.get_one(Unit, unit_id)
    activity = _activity_for(unit, activity_id)
    form = RemindForm()
    back = request.form.get("back") == "index"
    target = (url_for("reports.index", unit=unit_id) if back
              else url_for("reports.activity", unit_id=unit_id, activity_id=activity_id)) + "#pending"
    if not form.validate_on_submit():
        flash("页面已过期，请刷新后重试。", "danger")
        return redirect(target)
    chosen = None if form.everyone.data else list(form.person_ids.data or [])
    if chosen == []:
        flash("请先勾选要提醒的党员，或使用“一键提醒”。", "warning")
        return redirect(target)
    try:
        done = services.remind(db.session, activity, unit_id, chosen, by_id=current_user.id, now=utcnow())
    except services.ReminderError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(target)
    db.session.commit()
    if done.sent:
        flash(f"已提醒 {len(done.sent)} 人：{'、'.join(done.sent)}。", "success")
    if done.recent:
        flash(f"{'、'.join(done.recent)} 一小时内已提醒过，本次未重复提醒。", "info")
    return redirect(target)


@bp.route("/units/<int:unit_id>/period")
@role_required(*MANAGING, scope=unit_scope)
def period(unit_id: int) -> tuple[str, int] | str:
    unit = db.session.get_one(Unit, unit_id)
    chosen, error = _period_or_error()
    path = unit_path(db.session, unit.id)
    if error:
        return render_template("reports/report.html", report=None, error=error, path=path,
                               unit=unit, bins=BIN_LABELS), 400
    report = pages.period_report(db.session, unit, chosen)
    return render_template("reports/report.html", report=report, bins=BIN_LABELS, path=path)


@bp.route("/units/<int:unit_id>/period.xlsx")
@role_required(*MANAGING, scope=unit_scope)
def period_xlsx(unit_id: int) -> Response | tuple[str, int]:
    unit = db.session.get_one(Unit, unit_id)
    chosen, error = _period_or_error()
    if error:
        abort(400)
    report = pages.period_report(db.session, unit, chosen)
    return _xlsx(excel.report_workbook(report, utcnow()), unit.name, chosen.label, "报表")


@bp.route("/units/<int:unit_id>/mastery")
@role_required(*MANAGING, scope=unit_scope)
def mastery(unit_id: int) -> tuple[str, int] | str:
    unit = db.session.get_one(Unit, unit_id)
    chosen, error = _period_or_error()
    path = unit_path(db.session, unit.id)
    if error:
        return render_template("reports/mastery.html", mastery=None, error=error, unit=unit,
                               path=path), 400
    return render_template("reports/mastery.html", mastery=pages.mastery(db.session, unit, chosen),
                           unit=unit, path=path)


@bp.route("/units/<int:unit_id>/mastery.xlsx")
@role_required(*MANAGING, scope=unit_scope)
def mastery_xlsx(unit_id: int) -> Response:
    unit = db.session.get_one(Unit, unit_id)
    chosen, error = _period_or_error()
    if error:
        abort(400)
    table = pages.mastery(db.session, unit, chosen)
    return _xlsx(excel.mastery_workbook(table, utcnow()), unit.name, chosen.label, "知识点掌握")


@bp.route("/me")
@role_required(Role.MEMBER)
def me() -> str:
    results = pages.my_results(db.session, current_user.id)
    managing = has_role(db.session, current_user._get_current_object(), MANAGING)
    return render_template("reports/me.html", results=results, managing=managing)
