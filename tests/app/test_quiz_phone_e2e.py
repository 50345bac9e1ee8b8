"""A member on a phone, end to end, in Debian's Chromium driven by Playwright (390×844).

Log in, start a practice, answer, lose the connection and answer on (the banner shows and
the answers wait in the browser), come back (they sync), reload (they are all there),
submit, and read the result with its explanations and the source in the speech. Then the
same pages with JavaScript off, as plain forms.

The answering page the README shows, docs/screenshots/phone-answer.png, is taken on every run
but written there only when it is missing or UPDATE_SCREENSHOTS=1 (the draw is random,
so rewriting it each time would leave the work tree changed after every test run).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    add_question,
    add_speech,
    attempt_of,
    items_of,
    question_of,
    quiz_org,
)
from live_server import serve
from chromium import needs_chromium
from quizapp.models import AttemptStatus, QuestionType

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "phone-answer.png"
OFFLINE_TEXT = "网络已断开，答案已保存在本机，恢复后自动同步"

pytestmark = needs_chromium

SPEECH = "\n".join([
    "在2024年机关党建工作会议上的讲话",
    "同志们：这次会议的主要任务是，总结去年机关党建工作，部署今年任务。",
    "要严格落实“三会一课”制度，即定期召开支部党员大会、支部委员会、党小组会，按时上好党课。",
    "要以“四强”党支部创建为抓手，全面提升支部建设质量。",
    "全年开展主题党日活动12次，做到每月一次。",
])


@pytest.fixture
def phone_bank(app: Flask, quiz_org: dict[str, Any]) -> int:
    """Five approved questions of every type, written the way the builder writes them."""
    speech = add_speech(app, quiz_org["units"]["general"].id, title="在2024年机关党建工作会议上的讲话",
                        text=SPEECH)
    sentence = "要严格落实“三会一课”制度，即定期召开支部党员大会、支部委员会、党小组会，按时上好党课。"
    add_question(app, speech, QuestionType.SINGLE,
                 stem="根据讲话，“三会一课”中的“一课”是指什么？",
                 options=["按时上好党课", "定期学习党史", "参加专题讲座", "观看教育片"], answer=[0],
                 sentence=sentence, explanation="答案：按时上好党课。讲话原文（第3段）：" + sentence)
    add_question(app, speech, QuestionType.MULTIPLE,
                 stem="讲话要求定期召开的会议包括下列哪些？（多选）",
                 options=["支部党员大会", "支部委员会", "党小组会", "民主生活会"], answer=[0, 1, 2],
                 sentence=sentence, explanation="答案：支部党员大会、支部委员会、党小组会。")
    add_question(app, speech, QuestionType.JUDGE,
                 stem="判断：讲话提出，要以“四强”党支部创建为抓手，全面提升支部建设质量。", answer=True,
                 paragraph=4, sentence="要以“四强”党支部创建为抓手，全面提升支部建设质量。",
                 explanation="正确。讲话原文（第4段）如此。", concept="四强党支部")
    add_question(app, speech, QuestionType.FILL, stem="根据讲话原文填空：全年开展主题党日活动____次。",
                 answer=["12"], paragraph=5, sentence="全年开展主题党日活动12次，做到每月一次。",
                 explanation="答案：12。", concept="主题党日")
    add_question(app, speech, QuestionType.JUDGE, stem="判断：讲话要求主题党日活动每季度开展一次。",
                 answer=False, paragraph=5, sentence="全年开展主题党日活动12次，做到每月一次。",
                 explanation="错误。讲话要求每月一次。", concept="主题党日")
    return speech



@pytest.fixture
def live_url(app: Flask, phone_bank: int) -> Iterator[str]:
    """The app served on 127.0.0.1 by a threaded server in this process."""
    with serve(app) as url:
        yield url


def _answer_current(page: Any) -> None:
    """Answer the question on screen (the first option, or 12 in a blank)."""
    section = page.locator(".quiz-question:not([hidden])")
    kind = section.get_attribute("data-type")
    if kind == "fill":
        section.locator("input.quiz-blank").fill("１２")  # full-width digits still count
        section.locator("input.quiz-blank").blur()
    elif kind == "multiple":
        section.locator(".quiz-option").nth(0).click()
        section.locator(".quiz-option").nth(1).click()
    else:
        section.locator(".quiz-option").nth(0).click()


def _pending(page: Any, attempt_id: int) -> int:
    return page.evaluate(
        "id => Object.keys(JSON.parse(localStorage.getItem('quizapp:attempt:' + id) || '{}')).length",
        attempt_id,
    )


def _wait_synced(page: Any, attempt_id: int) -> None:
    page.wait_for_function(
        "id => !localStorage.getItem('quizapp:attempt:' + id)", arg=attempt_id, timeout=15000
    )


def test_member_answers_on_a_phone_through_a_lost_connection(app, live_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    started = time.monotonic()
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2,
            is_mobile=True, has_touch=True, locale="zh-CN",
        )
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        saves: list[Any] = []  # the bodies the page posts to the answers endpoint
        page.on("request", lambda request: saves.append(json.loads(request.post_data))
                if request.method == "POST" and request.url.endswith("/answers") else None)
        try:
            # Log in on the phone and open a practice of five questions.
            page.goto(live_url + "/auth/login")
            page.fill("input[name=account]", MEMBER)
            page.fill("input[name=password]", "secret123")
            page.click("button[type=submit]")
            expect(page.get_by_role("link", name="自测练习")).to_be_visible()
            page.get_by_role("link", name="自测练习").click()
            page.locator("label.quiz-segment", has_text="5 题").click()
            page.get_by_role("button", name="开始练习").click()
            page.wait_for_url("**/q/1")
            form = page.locator("#answer-form")
            attempt_id = int(form.get_attribute("data-quiz-attempt"))
            expect(page.locator("[data-role=answered]")).to_have_text("已答 0/5")

            # Online: two answers, each saved as soon as it is chosen.
            for _ in range(2):
                _answer_current(page)
                _wait_synced(page, attempt_id)
                page.get_by_role("button", name="下一题").click()
            saved = [item.response for item in items_of(app, attempt_id)]
            assert sum(r is not None for r in saved) == 2

            # Offline: two more answers wait in the browser, and the banner says so.
            context.set_offline(True)
            for _ in range(2):
                _answer_current(page)
                page.get_by_role("button", name="下一题").click()
            expect(page.locator("[data-role=offline-banner]")).to_be_visible()
            expect(page.locator("[data-role=offline-banner]")).to_have_text(OFFLINE_TEXT)
            assert _pending(page, attempt_id) == 2
            assert sum(item.response is not None for item in items_of(app, attempt_id)) == 2
            expect(page.locator("[data-role=answered]")).to_have_text("已答 4/5")

            # Back online: they sync by themselves and the banner goes.
            context.set_offline(False)
            _wait_synced(page, attempt_id)
            expect(page.locator("[data-role=offline-banner]")).to_be_hidden()
            assert sum(item.response is not None for item in items_of(app, attempt_id)) == 4
            # Every save was a batch, and the two that waited went in one request.
            assert saves and all(set(body) == {"answers"} for body in saves), saves
            assert any(len(body["answers"]) == 2 for body in saves), saves

            # A reload lands on the same question with every answer in place.
            page.reload()
            page.wait_for_url("**/q/5")
            expect(page.locator("[data-role=answered]")).to_have_text("已答 4/5")
            for position in range(1, 5):
                section = page.locator(f"#q-{position}")
                filled = section.locator("input:checked").count() or section.locator(
                    "input.quiz-blank"
                ).evaluate_all("inputs => inputs.filter(i => i.value).length")
                assert filled, f"question {position} lost its answer after the reload"

            # The answering page the README shows: a choice question with an option chosen.
            single = next(i.position for i in items_of(app, attempt_id)
                          if question_of(app, i.question_id).type is QuestionType.SINGLE)
            page.locator(f".quiz-grid [data-nav='{single}']").evaluate("b => b.click()")
            expect(page.locator(f"#q-{single}")).to_be_visible()
            shot = tmp_path / SCREENSHOT.name
            page.screenshot(path=str(shot))
            if not SCREENSHOT.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, SCREENSHOT)
            page.locator(".quiz-grid [data-nav='5']").evaluate("b => b.click()")

            # The last answer, then submit (a double tap submits once).
            _answer_current(page)
            page.get_by_role("button", name="去交卷").click()
            page.wait_for_url("**/submit")
            page.get_by_role("button", name="确认交卷").dblclick()
            page.wait_for_url("**/result")
            attempt = attempt_of(app, attempt_id)
            assert attempt.status is AttemptStatus.SUBMITTED
            expect(page.locator("[data-role=score]")).to_contain_text(f"{attempt.score}")
            expect(page.locator(".quiz-result")).to_have_count(5)
            expect(page.locator(".quiz-explanation").first).to_contain_text("解析")
            assert _pending(page, attempt_id) == 0
            # 纠错 is a button a thumb can hit (bordered, at least 40 px high), and it opens its form.
            report = page.locator(".quiz-report > summary").first
            box = report.bounding_box()
            assert box is not None and box["height"] >= 40 and box["width"] >= 60, box
            assert report.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
            report.click()
            expect(page.locator(".quiz-report textarea, .quiz-report input[type=text]").first).to_be_visible()

            # 查看原文 opens the speech at the sentence, highlighted.
            page.get_by_role("link", name="查看原文").first.click()
            expect(page.locator("#source mark")).to_be_visible()
        finally:
            context.close()
            browser.close()
    elapsed = time.monotonic() - started
    assert errors == [], errors
    print(f"phone end-to-end run: {elapsed:.1f} s")


def test_an_answer_still_pending_when_the_page_is_left_is_sent_on_the_way_out(app, live_url):
    """The page waits for a pause before it sends; leaving at once (another page, the app
    switched) sends what is pending in a keepalive request that outlives the page."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        try:
            page.goto(live_url + "/auth/login")
            page.fill("input[name=account]", MEMBER)
            page.fill("input[name=password]", "secret123")
            page.click("button[type=submit]")
            expect(page.get_by_role("link", name="自测练习")).to_be_visible()
            page.goto(live_url + "/quiz/practice")
            page.get_by_role("button", name="开始练习").click()
            page.wait_for_url("**/q/1")
            attempt_id = int(page.locator("#answer-form").get_attribute("data-quiz-attempt"))
            _answer_current(page)
            page.goto(live_url + "/quiz/")  # at once: the pause the page waits for never comes
            for _ in range(50):
                if any(item.response is not None for item in items_of(app, attempt_id)):
                    break
                time.sleep(0.1)
            assert [item.response is not None for item in items_of(app, attempt_id)
                    ] == [True, False, False, False, False]
        finally:
            context.close()
            browser.close()


