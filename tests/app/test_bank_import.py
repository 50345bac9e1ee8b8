"""Importing speeches into the bank: the service, re-import rules and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    V1_BUILT,
    OTHER,
    V1,
    V2,
    add_report,
    bank_import_dir,
    bank_org,
    get_question,
    import_text,
    question_id,
    set_status,
    speech_a,
)
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
    PracticeSource,
    QuestionOrigin,
    QuestionStatus,
    QuestionType,
    Speech,
)
from quizapp.models.base import utcnow
from quizapp.organize import review, services
from quizapp.organize.content import parse_content
from quizapp.organize.queries import filtered_questions, BankFilter

SPEECHES = Path(__file__).resolve().parents[3] / "shared" / "speeches"


def test_import_stores_the_speech_and_its_draft_questions(app, bank_org):
    unit = bank_org["units"]["a"]
    result = import_text(app, unit.id, V1, "会议讲话.txt", occasion="机关党建工作会议")
    assert result["created"] == V1_BUILT and result["updated"] == result["retired"] == 0
    assert f"题目 {V1_BUILT} 道" in result["report"]
    with app.app_context():
        speech = db.session.get(Speech, result["speech_id"])
        assert speech.title == "在机关党建工作会议上的讲话"  # the first line reads as a title
        assert speech.unit_id == unit.id and speech.file_name == "会议讲话.txt"
        assert speech.occasion == "机关党建工作会议" and speech.delivered_on is None
        assert speech.paragraphs == list(V1.split("\n"))
        questions = speech.questions
        assert {q.status for q in questions} == {QuestionStatus.DRAFT}
        assert {q.type for q in questions} == set(QuestionType)
        assert {q.origin for q in questions} == {QuestionOrigin.SPEECH}  # V1 names no formula with fair siblings
        assert all(q.external_id and not q.edited and q.version == 1 for q in questions)
        for q in questions:
            assert q.sentence in speech.paragraphs[q.paragraph - 1]


def test_a_text_without_a_title_is_refused_until_one_is_given(app, bank_org):
    text = "同志们：\n要建设学习型、服务型、创新型的“三型”党支部。"
    with pytest.raises(services.TitleMissing, match="没有找到标题"):
        import_text(app, bank_org["units"]["a"].id, text, "2024年七一讲话.txt")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Speech)) == 0
    result = import_text(app, bank_org["units"]["a"].id, text, "2024年七一讲话.txt", title="七一讲话")
    with app.app_context():
        assert db.session.get(Speech, result["speech_id"]).title == "七一讲话"


def test_the_heading_gives_title_occasion_and_date(app, bank_org):
    text = "奋力推进机关党建\n——在全区机关党建工作会议上的讲话\n（2024年6月28日）\n同志们：\n要建设“三型”党支部。"
    result = import_text(app, bank_org["units"]["a"].id, text, "0001.txt")
    with app.app_context():
        speech = db.session.get(Speech, result["speech_id"])
        assert speech.title == "奋力推进机关党建"
        assert speech.occasion == "在全区机关党建工作会议上的讲话"
        assert speech.delivered_on.isoformat() == "2024-06-28"


def test_a_reimport_replaces_a_title_that_was_only_the_file_name(app, bank_org, speech_a):
    with app.app_context():
        speech = db.session.get(Speech, speech_a)
        file_name = speech.file_name
        speech.title = Path(file_name).stem  # what older imports stored without a title line
        db.session.commit()
    import_text(app, bank_org["units"]["a"].id, V1, file_name)
    with app.app_context():
        assert db.session.get(Speech, speech_a).title == "在机关党建工作会议上的讲话"


def test_reimporting_the_same_text_changes_nothing(app, bank_org, speech_a):
    again = import_text(app, bank_org["units"]["a"].id, V1)
    assert again["speech_id"] == speech_a
    assert (again["created"], again["updated"], again["unchanged"], again["retired"]) == (0, 0, V1_BUILT, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Speech)) == 1
        assert db.session.scalar(select(func.count()).select_from(BankQuestion)) == V1_BUILT


def test_the_same_file_name_in_another_unit_is_another_speech(app, bank_org, speech_a):
    other = import_text(app, bank_org["units"]["b"].id, V1)
    assert other["speech_id"] != speech_a and other["created"] == V1_BUILT


def test_reimport_keeps_edits_and_approvals_and_updates_the_rest(app, bank_org, speech_a):
    unit_id = bank_org["units"]["a"].id
    edited = question_id(app, speech_a, "三强", QuestionType.SINGLE)
    approved_same = question_id(app, speech_a, "两个确立", QuestionType.FILL)
    approved_changed = question_id(app, speech_a, "每周开展一次集中学习", QuestionType.FILL)
    draft_gone = question_id(app, speech_a, "每半年进行一次述职评议", QuestionType.FILL)
    approved_gone = question_id(app, speech_a, "中国共产党纪律处分条例", QuestionType.JUDGE)
    retired = question_id(app, speech_a, "清廉机关建设年", QuestionType.FILL)
    with app.app_context():
        question = db.session.get(BankQuestion, edited)
        content = parse_content(QuestionType.SINGLE, "“三强”队伍中排在第一位的是？",
                                "\n".join(question.options), "C", "organizer's words", 2)
        review.apply_content(question, content)
        manual = review.add_manual_question(
            db.session, question.speech, QuestionType.JUDGE, parse_content(QuestionType.JUDGE, "手写题", "", "对"))
        manual_id = manual.id
        db.session.commit()
    set_status(app, [approved_same, approved_changed, approved_gone], QuestionStatus.APPROVED)
    set_status(app, [retired], QuestionStatus.RETIRED)
    before = {qid: get_question(app, qid) for qid in (edited, approved_same, approved_changed, manual_id)}

    result = import_text(app, unit_id, V2)

    assert result["speech_id"] == speech_a
    assert result["created"] == 3  # the questions on 每季度进行一次述职评议
    assert result["kept_edited"] == 1
    assert result["kept_missing"] == [approved_gone]
    # The drafts on 每半年… (2) and the other one on the dropped document, and the false 判断 on
    # 每周…: its wrong figure 每季度 is now said in the same sentence, so it is no longer made.
    assert result["retired"] == 4
    assert result["back_to_review"] == 1
    # The organizer's edit is kept; only its place follows the text (a paragraph was added above).
    kept = get_question(app, edited)
    assert (kept.stem, kept.explanation, kept.edited) == ("“三强”队伍中排在第一位的是？", "organizer's words", True)
    assert kept.paragraph == before[edited].paragraph + 1
    # An approved question whose explanation alone changed (it cites the paragraph) stays approved.
    same = get_question(app, approved_same)
    assert same.status is QuestionStatus.APPROVED and same.stem == before[approved_same].stem
    assert same.explanation != before[approved_same].explanation and same.version == 1
    # An approved question whose stem changed goes back to review; its answer did not change.
    changed = get_question(app, approved_changed)
    assert changed.status is QuestionStatus.DRAFT and changed.approved_at is None
    assert "每季度" in changed.stem and changed.answer == ["每周"] and changed.version == 1
    assert get_question(app, draft_gone).status is QuestionStatus.RETIRED
    gone = get_question(app, approved_gone)
    assert gone.status is QuestionStatus.APPROVED and gone.sentence not in V2
    assert get_question(app, retired).status is QuestionStatus.RETIRED
    untouched = get_question(app, manual_id)
    assert (untouched.stem, untouched.status, untouched.updated_at) == (
        "手写题", QuestionStatus.DRAFT, before[manual_id].updated_at)
    # The bank flags the kept question whose sentence left the text.
    with app.app_context():
        flagged = db.session.scalars(filtered_questions({unit_id}, BankFilter(source_missing=True))).all()
        assert [q.id for q in flagged if q.status is not QuestionStatus.RETIRED] == [approved_gone]
        assert db.session.get(Speech, speech_a).text == V2


def test_a_changed_answer_key_raises_the_version(app, bank_org, speech_a):
    multiple = question_id(app, speech_a, "三强", QuestionType.MULTIPLE)
    judge = question_id(app, speech_a, "两个确立", QuestionType.JUDGE)
    set_status(app, [multiple], QuestionStatus.APPROVED)
    import_text(app, bank_org["units"]["a"].id, V1.replace("业务强", "本领强"))
    after = get_question(app, multiple)
    # One of the right options now reads differently: same letters, another answer.
    assert "本领强" in after.options and after.version == 2
    assert after.status is QuestionStatus.DRAFT  # and what was approved is no longer there
    assert get_question(app, judge).version == 1


def test_a_reimport_that_changes_an_answer_key_regrades_submitted_attempts(app, bank_org, speech_a):
    multiple = question_id(app, speech_a, "三强", QuestionType.MULTIPLE)
    set_status(app, [multiple], QuestionStatus.APPROVED)
    with app.app_context():
        question = db.session.get(BankQuestion, multiple)
        person_id = bank_org["people"]["member_a"].id
        wrong = sorted(set(range(len(question.options))) - set(question.answer))[:1]
        attempt = Attempt(person_id=person_id, kind=AttemptKind.PRACTICE, source=PracticeSource.RANDOM,
                          status=AttemptStatus.SUBMITTED, question_count=1, submitted_at=utcnow(),
                          score=0, max_score=1, correct_count=0)
        attempt.items = [AttemptItem(position=1, question_id=multiple, question_version=1,
                                     option_order=[], response=wrong, max_points=1,
                                     correct=False, points=0)]
        db.session.add(attempt)
        db.session.commit()
        attempt_id = attempt.id
    result = import_text(app, bank_org["units"]["a"].id, V1.replace("业务强", "本领强"))
    assert "重新判分答卷 1 份" in result["summary"]
    with app.app_context():
        item = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)).one()
        # Graded again under the new key (version 2): still wrong, and recorded as such.
        assert item.question_version == 2 and item.correct is False and item.points == 0


def test_a_retired_question_stays_retired_on_reimport(app, bank_org, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.MULTIPLE)
    set_status(app, [qid], QuestionStatus.RETIRED)
    import_text(app, bank_org["units"]["a"].id, V2)
    assert get_question(app, qid).status is QuestionStatus.RETIRED


def test_reports_survive_a_reimport(app, bank_org, speech_a):
    qid = question_id(app, speech_a, "每半年进行一次述职评议", QuestionType.FILL)
    add_report(app, qid, bank_org["people"]["member_a"])
    import_text(app, bank_org["units"]["a"].id, V2)
    with app.app_context():
        assert len(db.session.get(BankQuestion, qid).reports) == 1


@pytest.mark.parametrize("text", ["", "\n \n\t\n"])
def test_an_empty_text_is_refused(app, bank_org, text):
    with pytest.raises(services.SpeechError, match="文件为空"):
        import_text(app, bank_org["units"]["a"].id, text)


# -- the command line --------------------------------------------------------------------------

@pytest.fixture
def speech_files(tmp_path):
    first = tmp_path / "一号讲话.txt"
    first.write_text(V1, encoding="utf-8")
    second = tmp_path / "二号讲话.txt"
    second.write_text(OTHER, encoding="utf-8")
    bad = tmp_path / "坏文件.txt"
    bad.write_bytes(b"\x80\x80\x80\xff" * 10)  # no encoding reads it
    return first, second, bad


def test_cli_imports_files_and_prints_the_reports(app, bank_org, speech_files):
    first, second, _ = speech_files
    unit_id = bank_org["units"]["a"].id
    result = app.test_cli_runner().invoke(args=["questions", "import", str(first), str(second), "--unit", str(unit_id)])
    assert result.exit_code == 0, result.output
    assert "== 一号讲话.txt（在机关党建工作会议上的讲话）" in result.output
    assert f"已导入《在机关党建工作会议上的讲话》：新增 {V1_BUILT} 道" in result.output
    assert "已导入《在党支部书记培训班上的讲话》" in result.output
    again = app.test_cli_runner().invoke(args=["questions", "import", str(first), "--unit", str(unit_id)])
    assert "已重新导入" in again.output and f"未变 {V1_BUILT} 道" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Speech)) == 2


def test_cli_reports_a_bad_file_imports_the_rest_and_exits_2(app, bank_org, speech_files):
    first, _, bad = speech_files
    missing = first.with_name("没有这个文件.txt")
    result = app.test_cli_runner().invoke(
        args=["questions", "import", str(bad), str(missing), str(first), "--unit-name", "第一党总支"])
    assert result.exit_code == 2
    assert "无法识别文件的编码" in result.output and "文件不存在" in result.output
    assert f"新增 {V1_BUILT} 道" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Speech)) == 1


def test_cli_title_option(app, bank_org, speech_files):
    first, second, _ = speech_files
    unit = str(bank_org["units"]["a"].id)
    result = app.test_cli_runner().invoke(args=["questions", "import", str(first), "--unit", unit, "--title", "自定标题"])
    assert result.exit_code == 0 and "《自定标题》" in result.output
    both = app.test_cli_runner().invoke(
        args=["questions", "import", str(first), str(second), "--unit", unit, "--title", "标题"])
    assert both.exit_code == 2 and "只能在导入一个文件时使用" in both.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "请用 --unit"),
        (["--unit", "987654"], "没有编号为 987654 的单位"),
        (["--unit-name", "不存在的单位"], "没有名为“不存在的单位”的单位"),
        (["--unit-name", "第一党支部", "--unit", "1"], "请用 --unit"),
    ],
)
def test_cli_needs_exactly_one_known_unit(app, bank_org, speech_files, options, message):
    result = app.test_cli_runner().invoke(args=["questions", "import", str(speech_files[0]), *options])
    assert result.exit_code == 2 and message in result.output


def test_cli_refuses_an_ambiguous_unit_name(app, bank_org, make_unit, speech_files):
    make_unit("第一党支部", parent=bank_org["units"]["b"])
    result = app.test_cli_runner().invoke(
        args=["questions", "import", str(speech_files[0]), "--unit-name", "第一党支部"])
    assert result.exit_code == 2 and "有 2 个单位名为“第一党支部”" in result.output


def test_cli_approve_all_approves_the_drafts_of_the_subtree(app, bank_org, speech_a):
    import_text(app, bank_org["units"]["a1"].id, OTHER, "支部.txt")
    import_text(app, bank_org["units"]["b"].id, OTHER, "支部.txt")
    retired = question_id(app, speech_a, "三强", QuestionType.MULTIPLE)
    set_status(app, [retired], QuestionStatus.RETIRED)
    result = app.test_cli_runner().invoke(args=["questions", "approve-all", "--unit-name", "第一党总支"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session.execute(
            select(Speech.unit_id, BankQuestion.status, func.count()).join(BankQuestion.speech)
            .group_by(Speech.unit_id, BankQuestion.status)
        ).all()
    counts = {(unit, status): n for unit, status, n in rows}
    units = bank_org["units"]
    assert (units["a"].id, QuestionStatus.DRAFT) not in counts
    assert (units["a1"].id, QuestionStatus.DRAFT) not in counts
    assert counts[(units["a"].id, QuestionStatus.RETIRED)] == 1  # a retired question stays retired
    assert counts[(units["b"].id, QuestionStatus.DRAFT)] > 0  # another 总支 is untouched
    approved = counts[(units["a"].id, QuestionStatus.APPROVED)] + counts[(units["a1"].id, QuestionStatus.APPROVED)]
    assert f"已通过 {approved} 道" in result.output


def test_cli_imports_the_shared_speeches(app, bank_org):
    paths = sorted(SPEECHES.glob("*.txt"))
    if not paths:
        pytest.skip("../shared/speeches is not beside the checkout")
    result = app.test_cli_runner().invoke(
        args=["questions", "import", *map(str, paths), "--unit", str(bank_org["units"]["a"].id)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Speech)) == len(paths)
        assert db.session.scalar(select(func.count()).select_from(BankQuestion)) >= 25 * len(paths)


def test_cli_asks_for_a_title_when_the_text_gives_none(app, bank_org, tmp_path):
    path = tmp_path / "0007_9f3e.txt"
    path.write_text("同志们：\n要建设学习型、服务型、创新型的“三型”党支部。", encoding="utf-8")
    unit = str(bank_org["units"]["a"].id)
    result = app.test_cli_runner().invoke(args=["questions", "import", str(path), "--unit", unit])
    assert result.exit_code == 2 and "没有找到标题" in result.stderr
    titled = app.test_cli_runner().invoke(args=["questions", "import", str(path), "--unit", unit, "--title", "三型党支部"])
    assert titled.exit_code == 0 and "已导入《三型党支部》" in titled.output
