"""Reviewing the bank: filters, editing by type, versions, approval and what members see."""

from __future__ import annotations

import re

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    ADMIN_A,
    OTHER,
    ORGANIZER_A,
    V2,
    add_report,
    bank_import_dir,
    bank_org,
    get_question,
    import_text,
    question_id,
    set_status,
    speech_a,
    speech_b,
)
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import BankQuestion, Person, QuestionOrigin, QuestionStatus, QuestionType
from quizapp.organize.queries import approved_questions_for, speeches_for

_CARD = re.compile(r'<article class="card mb-3 question-card" id="q(\d+)"')


def _shown(html):
    return [int(i) for i in _CARD.findall(html)]


def _ids(app, speech_id, **where):
    with app.app_context():
        statement = select(BankQuestion.id).where(BankQuestion.speech_id == speech_id).order_by(BankQuestion.id)
        for name, value in where.items():
            statement = statement.where(getattr(BankQuestion, name) == value)
        return list(db.session.scalars(statement))


# -- browsing ----------------------------------------------------------------------------------

def test_bank_lists_only_the_organizers_speeches_ten_a_page(app, client, bank_org, login, speech_a, speech_b):
    login(client, ORGANIZER_A)
    first = client.get("/organize/questions").get_data(as_text=True)
    assert "共 26 道，其中待审核 26 道" in first
    assert _shown(first) == _ids(app, speech_a)[:10]
    third = client.get("/organize/questions?page=3").get_data(as_text=True)
    assert _shown(third) == _ids(app, speech_a)[20:]
    assert "在党支部书记培训班上的讲话" not in first  # speech B is not in the speech filter


@pytest.mark.parametrize(
    ("args", "where"),
    [
        ({"type": "judge"}, {"type": QuestionType.JUDGE}),
        ({"origin": "knowledge"}, {"origin": QuestionOrigin.KNOWLEDGE}),
        ({"concept": "三强"}, {"concept": "三强"}),
        ({"concept": "三强", "type": "single"}, {"concept": "三强", "type": QuestionType.SINGLE}),
        ({"status": "approved"}, {"status": QuestionStatus.APPROVED}),
    ],
)
def test_bank_filters(app, client, bank_org, login, speech_a, speech_b, args, where):
    set_status(app, _ids(app, speech_a)[:3], QuestionStatus.APPROVED)
    login(client, ORGANIZER_A)
    html = client.get("/organize/questions", query_string={"speech": speech_a, **args}).get_data(as_text=True)
    expected = _ids(app, speech_a, **where)
    assert expected and _shown(html) == expected[:10]
    assert f"共 {len(expected)} 道" in html


