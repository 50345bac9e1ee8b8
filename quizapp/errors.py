"""Error pages in Chinese, and the database-unavailable page."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError, SQLAlchemyError
from werkzeug.routing import IntegerConverter
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


# Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 5


def handle_database_unavailable(error: OperationalError) -> Response:
    """The database is unreachable (restarting, a cut network): a 503 asking to retry.

    The answering page's script (static/js/quiz.js) gets JSON and keeps the answer
    queued; pages get the Chinese page. Neither carries the error's text.
    """
    current_app.logger.error("database unavailable: %s", error)
    _rollback()
    if request.is_json or request.accept_mimetypes.best == "application/json":
        response = jsonify(ok=False, retry=True, message=_MESSAGES[503][1])
        response.status_code = 503
    else:
        response = current_app.make_response(_render(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# The largest id a database column holds (BIGINT); a larger number in a URL is not found.
MAX_ID = 2**63 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` that never hands the database a number it cannot store: a larger one is 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def handle_out_of_range(error: Exception) -> tuple[str, int]:
    """A number too large for the database (a query string such as ?page=10**30): a 400, not a 500."""
    current_app.logger.info("number out of range: %s", error)
    _rollback()
    return _render(400, "请求中的数字超出范围，请检查后重试。")


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
