"""Issue 4's "done means" as one story in a real browser (Debian's Chromium, Playwright).

An organizer publishes a quarterly test through the web form; members of 第一支部 take it
on their phones (some answers right, some wrong, one leaves half-way, two never open it);
the close date passes and the close job submits the half-done sitting; the branch secretary
reads the dashboard and the test's report on a phone and downloads its Excel export; a
member then sees the answers, their points and their rank.

Every expected figure is computed here from what the members did (the key of each drawn
question is read from the database), never written down by hand.

Screenshots go to ISSUE4_SCREENSHOTS (a folder) when that is set, else to the test's tmp
folder. The member's activity page and the secretary's dashboard are also written to
docs/screenshots/ when missing or when UPDATE_SCREENSHOTS=1 (the draw is random, so
rewriting them on every run would leave the work tree changed).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from quiz_helpers import add_question, add_speech, items_of, question_of
from live_server import serve
from chromium import needs_chromium
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityMember,
    AnswerPolicy,
    Attempt,
    AttemptStatus,
    EntryKind,
    PointEntry,
    QuestionType,
    Role,
    UnitKind,
)
from quizapp.models.base import utcnow
from quizapp.results.clock import to_local
from quizapp.results.periods import quarter_name, quarter_start
from quizapp.results.figures import round1

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "secret123"
TITLE = "本季度党建知识测试"
# The blueprint: (type, count, points each) as typed into the form.
BLUEPRINT = [(QuestionType.SINGLE, 2, 5), (QuestionType.MULTIPLE, 1, 10),
             (QuestionType.JUDGE, 1, 5), (QuestionType.FILL, 1, 5)]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}

pytestmark = needs_chromium


@dataclass(frozen=True)
class Member:
    """A member of the story and what they do: the question types they get wrong."""

    name: str
    phone: str
    wrong: frozenset[QuestionType] = frozenset()


# 第一支部: three finish (all right / two wrong / one wrong), one answers one question and
# leaves, one never opens it; the secretary (a member there too) does not take part either.
FINISHERS = [
    Member("张三", "13800000101"),
    Member("李四", "13800000102", frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})),
    Member("周八", "13800000103", frozenset({QuestionType.JUDGE})),
]
HALF_DONE = Member("王五", "13800000104")
ABSENT = Member("孙七", "13800000105")
SECRETARY = Member("赵书记", "13800000100")
ORGANIZER = "13800000001"



@pytest.fixture
def story(app: Flask, make_unit, make_person) -> dict[str, Any]:
    """A 党总支 with two 党支部, its organizer, branch A's secretary, five members in A and
    two in B, and a speech of the 总支 with approved questions of every type."""
    general = make_unit("机关第一党总支", UnitKind.GENERAL_BRANCH)
    branch_a = make_unit("第一党支部", UnitKind.BRANCH, general)
    branch_b = make_unit("第二党支部", UnitKind.BRANCH, general)
    make_person(name="钱组织员", phone=ORGANIZER, unit=general, roles=[(Role.ORGANIZER, general)])
    make_person(name=SECRETARY.name, phone=SECRETARY.phone, unit=branch_a,
                roles=[(Role.SECRETARY, branch_a)])
    ids = {member.name: make_person(name=member.name, phone=member.phone, unit=branch_a).id
           for member in [*FINISHERS, HALF_DONE, ABSENT]}
    for number, name in enumerate(["吴九", "郑十"], start=1):
        make_person(name=name, phone=f"1380000020{number}", unit=branch_b)
    speech = add_speech(app, general.id)
    for qtype, count, _points in BLUEPRINT:
        for _ in range(count + 1):  # one more than the blueprint needs
            add_question(app, speech, qtype)
    return {"general": general, "a": branch_a, "b": branch_b, "ids": ids}


@pytest.fixture
def live_url(app: Flask, story: dict[str, Any]) -> Iterator[str]:
    """The app served on 127.0.0.1 by a threaded server in this process."""
    with serve(app) as url:
        yield url


class Shots:
    """Screenshots into a folder; the two the README shows also into docs/screenshots/."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page: Any, name: str, docs: bool = False, full_page: bool = False) -> None:
        shot = self.folder / f"{name}.png"
        page.screenshot(path=str(shot), full_page=full_page)
        target = DOCS / f"{name}.png"
        if docs and (not target.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1"):
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, target)


