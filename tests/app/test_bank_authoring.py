"""Authoring from the text: a phrase selected in the speech reader, the builder's proposals,
and the drafts an organizer adds from them (with their key point and rank)."""

from __future__ import annotations

import threading

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    MEMBER_A,
    ORGANIZER_A,
    ORGANIZER_B,
    SECRETARY_A,
    V2,
    bank_import_dir,
    bank_org,
    import_text,
    speech_a,
)
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionStatus, QuestionType, Speech
from quizapp.organize import authoring, building

# Paragraph 6 of V1: 第三，加强纪律建设。严格执行《中国共产党纪律处分条例》，持续提升执行力、创新力、凝聚力。
PARAGRAPH, PHRASE = 6, "执行力"
SENTENCE = "严格执行《中国共产党纪律处分条例》，持续提升执行力、创新力、凝聚力。"


def _bank(app, speech_id):
    with app.app_context():
        return db.session.execute(
            select(BankQuestion.stem, BankQuestion.type, BankQuestion.status, BankQuestion.point,
                   BankQuestion.quality, BankQuestion.external_id, BankQuestion.paragraph)
            .where(BankQuestion.speech_id == speech_id).order_by(BankQuestion.id)).all()


def _propose(client, speech_id, paragraph=PARAGRAPH, phrase=PHRASE):
    return client.post(f"/organize/speeches/{speech_id}/author",
                       data={"paragraph": str(paragraph), "phrase": phrase})


def test_the_reader_offers_a_form_per_paragraph_and_the_script(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    html = client.get(f"/organize/speeches/{speech_a}").get_data(as_text=True)
    assert f'action="/organize/speeches/{speech_a}/author#author"' in html
    assert html.count('name="phrase"') == 7  # one per paragraph of V1
    assert "js/authoring.js" in html and "用所选词语出题" in html


def test_a_phrase_gets_proposals_and_one_tap_adds_them_as_drafts(app, client, bank_org, login, speech_a):
    before = _bank(app, speech_a)
    login(client, ORGANIZER_A)
    response = _propose(client, speech_a)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用“执行力”出题（第 6 段）" in html and "添加为草稿" in html
    assert "持续提升____、创新力、凝聚力。" in html and "判断：" in html and "质量分 0.9" in html
    assert f"<mark>{SENTENCE}</mark>" in html
    picks = [part.split('"')[0] for part in html.split('name="pick" value="')[1:]]
    assert len(picks) >= 2
    # The true 判断 of the sentence is the builder's own: shown as in the bank, not ticked.
    in_bank = html.count("题库中已有")
    assert in_bank == 1 and html.count("checked") == len(picks) - in_bank
    assert _bank(app, speech_a) == before  # proposing changes nothing

    # An id the builder does not propose (a stale page, a forged form) is neither added nor counted.
    added = client.post(f"/organize/speeches/{speech_a}/author/add",
                        data={"paragraph": str(PARAGRAPH), "phrase": PHRASE, "pick": [*picks, "speech-0"]})
    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"#p{PARAGRAPH}")
    new = _bank(app, speech_a)[len(before):]
    assert len(new) == len(picks) - in_bank
    assert all(row.status is QuestionStatus.DRAFT and row.external_id is None for row in new)
    assert all(PHRASE in row.stem or "____" in row.stem for row in new)
    assert all(row.paragraph == PARAGRAPH and 0 < row.quality <= 1 for row in new)
    # The builder's key point of the sentence: the proposals are variants of one another and
    # of the builder's own questions on that sentence.
    assert len({row.point for row in new}) == 1 and not new[0].point.startswith("own-")
    assert new[0].point in {row.point for row in before}
    assert [row.type for row in new] == [QuestionType.FILL]
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "已添加 1 道题为草稿（待审核）" in page and "1 道题库中已有，未重复添加" in page

    # The same again adds nothing: the bank already holds them.
    again = _propose(client, speech_a).get_data(as_text=True)
    assert again.count("题库中已有") == len(picks)
    client.post(f"/organize/speeches/{speech_a}/author/add",
                data={"paragraph": str(PARAGRAPH), "phrase": PHRASE, "pick": picks})
    assert len(_bank(app, speech_a)) == len(before) + len(new)


