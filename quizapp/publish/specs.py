"""What an organizer asks for, as plain values: the input of the publishing services.

The web forms and ``flask publish`` both build an ``ActivitySpec``; the services
check it (``validation.check_spec``) and turn it into rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from quizapp.models import ActivityKind, AnswerPolicy, QuestionType

MAX_PARTS = 10
MAX_PASSAGES = 10


class PublishError(Exception):
    """A publishing rule was broken; the message is Chinese and shown as is.

    ``field`` names the form field the message belongs to (None: the whole form).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PartSpec:
    """One blueprint row: ``count`` questions of ``type`` at ``points_each``."""

    type: QuestionType
    count: int
    points_each: int
    speech_id: int | None = None
    concept: str = ""


@dataclass(frozen=True)
class PassageSpec:
    """A passage to read: paragraphs ``first``..``last`` of a speech, 0-based."""

    speech_id: int
    first: int
    last: int
    concept: str = ""


@dataclass
class ActivitySpec:
    """Everything an activity is made of, times in UTC."""

    kind: ActivityKind
    title: str
    unit_id: int
    period_start: date
    opens_at: datetime
    closes_at: datetime
    practice_opens_at: datetime | None = None
    intro: str = ""
    time_limit_minutes: int | None = None
    attempts_allowed: int = 1
    answers_shown: AnswerPolicy = AnswerPolicy.AFTER_SUBMIT
    partial_multiple: bool = False
    pass_percent: int = 60
    excellent_percent: int = 90
    parts: list[PartSpec] = field(default_factory=list)
    passages: list[PassageSpec] = field(default_factory=list)
