"""Login, logout and password change views."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from quizapp.auth import services
from quizapp.auth.access import holds_anywhere, roles_held
from quizapp.auth.decorators import password_change_pending, role_required
from quizapp.auth.forms import ChangePasswordForm, LoginForm
from quizapp.auth.redirects import is_safe_next
from quizapp.auth.session import close_session, open_session
from quizapp.extensions import db, limiter
from quizapp.models import Role

bp = Blueprint("auth", __name__)

# Endpoints a person who must change their password may still reach.
_OPEN_DURING_PASSWORD_CHANGE = frozenset(
    {"auth.change_password", "auth.logout", "static", "bootstrap.static"}
)


def _login_failed(response: Response) -> bool:
    """Only failed attempts count towards the login limits.

    A wrong password renders the form again (200); a success redirects; an outage (503) or a
    refused form (400) is not the member's fault and is not counted.
    """
    return response.status_code == 200


def _account_key() -> str:
    account = request.form.get("account", "")
    phone = services.normalize_phone(account)
    return "login-account:" + (phone or services.normalize_member_no(account) or "")


def _next_url() -> str:
    target = request.args.get("next")
    return target if is_safe_next(target) else url_for("main.home")


def _my_roles() -> frozenset[Role]:
    """The current person's roles, read once per request (the menu asks for several)."""
    if "my_roles" not in g:
        g.my_roles = roles_held(db.session, current_user._get_current_object())
    return g.my_roles


@bp.app_context_processor
def inject_role_helpers() -> dict[str, object]:
    """``holds_role(Role.ADMIN)`` in templates; lazy, so error pages need no database."""

    def holds_role(*roles: Role) -> bool:
        if not current_user.is_authenticated or not current_user.active:
            return False
        return holds_anywhere(_my_roles, roles)

    return {"Role": Role, "holds_role": holds_role}


@bp.before_app_request
def require_password_change() -> BaseResponse | None:
    """Until a forced password change is done, every other page redirects to it."""
    if request.endpoint in _OPEN_DURING_PASSWORD_CHANGE:
        return None
    if getattr(current_app.view_functions.get(request.endpoint or ""), "checks_password_change", False):
        return None  # the view does, after its own quicker check (the autosave)
    return password_change_pending()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
)
def login() -> BaseResponse | str:
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            person = services.authenticate(
                db.session, form.account.data, form.password.data
            )
        except services.AuthError as error:
            form.form_errors.append(str(error))
        else:
            open_session(db.session, person, remember=form.remember.data)
            return redirect(_next_url())
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@role_required(Role.MEMBER)
def logout() -> BaseResponse:
    close_session(db.session)
    flash("您已安全退出", "info")
    return redirect(url_for("auth.login"))


@bp.route("/change-password", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def change_password() -> BaseResponse | str:
    form = ChangePasswordForm()
    person = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            services.change_password(
                person, form.current_password.data, form.new_password.data
            )
        except services.WrongCurrentPassword as error:
            form.current_password.errors.append(str(error))
        except services.WeakPassword as error:
            form.new_password.errors.append(str(error))
        else:
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            # The password change ended every session (auth_version): this device gets a new one.
            open_session(db.session, person, remember=remembered in request.cookies)
            flash("密码已修改", "success")
            return redirect(url_for("main.home"))
    return render_template(
        "auth/change_password.html", form=form, forced=person.must_change_password
    )
