"""Issue 17 in Chromium at 390×844 and 1366×768: a member practises with feedback, an organizer
finds every page from the menu and adds a blueprint row in place, a secretary reads the
dashboard. No page scrolls sideways, every destination is on screen, /favicon.ico is found.

Screenshots are written to the test's tmp folder (to ISSUE17_SCREENSHOTS when set, for a person
to look at), and to docs/screenshots/ with UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from chromium import CHROMIUM, needs_chromium
from live_server import serve
from report_helpers import MEMBER_A2, ORGANIZER_G, SECRETARY_A, org  # noqa: F401 - fixture
from tests.conftest import DEFAULT_PASSWORD

pytestmark = needs_chromium
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 768)}


@pytest.fixture
def live_url(app: Flask, org: dict[str, Any]) -> Iterator[str]:
    with serve(app) as url:
        yield url


class Walk:
    """One person in one browser window: log in, visit, check, photograph."""

    def __init__(self, browser: Any, base: str, size: str, folder: Path) -> None:
        width, height = VIEWPORTS[size]
        phone = size == "phone"
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           device_scale_factor=2 if phone else 1, is_mobile=phone,
                                           has_touch=phone, locale="zh-CN")
        self.page = self.context.new_page()
        self.base, self.size, self.width, self.height, self.folder = base, size, width, height, folder
        self.missing: list[str] = []
        self.page.on("response", lambda r: self.missing.append(r.url) if r.status == 404 else None)

    def login(self, account: str) -> None:
        self.page.goto(f"{self.base}/auth/login")
        self.page.fill("input[name=account]", account)
        self.page.fill("input[name=password]", DEFAULT_PASSWORD)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")

    def visit(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("load")
        self.fits()

    def fits(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, f"{self.page.url} is {width}px wide at {self.size}"

    def on_screen(self, locator: Any) -> None:
        box = locator.bounding_box()
        assert box is not None, locator
        assert 0 <= box["x"] and box["x"] + box["width"] <= self.width + 0.5, (locator, box)
        assert 0 <= box["y"] and box["y"] + box["height"] <= self.height + 0.5, (locator, box)

    def shot(self, name: str) -> Path:
        path = self.folder / f"issue17-{name}-{self.size}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_members_organizers_and_secretaries_at_phone_and_desktop_sizes(
        app: Flask, live_url: str, org: dict[str, Any], size: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    folder = Path(os.environ.get("ISSUE17_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])

        member = Walk(browser, live_url, size, folder)
        member.login(MEMBER_A2)
        member.visit("/")
        if size == "phone":  # every member destination in the tab bar, on screen
            for label in ("首页", "练习", "错题本", "积分", "排名"):
                member.on_screen(member.page.locator("nav.app-tabs").get_by_role("link", name=label))
        else:
            expect(member.page.locator("nav.app-tabs")).to_be_hidden()
            for label in ("答题", "积分", "退出"):
                member.on_screen(member.page.locator("#app-menu").get_by_text(label, exact=True))
        shots.append(member.shot("member-home"))
        member.visit("/quiz/practice")
        with member.page.expect_navigation():
            member.page.get_by_role("button", name="开始练习").click()
        member.page.locator(".quiz-question:not([hidden]) .quiz-option").first.click()
        with member.page.expect_navigation():
            member.page.locator(".quiz-question:not([hidden])").get_by_role("button", name="核对答案").click()
        feedback = member.page.locator('[data-role="feedback"]')
        expect(feedback).to_contain_text("正确答案")
        expect(feedback).to_contain_text("回答")
        member.fits()
        feedback.scroll_into_view_if_needed()
        shots.append(member.shot("member-practice-feedback"))
        member.visit("/points/")
        shots.append(member.shot("member-points"))
        assert not [url for url in member.missing if url.endswith("/favicon.ico")], member.missing

        organizer = Walk(browser, live_url, size, folder)
        organizer.login(ORGANIZER_G)
        organizer.visit("/publish/tests/new")
        if size == "phone":
            organizer.page.get_by_role("button", name="打开菜单").click()
        for label in ("报表", "发布", "名单", "题库", "退出"):
            item = organizer.page.locator("#app-menu").get_by_text(label, exact=True)
            expect(item).to_be_visible()
            organizer.on_screen(item)
        shots.append(organizer.shot("organizer-menu"))
        if size == "phone":
            organizer.page.get_by_role("button", name="打开菜单").click()
        rows = organizer.page.locator(".part-row:visible")
        before = rows.count()
        organizer.page.get_by_role("button", name="＋ 添加一行").click()
        expect(rows).to_have_count(before + 1)
        organizer.fits()
        organizer.page.locator(".part-row:visible").last.scroll_into_view_if_needed()
        shots.append(organizer.shot("organizer-blueprint"))

        secretary = Walk(browser, live_url, size, folder)
        secretary.login(SECRETARY_A)
        secretary.visit("/reports/")
        view = secretary.page.get_by_role("button", name="查看")
        if view.count():
            assert view.bounding_box()["height"] < 60  # one line, not a character a line
        assert secretary.page.locator(".report-chart svg").count() == 1
        shots.append(secretary.shot("secretary-dashboard"))
        secretary.page.locator(".report-chart").scroll_into_view_if_needed()
        shots.append(secretary.shot("secretary-chart"))
        browser.close()
    for path in shots:
        assert path.stat().st_size > 5000, path  # a real picture, not a blank page
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS / path.name)