def _login(page: Any, url: str, account: str) -> None:
    page.goto(url + "/auth/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def _fits(page: Any, where: str) -> None:
    """Nothing makes the page wider than the phone (wide tables scroll in their own box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{where} is {width}px wide on a 390px phone"


def _local(moment: Any) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def _publish(page: Any, url: str, story: dict[str, Any]) -> int:
    """The organizer fills 新建季度测试 and publishes it; returns the activity id."""
    from playwright.sync_api import expect

    _login(page, url, ORGANIZER)
    _menu(page, "发布")
    page.get_by_role("link", name="新建季度测试").click()
    page.wait_for_url("**/publish/tests/new")
    now = utcnow()
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=unit]", str(story["general"].id))
    page.select_option("select[name=quarter]", quarter_name(quarter_start(to_local(now).date())))
    page.fill("textarea[name=intro]", "范围：机关党建工作会议讲话。独立完成，不得翻阅资料。")
    page.fill("input[name=opens_at]", _local(now - timedelta(minutes=10)))
    page.fill("input[name=closes_at]", _local(now + timedelta(hours=3)))
    for row, (qtype, count, points) in enumerate(BLUEPRINT):
        page.select_option(f"select[name='parts-{row}-type']", qtype.value)
        page.fill(f"input[name='parts-{row}-count']", str(count))
        page.fill(f"input[name='parts-{row}-points_each']", str(points))
    page.fill("input[name=time_limit]", "30")
    page.select_option("select[name=answers_shown]", AnswerPolicy.AFTER_CLOSE.value)
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url(re.compile(r".*/publish/\d+$"))
    # The organizer (in the 总支 itself), the secretary, five members in A and two in B.
    audience = 1 + 1 + len(FINISHERS) + 2 + 2
    expect(page.locator(".alert-success")).to_contain_text(f"已发布，参加人数 {audience} 人")
    expect(page.locator(".qr-box svg")).to_be_visible()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _key_choice(question: Any, right: bool) -> Any:
    """What to pick on screen: option texts for a choice, 正确/错误 for a judge, text for a fill."""
    if question.type is QuestionType.JUDGE:
        return "正确" if bool(question.answer) is right else "错误"
    if question.type is QuestionType.FILL:
        return list(question.answer) if right else ["不知道"] * len(question.answer)
    key = [question.options[i] for i in question.answer]
    if right:
        return key
    return [next(text for text in question.options if text not in key)]


def _answer(page: Any, position: int, question: Any, choice: Any) -> None:
    section = page.locator(f"#q-{position}")
    if question.type is QuestionType.FILL:
        for box, text in zip(section.locator("input.quiz-blank").all(), choice):
            box.fill(text)
            box.blur()
        return
    for text in [choice] if isinstance(choice, str) else choice:
        label = section.locator(".quiz-option").filter(
            has=page.locator("span", has_text=re.compile(f"^{re.escape(text)}$")))
        label.click()


def _wait_synced(page: Any, attempt_id: int) -> None:
    page.wait_for_function(
        "id => !localStorage.getItem('quizapp:attempt:' + id)", arg=attempt_id, timeout=15000
    )


def _open_activity(page: Any, url: str, member: Member) -> None:
    from playwright.sync_api import expect

    _login(page, url, member.phone)
    card = page.locator("[data-role=assignment]", has_text=TITLE)
    expect(card).to_be_visible()
    card.click()
    page.wait_for_url(re.compile(r".*/quiz/activities/\d+$"))


def _take(app: Flask, page: Any, url: str, member: Member, shots: Shots | None,
          stop_after: int | None = None) -> tuple[int, int, int]:
    """The member starts and answers (all, or the first ``stop_after``) on their phone;
    returns (attempt id, expected score, max score)."""
    from playwright.sync_api import expect

    _open_activity(page, url, member)
    expect(page.locator("[data-role=state]")).to_be_visible()
    if shots:
        _fits(page, "the member's activity page")
        shots.take(page, "phone-activity", docs=True)
    page.get_by_role("button", name="开始答题").click()
    page.wait_for_url("**/q/1")
    attempt_id = int(page.locator("#answer-form").get_attribute("data-quiz-attempt"))
    items = items_of(app, attempt_id)
    expected, maximum = 0, sum(item.max_points for item in items)
    for item in items[:stop_after]:
        question = question_of(app, item.question_id)
        right = question.type not in member.wrong
        _answer(page, item.position, question, _key_choice(question, right))
        _wait_synced(page, attempt_id)
        expected += item.max_points if right else 0
        if shots and question.type is QuestionType.MULTIPLE:
            shots.take(page, "phone-test-answer")
        if item.position < len(items):
            page.get_by_role("button", name="下一题").click()
            expect(page.locator(f"#q-{item.position + 1}")).to_be_visible()
    if stop_after is not None:
        return attempt_id, expected, maximum
    expect(page.locator("[data-role=answered]")).to_have_text(f"已答 {len(items)}/{len(items)}")
    page.get_by_role("button", name="去交卷").click()
    page.wait_for_url("**/submit")
    page.get_by_role("button", name="确认交卷").click()
    page.wait_for_url("**/result")
    expect(page.locator("[data-role=score]")).to_contain_text(f"{expected}")
    expect(page.locator("[data-role=answers-later]")).to_be_visible()  # key only after the close
    expect(page.locator("[data-role=right-answer]")).to_have_count(0)
    return attempt_id, expected, maximum


def _close(app: Flask, activity_id: int, unit_id: int, attempts: dict[str, int],
           scores: dict[str, tuple[int, int]]) -> set[int]:
    """Step 4: the close date passes and ``flask attempts close-due`` runs; every sitting is
    then submitted with the score its answers earn. Returns branch A's audience."""
    with app.app_context():
        moment = utcnow() - timedelta(seconds=1)
        db.session.get_one(Activity, activity_id).closes_at = moment
        for attempt in db.session.scalars(select(Attempt).where(
                Attempt.activity_id == activity_id, Attempt.status == AttemptStatus.OPEN)):
            attempt.deadline_at = moment
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["attempts", "close-due"])
    assert result.exit_code == 0, result.output
    assert "已自动交卷 1 份" in result.output
    with app.app_context():
        assert db.session.get_one(Activity, activity_id).finalized_at is not None
        for name, attempt_id in attempts.items():
            attempt = db.session.get_one(Attempt, attempt_id)
            assert attempt.status is AttemptStatus.SUBMITTED, name
            assert (attempt.score, attempt.max_score) == scores[name], name
        return set(db.session.scalars(select(ActivityMember.person_id).where(
            ActivityMember.activity_id == activity_id, ActivityMember.unit_id == unit_id)))


