"""The join QR code on the host's screen, made locally by segno."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of ``url`` that scales to its container."""
    code = segno.make(url, error="m")
    # Only a path of the QR modules: the URL is encoded as squares, never as text.
    return Markup(code.svg_inline(scale=1, omitsize=True, svgclass="qr-code", dark="#000", light="#fff"))  # nosec B704
