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
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import BankQuestion, Person, QuestionOrigin, QuestionStatus, QuestionType, Speech
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


def _groups(app, speech_id, **where):
    """The review order: key points by their best variant's quality (then lowest id), and within
    a point its variants best first; lists of ids."""
    with app.app_context():
        statement = select(BankQuestion.id, BankQuestion.point, BankQuestion.quality).where(
            BankQuestion.speech_id == speech_id)
        for name, value in where.items():
            statement = statement.where(getattr(BankQuestion, name) == value)
        rows = db.session.execute(statement).all()
    by_point = {}
    for row in sorted(rows, key=lambda r: (-(r.quality if r.quality is not None else -1), r.id)):
        by_point.setdefault(row.point, []).append(row.id)
    return list(by_point.values())  # dicts keep the order each point's best was met


def _flat(groups):
    return [question_id for group in groups for question_id in group]


# -- browsing ----------------------------------------------------------------------------------

def test_bank_lists_my_speeches_best_first_ten_points_a_page(app, client, bank_org, login, speech_a, speech_b):
    import_text(app, bank_org["units"]["a"].id, OTHER, "第二篇.txt")
    login(client, ORGANIZER_A)
    for n in range(6):  # written by hand: each its own point, no rank, after the ranked ones
        client.post(f"/organize/speeches/{speech_a}/questions/new",
                    data={"type": "judge", "stem": f"手写的判断题{n}", "answer": "对", "difficulty": "2"})
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(BankQuestion).join(BankQuestion.speech)
                                  .where(Speech.unit_id == bank_org["units"]["a"].id))
        rows = db.session.execute(select(BankQuestion.id, BankQuestion.point, BankQuestion.quality)
                                  .join(BankQuestion.speech)
                                  .where(Speech.unit_id == bank_org["units"]["a"].id)).all()
    by_point = {}
    for row in sorted(rows, key=lambda r: (r.quality is None, -(r.quality or 0), r.id)):
        by_point.setdefault(row.point, []).append(row.id)
    groups = list(by_point.values())
    assert len(groups) > 10 and any(len(g) > 1 for g in groups)
    quality = {row.id: row.quality for row in rows}
    assert [len(g) for g in groups[-6:]] == [1] * 6 and all(quality[g[0]] is None for g in groups[-6:])
    first = client.get("/organize/questions").get_data(as_text=True)
    assert f"共 {total} 道，{len(groups)} 个要点，其中待审核 {total} 道" in first
    assert _shown(first) == _flat(groups[:10])
    # The best variant leads its point, the others fold under it.
    lead, *others = next(g for g in groups if len(g) > 1)
    assert f"另有 {len(others)} 个同一要点的变体" in first
    second = client.get("/organize/questions?page=2").get_data(as_text=True)
    assert _shown(second) == _flat(groups[10:20])
    assert f'<option value="{speech_b}">' not in first  # speech B is not in the speech filter
    assert not set(_ids(app, speech_b)) & set(_shown(first) + _shown(second))
    shown = [float(q) for q in re.findall(r"质量分 ([0-9.]+)</span>", first)]
    assert shown == [quality[i] for i in _flat(groups[:10]) if quality[i] is not None]  # each its rank
    assert "质量分" not in second.split("手写的判断题")[-1].split("</article>")[0]  # none by hand


@pytest.mark.parametrize(
    ("args", "where"),
    [
        ({"type": "judge"}, {"type": QuestionType.JUDGE}),
        ({"origin": "speech"}, {"origin": QuestionOrigin.SPEECH}),
        ({"concept": "三强"}, {"concept": "三强"}),
        ({"concept": "三强", "type": "single"}, {"concept": "三强", "type": QuestionType.SINGLE}),
        ({"status": "approved"}, {"status": QuestionStatus.APPROVED}),
    ],
)
def test_bank_filters(app, client, bank_org, login, speech_a, speech_b, args, where):
    set_status(app, _ids(app, speech_a)[:3], QuestionStatus.APPROVED)
    login(client, ORGANIZER_A)
    html = client.get("/organize/questions", query_string={"speech": speech_a, **args}).get_data(as_text=True)
    expected = _groups(app, speech_a, **where)
    assert expected and _shown(html) == _flat(expected[:10])
    assert f"共 {len(_flat(expected))} 道，{len(expected)} 个要点" in html


def test_bank_search_and_missing_source_filter(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    html = client.get("/organize/questions", query_string={"q": "述职评议"}).get_data(as_text=True)
    assert _shown(html) and all("述职评议" in get_question(app, i).stem for i in _shown(html))
    assert _shown(client.get("/organize/questions?q=100%25").get_data(as_text=True)) == []
    approved_gone = question_id(app, speech_a, "中国共产党纪律处分条例", QuestionType.JUDGE)
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
    qid = question_id(app, speech_a, "三强", QuestionType.SINGLE)
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


def _confirmation(client, **args):
    """What the confirmation page's button sends for these arguments."""
    html = client.get("/organize/questions/approve", query_string=args).get_data(as_text=True)
    form = html.split('<form method="post">')[1].split("</form>")[0]
    return dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))


