"""QR codes that open an activity's page on a phone, made locally by segno (no outside service)."""

from __future__ import annotations

from io import BytesIO

import segno
from urllib.parse import urlsplit

from flask import current_app, url_for
from markupsafe import Markup

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")  # nosec B104 - a name compared, not bound


def activity_url(activity_id: int) -> str:
    """The absolute address of the member's page of the activity (``quiz.activity``), on the
    site's public address (``QUIZAPP_PUBLIC_URL``) when it is set, else on the request's."""
    base = current_app.config.get("PUBLIC_URL") or ""
    if base:
        path = url_for("quiz.activity", activity_id=activity_id, _external=False)
        prefix = urlsplit(base).path
        if prefix and path.startswith(prefix + "/"):  # mounted under the same prefix: once
            path = path[len(prefix):]
        return base + path
    return url_for("quiz.activity", activity_id=activity_id, _external=True)


def unreachable_from_phones(url: str) -> bool:
    """The address names this machine only (127.0.0.1, localhost): a phone cannot open it."""
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of ``url`` that scales to its container (white quiet zone included)."""
    code = segno.make(url, error="m")
    # The SVG is only a path of the QR modules (the URL is encoded as black squares, never as text).
    return Markup(code.svg_inline(scale=1, omitsize=True, svgclass="qr-code", dark="#000", light="#fff"))  # nosec B704


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG of the QR code of ``url`` (to download and paste into a notice)."""
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