@dataclass(frozen=True)
class Expected:
    """Branch A's figures, from what its members did."""

    audience: int
    percents: dict[str, float]  # participants' percent, unrounded
    absent: list[str]

    @property
    def figures(self) -> list[Any]:
        """Audience, participants, participation, average, pass and excellent rates."""
        count, values = len(self.percents), self.percents.values()
        return [self.audience, count, round1(count * 100 / self.audience),
                round1(sum(values) / count), round1(sum(p >= 60 for p in values) * 100 / count),
                round1(sum(p >= 90 for p in values) * 100 / count)]


def _menu(page: Any, name: str) -> None:
    """Follow a link of the top bar, opening its 菜单 first where a phone folds it away."""
    toggle = page.get_by_role("button", name="打开菜单")
    if toggle.is_visible():
        toggle.click()
    page.locator("#app-menu").get_by_role("link", name=name, exact=True).click()


def _cells(row: Any) -> list[str]:
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def _secretary_reads(page: Any, url: str, story: dict[str, Any], activity_id: int,
                     expected: Expected, shots: Shots) -> Path:
    """Step 5: the dashboard and the report agree with the answers; returns the download."""
    from playwright.sync_api import expect

    _login(page, url, SECRETARY.phone)
    _menu(page, "报表")
    page.wait_for_url("**/reports/")
    expect(page.locator("h1")).to_contain_text("第一党支部")
    _audience, _count, participation, average, *_rates = expected.figures
    tiles = page.locator(".row .border.rounded")
    expect(tiles.nth(0)).to_contain_text(_fmt(participation))
    expect(tiles.nth(1)).to_contain_text(_fmt(average))
    _fits(page, "the secretary's dashboard")
    shots.take(page, "secretary-dashboard", docs=True)
    shots.take(page, "secretary-dashboard-full", full_page=True)

    page.get_by_role("link", name="本季度报表").click()
    page.get_by_role("link", name=f"《{TITLE}》").click()
    page.wait_for_url(f"**/reports/units/{story['a'].id}/activities/{activity_id}")
    total = _cells(page.locator("table.report-table").first.locator("tbody tr").first)
    audience, count, *rates = expected.figures
    assert total[:7] == ["第一党支部", str(audience), str(count), *map(_fmt, rates)], total
    expect(page.locator("h2#pending")).to_contain_text(f"（{len(expected.absent)}人）")
    missing = page.locator("h2#pending + ul li").all_inner_texts()
    assert sorted(text.split()[0] for text in missing) == expected.absent, missing
    done = page.locator("h2#pending ~ ul.list-unstyled li").all_inner_texts()
    assert sorted(text.split()[0] for text in done) == sorted(expected.percents), done
    for name, value in expected.percents.items():
        expect(page.locator("ul.list-unstyled li", has_text=name)).to_contain_text(f"{round1(value)}%")
    _fits(page, "the activity report")
    shots.take(page, "secretary-activity-report", full_page=True)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="导出 Excel").click()
    download = waiting.value
    # Named by the unit and the activity, in UTF-8 (issue 17), no longer by their ids.
    assert download.suggested_filename == f"第一党支部-{TITLE}-报表.xlsx"
    saved = shots.folder / download.suggested_filename
    download.save_as(saved)
    return saved


