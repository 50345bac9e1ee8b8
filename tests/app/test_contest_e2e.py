"""A three-question contest end to end in Debian's Chromium: the host's screen at 1920×1080
and ten phones at 390×844. The phones join by the code on the screen (the page the QR code
opens), answer a 单选, a 判断 and a 填空, seven right and three wrong each time; the host moves
on with the space key and a click. The host view is photographed at each stage (lobby,
question with its count, answer with 解析 and source, end) into CONTEST_SHOTS (a temporary
folder unless set); docs/screenshots/contest-host.png is written when missing or with
UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import expect

from chromium import launched, needs_chromium
from contest_helpers import build_world, host_move, make_contest, signed_in
from live_server import serve
from quizapp.extensions import db
from quizapp.models import Contest, ContestAnswer
from sqlalchemy import func, select

DOC_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "contest-host.png"
PHONES = 10


pytestmark = needs_chromium


def _log_in(page, base, phone):
    page.goto(base + "/auth/login")
    page.fill("input[name=account]", phone)
    page.fill("input[name=password]", "secret123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_host_and_ten_phones_run_a_three_question_contest(app, make_unit, make_person, tmp_path):
    shots = Path(os.environ.get("CONTEST_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    world = build_world(app, make_unit, make_person)
    # Ten members: the world's six and four more (branch A 4, branch B 6).
    extra = [make_person(f"丙{i}", unit=world.branch_a if i < 2 else world.branch_b) for i in range(4)]
    members = [*world.a, *world.b, *extra]
    assert len(members) == PHONES
    # A long countdown: on a busy machine ten browsers answering one after another take a while,
    # and the host moves on as soon as all have answered.
    contest_id = make_contest(app, world, rounds="全员答题,3,10,120")
    with app.app_context():
        code = db.session.get_one(Contest, contest_id).code
    with serve(app) as base, launched() as browser:
        host_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        host = host_context.new_page()
        _log_in(host, base, world.organizer.phone)
        host.goto(f"{base}/contest/{contest_id}/host")
        host.wait_for_selector("#lobby:not([hidden])")
        assert host.inner_text("#code") == code

        phones = []
        for member in members:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                          is_mobile=True, has_touch=True)
            page = context.new_page()
            _log_in(page, base, member.phone)
            page.goto(f"{base}/contest/")
            page.fill("input[name=code]", code)
            page.click("text=加入竞赛")
            page.click("#join-button")
            page.wait_for_url(f"**/contest/{contest_id}/play")
            phones.append(page)
        expect(host.locator("#lobby-joined")).to_have_text("10", timeout=10_000)
        host.screenshot(path=str(shots / "host-1-lobby.png"))

        answers = [
            lambda page, right: page.click(".option-btn >> nth=" + ("1" if right else "2")),
            lambda page, right: page.click("text=" + ("正确" if right else "错误")),
            lambda page, right: page.fill("#q-fill input", "结合" if right else "脱节"),
        ]
        for number in range(3):
            if number == 0:
                host.keyboard.press("Space")
            else:
                host.click("#next")
            expect(host.locator("#progress")).to_have_text(f"第 {number + 1} / 3 题")
            expect(host.locator("#phase")).to_have_text("答题中")
            for index, page in enumerate(phones):
                page.wait_for_selector("#submit:not([hidden])")
                assert page.inner_text("#progress").startswith(f"第 {number + 1} / 3 题")
                answers[number](page, index < 7)
                page.click("#submit")
            for page in phones:
                page.wait_for_selector("#status:has-text('答案已提交')")
            # the host's count is right within a second of the last answer
            expect(host.locator("#answered")).to_have_text("已答 10 / 10 人", timeout=1000)
            host.screenshot(path=str(shots / f"host-{number + 2}-question{number + 1}.png"))
            host.keyboard.press("ArrowRight")
            host.wait_for_selector("#q-reveal:not([hidden])")
            assert "答对 7 人" in host.inner_text("#r-right")
            assert host.inner_text("#r-expl") and "《测试讲话》" in host.inner_text("#r-source")
            host.screenshot(path=str(shots / f"host-{number + 2}-answer{number + 1}.png"))
            phones[0].wait_for_selector("#reveal:not([hidden])")
            phones[9].wait_for_selector("#reveal:not([hidden])")
            assert "回答正确" in phones[0].inner_text("#r-verdict")
            assert "回答错误" in phones[9].inner_text("#r-verdict")
            if number == 0:
                phones[0].screenshot(path=str(shots / "phone-answer1.png"))
        host.click("#next")
        host.wait_for_selector("#ended:not([hidden])")
        ranking = host.inner_text("#ranking")
        # A: 4 members all right (phones 0-3, 6, 7 of the first seven are A's four plus three of B's)
        host.screenshot(path=str(shots / "host-5-ended.png"))
        phones[3].wait_for_selector("#wait:has-text('竞赛已结束')")
        assert "第一党支部" in ranking and "第二党支部" in ranking
        if not DOC_SHOT.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":
            shutil.copy(shots / "host-2-answer1.png", DOC_SHOT)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContestAnswer)) == 30
        assert db.session.scalar(select(func.count()).select_from(ContestAnswer)
                                 .where(ContestAnswer.correct.is_(True))) == 21


def test_a_buzz_question_on_screen_and_phones(app, make_unit, make_person, tmp_path):
    """抢答: two phones press, the first team's name shows on the host's screen, the judge
    marks it right with a click, and its points show when the answer is shown."""
    shots = Path(os.environ.get("CONTEST_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    world = build_world(app, make_unit, make_person)
    contest_id = make_contest(app, world, rounds="抢答,1,20,120")
    with app.app_context():
        code = db.session.get_one(Contest, contest_id).code
    with serve(app) as base, launched() as browser:
        host = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        _log_in(host, base, world.organizer.phone)
        host.goto(f"{base}/contest/{contest_id}/host")
        phones = []
        for member in (world.b[0], world.a[0]):
            page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            _log_in(page, base, member.phone)
            page.goto(f"{base}/contest/j/{code}")
            page.click("#join-button")
            phones.append(page)
        expect(host.locator("#lobby-joined")).to_have_text("2")
        host.keyboard.press("Space")
        expect(host.locator("#phase")).to_have_text("答题中")
        for page in phones:
            page.wait_for_selector("#buzz:not([hidden])")
        phones[0].click("#buzz")
        expect(phones[0].locator("#status")).to_have_text("抢答成功！请本队作答")
        phones[1].click("#buzz")
        expect(phones[1].locator("#status")).to_have_text("其他队伍已抢先")
        expect(host.locator("#q-buzz")).to_have_text("抢答成功：第二党支部（请裁判判定）")
        host.click("#judge-right")
        expect(host.locator("#q-buzz")).to_contain_text("判对")
        host.screenshot(path=str(shots / "host-buzz-judged.png"))
        host.keyboard.press("Space")
        host.wait_for_selector("#q-reveal:not([hidden])")
        expect(host.locator("#ranking li").first).to_contain_text("第二党支部")
        expect(host.locator("#ranking li").first).to_contain_text("20 分")


# Every fetch of the phone page's script, with the page's clock (ms): the polls' rhythm.
RECORD_FETCHES = """(() => {
  const fetch = window.fetch;
  window.fetches = [];
  window.fetch = function (url) {
    const entry = {at: performance.now(), url: String(url)};
    window.fetches.push(entry);
    return fetch.apply(this, arguments).then((res) => { entry.done = performance.now(); return res; });
  };
})();"""


def test_a_phone_polls_every_two_seconds_once_it_has_answered(app, make_unit, make_person):
    """The page polls as each reply says (``poll_ms``): every second while the question waits
    for its answer, every two seconds from the answer's acknowledgement on (each poll saying
    which question it answered), and it still shows the key soon after the host does."""
    world = build_world(app, make_unit, make_person)
    contest_id = make_contest(app, world, rounds="全员答题,2,10,60")
    with app.app_context():
        code = db.session.get_one(Contest, contest_id).code
    host = signed_in(app, world.organizer)
    with serve(app) as base, launched() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        context.add_init_script(RECORD_FETCHES)
        page = context.new_page()
        _log_in(page, base, world.a[0].phone)
        page.goto(f"{base}/contest/j/{code}")
        page.click("#join-button")
        page.wait_for_url(f"**/contest/{contest_id}/play")
        host_move(host, contest_id)  # the first question
        page.wait_for_selector("#submit:not([hidden])")
        # a few polls while the question waits for the answer (waited for, not timed: the
        # machine may be busy)
        page.wait_for_function("() => window.fetches.slice(window.fetches.findLastIndex("
                               "f => /mine=1/.test(f.url))).filter(f => /state$/.test(f.url)).length >= 3",
                               timeout=20_000)
        page.click(".option-btn >> nth=1")
        page.click("#submit")
        page.wait_for_selector("#status:has-text('答案已提交')")
        page.wait_for_function("() => window.fetches.filter(f => f.done && /answered=0/.test(f.url)).length >= 3",
                               timeout=20_000)
        fetches = page.evaluate("window.fetches")
        acked = next(f["done"] for f in fetches if "/answer" in f["url"])
        polls = [f for f in fetches if "/state" in f["url"]]
        asked = max(i for i, f in enumerate(polls) if "mine=1" in f["url"] and f["at"] < acked)
        waiting = [f["at"] for f in polls[asked + 1:] if f["at"] < acked]  # the question's polls
        after = [f for f in polls if f["at"] > acked]
        gaps_waiting = [b - a for a, b in zip(waiting, waiting[1:])]
        gaps_after = [b["at"] - a["at"] for a, b in zip(after, after[1:])]
        # a second after a reply while waiting (two would never be under 1,990 ms)
        assert gaps_waiting and min(gaps_waiting) < 1990, gaps_waiting
        # two seconds after each reply once answered, each poll saying so
        assert len(after) >= 3 and all("answered=0" in f["url"] for f in after), after
        assert all(gap >= 1990 for gap in gaps_after), gaps_after
        # the answer shown by the host reaches the phone at its next poll
        host_move(host, contest_id)
        page.wait_for_selector("#reveal:not([hidden])", timeout=10_000)
        assert "回答正确" in page.inner_text("#r-verdict")
