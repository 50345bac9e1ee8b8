"""Admin views: the people an admin manages and password resets."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from quizapp.admin import queries, services
from quizapp.admin.forms import PeopleSearchForm
from quizapp.auth.decorators import role_required
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