def test_bank_search_and_missing_source_filter(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    html = client.get("/organize/questions", query_string={"q": "述职评议"}).get_data(as_text=True)
    assert _shown(html) and all("述职评议" in get_question(app, i).stem for i in _shown(html))
    assert _shown(client.get("/organize/questions?q=100%25").get_data(as_text=True)) == []
    approved_gone = question_id(app, speech_a, "中国共产党纪律处分条例", QuestionType.SINGLE)
    set_status(app, [approved_gone], QuestionStatus.APPROVED)
    import_text(app, bank_org["units"]["a"].id, V2)
    flagged = client.get("/organize/questions", query_string={"missing": "1", "status": "approved"})
    html = flagged.get_data(as_text=True)
    assert _shown(html) == [approved_gone]
    assert "出处句子已不在讲话原文中" in html


def test_question_card_shows_answer_source_and_reports(app, client, bank_org, login, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.MULTIPLE)
    add_report(app, qid, bank_org["people"]["member_a"], "“能力强”也应算对")
    login(client, ORGANIZER_A)
    html = client.get("/organize/questions", query_string={"speech": speech_a, "concept": "三强",
                                                           "type": "multiple"}).get_data(as_text=True)
    assert html.count('<li class="option-right">') == 3 and html.count("✓") == 3
    assert "<mark>着力打造政治强、业务强、作风强的“三强”队伍。</mark>" in html
    assert f"/organize/speeches/{speech_a}?p=5&amp;s=" in html
    assert "“能力强”也应算对" in html and "纠错 1" in html


def test_a_filter_on_another_organizations_speech_is_403(app, client, bank_org, login, speech_a, speech_b):
    login(client, ORGANIZER_A)
    assert client.get("/organize/questions", query_string={"speech": speech_b}).status_code == 403
    assert client.get("/organize/questions/approve", query_string={"speech": speech_b}).status_code == 403
    assert client.get("/organize/questions", query_string={"speech": 987654}).status_code == 404


# -- editing -----------------------------------------------------------------------------------

def _form(app, qid, **changes):
    from quizapp.organize.content import format_answer, format_options, format_variants

    q = get_question(app, qid)
    data = {
        "stem": q.stem, "options": format_options(q.options), "answer": format_answer(q.type, q.answer),
        "explanation": q.explanation, "difficulty": str(q.difficulty), "concept": q.concept,
        "accepted_variants": format_variants(q.accepted_variants),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("concept", "qtype", "changes", "message"),
    [
        ("三强", QuestionType.SINGLE, {"answer": "AB"}, "单选题只能有一个答案"),
        ("三强", QuestionType.SINGLE, {"answer": ""}, "请填写答案"),
        ("三强", QuestionType.SINGLE, {"answer": "E"}, "答案“E”不是选项字母（本题为 A–D）"),
        ("三强", QuestionType.SINGLE, {"options": "只有一个选项"}, "单选题至少要有 2 个选项"),
        ("三强", QuestionType.SINGLE, {"options": "甲\n乙\n甲"}, "选项“甲”重复了"),
        ("三强", QuestionType.SINGLE, {"options": "\n".join("ABCDEFGHI")}, "选项最多 8 个"),
        ("三强", QuestionType.MULTIPLE, {"answer": "A"}, "多选题至少要有两个答案"),
        ("三强", QuestionType.MULTIPLE, {"answer": "AA"}, "答案字母重复了"),
        ("三强", QuestionType.MULTIPLE, {"options": "甲\n乙", "answer": "AB"}, "多选题至少要有 3 个选项"),
        ("三强", QuestionType.JUDGE, {"answer": "也许"}, "判断题的答案只能是“对”或“错”"),
        ("三强", QuestionType.FILL, {"answer": "业务强\n作风强"}, "答案有 2 个，题干中有 1 个空，两者须一致"),
        ("三强", QuestionType.FILL, {"stem": "____、____", "answer": "业务强"}, "答案有 1 个，题干中有 2 个空"),
        ("三强", QuestionType.FILL, {"stem": "没有空的题干"}, "题干中没有空"),
        ("三强", QuestionType.FILL, {"stem": "____、____", "answer": "甲、乙", "accepted_variants": "丙"},
         "第 1 行有 1 个答案，题干中有 2 个空"),
        ("三强", QuestionType.SINGLE, {"stem": ""}, "请填写题干"),
        ("三强", QuestionType.SINGLE, {"difficulty": "5"}, "难度只能是 1、2 或 3"),
        ("三强", QuestionType.SINGLE, {"explanation": "长" * 2001}, "解析不能超过 2000 字"),
    ],
)
def test_edit_is_checked_by_type(app, client, bank_org, login, speech_a, concept, qtype, changes, message):
    qid = question_id(app, speech_a, concept, qtype)
    before = get_question(app, qid)
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/questions/{qid}/edit", data=_form(app, qid, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    after = get_question(app, qid)
    assert (after.stem, after.answer, after.edited, after.version) == (before.stem, before.answer, False, 1)


def test_editing_the_stem_keeps_the_version_and_marks_the_edit(app, client, bank_org, login, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.SINGLE, 1)
    set_status(app, [qid], QuestionStatus.APPROVED)
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/questions/{qid}/edit",
                           data=_form(app, qid, stem="新的题干？", explanation="新的解析", difficulty="3"))
    assert response.status_code == 302
    q = get_question(app, qid)
    assert (q.stem, q.explanation, q.difficulty, q.edited, q.version) == ("新的题干？", "新的解析", 3, True, 1)
    assert q.status is QuestionStatus.APPROVED  # the organizer who edits is the reviewer