def test_without_javascript_the_same_pages_work_as_plain_forms(app, live_url):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844},
                                      java_script_enabled=False)
        page = context.new_page()
        try:
            page.goto(live_url + "/auth/login")
            page.fill("input[name=account]", MEMBER)
            page.fill("input[name=password]", "secret123")
            with page.expect_navigation():  # the login's redirect, before leaving the page
                page.click("button[type=submit]")
            page.goto(live_url + "/quiz/practice")
            page.get_by_role("button", name="开始练习").click()
            page.wait_for_url("**/q/1")
            attempt_id = int(page.locator("#answer-form").get_attribute("data-quiz-attempt"))
            for position in range(1, 6):
                expect(page.locator(f"#q-{position}")).to_be_visible()
                expect(page.locator(".quiz-question:visible")).to_have_count(1)
                _answer_current(page)
                page.get_by_role("button", name="下一题" if position < 5 else "去交卷").click()
            page.wait_for_url("**/submit")
            assert all(item.response is not None for item in items_of(app, attempt_id))
            expect(page.get_by_text("已答 5 / 5 题")).to_be_visible()
            page.get_by_role("button", name="确认交卷").click()
            page.wait_for_url("**/result")
            expect(page.locator(".quiz-result")).to_have_count(5)
        finally:
            context.close()
            browser.close()
