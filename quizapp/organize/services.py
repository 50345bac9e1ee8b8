"""Importing speeches: the only place where the builder's dataclasses become rows.

Re-importing a speech (same unit and file name) updates its bank in place, question by
question, matched on the builder's stable id (``external_id``):

* a question the builder makes for the first time is added as a draft;
* an organizer's edit wins: an ``edited`` question keeps its content, and only its place in
  the text (paragraph, sentence) follows the new text so that 查看原文 still lands on it;
* an unedited question takes the builder's new content; its version goes up when its answer
  key changes, and if it was approved and its stem, options or answer changed, it goes back to
  待审核: an approval covers the question that was approved. A new explanation alone (the
  builder cites paragraph numbers, which move when a paragraph is added) keeps the approval;
* a question the builder no longer makes is retired while it is a draft nobody approved; an
  approved or edited one stays as it is (members may have answered it) and is listed in the
  result for review, moved to its sentence's new paragraph if the sentence is still there;
  the bank page flags questions whose sentence is no longer in the text;
* a retired question stays retired, and hand-written questions are never touched (those made
  from a selected phrase only follow their sentence to its new paragraph);
* every built question takes the builder's key point and quality rank (``point``, ``quality``),
  edited or not: they say what the question tests and how the builder ranks it, not what it
  reads, so a change in them alone is no update and needs no new approval.

Nothing is ever deleted, so answers that point at a question keep pointing at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from questions.build import format_report
from questions.meta import find_heading
from questions.reading import SUFFIXES
from questions.text import SpeechError
from questions.types import Question
from quizapp.models import (
    BankQuestion,
    Person,
    QuestionOrigin,
    QuestionStatus,
    QuestionType,
    Speech,
    Unit,
)
from quizapp.organize.building import Built, build_file, build_here
from quizapp.organize.content import answer_key
from quizapp.results.regrade import regrade_question

MAX_SPEECH_BYTES = 2 * 1024 * 1024

__all__ = ["Built", "ImportResult", "SpeechError", "TitleMissing", "build_speech_file", "clean_file_name",
           "import_speech", "row_values"]


class TitleMissing(SpeechError):
    """A new speech whose text gives no title, imported without one: a person must name it."""

    def __init__(self) -> None:
        super().__init__("讲话稿中没有找到标题（第一行不像标题，开头也没有说明是什么会议），请填写标题后再导入")


@dataclass
class ImportResult:
    """What an import did to a speech's bank, with the builder's quality report."""

    speech: Speech
    speech_created: bool
    report: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edited: int = 0
    back_to_review: int = 0
    retired: int = 0
    # Approved or edited questions the builder no longer makes: kept, for the organizer to check.
    kept_missing: list[BankQuestion] = field(default_factory=list)
    # Questions whose answer key changed, and the submitted attempts regraded for them.
    regrade_ids: list[int] = field(default_factory=list)
    regraded: int = 0
    # How many questions the builder made from this text: none is a warning, not a success.
    built: int = 0

    @property
    def warning(self) -> str:
        """Why this import deserves a second look ('' when it does not): it gave no question."""
        if self.built:
            return ""
        return (f"《{self.speech.title}》没有生成任何题目：讲话中没有找到可出题的关键概念"
                "（如“四个意识”、一是……二是……、每季度……）。请确认上传的是讲话正文，或在题库中手写题目。")

    def summary(self) -> str:
        """One line in Chinese for a flash message or the command line."""
        parts = [f"新增 {self.created} 道", f"更新 {self.updated} 道", f"未变 {self.unchanged} 道"]
        if self.kept_edited:
            parts.append(f"保留人工修改 {self.kept_edited} 道")
        if self.back_to_review:
            parts.append(f"内容变化退回待审核 {self.back_to_review} 道")
        if self.retired:
            parts.append(f"停用 {self.retired} 道")
        if self.kept_missing:
            parts.append(f"生成器不再产生但予以保留 {len(self.kept_missing)} 道")
        if self.regraded:
            parts.append(f"答案变化重新判分答卷 {self.regraded} 份")
        verb = "已导入" if self.speech_created else "已重新导入"
        return f"{verb}《{self.speech.title}》：" + "，".join(parts) + "。"


def clean_file_name(raw: str | None) -> str:
    """The last part of an uploaded file's name, as the builder will see it."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name.strip()
    name = "".join(ch for ch in name if ord(ch) >= 32)
    if len(name) > 255:
        suffix = Path(name).suffix[:20]
        name = name[: 255 - len(suffix)] + suffix
    return name or "speech.txt"


