"""Forms of the member's pages. The answering form is built by hand from the attempt's
items (``pages.answering_page``): its fields depend on the questions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from quizapp.models import PracticeSource
from quizapp.quiz.queries import SpeechChoice
from quizapp.quiz.corrections import MAX_REASON
from quizapp.quiz.starting import PRACTICE_SIZES

SPEECH_SCOPE = "speech-"


class PracticeForm(FlaskForm):
    """Start a practice: the scope (random, one speech, or the 错题本) and how many questions.

    ``start_key`` is a fresh random token on each rendering of the form: a
    double tap or a resubmission posts it again and finds the same attempt.
    """

    scope = RadioField("练习范围", default=PracticeSource.RANDOM.value, validate_choice=False,
                       validators=[InputRequired(message="请选择练习范围")])
    count = RadioField("题量", choices=[(str(n), f"{n} 题") for n in PRACTICE_SIZES],
                       default="10", validate_choice=False,
                       validators=[InputRequired(message="请选择题量")])
    start_key = HiddenField(validators=[
        Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$", message="页面已过期，请刷新后重试")
    ])
    submit = SubmitField("开始练习")

    def set_speeches(self, speeches: list[SpeechChoice]) -> None:
        self.scope.choices = [
            (PracticeSource.RANDOM.value, "随机练习（全部讲话）"),
            (PracticeSource.MISTAKES.value, "错题练习"),
            *((f"{SPEECH_SCOPE}{s.id}", f"{s.title}（{s.question_count} 题）") for s in speeches
              if s.question_count),
        ]

    def validate_scope(self, field: RadioField) -> None:
        if field.data not in {value for value, _ in field.choices or []}:
            raise ValidationError("请选择练习范围")

    def validate_count(self, field: RadioField) -> None:
        if field.data not in {value for value, _ in field.choices or []}:
            raise ValidationError("题量只能是 5、10 或 20 题")

    def source(self) -> tuple[PracticeSource, int | None]:
        """The chosen source and speech id (after validation)."""
        scope = self.scope.data or ""
        if scope.startswith(SPEECH_SCOPE):
            return PracticeSource.SPEECH, int(scope.removeprefix(SPEECH_SCOPE))
        return PracticeSource(scope), None


class ReportForm(FlaskForm):
    """纠错: why a question looks wrong or unclear."""

    reason = TextAreaField(
        "纠错理由",
        validators=[
            DataRequired(message="请写明纠错理由"),
            Length(max=MAX_REASON, message=f"纠错理由不能超过 {MAX_REASON} 字"),
        ],
        render_kw={"maxlength": MAX_REASON, "rows": 3,
                   "placeholder": "例如：答案有误、题干有歧义、选项重复……"},
    )
    submit = SubmitField("提交纠错")


class ConfirmForm(FlaskForm):
    """A button that needs nothing but the CSRF token (交卷, 放弃)."""


class StartForm(FlaskForm):
    """Start a scored sitting or an activity's practice; ``start_key`` as in PracticeForm."""

    start_key = HiddenField(validators=[
        Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$", message="页面已过期，请刷新后重试")
    ])
