"""A secretary on a phone (390×844, Chromium): the dashboard, a report and the mastery table
fit the screen (wide tables scroll inside their own box), and 一键提醒 works from the page.

Screenshots go to REPORTS_SCREENSHOTS (a folder) when that is set, for a human to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from activity_helpers import make_activity
from report_helpers import SECRETARY_A, org  # noqa: F401 - fixture
from tests.conftest import DEFAULT_PASSWORD
from live_server import serve
from chromium import needs_chromium
from quizapp.models import QuestionType
from quizapp.models.base import utcnow

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = needs_chromium



@pytest.fixture
def live_url(app: Flask, org: dict[str, Any]) -> Iterator[str]:
    with serve(app) as url:
        yield url


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("REPORTS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide"


def test_secretary_reads_reports_on_a_phone(app: Flask, live_url: str, org: dict[str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    now = utcnow()
    make_activity(app, org["units"]["G"].id, title="本周测试", opens_at=now - timedelta(days=1),
                  closes_at=now + timedelta(days=3), parts=((QuestionType.SINGLE, 4, 25),))
    a = org["units"]["A"].id
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True, locale="zh-CN")
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_url) else None)
        page.goto(f"{live_url}/auth/login")
        page.fill("input[name=account]", SECRETARY_A)
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        with page.expect_navigation():  # the login's redirect, before leaving the page
            page.click("button[type=submit]")
        page.goto(f"{live_url}/reports/")
        assert page.locator(".report-chart svg").count() == 1
        _fits(page)
        _shot(page, "dashboard")
        page.locator("#pending ~ .card", has_text="本周测试").get_by_role("button", name="一键提醒").click()
        # The form posts and redirects back: wait for the page that says so (a slow machine
        # was still on the old page when this counted at once).
        expect(page.get_by_text("已提醒 6 人")).to_have_count(1)
        _shot(page, "after_remind")
        page.goto(f"{live_url}/reports/units/{a}/activities/{org['test']}")
        _fits(page)
        assert page.get_by_text("甲四").count() >= 1
        _shot(page, "activity")
        page.goto(f"{live_url}/reports/units/{org['units']['G'].id}/mastery?p=2026-Q4")
        _fits(page)
        _shot(page, "mastery")
        page.goto(f"{live_url}/reports/units/{a}/period?p=2026-Q4")
        _fits(page)
        _shot(page, "period")
        browser.close()
    assert outside == []