def _check_workbook(path: Path, expected: Expected) -> None:
    """The Excel export: title row, unit, the overall figures and one row per member."""
    rows = [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]
    assert rows[0][0] == f"第一党支部《{TITLE}》学习测试情况报表"
    assert rows[1][:2] == ["单位", "第一党支部"]
    overall = next(i for i, row in enumerate(rows) if row[0] == "总体情况")
    assert rows[overall + 2][:7] == ["第一党支部", *expected.figures]
    table = next(i for i, row in enumerate(rows) if row[0] == "党员参加情况")
    assert rows[table + 1][:4] == ["姓名", "所在单位（发布时）", "状态", "得分率(%)"]
    members = {}
    for row in rows[table + 2:]:
        if not row[0]:
            break
        members[row[0]] = tuple(row[1:4])
    wanted = {name: ("第一党支部", "已参加", round1(p)) for name, p in expected.percents.items()}
    wanted.update({name: ("第一党支部", "未参加", None) for name in expected.absent})
    assert members == wanted


def _member_after_close(app: Flask, page: Any, url: str, member: Member, person_id: int,
                        attempt_id: int, expected: Expected, shots: Shots) -> None:
    """Step 6: the key on the result page, the points for the test, the rank in the branch."""
    from playwright.sync_api import expect

    _login(page, url, member.phone)  # closed: no longer 待完成, but among 最近成绩
    expect(page.locator("[data-role=assignment]", has_text=TITLE)).to_have_count(0)
    page.locator("a.quiz-row", has_text=TITLE).click()
    page.wait_for_url("**/result")
    expect(page.locator("[data-role=answers-later]")).to_have_count(0)
    items = items_of(app, attempt_id)
    expect(page.locator("[data-role=right-answer]")).to_have_count(len(items))
    wrong = sum(question_of(app, item.question_id).type in member.wrong for item in items)
    expect(page.locator(".quiz-result.quiz-wrong")).to_have_count(wrong)
    _fits(page, "the result page")
    shots.take(page, "phone-test-result", full_page=True)

    with app.app_context():
        attempt = db.session.get_one(Attempt, attempt_id)
        points = round(10 * attempt.score / attempt.max_score + 1e-9)  # default: 10 by score
        kinds = list(db.session.scalars(select(PointEntry.kind).where(
            PointEntry.person_id == person_id)))
    assert kinds == [EntryKind.TEST]
    page.get_by_role("link", name="积分", exact=True).click()
    expect(page.locator("[data-role=total]")).to_have_text(str(points))
    entry = page.locator("[data-role=ledger] li", has_text=f"《{TITLE}》")
    expect(entry).to_have_count(1)
    expect(entry.locator("[data-role=points]")).to_have_text(f"+{points}")

    page.goto(url + "/reports/me")
    mine = round1(expected.percents[member.name])
    rank = 1 + sum(1 for p in expected.percents.values() if round1(p) > mine)
    card = page.locator(".card", has_text=f"《{TITLE}》")
    expect(card).to_contain_text(f"{mine}%")
    expect(card).to_contain_text(f"第一党支部第{rank}名 / 共{len(expected.percents)}人")
    _fits(page, "the member's results page")


