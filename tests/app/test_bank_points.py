"""Key points and quality ranks on the bank's rows: the import stores the builder's, a re-import
refreshes them without counting an update, questions written by hand (the form, an Excel row)
get a point of their own, and the migration gives the rows already there one each."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import select, text

from bank_helpers import (  # noqa: F401 - fixtures
    ORGANIZER_A,
    V1,
    bank_import_dir,
    bank_org,
    get_question,
    hidden_token,
    import_text,
    speech_a,
    upload,
    xlsx_bytes,
)
from questions.build import build_bank
from questions.text import speech_from_text
from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionStatus
from quizapp.organize.content import format_answer, format_options
from quizapp.organize.excel import HEADERS

HEADER = list(HEADERS)


def _placing(app, speech_id):
    with app.app_context():
        return {row.external_id or row.id: (row.point, row.quality) for row in db.session.execute(
            select(BankQuestion.external_id, BankQuestion.id, BankQuestion.point, BankQuestion.quality)
            .where(BankQuestion.speech_id == speech_id))}


def test_the_import_stores_the_builders_points_and_ranks(app, bank_org, speech_a):
    built = build_bank([speech_from_text("讲话.txt", V1)])[0].questions
    assert len({q.point for q in built}) < len(built)  # variants exist
    assert _placing(app, speech_a) == {q.id: (q.point, q.quality) for q in built}


def test_a_reimport_refreshes_points_and_ranks_as_no_update(app, bank_org, speech_a):
    placing = _placing(app, speech_a)
    with app.app_context():
        rows = list(db.session.scalars(select(BankQuestion).where(BankQuestion.speech_id == speech_a)
                                       .order_by(BankQuestion.id)))
        approved, edited = rows[0], rows[1]
        approved.status = QuestionStatus.APPROVED
        edited.edited, edited.stem = True, "组织员改过的题干"
        for row in rows[:2]:
            row.point, row.quality = "stale", 0.01
        db.session.commit()
        ids = approved.id, edited.id
    result = import_text(app, bank_org["units"]["a"].id, V1)
    assert result["updated"] == 0 and result["back_to_review"] == 0
    assert _placing(app, speech_a) == placing
    assert get_question(app, ids[0]).status is QuestionStatus.APPROVED
    assert get_question(app, ids[1]).stem == "组织员改过的题干"


def test_questions_written_by_hand_have_points_of_their_own(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    for n in range(2):
        client.post(f"/organize/speeches/{speech_a}/questions/new",
                    data={"type": "judge", "stem": f"手写的判断题{n}", "answer": "对", "difficulty": "2"})
    workbook = xlsx_bytes([[None, "判断", "表格里写的判断题", None, "错"],
                           [None, "判断", "表格里写的另一道", None, "对"]])
    preview = upload(client, f"/organize/speeches/{speech_a}/import", workbook, "题库.xlsx")
    client.post(f"/organize/speeches/{speech_a}/import/confirm",
                data={"token": hidden_token(preview.get_data(as_text=True))})
    with app.app_context():
        rows = db.session.execute(select(BankQuestion.point, BankQuestion.quality)
                                  .where(BankQuestion.speech_id == speech_a)).all()
        manual = db.session.execute(select(BankQuestion.point, BankQuestion.quality)
                                    .where(BankQuestion.external_id.is_(None))).all()
    assert len(manual) == 4 and all(row.quality is None for row in manual)
    points = [row.point for row in rows]
    assert all(points.count(row.point) == 1 and row.point.startswith("own-") for row in manual)


def test_an_excel_update_keeps_the_point_and_rank(app, client, bank_org, login, speech_a):
    placing = _placing(app, speech_a)
    external_id, (point, quality) = next(iter(placing.items()))
    with app.app_context():
        row = db.session.scalar(select(BankQuestion).where(BankQuestion.external_id == external_id))
        # The sheet's 要点 and 质量分 are for reading: written over here, they change nothing.
        cells = [external_id, row.type.label, row.stem + "（改）", format_options(row.options),
                 format_answer(row.type, row.answer), row.explanation, row.difficulty, "", row.concept,
                 "另一个要点", 0.01]
    login(client, ORGANIZER_A)
    preview = upload(client, f"/organize/speeches/{speech_a}/import", xlsx_bytes([cells], HEADER), "题库.xlsx")
    client.post(f"/organize/speeches/{speech_a}/import/confirm",
                data={"token": hidden_token(preview.get_data(as_text=True))})
    assert _placing(app, speech_a)[external_id] == (point, quality)
    with app.app_context():
        stem = db.session.scalar(select(BankQuestion.stem).where(BankQuestion.external_id == external_id))
    assert stem.endswith("（改）")


def test_the_migration_gives_each_row_already_there_a_point_of_its_own(empty_app):
    with empty_app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO unit (id, name, kind) VALUES (1, '总支', 'general_branch')"))
            connection.execute(text(
                "INSERT INTO speech (id, unit_id, file_name, title, occasion, text, created_at, updated_at) "
                "VALUES (1, 1, 'a.txt', '讲话', '', '正文', '2026-01-01', '2026-01-01')"))
            for qid in (1, 2):
                connection.execute(text(
                    "INSERT INTO bank_question (id, speech_id, type, stem, options, answer, accepted_variants,"
                    " explanation, concept, kind, difficulty, origin, paragraphs, sentence, status, edited,"
                    " version, created_at, updated_at) VALUES (:id, 1, 'judge', :stem, '[]', 'true', '[]',"
                    " '', '', '', 2, 'manual', '[]', '', 'approved', false, 1, '2026-01-01', '2026-01-01')"),
                    {"id": qid, "stem": f"题{qid}"})
        upgrade()
        rows = db.session.execute(text("SELECT id, point, quality FROM bank_question ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, "own-1", None), (2, "own-2", None)]
        db.session.remove()