def build_speech_file(file_name: str, data: bytes, read_as: str | None = None) -> Built:
    """An uploaded (or given) .txt, .docx or .pdf speech, read as the kind `read_as` names (by
    default `file_name`) and built under `file_name`, within the limits of `building`.

    Raises SpeechError with a Chinese message for a file over 2 MB or of another kind, and for
    whatever the builder cannot read (empty, binary, an unknown encoding, a broken or malicious
    .docx or .pdf, a scan) or build in time.
    """
    if len(data) > MAX_SPEECH_BYTES:
        raise SpeechError("文件超过 2 MB。讲话稿应为纯文本、Word 文档或 PDF，请删去图片后再上传")
    if Path(read_as or file_name).suffix.lower() not in SUFFIXES:
        raise SpeechError("只支持 .txt、.docx 或 .pdf 格式的讲话稿")
    return build_file(file_name, data, read_as)


def import_speech(
    session: Session,
    unit: Unit,
    file_name: str,
    text: str | Built,
    title: str | None = None,
    delivered_on: date | None = None,
    occasion: str | None = None,
    importer: Person | None = None,
) -> ImportResult:
    """Store a speech of ``unit`` and build (or rebuild) its bank; flushes, the caller commits.

    ``text`` is the speech's text, built here, or what ``build_speech_file`` built within its
    limits. ``title``, ``delivered_on`` and ``occasion`` default to what the text says of itself
    (``questions.meta.find_heading``: its title lines, 在…上的讲话, its date); a title is never the
    file name: a new speech whose text gives none raises TitleMissing. On a re-import, None keeps
    the speech's title, date and occasion (a title that was only the file name, as older imports
    made, is replaced by the text's). Raises SpeechError when the text has nothing to read or is
    too long. See the module docstring for what a re-import keeps.
    """
    made = text if isinstance(text, Built) else build_here(file_name, text)
    built, bank = made.speech, made.bank
    heading = find_heading(built.paragraphs)
    speech = session.scalar(select(Speech).where(Speech.unit_id == unit.id, Speech.file_name == file_name))
    created = speech is None
    if title and title.strip():
        new_title = title.strip()
    elif created or speech.title in (file_name, Path(file_name).stem):
        new_title = heading.title
        if not new_title and created:
            raise TitleMissing()
    else:
        new_title = ""
    if speech is None:
        speech = Speech(unit_id=unit.id, file_name=file_name, title="", occasion="", text="")
        session.add(speech)
    speech.text = "\n".join(built.paragraphs)
    if new_title:
        speech.title = " ".join(new_title.split())[:200]
    if delivered_on is not None or created:
        speech.delivered_on = delivered_on or heading.delivered
    if occasion is not None:
        speech.occasion = occasion.strip()[:200]
    elif created:
        speech.occasion = heading.occasion
    if importer is not None:
        speech.imported_by_id = importer.id
    session.flush()

    result = ImportResult(speech=speech, speech_created=created, report=format_report(bank),
                          built=len(bank.questions))
    existing = {
        row.external_id: row
        for row in session.scalars(
            select(BankQuestion).where(BankQuestion.speech_id == speech.id, BankQuestion.external_id.is_not(None))
        )
    }
    for question in bank.questions:
        row = existing.pop(question.id, None)
        if row is None:
            session.add(BankQuestion(speech_id=speech.id, status=QuestionStatus.DRAFT, **row_values(question)))
            result.created += 1
        else:
            _refresh(row, question, result)
    paragraphs = list(built.paragraphs)
    for row in existing.values():
        if row.status is QuestionStatus.RETIRED:
            continue
        if row.edited or row.status is QuestionStatus.APPROVED:
            _relocate(row, paragraphs)
            result.kept_missing.append(row)
        else:
            row.status = QuestionStatus.RETIRED
            result.retired += 1
    # Questions an organizer made from the text (see ``authoring``) follow their sentence too.
    for row in session.scalars(select(BankQuestion).where(
            BankQuestion.speech_id == speech.id, BankQuestion.external_id.is_(None), BankQuestion.sentence != "")):
        _relocate(row, paragraphs)
    session.flush()
    for question_id in result.regrade_ids:
        result.regraded += regrade_question(session, question_id).attempts
    return result


