"""Shared pieces for the paper tests: a published test over ``pub_bank`` with every type, its
papers, and the entry line that answers a version right (or wrong)."""

from __future__ import annotations

import random
from typing import Any

from activity_helpers import make_activity
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Activity, Paper, QuestionType
from quizapp.paper import papers
from quizapp.paper.papers import LETTERS, Section

# 3 single × 2 + 2 multiple × 4 + 2 judge × 1 + 2 fill × 3 = 22 points.
PARTS = ((QuestionType.SINGLE, 3, 2), (QuestionType.MULTIPLE, 2, 4),
         (QuestionType.JUDGE, 2, 1), (QuestionType.FILL, 2, 3))
MAX_SCORE = 22


def paper_test(app: Flask, unit_id: int, versions: int = 2, seed: int = 7) -> int:
    """A published test on the unit (everyone in its subtree in the audience), with papers."""
    activity_id = make_activity(app, unit_id, parts=PARTS, pass_percent=60)
    with app.app_context():
        papers.make_papers(db.session, db.session.get(Activity, activity_id), versions=versions,
                           by=None, rng=random.Random(seed))
        db.session.commit()
    return activity_id


def sections(app: Flask, activity_id: int, label: str) -> list[Section]:
    with app.app_context():
        paper = db.session.scalars(db.select(Paper).filter_by(activity_id=activity_id, label=label)).one()
        found = papers.sections_of(db.session, paper)
        for section in found:
            for question in section.questions:
                db.session.expunge(question.question)
        return found


def _wrong_letters(question: Any) -> str:
    right = set(question.key_letters())
    return next(letter for letter in LETTERS[:len(question.option_order)] if letter not in right)


def answer_fields(found: list[Section], wrong: set[int] = frozenset()) -> list[str]:
    """One field per section answering every question right, except the numbers in ``wrong``."""
    fields = []
    for section in found:
        marks = []
        for q in section.questions:
            bad = q.number in wrong
            if section.type is QuestionType.JUDGE:
                marks.append(("F" if q.question.answer else "T") if bad else ("T" if q.question.answer else "F"))
            elif section.type is QuestionType.FILL:
                marks.append("不知道" if bad else "/".join(q.question.answer))
            elif bad:
                marks.append(_wrong_letters(q))
            else:
                marks.append(q.key_letters())
        separator = {QuestionType.MULTIPLE: ",", QuestionType.FILL: ";"}.get(section.type, "")
        fields.append(separator.join(marks))
    return fields


def line(member: str, label: str, fields: list[str]) -> str:
    return "\t".join([member, label, *fields])
