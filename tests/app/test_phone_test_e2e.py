"""A member takes a 20-question quarterly test on a phone through a reload and a lost connection.

Debian's Chromium driven by Playwright (390×844, touch): open the published test, answer the
first half, reload and find every answer, lose the connection for 30 s (the page's clock is
fast-forwarded, so its retries run as they would) while answering on under a Chinese banner,
come back (the answers sync by themselves), answer the rest and submit. The database must then
hold the 20 answers that were clicked and the score the result page shows.

With QUIZAPP_SCREENSHOTS=1 the offline moment is saved as docs/screenshots/phone-offline.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from activity_flow import open_activity
from live_server import serve
from quiz_helpers import add_question, add_speech, attempt_of, items_of, question_of
from chromium import needs_chromium
from quizapp.models import AttemptStatus, QuestionType, UnitKind
from test_issue4_flow_e2e import PHONE, TITLE, _answer, _key_choice, _login, _wait_synced
from test_quiz_phone_e2e import OFFLINE_TEXT, _pending

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "phone-offline.png"
# Read at import: the app fixtures clear QUIZAPP_* variables while a test runs.
WRITE_SCREENSHOT = os.environ.get("QUIZAPP_SCREENSHOTS") == "1"
MEMBER_PHONE = "13800000301"
# (type, count, points each): 20 questions.
PARTS = ((QuestionType.SINGLE, 8, 5), (QuestionType.MULTIPLE, 4, 5), (QuestionType.JUDGE, 4, 5),
         (QuestionType.FILL, 4, 5))
ONLINE, OFFLINE = range(1, 11), range(11, 16)  # positions answered before and while offline

pytestmark = needs_chromium


@pytest.fixture
def test_id(app: Flask, make_unit: Any, make_person: Any) -> int:
    """A quarterly test of 20 questions published to a 党总支, open now; a member in its branch."""
    general = make_unit("机关第一党总支", UnitKind.GENERAL_BRANCH)
    branch = make_unit("第一党支部", UnitKind.BRANCH, general)
    make_person(name="张三", phone=MEMBER_PHONE, unit=branch)
    speech = add_speech(app, general.id)
    for qtype, count, _points in PARTS:
        for _ in range(count + 1):
            add_question(app, speech, qtype)
    return open_activity(app, general.id, title=TITLE, parts=PARTS)


@pytest.fixture
def live_url(app: Flask, test_id: int) -> Iterator[str]:
    with serve(app) as url:
        yield url


def _right(position: int) -> bool:
    """Every third answer is wrong, so the score is not simply full marks."""
    return position % 3 != 0


def _stored(question: Any, right: bool) -> Any:
    """The response the database should hold for ``_key_choice(question, right)``."""
    if question.type is QuestionType.JUDGE:
        return bool(question.answer) is right
    if question.type is QuestionType.FILL:
        return list(question.answer) if right else ["不知道"] * len(question.answer)
    if right:
        return sorted(question.answer)
    return [next(i for i in range(len(question.options)) if i not in question.answer)]


def _shown(page: Any, position: int, question: Any) -> list[str]:
    """What the page shows as the answer at ``position``: chosen option texts or blank values."""
    section = page.locator(f"#q-{position}")
    if question.type is QuestionType.FILL:
        return section.locator("input.quiz-blank").evaluate_all("boxes => boxes.map(b => b.value)")
    return sorted(section.locator("label.quiz-option:has(input:checked) span:not(.quiz-letter)")
                  .all_inner_texts())


def _expected_shown(question: Any, right: bool) -> list[str]:
    """``_shown`` for the answer ``_key_choice`` clicks (options in any order, blanks in order)."""
    choice = _key_choice(question, right)
    if isinstance(choice, str):
        return [choice]
    return list(choice) if question.type is QuestionType.FILL else sorted(choice)


def _saved(app: Flask, attempt_id: int) -> dict[int, Any]:
    return {item.position: item.response for item in items_of(app, attempt_id)
            if item.response is not None}


def _go_to(page: Any, position: int) -> None:
    page.locator(f".quiz-grid [data-nav='{position}']").evaluate("button => button.click()")


def test_a_twenty_question_test_survives_a_reload_and_thirty_seconds_offline(
        app: Flask, live_url: str, test_id: int, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        failed_saves: list[str] = []
        page.on("requestfailed", lambda request: failed_saves.append(request.url)
                if request.url.endswith("/answers") else None)
        page.clock.install()  # page time runs normally until fast-forwarded
        try:
            _login(page, live_url, MEMBER_PHONE)
            page.locator("[data-role=assignment]", has_text=TITLE).click()
            page.wait_for_url(f"**/quiz/activities/{test_id}")
            page.get_by_role("button", name="开始答题").click()
            page.wait_for_url("**/q/1")
            attempt_id = int(page.locator("#answer-form").get_attribute("data-quiz-attempt"))
            items = items_of(app, attempt_id)
            assert len(items) == 20
            questions = {item.position: question_of(app, item.question_id) for item in items}
            expected = {p: _stored(q, _right(p)) for p, q in questions.items()}

            def answer(positions: range) -> None:
                for position in positions:
                    expect(page.locator(f"#q-{position}")).to_be_visible()
                    question = questions[position]
                    _answer(page, position, question, _key_choice(question, _right(position)))
                    if position < 20:
                        page.get_by_role("button", name="下一题").click()

            # The first half, online: saved as they are chosen.
            answer(ONLINE)
            _wait_synced(page, attempt_id)
            assert _saved(app, attempt_id) == {p: expected[p] for p in ONLINE}

            # A reload midway: every answer is back on its question.
            page.reload()
            expect(page.locator("[data-role=answered]")).to_have_text("已答 10/20")
            for position in ONLINE:
                assert _shown(page, position, questions[position]) == _expected_shown(
                    questions[position], _right(position)), f"question {position} after the reload"

            # Offline for 30 s: a banner in Chinese, and the answers wait in the phone.
            _go_to(page, ONLINE[-1] + 1)
            context.set_offline(True)
            answer(OFFLINE)
            banner = page.locator("[data-role=offline-banner]")
            expect(banner).to_be_visible()
            expect(banner).to_have_text(OFFLINE_TEXT)
            tries = len(failed_saves)
            page.clock.fast_forward("00:30")
            expect(banner).to_be_visible()
            for _ in range(50):  # the retries' fetches fail asynchronously
                if len(failed_saves) > tries:
                    break
                page.wait_for_timeout(100)
            assert len(failed_saves) > tries, "the page did not retry while offline"
            assert _pending(page, attempt_id) == len(OFFLINE)
            assert len(_saved(app, attempt_id)) == len(ONLINE)
            expect(page.locator("[data-role=answered]")).to_have_text("已答 15/20")
            for position in OFFLINE:
                assert _shown(page, position, questions[position]) == _expected_shown(
                    questions[position], _right(position)), f"question {position} offline"
            _go_to(page, OFFLINE[-1])
            shot = tmp_path / SCREENSHOT.name
            page.screenshot(path=str(shot))
            if WRITE_SCREENSHOT:
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, SCREENSHOT)

            # Back online: they sync by themselves and the banner goes.
            context.set_offline(False)
            _wait_synced(page, attempt_id)
            expect(banner).to_be_hidden()
            assert _saved(app, attempt_id) == {p: expected[p] for p in [*ONLINE, *OFFLINE]}

            # The rest, then submit; the result page shows the score.
            _go_to(page, OFFLINE[-1] + 1)
            answer(range(OFFLINE[-1] + 1, 21))
            _wait_synced(page, attempt_id)
            expect(page.locator("[data-role=answered]")).to_have_text("已答 20/20")
            page.get_by_role("button", name="去交卷").click()
            page.wait_for_url("**/submit")
            page.get_by_role("button", name="确认交卷").click()
            page.wait_for_url("**/result")
            score = sum(item.max_points for item in items if _right(item.position))
            expect(page.locator("[data-role=score]")).to_contain_text(str(score))
        finally:
            context.close()
            browser.close()
    assert errors == [], errors
    attempt = attempt_of(app, attempt_id)
    assert attempt.status is AttemptStatus.SUBMITTED
    assert (attempt.score, attempt.max_score) == (score, 100)
    assert _saved(app, attempt_id) == expected
    assert sum(item.correct for item in items_of(app, attempt_id)) == sum(map(_right, range(1, 21)))
