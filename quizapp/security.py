"""Browser-facing defences: the same-origin check on unsafe requests and the security headers.

Flask-WTF checks the CSRF token; on top of it every POST/PUT/PATCH/DELETE must come from this
site's own origin (the ``Origin`` header, or without one the ``Referer``), so a token leaked to
another site is still of no use there. Behind a reverse proxy the site's host and scheme come
through ``quizapp.proxies`` (``QUIZAPP_TRUSTED_PROXIES``); ``QUIZAPP_TRUSTED_ORIGINS`` adds
other origins.

Every response carries a Content-Security-Policy that allows no inline script. Inline *styles*
stay allowed: the charts are pygal SVGs embedded in the page, and each carries its own
``<style>`` element generated per chart (and the printable poster page has a small one);
styles cannot run code, so the loss is small next to the script rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from quizapp import errors

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

NUL_MESSAGE = "提交的内容含有无法保存的空字符，请删除后重新提交。"
FOREIGN_ORIGIN_MESSAGE = "请求来源不受信任，请从本站页面重新操作。"
EXPIRED_FORM_MESSAGE = "页面已过期，请刷新页面后重新提交。"


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of ``url`` in lower case, or None when it has no host."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    default_port = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname if port in (None, default_port) else f"{parts.hostname}:{port}"
    return f"{parts.scheme}://{host}".lower()


def _own_origins() -> set[str]:
    own = origin_of(request.host_url)
    trusted = {origin_of(item) for item in current_app.config.get("TRUSTED_ORIGINS", ())}
    return {item for item in trusted | {own} if item}


def is_same_origin_request() -> bool:
    """True unless the request names a sender origin that is not this site's.

    A request with neither ``Origin`` nor ``Referer`` passes (some privacy settings drop both,
    and scripts outside a browser send neither); its CSRF token still has to be valid.
    ``Origin: null`` (a sandboxed frame, a ``data:`` page) never passes.
    """
    origin_header = request.headers.get("Origin")
    if origin_header is not None:
        return origin_of(origin_header) in _own_origins()
    referer = request.headers.get("Referer")
    if referer is not None:
        return origin_of(referer) in _own_origins()
    return True


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def refusal(message: str, status: int = 400, *,
            csrf: bool = True) -> Response | tuple[str | Response, int]:
    """A refused request: JSON ``{"ok": false, "message"}`` for the page scripts, else the
    Chinese error page. With ``csrf`` (a token or origin refused), ``X-CSRF-Refused`` tells
    quiz.js to fetch a fresh token and retry."""
    if _wants_json():
        response = jsonify(ok=False, message=message, **({"csrf": True} if csrf else {}))
        response.status_code = status
    else:
        response = current_app.make_response(
            (render_template("errors/error.html", code=status, title="请求有误", message=message),
             status)
        )
    if csrf:
        response.headers["X-CSRF-Refused"] = "1"
    return response


def check_origin() -> Response | tuple[str | Response, int] | None:
    """``before_request``: refuse an unsafe request sent from another site."""
    if request.method not in UNSAFE_METHODS or is_same_origin_request():
        return None
    current_app.logger.warning(
        "refused %s %s from origin %r referer %r", request.method, request.path,
        request.headers.get("Origin"), request.headers.get("Referer"),
    )
    return refusal(FOREIGN_ORIGIN_MESSAGE)


# A NUL inside a JSON string is always escaped (a raw one is not valid JSON): ``\u0000`` after
# an even number of backslashes (an odd number escapes the backslash itself).
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def _json_text(body: bytes) -> str:
    """The JSON body as the parser reads it: UTF-8, or UTF-16/32 (``json.loads`` detects them
    from the bytes, so searching the bytes alone would miss an escape written in UTF-16)."""
    return body.decode(json.detect_encoding(body), errors="replace")


def _holds_nul(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in pairs)


def refuse_nul_characters() -> Response | tuple[str | Response, int] | None:
    """``before_request``: refuse a NUL character anywhere in the query string, the form, a file
    name or a JSON body, before any view reads it. PostgreSQL cannot store one in text, and no
    one types it: it is always a broken or hostile client. The JSON body is searched as text,
    not parsed and walked (a body nested hundreds deep would exhaust the walk's recursion)."""
    found = _holds_nul(request.args.lists())
    if not found and request.method in UNSAFE_METHODS:
        found = (_holds_nul(request.form.lists())
                 or any("\x00" in (upload.filename or "") for upload in request.files.values())
                 or (request.is_json and _JSON_NUL.search(_json_text(request.get_data())) is not None))
    return refusal(NUL_MESSAGE, csrf=False) if found else None


def handle_csrf_error(error: CSRFError) -> Response | tuple[str | Response, int]:
    """A missing or expired CSRF token: JSON for the page scripts, else the usual error page."""
    if _wants_json():
        return refusal(EXPIRED_FORM_MESSAGE)
    return errors.handle_csrf_error(error)


def set_security_headers(response: Response) -> Response:
    """``after_request``: the security headers on every response (a view's own value wins)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_security(app: Flask) -> None:
    """Install the origin check, the JSON-aware CSRF error and the security headers on ``app``.

    Call after ``errors.register`` so this CSRF error handler is the one in force.
    """
    app.before_request(check_origin)
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
    app.register_error_handler(CSRFError, handle_csrf_error)