def test_publish_take_close_and_report_on_phones(app: Flask, live_url: str, story: dict[str, Any],
                                                 tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    shots = Shots(Path(os.environ.get("ISSUE4_SCREENSHOTS") or tmp_path / "shots"))
    errors: list[str] = []
    scores: dict[str, tuple[int, int]] = {}
    attempts: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--disable-gpu"])

        def new_page(**options: Any) -> Any:
            context = browser.new_context(**(options or PHONE))
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            return page

        try:
            # 2. The organizer publishes the test through the web form (a desktop screen).
            page = new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            activity_id = _publish(page, live_url, story)
            page.context.close()

            # 3. Branch A's members take it on their phones; 王五 leaves after one answer.
            for number, member in enumerate([*FINISHERS, HALF_DONE]):
                page = new_page()
                attempt_id, score, top = _take(
                    app, page, live_url, member, shots if number == 0 else None,
                    stop_after=1 if member is HALF_DONE else None)
                attempts[member.name], scores[member.name] = attempt_id, (score, top)
                page.context.close()

            # 4. The close date passes; the close job submits 王五's saved answer.
            audience = _close(app, activity_id, story["a"].id, attempts, scores)
            expected = Expected(
                audience=len(audience),
                percents={name: score * 100.0 / top for name, (score, top) in scores.items()},
                absent=sorted([ABSENT.name, SECRETARY.name]),
            )
            assert expected.audience == len(expected.percents) + len(expected.absent)

            # 5. The secretary's dashboard, the report and its Excel export on a phone.
            page = new_page()
            workbook = _secretary_reads(page, live_url, story, activity_id, expected, shots)
            page.context.close()
            _check_workbook(workbook, expected)

            # 6. A member sees the key, their points and their rank.
            member = FINISHERS[1]
            page = new_page()
            _member_after_close(app, page, live_url, member, story["ids"][member.name],
                                attempts[member.name], expected, shots)
            page.context.close()
        finally:
            browser.close()
    elapsed = time.monotonic() - started
    assert errors == [], errors
    print(f"issue 4 end-to-end run: {elapsed:.1f} s")
