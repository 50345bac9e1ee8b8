"""The Content-Security-Policy in a real browser: Chromium (390×844) walks the main pages of
every role, answers a practice question (quiz.js autosaves) and reports no CSP violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from chromium import needs_chromium
from live_server import serve
from report_helpers import ADMIN, MEMBER_A2, ORGANIZER_G, SECRETARY_A, org  # noqa: F401 - fixture
from tests.conftest import DEFAULT_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = needs_chromium


@pytest.fixture
def live_url(app: Flask, org: dict[str, Any]) -> Iterator[str]:
    app.config["WTF_CSRF_ENABLED"] = True
    with serve(app) as url:
        yield url


def _pages(org: dict[str, Any]) -> dict[str, list[str]]:
    units, test = org["units"], org["test"]
    return {
        MEMBER_A2: ["/", "/quiz/", "/quiz/practice", "/quiz/mistakes", "/points/", "/reports/me",
                    f"/quiz/activities/{test}"],
        SECRETARY_A: ["/reports/", f"/reports/units/{units['A'].id}/activities/{test}",
                      f"/reports/units/{units['A'].id}/period?p=2026-Q4",
                      f"/reports/units/{units['A'].id}/mastery?p=2026-Q4"],
        ORGANIZER_G: ["/publish/", f"/publish/{test}", f"/publish/{test}/members",
                      f"/publish/{test}/poster", "/publish/tests/new", "/organize/",
                      "/organize/questions", "/roster/", "/points/units", "/points/rules"],
        ADMIN: ["/admin/people", "/auth/change-password"],
    }


def test_no_page_of_any_role_breaks_the_csp(live_url: str, org: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    messages: list[str] = []
    visited: list[tuple[str, int]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--disable-gpu"])
        for account, paths in _pages(org).items():
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                          has_touch=True, locale="zh-CN")
            page = context.new_page()
            page.on("console", lambda m: messages.append(f"{page.url} {m.type}: {m.text}"))
            page.on("pageerror", lambda e: messages.append(f"{page.url} pageerror: {e}"))
            page.goto(f"{live_url}/auth/login")
            page.fill("input[name=account]", account)
            page.fill("input[name=password]", DEFAULT_PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            for path in paths:
                response = page.goto(live_url + path)
                visited.append((path, response.status if response else 0))
            if account == MEMBER_A2:
                _answer_one_practice_question(page, live_url)
            context.close()

        # The listener does catch a violation: an injected inline script is refused.
        context = browser.new_context()
        page = context.new_page()
        caught: list[str] = []
        page.on("console", lambda m: caught.append(m.text))
        page.goto(f"{live_url}/auth/login")
        page.evaluate("() => { const s = document.createElement('script');"
                      " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }")
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.injected") is None
        browser.close()

    assert [item for item in visited if item[1] != 200] == []
    assert any("Content Security Policy" in text for text in caught)
    violations = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert violations == []
    assert [m for m in messages if "pageerror" in m] == []


def _answer_one_practice_question(page: Any, live_url: str) -> None:
    """Start a practice, pick an option and wait for quiz.js's autosave to reach the server."""
    page.goto(f"{live_url}/quiz/practice")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/q/**")
    with page.expect_response(lambda r: r.url.endswith("/answers") and r.request.method == "POST"
                              ) as saved:
        page.locator("main input[type=radio], main input[type=checkbox]").first.check()
    assert saved.value.status == 200