@pytest.mark.parametrize(
    ("concept", "qtype", "changes"),
    [
        ("三强", QuestionType.SINGLE, "answer"),
        ("三强", QuestionType.MULTIPLE, "answer"),
        ("三强", QuestionType.JUDGE, "answer"),
        ("三强", QuestionType.FILL, "answer"),
        ("三强", QuestionType.FILL, "accepted_variants"),
        ("三强", QuestionType.SINGLE, "options"),
    ],
)
def test_changing_the_answer_key_raises_the_version(app, client, bank_org, login, speech_a, concept, qtype, changes):
    qid = question_id(app, speech_a, concept, qtype)
    q = get_question(app, qid)
    new = {
        QuestionType.SINGLE: {"answer": "A" if q.answer != [0] else "B", "options": "一\n二\n三\n四"},
        QuestionType.MULTIPLE: {"answer": "AB" if q.answer != [0, 1] else "BC"},
        QuestionType.JUDGE: {"answer": "错" if q.answer else "对"},
        QuestionType.FILL: {"answer": "本领强", "accepted_variants": "业务能力强"},
    }[qtype][changes]
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/questions/{qid}/edit", data=_form(app, qid, **{changes: new}))
    assert response.status_code == 302
    assert get_question(app, qid).version == 2
    assert "题目版本升为第 2 版" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_fill_edit_with_variants_and_several_blanks(app, client, bank_org, login, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.FILL)
    login(client, ORGANIZER_A)
    client.post(f"/organize/questions/{qid}/edit", data=_form(
        app, qid, stem="着力打造____、____、作风强的“三强”队伍。", answer="政治强、业务强",
        accepted_variants="政治过硬、业务精通\n政治强、本领强"))
    q = get_question(app, qid)
    assert q.answer == ["政治强", "业务强"]
    assert q.accepted_variants == [["政治过硬", "业务精通"], ["政治强", "本领强"]]


def test_saving_without_changes_changes_nothing(app, client, bank_org, login, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.JUDGE)
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/questions/{qid}/edit", data=_form(app, qid), follow_redirects=True)
    assert "内容没有变化" in response.get_data(as_text=True)
    assert get_question(app, qid).edited is False