def _columns(question: Question) -> dict[str, Any]:
    """A built question as BankQuestion column values (all but speech and status)."""
    answer = question.answer
    return {
        "external_id": question.id,
        "type": QuestionType(question.type.value),
        "stem": question.stem,
        "options": list(question.options),
        "answer": list(answer) if isinstance(answer, tuple) else answer,
        "explanation": question.explanation,
        "concept": question.concept[:200],
        "kind": question.kind.value,
        "difficulty": question.difficulty,
        "origin": QuestionOrigin(question.origin.value),
        **_location(question),
    }


def row_values(question: Question) -> dict[str, Any]:
    """A built question as BankQuestion column values (all but speech and status), with its key
    point and rank: what a new row of it holds."""
    return {**_columns(question), **_placing(question)}


def _placing(question: Question) -> dict[str, Any]:
    """The builder's key point and quality rank of a question (a question without a point
    keeps its own: see ``BankQuestion.point``)."""
    placing: dict[str, Any] = {"quality": question.quality}
    if question.point:
        placing["point"] = question.point[:255]
    return placing


def _location(question: Question) -> dict[str, Any]:
    source = question.source
    return {"paragraph": source.paragraph, "paragraphs": list(source.paragraphs), "sentence": source.sentence}


# Changing these needs a new approval; changing the explanation too counts as an update.
_REVIEWED = ("stem", "options", "answer")
_SHOWN = (*_REVIEWED, "explanation")


def _refresh(row: BankQuestion, question: Question, result: ImportResult) -> None:
    """Bring an existing row up to the builder's question, by the rules of the module docstring."""
    for name, value in _placing(question).items():
        setattr(row, name, value)
    if row.edited:
        for name, value in _location(question).items():
            setattr(row, name, value)
        result.kept_edited += 1
        return
    new = _columns(question)
    changed = [name for name, value in new.items() if getattr(row, name) != value]
    if not changed:
        result.unchanged += 1
        return
    old_key = answer_key(row.type, row.options, row.answer, row.accepted_variants)
    for name in changed:
        setattr(row, name, new[name])
    if answer_key(row.type, row.options, row.answer, row.accepted_variants) != old_key:
        row.version += 1
        result.regrade_ids.append(row.id)
    if row.status is QuestionStatus.APPROVED and any(name in _REVIEWED for name in changed):
        row.status = QuestionStatus.DRAFT
        row.approved_by_id = None
        row.approved_at = None
        result.back_to_review += 1
    if any(name in _SHOWN for name in changed):
        result.updated += 1
    else:
        result.unchanged += 1


def _relocate(row: BankQuestion, paragraphs: list[str]) -> None:
    """Point a kept question at its sentence's paragraph in the new text, when it is still there."""
    if not row.sentence or row.paragraph is None:
        return
    if 1 <= row.paragraph <= len(paragraphs) and row.sentence in paragraphs[row.paragraph - 1]:
        return
    found = next((n for n, text in enumerate(paragraphs, start=1) if row.sentence in text), None)
    if found is None:
        return
    shift = found - row.paragraph
    row.paragraph = found
    row.paragraphs = [n + shift for n in row.paragraphs or []]
