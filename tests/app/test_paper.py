"""Paper tests that count (issue 18, part 2): the Word paper and key, versions A/B, entering
paper sittings, and their way into grading, reports and points."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from datetime import timedelta
from typing import Any

import docx
import pytest
from activity_helpers import Outcome, add_result, make_activity
from paper_helpers import MAX_SCORE, answer_fields, line, paper_test, sections
from publish_helpers import ORGANIZER, org, pub_bank, quiz_org  # noqa: F401 - fixtures
from quiz_helpers import MEMBER, MEMBER_2, OUTSIDER, add_question
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    Activity, Attempt, AttemptItem, AttemptStatus, Paper, PointEntry, QuestionType, ReportRollup,
    Role,
)
from quizapp.models.base import utcnow
from quizapp.paper import papers, services, word
from quizapp.results.integrity import fast_attempts
from quizapp.points.queries import total_for
from quizapp.reports import pages
from quizapp.results import rollups

SECRETARY = "13900000021"
OTHER_SECRETARY = "13900000022"


@pytest.fixture
def setup(app, org, pub_bank, make_person) -> dict[str, Any]:  # noqa: F811
    units = org["units"]
    people = org["people"]
    people["secretary"] = make_person(name="书记甲", phone=SECRETARY, unit=units["branch"],
                                      roles=[(Role.SECRETARY, units["branch"])])
    people["other_secretary"] = make_person(name="书记乙", phone=OTHER_SECRETARY,
                                            unit=units["other_branch"],
                                            roles=[(Role.SECRETARY, units["other_branch"])])
    activity_id = paper_test(app, units["general"].id)
    return {"units": units, "people": people, "activity": activity_id, "speech": pub_bank["speech"]}


def _docx_text(data: bytes) -> tuple[list[str], list[str]]:
    """The paragraphs' texts and the tables' cell texts of a .docx."""
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs], cells


def _attempts(app, activity_id: int) -> list[Attempt]:
    with app.app_context():
        found = list(db.session.scalars(select(Attempt).where(Attempt.activity_id == activity_id)
                                        .order_by(Attempt.id)))
        for attempt in found:
            db.session.expunge(attempt)
        return found


def test_the_paper_has_header_every_question_options_and_an_answer_sheet(app, client, login, setup):
    login(client, ORGANIZER)
    response = client.get(f"/paper/activities/{setup['activity']}/paper-A.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    paragraphs, cells = _docx_text(response.data)
    text = "\n".join(paragraphs)
    assert paragraphs[0] == "2026年第四季度党建知识测试"
    assert "试卷（A卷）" in paragraphs[1]
    assert "单位：第一党总支" in text and "共 9 题，满分 22 分" in text and "不限时" in text
    assert "一、单项选择题（共 3 题，每题 2 分，共 6 分）" in text
    assert "四、填空题（共 2 题，每题 3 分，共 6 分）" in text
    found = sections(app, setup["activity"], "A")
    numbers = [q.number for s in found for q in s.questions]
    assert numbers == list(range(1, 10))
    for section in found:
        for q in section.questions:
            stem_line = next(p for p in paragraphs if p.startswith(f"{q.number}. "))
            assert q.question.stem.replace("____", "") in stem_line.replace("________", "")
            if q.options:  # short options: one line under the stem, in the printed order
                after = paragraphs[paragraphs.index(stem_line) + 1]
                assert after == "　　".join(f"{'ABCD'[n]}. {o}" for n, o in enumerate(q.options))
    sheet = paragraphs.index("答题卡（A卷）")
    assert sheet > paragraphs.index("四、填空题（共 2 题，每题 3 分，共 6 分）")
    # Choice and judge numbers get a box each on the sheet; fill questions a numbered line.
    assert [c for c in cells if c] == [str(n) for n in range(1, 8)]
    assert any(p.startswith("8. ____") for p in paragraphs[sheet:])


def test_the_key_follows_its_version(app, client, login, setup):
    login(client, ORGANIZER)
    keys = {}
    for label in "AB":
        response = client.get(f"/paper/activities/{setup['activity']}/key-{label}.docx")
        assert response.status_code == 200
        paragraphs, _ = _docx_text(response.data)
        assert f"参考答案与解析（{label}卷）" in paragraphs[1]
        found = sections(app, setup["activity"], label)
        for q in (q for s in found for q in s.questions):
            at = paragraphs.index(f"{q.number}. 答案：{q.key_letters()}")
            assert paragraphs[at + 1] == "解析：原文如此。"
            assert paragraphs[at + 2] == "出处：《在机关党建工作会议上的讲话》：四是上好党课。"
        keys[label] = {q.question.id: (q.number, q.key_letters()) for s in found for q in s.questions}
    assert keys["A"].keys() == keys["B"].keys()  # the same questions
    assert [v[0] for v in keys["A"].values()] != [keys["B"][k][0] for k in keys["A"]]  # another order
    assert any(keys["A"][k][1] != keys["B"][k][1] for k in keys["A"])  # options reordered


def test_versions_differ_in_order_but_grade_the_same_answers_alike(app, client, login, setup):
    a, b = sections(app, setup["activity"], "A"), sections(app, setup["activity"], "B")
    a_by_id = {q.question.id: q.number for s in a for q in s.questions}
    b_by_id = {q.question.id: q.number for s in b for q in s.questions}
    assert a_by_id.keys() == b_by_id.keys() and a_by_id != b_by_id
    # The same questions answered wrong on both versions (a single, a multiple and a fill).
    wrong_ids = [s.questions[0].question.id for s in a if s.type.value in ("single", "multiple", "fill")]
    text = "\n".join([
        line(MEMBER, "A", answer_fields(a, {a_by_id[i] for i in wrong_ids})),
        line(MEMBER_2, "b", answer_fields(b, {b_by_id[i] for i in wrong_ids})),
    ])
    login(client, SECRETARY)
    response = client.post(f"/paper/activities/{setup['activity']}/entry", data={"lines": text})
    assert response.status_code == 302, response.get_data(as_text=True)
    first, second = _attempts(app, setup["activity"])
    assert first.status is second.status is AttemptStatus.SUBMITTED
    assert first.score == second.score == MAX_SCORE - 2 - 4 - 3
    assert first.correct_count == second.correct_count == 6
    assert first.paper_id != second.paper_id
    with app.app_context():
        def graded(attempt_id):
            return {i.question_id: (i.response, i.correct, i.points) for i in db.session.scalars(
                select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))}
        assert graded(first.id) == graded(second.id)  # same answers in the questions' own terms


def _bad_cases(a):
    good = answer_fields(a)
    singles = good[0]
    return {
        "wrong letter count": (line(MEMBER, "A", [singles[:-1], *good[1:]]),
                               "单项选择题（第 1–3 题）应有 3 个字母，实际 2 个"),
        "unknown member": (line("DEMO9999", "A", good), "找不到党员“DEMO9999”"),
        "not in the audience": (line(OUTSIDER, "A", good), "王五不在本次测试的参加人员中"),
        "letter past the options": (line(MEMBER, "A", ["E" + singles[1:], *good[1:]]),
                                    "第 1 题只有选项 A、B、C、D，不能填“E”"),
        "judge mark": (line(MEMBER, "A", [*good[:2], "T?", good[3]]),
                       "是判断题，应填 T/F 或 对/错，不能填“?”"),
        "missing section": (line(MEMBER, "A", good[:3]), "答案应有 4 项（单项选择、多项选择、判断、填空），实际 3 项"),
        "no such version": (line(MEMBER, "C", good), "第二项是卷别，应为 A 或 B"),
        "twice in the batch": (line(MEMBER, "A", good) + "\n" + line("张三", "B", good),
                               "第 3 行（张三）：与第 2 行是同一名党员"),
        "total over the maximum": (line(MEMBER, "A", ["=23"]), "总分 23 超过满分 22"),
    }


@pytest.mark.parametrize("case", ["wrong letter count", "unknown member", "not in the audience",
                                  "letter past the options", "judge mark", "missing section",
                                  "no such version", "twice in the batch", "total over the maximum"])
def test_a_bad_line_is_a_chinese_error_and_nothing_of_the_batch_is_saved(app, client, login, setup, case):
    a = sections(app, setup["activity"], "A")
    bad, message = _bad_cases(a)[case]
    # A sound line first: it must not be saved either.
    text = line(MEMBER_2, "A", answer_fields(a)) + "\n" + bad
    login(client, ORGANIZER)
    response = client.post(f"/paper/activities/{setup['activity']}/entry", data={"lines": text})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "未保存，请改正" in page and message in page
    assert _attempts(app, setup["activity"]) == []
    assert line(MEMBER_2, "A", answer_fields(a)) in page  # the typed lines are kept


def test_a_member_with_an_online_sitting_keeps_it_and_is_refused(app, client, login, setup):
    a = sections(app, setup["activity"], "A")
    question_id = a[0].questions[0].question.id
    add_result(app, setup["activity"], setup["people"]["member"].id,
               [Outcome(question_id, True, 2, 2)])
    login(client, ORGANIZER)
    response = client.post(f"/paper/activities/{setup['activity']}/entry",
                           data={"lines": line(MEMBER, "A", answer_fields(a))})
    assert response.status_code == 400
    assert "张三已在线作答并交卷" in response.get_data(as_text=True)
    assert "以在线成绩为准，纸质答卷不再录入" in response.get_data(as_text=True)
    assert [x.paper_id for x in _attempts(app, setup["activity"])] == [None]


def test_a_second_entry_for_a_member_is_refused(app, client, login, setup):
    a = sections(app, setup["activity"], "A")
    login(client, ORGANIZER)
    url = f"/paper/activities/{setup['activity']}/entry"
    assert client.post(url, data={"lines": line(MEMBER, "A", answer_fields(a))}).status_code == 302
    response = client.post(url, data={"lines": line(MEMBER, "B", answer_fields(a))})
    assert response.status_code == 400 and "已录入过纸质答卷" in response.get_data(as_text=True)
    assert len(_attempts(app, setup["activity"])) == 1


def test_a_secretary_enters_only_their_own_units_members(app, client, login, setup, make_person):
    people = setup["people"]
    with app.app_context():
        db.session.execute(db.text("UPDATE person SET member_no = 'M0001' WHERE id = :id"),
                           {"id": people["organizer"].id})
        db.session.commit()
    a = sections(app, setup["activity"], "A")
    login(client, SECRETARY)
    response = client.post(f"/paper/activities/{setup['activity']}/entry",
                           data={"lines": line("M0001", "A", answer_fields(a))})
    assert response.status_code == 400
    assert "赵组织不在你管理的组织内" in response.get_data(as_text=True)


def test_paper_entry_counts_in_the_branch_report_points_and_the_members_page(app, client, login, setup):
    people, units = setup["people"], setup["units"]
    a = sections(app, setup["activity"], "A")
    login(client, SECRETARY)
    # 张三 all right on paper; 李四 only a total of 11 (50%, under the pass mark of 60%).
    text = line(MEMBER, "A", answer_fields(a)) + "\n" + line("李四", "A", ["=11"])
    response = client.post(f"/paper/activities/{setup['activity']}/entry", data={"lines": text})
    assert response.status_code == 302
    page = client.get(f"/paper/activities/{setup['activity']}").get_data(as_text=True)
    assert page.count("paper-sitting") == 2 and "纸质" in page and "11/22 分（只登记总分）" in page
    with app.app_context():
        activity = db.session.get(Activity, setup["activity"])
        report = pages.activity_report(db.session, units["branch"], activity)
        assert report.total.participants == 2
        assert report.total.passed == 1 and report.total.excellent == 1
        assert report.total.pct_sum == pytest.approx(150.0)
        percents = {m.name: m.percent for m in report.members}
        assert percents["张三"] == pytest.approx(100.0) and percents["李四"] == pytest.approx(50.0)
        assert percents["周五"] is None  # in the audience, no sitting
        # The roll-up the submits kept is the one a rebuild from the attempts gives.
        def rollup_rows():
            return sorted((r.unit_id, r.audience, r.participants, r.pct_sum, r.passed, r.excellent)
                          for r in db.session.scalars(select(ReportRollup).where(
                              ReportRollup.activity_id == activity.id)))
        kept = rollup_rows()
        assert (units["group"].id, 3, 2, pytest.approx(150.0), 1, 1) in kept  # 吴六 too
        rollups.rebuild(db.session, activity)
        assert rollup_rows() == kept
        # Points as for an online sitting: an entry per member tied to the paper attempt.
        entries = {e.person_id: e for e in db.session.scalars(select(PointEntry))}
        paper_attempts = {x.person_id: x.id for x in db.session.scalars(
            select(Attempt).where(Attempt.paper_id.is_not(None)))}
        assert {p: entries[p].attempt_id for p in paper_attempts} == paper_attempts
        assert total_for(db.session, people["member"].id) > total_for(db.session, people["member2"].id) > 0
    report_page = client.get(f"/reports/units/{units['branch'].id}/activities/{setup['activity']}")
    assert report_page.status_code == 200 and "张三" in report_page.get_data(as_text=True)
    client.post("/auth/logout")
    login(client, MEMBER)
    mine = client.get(f"/quiz/activities/{setup['activity']}").get_data(as_text=True)
    assert "纸质" in mine and "22/22" in mine and "录入" in mine
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id).where(
            Attempt.person_id == people["member"].id, Attempt.paper_id.is_not(None)))
    result = client.get(f"/quiz/attempts/{attempt_id}/result").get_data(as_text=True)
    assert 'data-role="paper"' in result and "答对 9 / 9 题" in result
    client.post("/auth/logout")
    login(client, MEMBER_2)
    with app.app_context():
        total_only = db.session.scalar(select(Attempt.id).where(
            Attempt.person_id == people["member2"].id))
    result = client.get(f"/quiz/attempts/{total_only}/result").get_data(as_text=True)
    assert "只登记了总分" in result and "答对" not in result.split('data-role="paper"')[1][:200]


@pytest.mark.parametrize("account, status", [(MEMBER, 403), (OTHER_SECRETARY, 403),
                                             (SECRETARY, 200), (ORGANIZER, 200)])
def test_who_may_download_and_enter(app, client, login, setup, account, status):
    login(client, account)
    base = f"/paper/activities/{setup['activity']}"
    assert client.get(base).status_code == status
    assert client.get(f"{base}/paper-A.docx").status_code == status
    assert client.get(f"{base}/key-B.docx").status_code == status
    a = sections(app, setup["activity"], "A")
    entry = client.post(f"{base}/entry", data={"lines": line(MEMBER_2, "A", answer_fields(a))})
    assert entry.status_code == (302 if status == 200 else 403)
    assert len(_attempts(app, setup["activity"])) == (1 if status == 200 else 0)


def test_only_the_tests_organizer_makes_papers_and_not_once_answers_are_entered(app, client, login, setup):
    base = f"/paper/activities/{setup['activity']}"
    login(client, SECRETARY)
    assert client.post(f"{base}/make", data={"versions": "1"}).status_code == 403
    client.post("/auth/logout")
    login(client, ORGANIZER)
    assert client.post(f"{base}/make", data={"versions": "1"}).status_code == 302
    with app.app_context():
        assert [p.label for p in papers.papers_of(db.session, setup["activity"])] == ["A"]
    a = sections(app, setup["activity"], "A")
    assert client.post(f"{base}/entry", data={"lines": line(MEMBER, "A", answer_fields(a))}).status_code == 302
    client.post(f"{base}/make", data={"versions": "2"})
    with app.app_context():
        assert [p.label for p in papers.papers_of(db.session, setup["activity"])] == ["A"]
    assert "已按现有试卷录入过答卷，不能重新出卷" in client.get(base).get_data(as_text=True)


def test_papers_honour_the_blueprint(app, setup):
    with app.app_context():
        activity = db.session.get(Activity, setup["activity"])
        for seed in range(5):
            made = papers.make_papers(db.session, activity, versions=2, by=None, rng=random.Random(seed))
            for paper in made:
                found = papers.sections_of(db.session, paper)
                assert [(s.type.value, len(s.questions), s.questions[0].points) for s in found] == [
                    ("single", 3, 2), ("multiple", 2, 4), ("judge", 2, 1), ("fill", 2, 3)]
                # Only the 总支's approved questions: never the branch's own speech.
                assert {q.question.speech_id for s in found for q in s.questions} == {setup["speech"]}
        db.session.rollback()


def test_entry_service_refuses_an_empty_batch(app, setup):
    with app.app_context():
        activity = db.session.get(Activity, setup["activity"])
        with pytest.raises(services.PaperEntryError) as error:
            services.enter_paper_sittings(db.session, activity, "\n  \n",
                                          by=db.session.get(type(setup["people"]["organizer"]), setup["people"]["organizer"].id))
        assert error.value.problems == ["请至少填写一行"]
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def _render(tmp_path, name: str, data: bytes) -> Any:
    """The .docx converted to PDF by LibreOffice, and its pages as PNGs (60 dpi)."""
    if not (shutil.which("libreoffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")
            and shutil.which("pdfinfo")):
        pytest.skip("needs LibreOffice and poppler-utils (Debian: libreoffice-writer poppler-utils)")
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / name)], check=True,
                   timeout=60)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    return text, sorted(tmp_path.glob(f"{name}-*.png"))


def test_the_paper_opens_in_libreoffice_on_a4_pages(app, client, login, setup, tmp_path):
    login(client, ORGANIZER)
    data = client.get(f"/paper/activities/{setup['activity']}/paper-B.docx").data
    text, pages = _render(tmp_path, "paper-B", data)
    assert len(pages) >= 2  # the answer sheet on a page of its own
    flat = "".join(text.split())  # pdftotext spaces Latin letters and digits off CJK
    assert "2026年第四季度党建知识测试" in flat and "答题卡（B卷）" in flat
    assert "第1页共2页" in flat
    found = sections(app, setup["activity"], "B")
    for q in (q for s in found for q in s.questions):
        assert f"{q.number}.{q.question.stem[:6]}" in flat
    info = subprocess.run(["pdfinfo", str(tmp_path / "paper-B.pdf")], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    assert "(A4)" in info  # A4 portrait


def test_the_key_opens_in_libreoffice(app, client, login, setup, tmp_path):
    login(client, ORGANIZER)
    data = client.get(f"/paper/activities/{setup['activity']}/key-B.docx").data
    text, pages = _render(tmp_path, "key-B", data)
    flat = "".join(text.split())
    assert pages and "参考答案与解析（B卷）" in flat
    for q in (q for s in sections(app, setup["activity"], "B") for q in s.questions):
        assert f"{q.number}.答案：{q.key_letters()}" in flat


def test_a_member_starting_online_during_the_entry_loses_nothing_and_saves_nothing(
        app, client, login, setup, monkeypatch):
    """The race the checks cannot see: the sitting's number is taken when the batch is
    written. The batch is refused whole (409, in Chinese), the online sitting stays."""
    a = sections(app, setup["activity"], "A")
    add_result(app, setup["activity"], setup["people"]["member"].id,
               [Outcome(a[0].questions[0].question.id, True, 2, 2)])
    monkeypatch.setattr(services, "_sitting_problem", lambda sittings: None)  # checked "before" it
    login(client, ORGANIZER)
    text = line(MEMBER_2, "A", answer_fields(a)) + "\n" + line(MEMBER, "A", answer_fields(a))
    response = client.post(f"/paper/activities/{setup['activity']}/entry", data={"lines": text})
    assert response.status_code == 409
    assert "本批未保存" in response.get_data(as_text=True)
    assert [x.paper_id for x in _attempts(app, setup["activity"])] == [None]


def test_paper_sittings_are_never_flagged_as_too_fast(app, client, login, setup):
    a = sections(app, setup["activity"], "A")
    login(client, ORGANIZER)
    text = line(MEMBER, "A", answer_fields(a)) + "\n" + line(MEMBER_2, "B", answer_fields(sections(app, setup["activity"], "B")))
    assert client.post(f"/paper/activities/{setup['activity']}/entry", data={"lines": text}).status_code == 302
    with app.app_context():
        assert fast_attempts(db.session, setup["activity"]) == []
        # Entered, not answered on a device: no answer times that could read as a burst.
        assert db.session.scalar(select(func.count()).select_from(AttemptItem)
                                 .where(AttemptItem.answered_at.is_not(None))) == 0


def test_long_options_get_a_line_each(app, setup):
    long = ["坚持和加强党的全面领导，推动全面从严治党向纵深发展", "党课", "讲座", "微课"]
    add_question(app, setup["speech"], QuestionType.SINGLE, options=long, answer=[0])
    activity_id = make_activity(app, setup["units"]["general"].id,
                                parts=((QuestionType.SINGLE, 7, 1),))  # every single of the bank
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        paper = papers.make_papers(db.session, activity, versions=1, by=None, rng=random.Random(3))[0]
        found = papers.sections_of(db.session, paper)
        paragraphs, _ = _docx_text(word.paper_docx(activity, paper, found))
        question = next(q for q in found[0].questions if q.question.options == long)
        at = next(n for n, p in enumerate(paragraphs) if p.startswith(f"{question.number}. "))
        assert paragraphs[at + 1:at + 5] == [f"{'ABCD'[n]}. {o}" for n, o in enumerate(question.options)]
        assert isinstance(paper, Paper)


def test_a_name_finds_the_namesake_in_the_audience(app, client, login, setup, make_person):
    make_person(name="张三", phone="13800000099", unit=setup["units"]["other_branch"])
    a = sections(app, setup["activity"], "A")
    login(client, ORGANIZER)
    response = client.post(f"/paper/activities/{setup['activity']}/entry",
                           data={"lines": line("张三", "A", answer_fields(a))})
    assert response.status_code == 302
    assert [x.person_id for x in _attempts(app, setup["activity"])] == [setup["people"]["member"].id]


def test_secretaries_get_the_key_only_after_the_close(app, client, login, setup):
    now = utcnow()
    open_test = make_activity(app, setup["units"]["general"].id, parts=((QuestionType.SINGLE, 2, 5),),
                              opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=2))
    with app.app_context():
        papers.make_papers(db.session, db.session.get(Activity, open_test), versions=1, by=None)
        db.session.commit()
    login(client, SECRETARY)
    page = client.get(f"/paper/activities/{open_test}").get_data(as_text=True)
    assert 'data-role="key-later"' in page and "key-A.docx" not in page
    refused = client.get(f"/paper/activities/{open_test}/key-A.docx", follow_redirects=True)
    assert "参考答案在测试截止" in refused.get_data(as_text=True)
    assert not refused.mimetype.endswith("document")
    assert client.get(f"/paper/activities/{open_test}/paper-A.docx").mimetype.endswith("document")
    client.post("/auth/logout")
    login(client, ORGANIZER)
    assert client.get(f"/paper/activities/{open_test}/key-A.docx").mimetype.endswith("document")
