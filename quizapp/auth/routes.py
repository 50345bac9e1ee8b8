"""Login, logout and password change views."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
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

from quizapp.auth import devices, services, throttle
from quizapp.auth.access import holds_anywhere, roles_held
from quizapp.auth.decorators import password_change_pending, role_required
from quizapp.auth.forms import ChangePasswordForm, EndLoginForm, LoginForm
from quizapp.auth.redirects import is_safe_next
from quizapp.auth.session import close_session, current_digest, open_session
from quizapp.extensions import db
from quizapp.models import Role
from quizapp.models.base import utcnow
from quizapp.results.clock import local_time

bp = Blueprint("auth", __name__)

# Endpoints a person who must change their password may still reach.
_OPEN_DURING_PASSWORD_CHANGE = frozenset(
    {"auth.change_password", "auth.logout", "static", "bootstrap.static"}
)


def _account_key(account: str) -> str:
    """The throttle key of an account however it was typed (+86, spaces, lower case)."""
    phone = services.normalize_phone(account)
    return throttle.ACCOUNT + (phone or services.normalize_member_no(account) or "")


def _throttle_keys(account: str) -> tuple[list[str], str | None]:
    """The keys a login attempt counts against, and the trusted device's nonce if any.

    From a device that has logged in to this very account before, only the device counts.
    """
    device = throttle.read_device_cookie(current_app.secret_key,
                                         request.cookies.get(throttle.DEVICE_COOKIE))
    if device is not None:
        person = services.find_person_by_account(db.session, account)
        if person is not None and person.id == device[0]:
            return [throttle.DEVICE + device[1]], device[1]
    return [_account_key(account), throttle.ADDRESS + (request.remote_addr or "")], None


def _policy(key: str) -> throttle.Policy:
    config = current_app.config
    max_wait = config["LOGIN_THROTTLE_MAX_WAIT"].total_seconds()
    if key.startswith(throttle.ADDRESS):
        return throttle.policy(config["LOGIN_LIMIT_PER_ADDRESS"], max_wait=max_wait)
    memory = config["LOGIN_THROTTLE_ACCOUNT_MEMORY"].total_seconds()
    return throttle.policy(config["LOGIN_LIMIT_PER_ACCOUNT"], max_wait=max_wait, memory=memory)


def _longest_memory() -> float:
    """Seconds after a last failure beyond which no count matters any more."""
    config = current_app.config
    return (config["LOGIN_THROTTLE_MAX_WAIT"] + config["LOGIN_THROTTLE_ACCOUNT_MEMORY"]
            + timedelta(days=1)).total_seconds()


def _too_many(seconds: float) -> tuple[str, int, dict[str, str]]:
    """The 429 page: how long to wait, in Chinese and in ``Retry-After``."""
    minutes = throttle.wait_minutes(seconds)
    page = render_template("errors/error.html", code=429, title="操作过于频繁",
                           message=f"尝试次数过多，请 {minutes} 分钟后再试。")
    return page, 429, {"Retry-After": str(math.ceil(seconds))}


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
def login() -> BaseResponse | str | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = LoginForm()
    if form.validate_on_submit():
        keys, device = _throttle_keys(form.account.data)
        at = throttle.now()
        wait = throttle.wait_seconds(db.session, keys, at)
        if wait > 0:
            return _too_many(wait)
        try:
            person = services.authenticate(
                db.session, form.account.data, form.password.data
            )
        except services.InvalidCredentials as error:
            for key in keys:
                throttle.record_failure(db.session, key, _policy(key), at, request.remote_addr)
            throttle.prune(db.session, at - _longest_memory())
            db.session.commit()
            form.form_errors.append(str(error))
        except services.AuthError as error:
            form.form_errors.append(str(error))
        else:
            if device is not None:
                throttle.forget(db.session, keys[0])
            else:
                throttle.forget_if_never_locked(db.session, _account_key(form.account.data))
            open_session(db.session, person, remember=form.remember.data,
                         device=devices.describe_device(request.user_agent.string))  # commits
            response = redirect(_next_url())
            response.set_cookie(
                throttle.DEVICE_COOKIE,
                throttle.device_cookie_value(current_app.secret_key, person.id, device),
                max_age=throttle.DEVICE_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
            return response
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
            open_session(db.session, person, remember=remembered in request.cookies,
                         device=devices.describe_device(request.user_agent.string))
            flash("密码已修改", "success")
            return redirect(url_for("main.home"))
    return render_template(
        "auth/change_password.html", form=form, forced=person.must_change_password
    )


@bp.route("/devices")
@role_required(Role.MEMBER)
def devices_page() -> str:
    """我的登录设备: where the member is logged in, each with a button to end it."""
    mine = current_digest()
    logins = [{"id": login.id, "device": login.device or "未知设备",
               "since": local_time(login.created_at), "until": local_time(login.expires_at),
               "current": login.token_hash == mine}
              for login in devices.live_logins(db.session, current_user, utcnow())]
    return render_template("auth/devices.html", logins=logins, form=EndLoginForm())


@bp.route("/devices/end", methods=["POST"])
@role_required(Role.MEMBER)
def end_device() -> BaseResponse:
    """End one of the member's logins; ending this device's own is logging out."""
    form = EndLoginForm()
    if not form.validate_on_submit():
        abort(400)
    ended = devices.end_login(db.session, current_user, form.login_id.data)
    if ended is None:
        flash("该设备已退出", "info")
        return redirect(url_for("auth.devices_page"))
    this_device = ended.token_hash == current_digest()
    db.session.commit()
    if this_device:
        close_session(db.session)
        flash("本设备已退出", "info")
        return redirect(url_for("auth.login"))
    flash(f"已让“{ended.device or '未知设备'}”退出登录", "success")
    return redirect(url_for("auth.devices_page"))
