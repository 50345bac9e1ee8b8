"""A speech's bank as Excel: export, a dry run with row errors, confirmation, and formula cells."""

from __future__ import annotations

import io

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    V1_BUILT,
    ORGANIZER_A,
    ORGANIZER_B,
    bank_import_dir,
    bank_org,
    get_question,
    hidden_token,
    question_id,
    set_status,
    speech_a,
    speech_b,
    upload,
    xlsx_bytes,
)
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionOrigin, QuestionStatus, QuestionType
from quizapp.organize import excel


def _export(client, speech_id):
    response = client.get(f"/organize/speeches/{speech_id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response.data


def _rows(data):
    sheet = load_workbook(io.BytesIO(data))["题库"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _save(rows):
    header, body = rows[0], rows[1:]
    return xlsx_bytes(body, header)


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BankQuestion))


def test_export_has_every_question_with_readable_answers(app, client, bank_org, login, speech_a):
    single = question_id(app, speech_a, "三强", QuestionType.SINGLE)
    set_status(app, [single], QuestionStatus.APPROVED)
    login(client, ORGANIZER_A)
    data = _export(client, speech_a)
    assert "attachment" in client.get(f"/organize/speeches/{speech_a}/export.xlsx").headers["Content-Disposition"]
    rows = _rows(data)
    assert rows[0] == ["题号", "题型", "题干", "选项", "答案", "解析", "难度", "状态", "概念", "要点", "质量分"]
    assert len(rows) == 1 + _count(app)
    by_id = {row[0]: row for row in rows[1:]}
    q = get_question(app, single)
    row = by_id[q.external_id]
    assert row[1:5] == ["单选", q.stem, "\n".join(q.options), "ABCD"[q.answer[0]]]
    assert row[7] == "已通过" and row[8] == "三强"
    assert row[9] == q.point and row[10] == q.quality and 0 < q.quality <= 1
    judge = get_question(app, question_id(app, speech_a, "三强", QuestionType.JUDGE))
    assert by_id[judge.external_id][4] == ("对" if judge.answer else "错")
    assert by_id[judge.external_id][3] is None


