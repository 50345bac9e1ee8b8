"""Debian's Chromium for the browser tests, driven by Playwright (no browser is downloaded here):
``needs_chromium`` skips a test where it is not installed, ``launched()`` starts it headless.
Serve the app to it with ``live_server.serve``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import os
import subprocess  # nosec B404 - fc-list with fixed arguments
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# The one command that makes the browser tests run (what .ci/run installs).
ENABLE_COMMAND = "sudo apt-get install -y chromium fonts-noto-cjk"


def _cjk_fonts() -> bool:
    """A font with Chinese glyphs is installed (else screenshots show boxes, not text)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                                timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.strip())


def missing() -> str:
    """Why the browser tests cannot run here ("" when they can). ``QUIZAPP_TEST_NO_BROWSER=1``
    runs the suite as on a machine without them (to see what a newcomer sees)."""
    if os.environ.get("QUIZAPP_TEST_NO_BROWSER") == "1":
        return "QUIZAPP_TEST_NO_BROWSER=1"
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed at /usr/bin/chromium"
    if not _cjk_fonts():
        return "no font with Chinese glyphs is installed (fc-list :lang=zh is empty)"
    return ""


MISSING = missing()
# Every browser test carries the ``browser`` marker: tests/conftest.py counts the skipped ones
# at the end of the run and says how to enable them.
needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(MISSING), reason=f"{MISSING}; {ENABLE_COMMAND} (.ci/run installs both)"),
]


@contextmanager
def launched() -> Iterator[Browser]:
    """Debian's Chromium, headless, closed afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()
