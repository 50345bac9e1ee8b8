"""Points views: a member's own ledger, and the point and rating rules of a unit.

The secretaries' pages (a unit's ledger, manual entries, decisions,
corrections) are in ``ledger_routes``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from quizapp.auth.access import has_role
from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import RuleKind, Role, Unit
from quizapp.models.org import unit_path
from quizapp.points import queries
from quizapp.points.caps import DEFAULT_CAP, CapError, cap_for, caps_on_path, set_cap
from quizapp.points.chart import points_chart
from quizapp.points.forms import (
    CapForm,
    PointRulesForm,
    RatingRulesForm,
    fill_rating_form,
    rating_rules_from,
    star_fields,
)
from quizapp.points.rule_versions import add_rule_version, beijing_today, rule_history
from quizapp.results.rules import (
    RuleError,
    describe_point_rules,
    describe_rating_rules,
    rules_in_effect,
)
from quizapp.points.scopes import RULE_ROLES, looked_after, unit_choices, unit_scope

bp = Blueprint("points", __name__)

DESCRIBE = {RuleKind.POINTS: describe_point_rules, RuleKind.RATING: describe_rating_rules}


@bp.route("/")
@role_required(Role.MEMBER)
def mine() -> str:
    """The member's own ledger, total and points over time; nobody else's."""
    person_id = current_user.id
    months = queries.monthly_totals(db.session, person_id)
    return render_template(
        "points/mine.html", total=queries.total_for(db.session, person_id),
        lines=queries.ledger_for(db.session, person_id), months=months,
        chart=points_chart(months),
    )


@bp.route("/rules")
@role_required(*RULE_ROLES)
def rules_home() -> Response:
    """The rules of the chosen unit (``?unit=``), else of the first unit looked after."""
    roots = looked_after(db.session, current_user._get_current_object(), RULE_ROLES)
    chosen = request.args.get("unit", type=int)
    if chosen is None:
        if not roots:
            abort(403)
        chosen = roots[0]
    return redirect(url_for(".rules", unit_id=chosen))


@bp.route("/rules/<int:unit_id>")
@role_required(*RULE_ROLES, scope=unit_scope)
def rules(unit_id: int) -> str:
    unit = db.get_or_404(Unit, unit_id)
    today = beijing_today()
    sections = []
    for kind in RuleKind:
        version = rules_in_effect(db.session, kind, unit_id, today)
        sections.append({"kind": kind, "version": version,
                         "text": DESCRIBE[kind](version.rules),
                         "history": rule_history(db.session, kind, unit_id)})
    db.session.commit()  # the stored defaults, if this tree had no rules yet
    roots = looked_after(db.session, current_user._get_current_object(), RULE_ROLES)
    return render_template("points/rules.html", unit=unit, path=unit_path(db.session, unit_id),
                           sections=sections, today=today,
                           choices=unit_choices(db.session, roots),
                           cap=cap_for(db.session, unit_id), caps=caps_on_path(db.session, unit_id),
                           default_cap=DEFAULT_CAP,
                           can_set_cap=has_role(db.session, current_user._get_current_object(),
                                                [Role.ADMIN], unit_id))


@bp.route("/rules/<int:unit_id>/cap", methods=["GET", "POST"])
@role_required(Role.ADMIN, scope=unit_scope)
def manual_cap(unit_id: int) -> Response | str:
    """An admin sets the cap on one manual entry or correction for the unit's subtree."""
    unit = db.get_or_404(Unit, unit_id)
    form = CapForm()
    if form.validate_on_submit():
        try:
            set_cap(db.session, unit_id, form.cap.data, current_user.id)
            db.session.commit()
        except CapError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        except IntegrityError:  # two admins setting the unit's first cap at once
            db.session.rollback()
            form.form_errors.append("保存失败，请重试")
        else:
            flash(f"已设定{unit.name}的单条上限：{form.cap.data} 分；现行上限 {cap_for(db.session, unit_id)} 分",
                  "success")
            return redirect(url_for(".rules", unit_id=unit_id))
    cap = cap_for(db.session, unit_id)
    if request.method == "GET":
        form.cap.data = cap
    return render_template("points/cap_form.html", form=form, unit=unit,
                           path=unit_path(db.session, unit_id), cap=cap,
                           caps=caps_on_path(db.session, unit_id))


@bp.route("/rules/<int:unit_id>/<any(points, rating):kind>/new", methods=["GET", "POST"])
@role_required(*RULE_ROLES, scope=unit_scope)
def new_rules(unit_id: int, kind: str) -> Response | str:
    """A new version of the unit's point or rating rules, from a date on."""
    unit = db.get_or_404(Unit, unit_id)
    rule_kind = RuleKind(kind)
    form = PointRulesForm() if rule_kind is RuleKind.POINTS else RatingRulesForm()
    if request.method == "GET":
        current = rules_in_effect(db.session, rule_kind, unit_id, beijing_today())
        if rule_kind is RuleKind.POINTS:
            form.fill(current.rules)
        else:
            fill_rating_form(form, current.rules)
        form.effective_from.data = beijing_today()
    elif form.validate_on_submit():
        values = form.rules() if rule_kind is RuleKind.POINTS else rating_rules_from(form)
        try:
            version = add_rule_version(db.session, rule_kind, unit_id, form.effective_from.data,
                                       values, form.note.data or "", current_user.id)
        except RuleError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(f"已保存{rule_kind.label}新版本，{version.effective_from:%Y-%m-%d} 起生效", "success")
            return redirect(url_for(".rules", unit_id=unit_id))
    return render_template("points/rule_form.html", form=form, unit=unit, kind=rule_kind,
                           path=unit_path(db.session, unit_id),
                           stars=star_fields(form) if rule_kind is RuleKind.RATING else [])