def test_round_trip_without_changes_changes_nothing(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    response = upload(client, f"/organize/speeches/{speech_a}/import", _export(client, speech_a), "题库.xlsx")
    html = response.get_data(as_text=True)
    assert f"新增 0 道，更新 0 道，无变化 {_count(app)} 道" in html
    assert hidden_token(html) is None and "文件与题库一致" in html


def test_round_trip_with_edits_and_new_rows(app, client, bank_org, login, speech_a, bank_import_dir):
    multiple = question_id(app, speech_a, "三强", QuestionType.MULTIPLE)
    set_status(app, [multiple], QuestionStatus.APPROVED)
    before = get_question(app, multiple)
    built = _count(app)
    login(client, ORGANIZER_A)
    rows = _rows(_export(client, speech_a))
    for row in rows:
        if row[0] == before.external_id:
            row[2] = "“三强”指的是？（多选）"
            row[4] = "A、B、C、D"  # another answer key
    rows.append([None, "判断", "@ 开头的题干也只是文字", None, "错", "手写解析", 1, "已通过", "手写"])
    rows.append(["", "填空", "要建设____、____的机关。", None, "学习型、服务型", None, None, None, "两型"])
    dry = upload(client, f"/organize/speeches/{speech_a}/import", _save(rows), "题库.xlsx")
    html = dry.get_data(as_text=True)
    assert f"新增 2 道，更新 1 道，无变化 {built - 1} 道" in html
    token = hidden_token(html)
    assert token and len(list(bank_import_dir.iterdir())) == 1
    assert _count(app) == built  # a dry run writes nothing

    done = client.post(f"/organize/speeches/{speech_a}/import/confirm", data={"token": token})
    assert done.status_code == 302
    assert "新增 2 道（待审核），更新 1 道" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert list(bank_import_dir.iterdir()) == []
    after = get_question(app, multiple)
    assert (after.stem, after.answer, after.edited, after.version) == ("“三强”指的是？（多选）", [0, 1, 2, 3], True, 2)
    assert after.status is QuestionStatus.APPROVED
    with app.app_context():
        manual = db.session.scalars(
            select(BankQuestion).where(BankQuestion.origin == QuestionOrigin.MANUAL).order_by(BankQuestion.id)).all()
        assert [(q.type, q.answer, q.status, q.difficulty) for q in manual] == [
            (QuestionType.JUDGE, False, QuestionStatus.DRAFT, 1),  # 状态 in the sheet is not obeyed
            (QuestionType.FILL, ["学习型", "服务型"], QuestionStatus.DRAFT, 2),
        ]
        assert manual[0].stem == "@ 开头的题干也只是文字"
        manual_id = manual[0].id
    # The same token cannot be used twice.
    again = client.post(f"/organize/speeches/{speech_a}/import/confirm", data={"token": token})
    assert again.status_code == 302 and "import" in again.headers["Location"]
    # Hand-written questions come back under their database id and round-trip too.
    exported = _rows(_export(client, speech_a))
    assert manual_id in [row[0] for row in exported]
    check = upload(client, f"/organize/speeches/{speech_a}/import", _save(exported), "题库.xlsx")
    assert f"新增 0 道，更新 0 道，无变化 {built + 2} 道" in check.get_data(as_text=True)


def test_formula_like_text_is_written_as_text(app, client, bank_org, login, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.MULTIPLE)
    with app.app_context():
        q = db.session.get(BankQuestion, qid)
        q.stem = "=HYPERLINK(\"http://evil.example\",\"点我\")"
        q.options = ["+1", "-2", "@SUM(A1)", "正常"]
        q.explanation = "=1+1"
        db.session.commit()
        external_id = q.external_id
    login(client, ORGANIZER_A)
    data = _export(client, speech_a)
    sheet = load_workbook(io.BytesIO(data))["题库"]
    row = next(r for r in sheet.iter_rows() if r[0].value == external_id)
    for cell in (row[2], row[3], row[5]):
        assert cell.data_type == "s" and cell.quotePrefix
    assert row[2].value == "=HYPERLINK(\"http://evil.example\",\"点我\")"
    # Read back, the text is the same text: the round trip changes nothing.
    html = upload(client, f"/organize/speeches/{speech_a}/import", data, "题库.xlsx").get_data(as_text=True)
    assert f"无变化 {_count(app)} 道" in html


def test_a_real_formula_in_an_upload_is_an_error(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    data = xlsx_bytes([[None, "判断", "=CONCAT(\"a\",\"b\")", None, "对", None, None, None, None]])
    html = upload(client, f"/organize/speeches/{speech_a}/import", data, "题库.xlsx").get_data(as_text=True)
    assert "第 2 行「题干」：单元格是公式" in html
    assert _count(app) == V1_BUILT


ROW = [None, "单选", "题干", "甲\n乙\n丙", "A", None, None, None, None]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({1: "问答"}, "第 2 行「题型」：“问答”不是单选、多选、判断或填空"),
        ({2: None}, "第 2 行「题干」：请填写题干"),
        ({4: "D"}, "第 2 行「答案」：答案“D”不是选项字母（本题为 A–C）"),
        ({4: "AB"}, "第 2 行「答案」：单选题只能有一个答案"),
        ({3: "甲"}, "第 2 行「选项」：单选题至少要有 2 个选项"),
        ({1: "多选", 4: "A"}, "第 2 行「答案」：多选题至少要有两个答案"),
        ({1: "判断", 3: None, 4: "X"}, "第 2 行「答案」：判断题的答案只能是“对”或“错”"),
        ({1: "填空", 2: "____与____", 3: None, 4: "甲"}, "第 2 行「答案」：答案有 1 个，题干中有 2 个空"),
        ({6: 7}, "第 2 行「难度」：难度只能是 1、2 或 3"),
        ({0: "nope-123"}, "第 2 行「题号」：“nope-123”不是本讲话题库中的题目"),
        ({8: "长" * 201}, "第 2 行「概念」：概念不能超过 200 字"),
    ],
)
def test_row_errors_are_listed_and_nothing_is_imported(app, client, bank_org, login, speech_a, change, message):
    bad = list(ROW)
    for index, value in change.items():
        bad[index] = value
    good = list(ROW)
    good[2] = "另一道好题"
    login(client, ORGANIZER_A)
    html = upload(client, f"/organize/speeches/{speech_a}/import", xlsx_bytes([bad, good]), "题库.xlsx")
    html = html.get_data(as_text=True)
    assert message in html and "整个文件都没有导入" in html
    assert hidden_token(html) is None
    assert _count(app) == V1_BUILT