def test_add_a_manual_question(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    bad = client.post(f"/organize/speeches/{speech_a}/questions/new",
                      data={"type": "single", "stem": "题干", "options": "甲\n乙", "answer": "C", "difficulty": "2"})
    assert "答案“C”不是选项字母（本题为 A–B）" in bad.get_data(as_text=True)
    response = client.post(f"/organize/speeches/{speech_a}/questions/new", data={
        "type": "multiple", "stem": "“三强”包括哪些？", "options": "政治强\n业务强\n作风强\n队伍强",
        "answer": "A, B、C", "difficulty": "2", "concept": "三强"})
    assert response.status_code == 302
    q = db_question_by_stem(app, "“三强”包括哪些？")
    assert (q.answer, q.origin, q.status, q.external_id) == ([0, 1, 2], QuestionOrigin.MANUAL, QuestionStatus.DRAFT, None)


def db_question_by_stem(app, stem):
    with app.app_context():
        q = db.session.scalars(select(BankQuestion).where(BankQuestion.stem == stem)).one()
        db.session.expunge(q)
        return q


# -- approval ----------------------------------------------------------------------------------

def test_approve_and_retire_one_question(app, client, bank_org, login, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.JUDGE)
    login(client, ORGANIZER_A)
    next_url = f"/organize/questions?speech={speech_a}#q{qid}"
    response = client.post(f"/organize/questions/{qid}/approve", data={"next": next_url})
    assert response.headers["Location"] == next_url
    q = get_question(app, qid)
    assert q.status is QuestionStatus.APPROVED and q.approved_by_id == bank_org["people"]["organizer_a"].id
    assert q.approved_at is not None
    response = client.post(f"/organize/questions/{qid}/retire", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == f"/organize/questions/{qid}"
    assert get_question(app, qid).status is QuestionStatus.RETIRED
    client.post(f"/organize/questions/{qid}/approve")
    assert get_question(app, qid).status is QuestionStatus.APPROVED


def test_bulk_approve_the_filtered_drafts(app, client, bank_org, login, speech_a):
    retired = question_id(app, speech_a, "三强", QuestionType.SINGLE)
    set_status(app, [retired], QuestionStatus.RETIRED)
    login(client, ORGANIZER_A)
    page = client.get("/organize/questions", query_string={"speech": speech_a, "concept": "三强"})
    assert "全部通过（5）" in page.get_data(as_text=True)
    confirm = client.get("/organize/questions/approve", query_string={"speech": speech_a, "concept": "三强"})
    html = confirm.get_data(as_text=True)
    assert "将通过 <strong data-count>5</strong> 道待审核题目" in html
    assert 'name="concept" value="三强"' in html
    # The set changed since the page was shown: nothing is approved, the count is shown again.
    stale = client.post("/organize/questions/approve", data={"speech": speech_a, "concept": "三强", "expected": 6})
    assert "已变为 5 道" in stale.get_data(as_text=True)
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == []
    done = client.post("/organize/questions/approve", data={"speech": speech_a, "concept": "三强", "expected": 5})
    assert done.status_code == 302
    approved = _ids(app, speech_a, status=QuestionStatus.APPROVED)
    assert approved == _ids(app, speech_a, concept="三强", status=QuestionStatus.APPROVED) and len(approved) == 5
    assert get_question(app, retired).status is QuestionStatus.RETIRED
    assert len(_ids(app, speech_a, status=QuestionStatus.DRAFT)) == 26 - 6


def test_bulk_approve_without_a_filter_covers_only_my_speeches(app, client, bank_org, login, speech_a, speech_b):
    login(client, ORGANIZER_A)
    client.post("/organize/questions/approve", data={"expected": 26})
    assert len(_ids(app, speech_a, status=QuestionStatus.APPROVED)) == 26
    assert _ids(app, speech_b, status=QuestionStatus.APPROVED) == []


# -- what members see --------------------------------------------------------------------------

def test_only_approved_questions_of_my_units_reach_a_member(app, bank_org, speech_a, speech_b):
    branch_speech = import_text(app, bank_org["units"]["a1"].id, OTHER, "支部.txt")["speech_id"]
    approved = _ids(app, speech_a)[:4]
    set_status(app, approved, QuestionStatus.APPROVED)
    set_status(app, _ids(app, speech_a)[4:6], QuestionStatus.RETIRED)
    branch_approved = _ids(app, branch_speech)[:2]
    set_status(app, branch_approved, QuestionStatus.APPROVED)
    set_status(app, _ids(app, speech_b), QuestionStatus.APPROVED)
    people = bank_org["people"]
    with app.app_context():
        member_a = db.session.get(Person, people["member_a"].id)
        mine = db.session.scalars(approved_questions_for(db.session, member_a)).all()
        assert [q.id for q in mine] == approved + branch_approved  # the 总支's speech and the 支部's
        one = db.session.scalars(approved_questions_for(db.session, member_a, speech_a)).all()
        assert [q.id for q in one] == approved
        assert db.session.scalars(approved_questions_for(db.session, member_a, speech_b)).all() == []
        assert [s.id for s in speeches_for(db.session, member_a)] == [branch_speech, speech_a]
        # A member of the 总支 itself does not get the 支部's speech.
        organizer = db.session.get(Person, people["organizer_a"].id)
        assert [q.id for q in db.session.scalars(approved_questions_for(db.session, organizer))] == approved
        member_b = db.session.get(Person, people["member_b"].id)
        theirs = db.session.scalars(approved_questions_for(db.session, member_b)).all()
        assert {q.speech_id for q in theirs} == {speech_b}
        member_a.active = False
        assert db.session.scalars(approved_questions_for(db.session, member_a)).all() == []


def test_admin_of_the_unit_reviews_too(app, client, bank_org, login, speech_a):
    login(client, ADMIN_A)
    assert client.get("/organize/questions").status_code == 200
    qid = question_id(app, speech_a, "三强", QuestionType.JUDGE)
    assert client.post(f"/organize/questions/{qid}/approve").status_code == 302
