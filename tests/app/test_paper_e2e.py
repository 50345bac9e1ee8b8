"""A secretary enters paper sittings on a phone (390×844) and an organizer makes the papers
on a desktop (1366×768), in Chromium: the page fits, a bad line comes back in Chinese with the
typed text kept, the corrected batch is saved and listed as 纸质.

Screenshots go to PAPER_SCREENSHOTS (a folder) when that is set, for a human to look at.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from chromium import launched, needs_chromium
from flask import Flask
from live_server import serve
from paper_helpers import answer_fields, paper_test, sections
from publish_helpers import ORGANIZER, org, pub_bank, quiz_org  # noqa: F401 - fixtures
from quiz_helpers import MEMBER, MEMBER_2

from quizapp.models import Role
from tests.conftest import DEFAULT_PASSWORD

SECRETARY = "13900000021"
pytestmark = needs_chromium


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("PAPER_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _login(page: Any, url: str, account: str) -> None:
    page.goto(f"{url}/auth/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_papers_made_on_a_desktop_and_answers_entered_on_a_phone(app: Flask, org, pub_bank,  # noqa: F811
                                                                  make_person) -> None:
    from playwright.sync_api import expect

    units = org["units"]
    make_person(name="书记甲", phone=SECRETARY, unit=units["branch"],
                roles=[(Role.SECRETARY, units["branch"])])
    activity = paper_test(app, units["general"].id, versions=1)
    with serve(app) as url, launched() as browser:
        desktop = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = desktop.new_page()
        _login(page, url, ORGANIZER)
        page.goto(f"{url}/publish/{activity}")
        with page.expect_navigation():
            page.get_by_role("link", name="纸质试卷与答卷录入").click()
        page.get_by_label("出 A、B 两套（题序、选项顺序不同）").check()
        with page.expect_navigation():
            page.get_by_role("button", name="生成试卷").click()
        expect(page.get_by_text("已生成 A卷、B卷，每卷 9 题。")).to_have_count(1)
        assert page.locator(".paper-version").count() == 2
        with page.expect_download() as download:
            page.locator(".paper-version", has_text="B卷").get_by_role("link", name="下载试卷（Word）").click()
        assert download.value.suggested_filename.endswith("B卷.docx")
        _shot(page, "desktop-papers")
        desktop.close()

        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                    is_mobile=True, has_touch=True, locale="zh-CN")
        page = phone.new_page()
        _login(page, url, SECRETARY)
        page.goto(f"{url}/paper/activities/{activity}")
        a, b = sections(app, activity, "A"), sections(app, activity, "B")
        good = " ".join([MEMBER, "A", *answer_fields(a)])
        bad = " ".join([MEMBER_2, "B", answer_fields(b)[0][:-1], *answer_fields(b)[1:]])
        box = page.get_by_label("答卷录入")
        box.fill(good + "\n" + bad)
        with page.expect_navigation():
            page.get_by_role("button", name="录入并评分").click()
        expect(page.get_by_text("未保存，请改正")).to_have_count(1)
        expect(page.get_by_text("单项选择题（第 1–3 题）应有 3 个字母，实际 2 个")).to_have_count(1)
        assert page.get_by_label("答卷录入").input_value() == good + "\n" + bad
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, "phone-error")
        page.get_by_label("答卷录入").fill(good + "\n" + " ".join([MEMBER_2, "B", *answer_fields(b)]))
        with page.expect_navigation():
            page.get_by_role("button", name="录入并评分").click()
        expect(page.get_by_text("已录入并评分 2 份纸质答卷。")).to_have_count(1)
        expect(page.locator(".paper-sitting", has_text="22/22 分")).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(page, "phone-entered")
        phone.close()
