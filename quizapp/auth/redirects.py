"""Checking where a ``next`` parameter may send the browser after login."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """True only for a path on this site, such as ``/quiz/3?x=1``.

    Rejects absolute and scheme-relative URLs (``//evil.example``), other
    schemes (``javascript:``), backslashes that browsers treat as slashes, and
    control characters that browsers strip.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
