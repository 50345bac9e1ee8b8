"""QR codes that open an activity's page on a phone, made locally by segno (no outside service)."""

from __future__ import annotations

from io import BytesIO

import segno
from flask import url_for
from markupsafe import Markup


def activity_url(activity_id: int) -> str:
    """The absolute address of the member's page of the activity (``quiz.activity``)."""
    return url_for("quiz.activity", activity_id=activity_id, _external=True)


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
