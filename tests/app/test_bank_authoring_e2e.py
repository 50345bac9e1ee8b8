"""Authoring from the text in Debian's Chromium (Playwright): an organizer selects a phrase in
the speech reader, presses 用所选词语出题, reads the proposals and adds them as drafts, on a
desktop (1366×768) and on a phone (390×844), with CSRF on.

The screenshots (docs/screenshots/authoring-desktop.png and authoring-phone.png) are taken on
every run but written there only when missing or with UPDATE_SCREENSHOTS=1.

添加为草稿 is pressed twice, the second time while the first is on its way (a slow answer, as on
a phone's network): the form is sent once.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from bank_helpers import ORGANIZER_A, bank_import_dir, bank_org  # noqa: F401 - fixtures
from chromium import launched, needs_chromium
from live_server import serve
from quiz_helpers import add_speech
from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionStatus, QuestionType
from quizapp.organize import authoring

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = needs_chromium

SPEECH = "\n".join([
    "在2024年机关党建工作会议上的讲话",
    "同志们：这次会议的主要任务是，总结去年机关党建工作，部署今年任务。",
    "一要坚持政治引领。机关党组织要把政治建设摆在首位，引导党员干部增强“四个意识”、坚定“四个自信”、"
    "做到“两个维护”。",
    "二要夯实基层基础。要严格落实“三会一课”制度，即定期召开支部党员大会、支部委员会、党小组会，"
    "按时上好党课。各党支部每月开展一次主题党日活动。",
    "三要从严正风肃纪。要驰而不息纠治“四风”，把《中国共产党纪律处分条例》作为必修课，推动全面从严治党"
    "向纵深发展。",
    "四要建强干部队伍。要以“四强”党支部创建为抓手，全面提升支部建设质量，打造忠诚干净担当的高素质干部队伍。",
])
PARAGRAPH, PHRASE = 4, "每月"
SELECT = """([id, phrase]) => {
  const walker = document.createTreeWalker(document.getElementById(id), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(phrase);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + phrase.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}"""


@pytest.fixture
def live_url(app: Flask, bank_org: dict[str, Any]) -> Iterator[str]:
    app.config["WTF_CSRF_ENABLED"] = True
    with serve(app) as url:
        yield url
    app.config["WTF_CSRF_ENABLED"] = False


def _slowly(add: Any) -> Any:
    """``add`` answering a second later: time for a second press while the first is on its way."""
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1)
        return add(*args, **kwargs)
    return slow


def _drafts(app: Flask, speech_id: int) -> list[BankQuestion]:
    with app.app_context():
        rows = list(db.session.scalars(select(BankQuestion).where(BankQuestion.speech_id == speech_id)
                                       .order_by(BankQuestion.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.mark.parametrize(("name", "viewport", "phone"), [
    ("authoring-desktop.png", {"width": 1366, "height": 768}, False),
    ("authoring-phone.png", {"width": 390, "height": 844}, True),
])
def test_an_organizer_selects_a_phrase_and_adds_the_proposals(app, bank_org, live_url, tmp_path, monkeypatch,
                                                              name, viewport, phone):
    speech_id = add_speech(app, bank_org["units"]["a"].id, title="在2024年机关党建工作会议上的讲话", text=SPEECH)
    monkeypatch.setattr(authoring, "add_drafts", _slowly(authoring.add_drafts))
    errors: list[str] = []
    adds: list[str] = []
    with launched() as browser:
        context = browser.new_context(viewport=viewport, device_scale_factor=2 if phone else 1,
                                      is_mobile=phone, has_touch=phone, locale="zh-CN")
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(f"{message.text} {message.location.get('url')}")
                if message.type == "error" else None)
        page.on("request", lambda request: adds.append(request.url)
                if request.method == "POST" and request.url.endswith("/author/add") else None)
        page.goto(live_url + "/auth/login")
        page.fill("input[name=account]", ORGANIZER_A)
        page.fill("input[name=password]", "secret123")
        page.click("button[type=submit]")
        page.goto(f"{live_url}/organize/speeches/{speech_id}")
        # With the script the per-paragraph forms fold away; the bar waits for a selection.
        expect(page.locator(".author-form").first).to_be_hidden()
        expect(page.locator(".author-bar")).to_be_hidden()
        assert page.evaluate(SELECT, [f"p{PARAGRAPH}", PHRASE])
        bar = page.get_by_role("button", name="用所选词语出题")
        expect(bar).to_be_visible()
        bar.click()
        page.wait_for_url("**/author#author")
        panel = page.locator("#author")
        expect(panel).to_contain_text(f"用“{PHRASE}”出题（第 {PARAGRAPH} 段）")
        expect(panel.locator(".proposed")).to_have_count(4)
        expect(panel).to_contain_text("横线处应填入哪一项")
        expect(page.locator(f"#p{PARAGRAPH} mark")).to_have_text("各党支部每月开展一次主题党日活动。")
        # The selected paragraph under the navbar, its proposals below it.
        page.evaluate("""id => window.scrollTo(0, document.getElementById(id).getBoundingClientRect().top
            + window.scrollY - document.querySelector('nav').offsetHeight - 8)""", f"p{PARAGRAPH}")
        shot = tmp_path / name
        page.screenshot(path=str(shot))
        if not (SCREENSHOTS / name).exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, SCREENSHOTS / name)

        # Pressed again while the first press is on its way: the form is sent once.
        add = page.get_by_role("button", name="添加为草稿")
        add.scroll_into_view_if_needed()
        box = add.bounding_box()
        assert box is not None
        for _ in range(2):
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(300)
        page.wait_for_url(f"**/organize/speeches/{speech_id}?p={PARAGRAPH}*")
        expect(page.locator("body")).to_contain_text("已添加 4 道题为草稿（待审核）")
    assert len(adds) == 1
    drafts = _drafts(app, speech_id)
    assert len(drafts) == 4 and all(q.status is QuestionStatus.DRAFT for q in drafts)
    assert {q.type for q in drafts} == {QuestionType.SINGLE, QuestionType.FILL, QuestionType.JUDGE}
    assert len({q.point for q in drafts}) == 1
    assert [e for e in errors if not e.endswith("/favicon.ico")] == []  # the site has no icon
