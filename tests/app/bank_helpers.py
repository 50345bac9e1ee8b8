"""Shared pieces for the question bank tests: two 党总支, short speeches written for the
tests, and helpers to import them and find their questions.

Test modules import the fixtures they use (pytest finds fixtures imported into a module).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from questions.build import build_bank
from questions.text import speech_from_text
from quizapp.extensions import db
from quizapp.models import (
    BankQuestion,
    Person,
    QuestionReport,
    QuestionStatus,
    QuestionType,
    Role,
    Unit,
    UnitKind,
)
from quizapp.organize import services

ORGANIZER_A = "13900000101"
ADMIN_A = "13900000102"
ORGANIZER_B = "13900000201"
SECRETARY_A = "13900000103"
MEMBER_A = "13800000101"
MEMBER_B = "13800000201"

V1_LINES = (
    "在机关党建工作会议上的讲话",
    "同志们：",
    "今年机关党建工作，我讲三点意见。",
    "第一，坚定理想信念。深入学习“两个确立”，扎实开展“清廉机关建设年”活动。",
    "第二，压实工作责任。着力打造政治强、业务强、作风强的“三强”队伍。每周开展一次集中学习，每半年进行一次述职评议。",
    "第三，加强纪律建设。严格执行《中国共产党纪律处分条例》，持续提升执行力、创新力、凝聚力。",
    "只有队伍强、能力强，才能担当好使命。",
)
# A corrected text: a paragraph added near the top, one frequency changed, one document dropped.
V2_LINES = (
    *V1_LINES[:2],
    "过去一年，机关党建工作取得了新进展。",
    *V1_LINES[2:4],
    "第二，压实工作责任。着力打造政治强、业务强、作风强的“三强”队伍。每周开展一次集中学习，每季度进行一次述职评议。",
    "第三，加强纪律建设。认真落实各项纪律要求，持续提升执行力、创新力、凝聚力。",
    V1_LINES[6],
)
V1 = "\n".join(V1_LINES)
V2 = "\n".join(V2_LINES)


def built_count(text: str) -> int:
    """How many questions the builder makes of `text`: what an import must store, no more."""
    return len(build_bank([speech_from_text("讲话.txt", text)])[0].questions)


V1_BUILT = built_count(V1)
OTHER = "\n".join((
    "在党支部书记培训班上的讲话",
    "各位同志：",
    "要把“三会一课”制度落到实处，认真执行《中国共产党支部工作条例（试行）》。",
    "要建设学习型、服务型、创新型的“三型”党支部。",
))


@pytest.fixture(autouse=True)
def bank_import_dir(app: Flask, tmp_path: Path) -> Path:
    """Workbooks waiting for confirmation go to the test's own folder."""
    folder = tmp_path / "bank_imports"
    app.config["BANK_IMPORT_DIR"] = str(folder)
    return folder


@pytest.fixture
def bank_org(make_unit: Any, make_person: Any) -> dict[str, Any]:
    """Two 党总支. A: a 党支部 with a 党小组; its organizer, admin, secretary and a member.
    B: a 党支部; its organizer and a member."""
    a = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    a1 = make_unit("第一党支部", UnitKind.BRANCH, a)
    a1g = make_unit("第一党小组", UnitKind.GROUP, a1)
    b = make_unit("第二党总支", UnitKind.GENERAL_BRANCH)
    b1 = make_unit("第二党支部", UnitKind.BRANCH, b)
    units = {"a": a, "a1": a1, "a1g": a1g, "b": b, "b1": b1}
    people = {
        "organizer_a": make_person(name="组织员甲", phone=ORGANIZER_A, unit=a, roles=[(Role.ORGANIZER, a)]),
        "admin_a": make_person(name="管理员甲", phone=ADMIN_A, unit=a, roles=[(Role.ADMIN, a)]),
        "secretary_a": make_person(name="书记甲", phone=SECRETARY_A, unit=a1, roles=[(Role.SECRETARY, a1)]),
        "member_a": make_person(name="党员甲", phone=MEMBER_A, unit=a1g),
        "organizer_b": make_person(name="组织员乙", phone=ORGANIZER_B, unit=b, roles=[(Role.ORGANIZER, b)]),
        "member_b": make_person(name="党员乙", phone=MEMBER_B, unit=b1),
    }
    return {"units": units, "people": people}


def import_text(app: Flask, unit_id: int, text: str = V1, file_name: str = "讲话.txt", **kwargs: Any
                ) -> dict[str, Any]:
    """Import through the service and commit; the result's counts and the speech id."""
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        result = services.import_speech(db.session, unit, file_name, text, **kwargs)
        db.session.commit()
        return {
            "speech_id": result.speech.id,
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "kept_edited": result.kept_edited, "back_to_review": result.back_to_review,
            "retired": result.retired, "kept_missing": [q.id for q in result.kept_missing],
            "summary": result.summary(), "report": result.report,
        }


@pytest.fixture
def speech_a(app: Flask, bank_org: dict[str, Any]) -> int:
    return import_text(app, bank_org["units"]["a"].id)["speech_id"]


@pytest.fixture
def speech_b(app: Flask, bank_org: dict[str, Any]) -> int:
    return import_text(app, bank_org["units"]["b"].id, OTHER, "支部讲话.txt")["speech_id"]


def question_id(app: Flask, speech_id: int, concept: str, qtype: QuestionType, nth: int = 0) -> int:
    """The id of a question of a speech by its concept and type (the nth, by id)."""
    with app.app_context():
        ids = db.session.scalars(
            select(BankQuestion.id).where(
                BankQuestion.speech_id == speech_id, BankQuestion.concept == concept, BankQuestion.type == qtype
            ).order_by(BankQuestion.id)
        ).all()
        assert len(ids) > nth, (concept, qtype, ids)
        return ids[nth]


def set_status(app: Flask, question_ids: list[int], status: QuestionStatus) -> None:
    with app.app_context():
        for qid in question_ids:
            db.session.get(BankQuestion, qid).status = status
        db.session.commit()


def get_question(app: Flask, qid: int) -> BankQuestion:
    """A detached copy of a question's columns."""
    with app.app_context():
        question = db.session.get(BankQuestion, qid)
        db.session.expunge(question)
        return question


def add_report(app: Flask, qid: int, person: Person, reason: str = "答案有误") -> int:
    """A member's 纠错 report, inserted as the quiz pages will insert it."""
    with app.app_context():
        report = QuestionReport(question_id=qid, person_id=person.id, reason=reason)
        db.session.add(report)
        db.session.commit()
        return report.id


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(header or ["题号", "题型", "题干", "选项", "答案", "解析", "难度", "状态", "概念"])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


_TOKEN = re.compile(r'name="token"[^>]*value="([^"]+)"')


def hidden_token(html: str) -> str | None:
    match = _TOKEN.search(html)
    return match.group(1) if match else None


def upload(client: Any, url: str, data: bytes, file_name: str, **fields: Any) -> Any:
    """POST a multipart form with one file in the field ``file``.

    The body is encoded in memory: the test client would spool a large body to a temporary
    file that it never closes (a ResourceWarning, an error under ``filterwarnings = error``).
    """
    values = {"file": FileStorage(io.BytesIO(data), file_name), **{k: str(v) for k, v in fields.items()}}
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
