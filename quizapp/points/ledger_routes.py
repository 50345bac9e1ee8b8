"""The secretaries' points pages: a unit's members and totals, the entries waiting for a
decision, one member's ledger, manual entries (奖/惩), corrections (更正) and decisions.

Secretaries and organizers with scope over the member's unit see and add; a secretary (or
admin) other than the author decides, a secretary's own entries the unit above
(``approval``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.redirects import is_safe_next
from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import EntryKind, Person, PointEntry, Unit
from quizapp.models.org import subtree_ids, unit_path
from quizapp.points import approval, manual, queries
from quizapp.points.caps import cap_for
from quizapp.points.forms import CorrectionForm, DecisionForm, ManualEntryForm
from quizapp.points.routes import bp
from quizapp.points.approval import DECIDING_ROLES
from quizapp.points.scopes import (
    LEDGER_ROLES,
    entry_scope,
    looked_after,
    person_scope,
    unit_choices,
    unit_scope,
)

MEMBERS_PER_PAGE = 50


def _back(default: str) -> Response:
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_safe_next(target) else default)


@bp.route("/units")
@role_required(*LEDGER_ROLES)
def units_home() -> Response:
    """The ledger of the chosen unit (``?unit=``), else of the first unit looked after."""
    chosen = request.args.get("unit", type=int)
    if chosen is None:
        roots = looked_after(db.session, current_user._get_current_object(), LEDGER_ROLES)
        if not roots:
            abort(403)
        chosen = roots[0]
    return redirect(url_for(".unit", unit_id=chosen))


@bp.route("/units/<int:unit_id>")
@role_required(*LEDGER_ROLES, scope=unit_scope)
def unit(unit_id: int) -> str:
    """Members of the unit's subtree with their totals, and entries waiting for a decision."""
    unit = db.get_or_404(Unit, unit_id)
    ids = subtree_ids(db.session, unit_id)
    page = db.paginate(queries.members_in(ids), per_page=MEMBERS_PER_PAGE, error_out=False)
    totals = queries.totals_for(db.session, [person.id for person in page.items])
    person = current_user._get_current_object()
    roots = looked_after(db.session, person, LEDGER_ROLES)
    pending = queries.pending_entries(db.session, ids)
    return render_template(
        "points/unit.html", unit=unit, path=unit_path(db.session, unit_id), page=page,
        totals=totals, pending=pending, choices=unit_choices(db.session, roots),
        waiting=approval.pending_for(db.session, person, pending),
    )


@bp.route("/people/<int:person_id>")
@role_required(*LEDGER_ROLES, scope=person_scope)
def person(person_id: int) -> str:
    """A member's ledger as their secretary or organizer sees it, with 更正 and decisions."""
    member = db.get_or_404(Person, person_id)
    lines = queries.ledger_for(db.session, person_id)
    waiting = [line.entry for line in lines if line.entry.needs_approval and line.decision is None]
    return render_template(
        "points/person.html", member=member, path=unit_path(db.session, member.unit_id),
        total=queries.total_for(db.session, person_id), lines=lines,
        waiting=approval.pending_for(db.session, current_user._get_current_object(), waiting),
    )


@bp.route("/people/<int:person_id>/entries/new", methods=["GET", "POST"])
@role_required(*LEDGER_ROLES, scope=person_scope)
def new_entry(person_id: int) -> Response | str:
    """Add an award or a penalty; it counts once a secretary approves it."""
    member = db.get_or_404(Person, person_id)
    cap = cap_for(db.session, member.unit_id)
    form = ManualEntryForm().limit(cap)
    kind = next((k for k in EntryKind if k.value == form.kind.data), None)
    if form.validate_on_submit():
        try:
            if kind is None:
                raise manual.PointsError("请选择奖励或扣分")
            entry = manual.add_manual_entry(db.session, member.id, kind, form.points.data,
                                            form.reason.data, current_user.id)
        except manual.PointsError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            whom = approval.who_decides(db.session, entry)
            db.session.commit()
            flash(f"已为{member.name}添加{entry.kind.label} {entry.points:+d} 分，须由他人审批后计入：{whom}",
                  "success")
            return redirect(url_for(".person", person_id=member.id))
    return render_template("points/entry_form.html", form=form, member=member, original=None,
                           cap=cap)


@bp.route("/entries/<int:entry_id>/correct", methods=["GET", "POST"])
@role_required(*LEDGER_ROLES, scope=entry_scope)
def correct(entry_id: int) -> Response | str:
    """更正: a new entry naming the one it corrects; the entry itself is never changed."""
    original = db.get_or_404(PointEntry, entry_id)
    member = db.session.get_one(Person, original.person_id)
    cap = cap_for(db.session, member.unit_id)
    form = CorrectionForm().limit(cap)
    if request.method == "GET":
        form.points.data = -original.points
    if form.validate_on_submit():
        try:
            entry = manual.add_correction(db.session, original.id, form.points.data,
                                          form.reason.data, current_user.id)
        except manual.PointsError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            whom = approval.who_decides(db.session, entry)
            db.session.commit()
            flash(f"已提交更正 {entry.points:+d} 分，须由他人审批后计入：{whom}", "success")
            return redirect(url_for(".person", person_id=member.id))
    return render_template("points/entry_form.html", form=form, member=member, original=original,
                           cap=cap)


@bp.route("/entries/<int:entry_id>/decide", methods=["POST"])
@role_required(*DECIDING_ROLES, scope=entry_scope)
def decide(entry_id: int) -> Response:
    """批准 or 不批准 a manual entry or a correction, once."""
    entry = db.get_or_404(PointEntry, entry_id)
    default = url_for(".person", person_id=entry.person_id)
    form = DecisionForm()
    chosen = form.approve.data or form.reject.data
    if not form.validate_on_submit() or not chosen:
        errors = [message for messages in form.errors.values() for message in messages]
        flash(errors[0] if errors else "请选择批准或不批准", "error")
        return _back(default)
    try:
        manual.decide(db.session, entry.id, bool(form.approve.data), form.note.data,
                      current_user.id)
    except manual.PointsError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return _back(default)
    db.session.commit()
    verdict = "已批准，计入积分" if form.approve.data else "未批准，不计入积分"
    flash(f"{entry.kind.label} {entry.points:+d} 分：{verdict}", "success")
    return _back(default)
