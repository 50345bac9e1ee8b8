"""``role_required``: the guard on every non-public view; ``password_change_pending``: the
forced password change's redirect."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.access import has_role
from quizapp.extensions import db, login_manager
from quizapp.models import Role

View = TypeVar("View", bound=Callable[..., Any])
ScopeFunc = Callable[..., int]


def role_required(*roles: Role, scope: ScopeFunc | None = None) -> Callable[[View], View]:
    """Require the current person to hold one of ``roles``.

    ``scope`` receives the view's URL arguments and returns the id of the unit
    the request acts on (it may abort with 404); without it the role may be
    held over any unit. Anonymous visitors are sent to the login page, people
    without the role get 403. The roles are recorded on the view as
    ``required_roles`` so a test can check that no route was left unguarded.
    """
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            unit_id = scope(**kwargs) if scope is not None else None
            person = current_user._get_current_object()
            if not has_role(db.session, person, roles, unit_id):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def password_change_pending() -> Response | None:
    """Until a forced password change is done, the redirect to it (every page but its own
    and the logout: ``auth.routes.require_password_change``, or a view marked
    ``checks_password_change`` that calls this itself)."""
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None