def _approve(client, **args):
    """Approve as an organizer does: the confirmation page, then its button."""
    return client.post("/organize/questions/approve", data=_confirmation(client, **args))


def test_the_bank_never_offers_to_approve_all_but_the_best_n(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    html = client.get("/organize/questions", query_string={"speech": speech_a}).get_data(as_text=True)
    assert "全部通过" not in html
    assert 'name="top"' in html and 'placeholder="道数" required' in html and 'name="all_variants"' in html
    # Without a number nothing is picked: the page asks for one.
    ask = client.get("/organize/questions/approve", query_string={"speech": speech_a}).get_data(as_text=True)
    assert "通过前几道？" in ask and "确认通过" not in ask
    old_form = client.post("/organize/questions/approve", data={"speech": speech_a, "expected": 22})
    assert old_form.status_code == 200
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == []


@pytest.mark.parametrize("top", ["abc", "0", "-3", "5001", "１"])
def test_a_bad_number_is_refused_in_chinese(app, client, bank_org, login, speech_a, top):
    login(client, ORGANIZER_A)
    for response in (client.get("/organize/questions/approve", query_string={"speech": speech_a, "top": top}),
                     client.post("/organize/questions/approve", data={"speech": speech_a, "top": top,
                                                                      "expected": "1"})):
        assert response.status_code == 200
        assert "道数应为 1 到 5000 之间的整数" in response.get_data(as_text=True)
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == []


def test_bulk_approve_takes_the_best_n_one_per_point(app, client, bank_org, login, speech_a):
    groups = _groups(app, speech_a)
    login(client, ORGANIZER_A)
    confirm = client.get("/organize/questions/approve", query_string={"speech": speech_a, "top": 3})
    html = confirm.get_data(as_text=True)
    assert "将通过质量分最高的 <strong data-count>3</strong> 道待审核题目" in html
    assert 'name="top" value="3"' in html and f'name="speech" value="{speech_a}"' in html
    # The set changed since the page was shown (another organizer retired one of the three):
    # nothing is approved, the new three are shown to confirm.
    form = _confirmation(client, speech=speech_a, top=3)
    set_status(app, [groups[1][0]], QuestionStatus.RETIRED)
    stale = client.post("/organize/questions/approve", data=form)
    assert stale.status_code == 200 and "已变为 3 道" in stale.get_data(as_text=True)
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == []
    set_status(app, [groups[1][0]], QuestionStatus.DRAFT)
    done = _approve(client, speech=speech_a, top=3)
    assert done.status_code == 302
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == sorted(g[0] for g in groups[:3])
    # More: only points without an approved question, each its best draft.
    _approve(client, speech=speech_a, top=500)
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == sorted(g[0] for g in groups)
    nothing = client.get("/organize/questions/approve", query_string={"speech": speech_a, "top": 5})
    assert "没有可通过的待审核题目" in nothing.get_data(as_text=True)
    # Asked to, it approves variants too: the best drafts whatever their point.
    drafts = [i for g in groups for i in g[1:]]
    best = sorted(drafts, key=lambda i: (-get_question(app, i).quality, i))[:2]
    _approve(client, speech=speech_a, top=2, all_variants="1")
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == sorted([g[0] for g in groups] + best)


def test_bulk_approve_follows_the_filter(app, client, bank_org, login, speech_a):
    variants = _groups(app, speech_a, concept="三强")[0]
    assert len(variants) > 2
    set_status(app, [variants[0]], QuestionStatus.RETIRED)
    login(client, ORGANIZER_A)
    _approve(client, speech=speech_a, concept="三强", top=10)
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == [variants[1]]  # the best left
    assert get_question(app, variants[0]).status is QuestionStatus.RETIRED
    _approve(client, speech=speech_a, concept="三强", top=10, all_variants="y")
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == sorted(variants[1:])


def test_bulk_approve_without_a_filter_covers_only_my_speeches(app, client, bank_org, login, speech_a, speech_b):
    login(client, ORGANIZER_A)
    points = len(_groups(app, speech_a))
    _approve(client, top=1000)
    assert len(_ids(app, speech_a, status=QuestionStatus.APPROVED)) == points
    assert _ids(app, speech_b, status=QuestionStatus.APPROVED) == []


def test_a_second_click_on_confirm_approves_nothing_more(app, client, bank_org, login, speech_a):
    """The confirmation names the questions it showed: the same form sent again (a double click,
    a reload) approves nothing more, where it used to approve the next best N as well."""
    groups = _groups(app, speech_a)
    assert len(groups) >= 4
    login(client, ORGANIZER_A)
    form = _confirmation(client, speech=speech_a, top=2)
    assert client.post("/organize/questions/approve", data=form).status_code == 302
    again = client.post("/organize/questions/approve", data=form)
    assert again.status_code == 200 and "请再确认一次" in again.get_data(as_text=True)
    assert _ids(app, speech_a, status=QuestionStatus.APPROVED) == sorted(g[0] for g in groups[:2])


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

