"""Error pages in Chinese, and the database-unavailable page."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from quizapp.extensions import db

_MESSAGES = {
    400: ("请求有误", "请求无法处理，请返回上一页重试。"),
    403: ("没有权限", "您没有访问该页面的权限。"),
    404: ("页面不存在", "您要找的页面不存在或已被删除。"),
    405: ("请求有误", "不支持该操作方式。"),
    429: ("操作过于频繁", "尝试次数过多，请稍后再试。"),
    500: ("服务器出错", "服务器出了点问题，请稍后重试。"),
    503: ("服务暂不可用", "服务暂时不可用，请稍后重试"),
}


def _render(code: int, message: str | None = None) -> tuple[str, int]:
    title, default = _MESSAGES.get(code, _MESSAGES[500])
    context = {"code": code, "title": title, "message": message or default}
    if code < 500:
        return render_template("errors/error.html", **context), code
    # 5xx pages must render when the database is down. render_template would
    # run Flask-Login's context processor, which loads the user from the
    # database, so render the template directly and leave out the user menu.
    template = current_app.jinja_env.get_template("errors/error.html")
    return template.render(hide_user_nav=True, **context), code


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection may already be gone
        current_app.logger.exception("rollback failed")


def handle_http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code not in _MESSAGES:
        return error
    return _render(error.code)


def handle_csrf_error(_error: CSRFError) -> tuple[str, int]:
    return _render(400, "页面已过期，请刷新页面后重新提交。")


def handle_server_error(_error: Exception) -> tuple[str, int]:
    _rollback()
    return _render(500)


def handle_database_unavailable(error: OperationalError) -> tuple[str, int]:
    current_app.logger.error("database unavailable: %s", error)
    _rollback()
    return _render(503)


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
