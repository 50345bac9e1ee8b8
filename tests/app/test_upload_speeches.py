"""Speeches as they arrive (issue 14 item 8) and imports within limits (issue 19, finding 2):
GBK, UTF-16 and PDF uploads, a speech without a question as a warning, and a speech too long,
too slow or too big to build refused in Chinese, on the page and on the command line."""

from __future__ import annotations

import time

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    ORGANIZER_A,
    V1,
    V1_LINES,
    bank_import_dir,
    bank_org,
    upload,
)
from sqlalchemy import func, select

from questions.limits import MAX_SPEECH_CHARS
from quizapp.extensions import db
from quizapp.models import BankQuestion, Speech
from quizapp.organize import building
from tests.question_builder.speech_files import make_pdf

# 600 count-named formulas, each defined by its members and quoted again: within the length limit,
# and some seconds of building (a formula quoted once names nothing and is passed over at once).
SLOW = "\n".join(f"“四个意识{i}”是指政治意识{i}、大局意识{i}、核心意识{i}、看齐意识{i}。坚持“四个意识{i}”。"
                 for i in range(600))
NO_QUESTION = "新春致辞\n同志们：\n大家好。今天天气很好。\n谢谢大家。"


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _made(name: str) -> int:
    """How many questions the builder makes of V1 under `name` (in this process, no limits)."""
    made = len(building.build_here(name, V1).bank.questions)
    assert made > 10
    return made


def _pdf():
    """V1 as a PDF: its long paragraphs broken over lines of 20 characters, across two pages."""
    lines = []
    for paragraph in V1_LINES:
        lines += [paragraph[i:i + 20] for i in range(0, len(paragraph), 20)]
    return make_pdf([lines[:8], lines[8:]])


@pytest.mark.parametrize("name, make", [
    ("讲话.txt", lambda: V1.encode("gbk")),
    ("讲话.txt", lambda: V1.encode("utf-16-le")),
    ("讲话.txt", lambda: V1.encode("utf-16")),
    ("讲话.pdf", _pdf),
], ids=["gbk", "utf16-no-bom", "utf16-bom", "pdf"])
def test_a_speech_in_any_usual_form_imports_like_its_utf8_text(app, client, bank_org, login, name, make):
    login(client, ORGANIZER_A)
    html = upload(client, "/organize/speeches/new", make(), name, unit=bank_org["units"]["a"].id).get_data(as_text=True)
    assert f"已导入《在机关党建工作会议上的讲话》：新增 {_made(name)} 道" in html
    assert "alert-success" in html
    with app.app_context():
        assert db.session.scalars(select(Speech)).one().text == V1


def test_a_speech_without_a_question_is_a_warning(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    html = upload(client, "/organize/speeches/new", NO_QUESTION.encode(), "致辞.txt",
                  unit=bank_org["units"]["a"].id).get_data(as_text=True)
    assert "alert-warning" in html and "没有生成任何题目" in html
    assert "alert-success" not in html
    assert _count(app, Speech) == 1 and _count(app, BankQuestion) == 0


def test_a_speech_too_long_is_refused(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    text = ("加强党的建设，" * 1000 + "\n") * (MAX_SPEECH_CHARS // 7000 + 1)
    response = upload(client, "/organize/speeches/new", text.encode(), "长.txt", unit=bank_org["units"]["a"].id)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "讲话过长" in html and "100,000 字的上限" in html
    assert _count(app, Speech) == 0


def test_a_speech_too_slow_to_build_is_stopped(app, client, bank_org, login, monkeypatch):
    assert len(SLOW) < MAX_SPEECH_CHARS
    monkeypatch.setattr(building, "BUILD_SECONDS", 0.5)
    login(client, ORGANIZER_A)
    upload(client, "/organize/speeches/new", V1.encode(), "热身.txt", unit=bank_org["units"]["a"].id)
    started = time.perf_counter()
    response = upload(client, "/organize/speeches/new", SLOW.encode(), "慢.txt", unit=bank_org["units"]["a"].id)
    assert time.perf_counter() - started < 5
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "生成题目超过 0.5 秒，已停止" in html
    assert _count(app, Speech) == 1  # only the first


def test_a_speech_too_big_to_read_is_stopped(app, client, bank_org, login, monkeypatch):
    monkeypatch.setattr(building, "BUILD_MEMORY", 256 * 1024)  # beyond what the child starts with
    login(client, ORGANIZER_A)
    data = ("加强党的建设。" * 90_000).encode()  # 1.9 MB: its text takes 1.2 MB more
    response = upload(client, "/organize/speeches/new", data, "讲话.txt", unit=bank_org["units"]["a"].id)
    assert response.status_code == 200 and "所需的内存超过上限" in response.get_data(as_text=True)
    assert _count(app, Speech) == 0


def test_the_command_line_reads_any_form_and_says_what_went_wrong(app, bank_org, tmp_path):
    files = {"gbk.txt": V1.encode("gbk"), "讲话.pdf": _pdf(), "致辞.txt": NO_QUESTION.encode(),
             "长.txt": ("加强党的建设。" * 20_000).encode()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = app.test_cli_runner().invoke(
        args=["questions", "import", *(str(tmp_path / name) for name in files), "--unit", str(bank_org["units"]["a"].id)])
    assert result.exit_code == 2
    assert f"新增 {_made('gbk.txt')} 道" in result.stdout and f"新增 {_made('讲话.pdf')} 道" in result.stdout
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith("警告：") and "致辞.txt" in errors[0] and "没有生成任何题目" in errors[0]
    assert errors[1].startswith("错误：") and "长.txt" in errors[1] and "讲话过长" in errors[1]
    with app.app_context():
        assert sorted(db.session.scalars(select(Speech.file_name))) == sorted(["gbk.txt", "讲话.pdf", "致辞.txt"])