def test_only_the_ticked_proposals_are_added(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    html = _propose(client, speech_a).get_data(as_text=True)
    picks = [part.split('"')[0] for part in html.split('name="pick" value="')[1:]]
    before = len(_bank(app, speech_a))
    client.post(f"/organize/speeches/{speech_a}/author/add",
                data={"paragraph": str(PARAGRAPH), "phrase": PHRASE, "pick": picks[1:]})
    assert len(_bank(app, speech_a)) == before  # the one ticked is in the bank already
    client.post(f"/organize/speeches/{speech_a}/author/add",
                data={"paragraph": str(PARAGRAPH), "phrase": PHRASE, "pick": picks[:1]})
    assert len(_bank(app, speech_a)) == before + 1
    none = client.post(f"/organize/speeches/{speech_a}/author/add",
                       data={"paragraph": str(PARAGRAPH), "phrase": PHRASE})
    assert none.status_code == 200 and "请至少勾选一道题" in none.get_data(as_text=True)


@pytest.mark.parametrize(("paragraph", "phrase", "message"), [
    (PARAGRAPH, "执", "请选择 2 到 30 个字的词语"),
    (PARAGRAPH, "执行力" * 11, "请选择 2 到 30 个字的词语"),
    (PARAGRAPH, "压实工作责任", "所选词语不在这一段里（不能跨句选择）"),
    (PARAGRAPH, "纪律建设。严格执行", "所选词语不在这一段里（不能跨句选择）"),
    (4, "坚定理想信念", "这一句无法在不截断主语的情况下出题"),
    (99, PHRASE, "所选段落不存在"),
    ("x", PHRASE, "所选段落不存在"),
    ("", PHRASE, "所选段落不存在"),
    (PARAGRAPH, "", "请先选择或填写要出题的词语"),
    (PARAGRAPH, "XX同志", "所选词语含脱敏字符"),
])
def test_a_bad_selection_gets_a_chinese_error_not_a_500(app, client, bank_org, login, speech_a,
                                                        paragraph, phrase, message):
    before = _bank(app, speech_a)
    login(client, ORGANIZER_A)
    for url in ("author", "author/add"):
        response = client.post(f"/organize/speeches/{speech_a}/{url}",
                               data={"paragraph": str(paragraph), "phrase": phrase, "pick": ["x"]})
        assert response.status_code == 200, url
        assert message in response.get_data(as_text=True), url
    assert _bank(app, speech_a) == before


def test_a_proposal_over_its_time_is_stopped_with_a_chinese_error(app, client, bank_org, login, speech_a,
                                                                   monkeypatch):
    """The builder proposes in a child process with a time limit, as an import builds."""
    monkeypatch.setattr(building, "PROPOSE_SECONDS", 0)
    before = _bank(app, speech_a)
    login(client, ORGANIZER_A)
    for url in ("author", "author/add"):
        response = client.post(f"/organize/speeches/{speech_a}/{url}",
                               data={"paragraph": str(PARAGRAPH), "phrase": PHRASE, "pick": ["x"]})
        assert response.status_code == 200, url
        assert "出题超时或所需内存超过上限，已停止" in response.get_data(as_text=True), url
    assert _bank(app, speech_a) == before


@pytest.mark.parametrize("who", [MEMBER_A, SECRETARY_A, ORGANIZER_B])
def test_only_the_speechs_organizers_may_author(app, client, bank_org, login, speech_a, who):
    before = _bank(app, speech_a)
    login(client, who)
    assert _propose(client, speech_a).status_code == 403
    added = client.post(f"/organize/speeches/{speech_a}/author/add",
                        data={"paragraph": str(PARAGRAPH), "phrase": PHRASE, "pick": ["x"]})
    assert added.status_code == 403
    assert _bank(app, speech_a) == before


def test_a_reimport_keeps_authored_drafts_and_moves_them_with_their_sentence(app, client, bank_org,
                                                                               login, speech_a):
    login(client, ORGANIZER_A)
    # Paragraph 7 of V1 (只有队伍强、能力强，才能担当好使命。) is paragraph 8 of V2.
    html = _propose(client, speech_a, 7, "队伍强").get_data(as_text=True)
    picks = [part.split('"')[0] for part in html.split('name="pick" value="')[1:]]
    client.post(f"/organize/speeches/{speech_a}/author/add",
                data={"paragraph": "7", "phrase": "队伍强", "pick": picks})
    with app.app_context():
        added = db.session.scalar(select(func.count()).select_from(BankQuestion)
                                  .where(BankQuestion.external_id.is_(None)))
    assert added >= 1
    import_text(app, bank_org["units"]["a"].id, V2)
    with app.app_context():
        authored = db.session.execute(
            select(BankQuestion.status, BankQuestion.paragraph)
            .where(BankQuestion.speech_id == speech_a, BankQuestion.external_id.is_(None))).all()
    assert len(authored) == added
    assert all(row.status is QuestionStatus.DRAFT and row.paragraph == 8 for row in authored)


def test_authoring_with_csrf_on_needs_the_token(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _propose(client, speech_a).status_code == 400
        html = client.get(f"/organize/speeches/{speech_a}").get_data(as_text=True)
        token = html.split('name="csrf_token" value="')[1].split('"')[0]
        ok = client.post(f"/organize/speeches/{speech_a}/author",
                         data={"paragraph": str(PARAGRAPH), "phrase": PHRASE, "csrf_token": token})
        assert ok.status_code == 200 and "添加为草稿" in ok.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_two_adds_at_once_add_each_question_once(app, bank_org, speech_a):
    """A double click on 添加为草稿 (or two tabs) sends two requests: while the first has added
    its drafts and not yet committed, the second must wait for it, then find them in the bank."""
    with app.app_context():
        speech = db.session.get(Speech, speech_a)
        picks = [p.id for p in authoring.propose_for(db.session, speech, PARAGRAPH, PHRASE).questions
                 if not p.in_bank]
        before = db.session.scalar(select(func.count()).select_from(BankQuestion))
    assert picks
    first_added, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def add(name: str) -> None:
        with app.app_context():
            try:
                speech = db.session.get(Speech, speech_a)
                outcomes[name] = authoring.add_drafts(db.session, speech, str(PARAGRAPH), PHRASE, picks).added
                if name == "first":
                    first_added.set()
                    release.wait(10)
                db.session.commit()
            except Exception as error:  # recorded and asserted below
                db.session.rollback()
                outcomes[name] = error
                first_added.set()
            finally:
                db.session.remove()

    first = threading.Thread(target=add, args=("first",))
    first.start()
    assert first_added.wait(10)
    second = threading.Thread(target=add, args=("second",))
    second.start()
    second.join(0.5)  # the second reads the bank now (the old code) or waits for the first
    release.set()
    first.join(10)
    second.join(10)
    assert outcomes == {"first": len(picks), "second": 0}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BankQuestion)) == before + len(picks)
