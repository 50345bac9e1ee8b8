"""Admin views: the people an admin manages, password resets and login throttles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from quizapp.admin import queries, services
from quizapp.admin.forms import ClearThrottleForm, PeopleSearchForm
from quizapp.auth import throttle
from quizapp.auth.decorators import role_required
from quizapp.auth.services import find_person_by_account
from quizapp.extensions import db
from quizapp.models import Person, Role

bp = Blueprint("admin", __name__)

PEOPLE_PER_PAGE = 20


def person_unit_scope(person_id: int, **_: object) -> int:
    """Scope for ``role_required``: the unit of the person in the URL (404 if none)."""
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    return person.unit_id


@bp.route("/people")
@role_required(Role.ADMIN)
def people() -> str:
    form = PeopleSearchForm(request.args)
    search = form.q.data.strip() if form.validate() and form.q.data else None
    page = db.paginate(
        queries.people_in_scope(db.session, current_user, search),
        per_page=PEOPLE_PER_PAGE,
        error_out=False,
    )
    return render_template("admin/people.html", form=form, page=page, search=search)


@bp.route("/people/<int:person_id>/reset-password", methods=["POST"])
@role_required(Role.ADMIN, scope=person_unit_scope)
def reset_password(person_id: int) -> tuple[str, dict[str, str]]:
    """CSRF is checked by CSRFProtect before this runs."""
    person = db.get_or_404(Person, person_id)
    if not services.may_reset(db.session, current_user._get_current_object(), person):
        abort(403)
    password = services.reset_password(person)
    db.session.commit()
    # The temporary password is shown once, in this response only.
    return (
        render_template("admin/reset_done.html", person=person, password=password),
        {"Cache-Control": "no-store"},
    )


@bp.route("/login-throttles")
@role_required(Role.ADMIN)
def login_throttles() -> str:
    """Accounts and addresses that must wait before their next login attempt."""
    at = throttle.now()
    rows = []
    for row in throttle.waiting(db.session, at):
        is_account = row.key.startswith(throttle.ACCOUNT)
        name = row.key.split(":", 1)[1]
        person = find_person_by_account(db.session, name) if is_account else None
        rows.append({"key": row.key, "account": is_account, "name": name, "person": person,
                     "failures": row.failures, "address": row.last_address,
                     "minutes": throttle.wait_minutes(row.locked_until - at)})
    return render_template("admin/login_throttles.html", rows=rows, form=ClearThrottleForm())


@bp.route("/login-throttles/clear", methods=["POST"])
@role_required(Role.ADMIN)
def clear_login_throttle() -> BaseResponse:
    """End one account's or address's wait (CSRF is checked by the form)."""
    form = ClearThrottleForm()
    if not form.validate_on_submit():
        abort(400)
    if throttle.clear(db.session, form.key.data):
        db.session.commit()
        flash(f"已解除 {form.key.data.split(':', 1)[1]} 的登录限制", "success")
    else:
        flash("该限制已解除或已到期", "info")
    return redirect(url_for("admin.login_throttles"))