def test_type_and_duplicate_rows_of_existing_questions(app, client, bank_org, login, speech_a, speech_b):
    login(client, ORGANIZER_A)
    rows = _rows(_export(client, speech_a))
    single = next(r for r in rows if r[1] == "单选")
    changed_type = list(single)
    changed_type[1] = "判断"
    with app.app_context():
        foreign = db.session.scalars(select(BankQuestion.id).where(BankQuestion.speech_id == speech_b)).first()
    foreign_row = list(single)
    foreign_row[0] = foreign
    html = upload(client, f"/organize/speeches/{speech_a}/import",
                  _save([rows[0], single, single, changed_type, foreign_row]), "x.xlsx").get_data(as_text=True)
    assert "第 3 行「题号」：与第 2 行是同一道题" in html
    assert "第 4 行「题型」：题型不能修改（本题为单选）" in html
    assert f"第 5 行「题号」：“{foreign}”不是本讲话题库中的题目" in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a workbook", "x.xlsx", "无法读取该文件"),
        (b"whatever", "x.csv", "只支持 .xlsx 格式"),
        (xlsx_bytes([], header=["题干", "答案"]), "x.xlsx", "第一行缺少列：题型"),
        (xlsx_bytes([]), "x.xlsx", "表格中没有题目"),
    ],
)
def test_unreadable_workbooks(app, client, bank_org, login, speech_a, data, name, message):
    login(client, ORGANIZER_A)
    response = upload(client, f"/organize/speeches/{speech_a}/import", data, name)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_a_token_is_bound_to_its_speech_and_person(app, client, bank_org, login, speech_a, speech_b):
    login(client, ORGANIZER_A)
    data = xlsx_bytes([ROW])
    token = hidden_token(upload(client, f"/organize/speeches/{speech_a}/import", data, "x.xlsx").get_data(as_text=True))
    assert token
    other = client.application.test_client()
    login(other, ORGANIZER_B)
    assert other.post(f"/organize/speeches/{speech_b}/import/confirm", data={"token": token}).status_code == 302
    assert other.post(f"/organize/speeches/{speech_a}/import/confirm", data={"token": token}).status_code == 403
    assert _count(app) == V1_BUILT + _count_b(app, speech_b)
    for bad in ("../../etc/passwd", "", "x" * 200):
        assert client.post(f"/organize/speeches/{speech_a}/import/confirm", data={"token": bad}).status_code == 302
    assert client.post(f"/organize/speeches/{speech_a}/import/confirm", data={"token": token}).status_code == 302
    assert _count(app) == V1_BUILT + 1 + _count_b(app, speech_b)


def _count_b(app, speech_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BankQuestion).where(BankQuestion.speech_id == speech_id))


def test_a_file_changed_bank_between_dry_run_and_confirm_is_checked_again(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    rows = _rows(_export(client, speech_a))
    rows[1][2] = "改过的题干"
    token = hidden_token(upload(client, f"/organize/speeches/{speech_a}/import", _save(rows), "x.xlsx")
                         .get_data(as_text=True))
    with app.app_context():
        q = db.session.scalars(select(BankQuestion).where(BankQuestion.external_id == rows[1][0])).one()
        q.type = QuestionType.JUDGE if q.type is not QuestionType.JUDGE else QuestionType.FILL
        db.session.commit()
    html = client.post(f"/organize/speeches/{speech_a}/import/confirm", data={"token": token}).get_data(as_text=True)
    assert "题型不能修改" in html and "整个文件都没有导入" in html


def test_plan_is_pure(app, bank_org, speech_a):
    with app.app_context():
        from quizapp.models import Speech

        speech = db.session.get(Speech, speech_a)
        plan = excel.plan_bank_import(db.session, speech, xlsx_bytes([ROW]))
        assert plan.count("create") == 1 and not plan.errors
        assert not db.session.new and not db.session.dirty
