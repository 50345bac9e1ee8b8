"""Forms of the publishing pages, and reading them into an ``ActivitySpec``.

Times on the forms are Beijing wall-clock times; paragraph numbers are the ones the speech
page shows (from 1). Blank blueprint and passage rows are skipped.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from quizapp.models import AnswerPolicy, QuestionType
from quizapp.publish.overrides import REASONS
from quizapp.results.clock import MAX_YEAR, MIN_YEAR

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class WholeNumberField(IntegerField):
    """An integer field whose parse error is in Chinese."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("请填写整数") from None


class BeijingTimeField(DateTimeLocalField):
    """A Beijing date and time (``<input type="datetime-local">``), errors in Chinese."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("format", TIME_FORMATS)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("时间格式应为 2026-11-20 09:00") from None
        if self.data is not None and not MIN_YEAR <= self.data.year <= MAX_YEAR:
            self.data = None
            raise ValueError(f"年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间")


class UnitField(SelectField):
    """The unit to publish to, by id; a value that is not a number is a Chinese error."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("请选择发布到的组织") from None


class PartForm(Form):
    """One blueprint row (blank type: the row is not used)."""

    type = SelectField("题型", choices=[("", "（不用）")] + [(t.value, t.label) for t in QuestionType],
                       validate_choice=False)
    count = WholeNumberField("题数", validators=[Optional()])
    points_each = WholeNumberField("每题分值", validators=[Optional()])
    speech = SelectField("讲话", validate_choice=False)
    concept = StringField("概念", validators=[Optional(), Length(max=200)])


class PassageForm(Form):
    """One passage to read (blank speech: not used)."""

    speech = SelectField("讲话", validate_choice=False)
    first = WholeNumberField("起始段", validators=[Optional()])
    last = WholeNumberField("结束段", validators=[Optional()])
    concept = StringField("概念", validators=[Optional(), Length(max=200)])


class ActivityForm(FlaskForm):
    """What studies and tests share."""

    title = StringField("标题", validators=[InputRequired("请填写标题"), Length(max=200)])
    unit = UnitField("发布到", coerce=int, validate_choice=False,
                       validators=[InputRequired("请选择发布到的组织")],
                       description="该组织及其全部下级组织的党员都参加")
    intro = TextAreaField("说明", validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    practice_opens_at = BeijingTimeField("练习开放时间", validators=[Optional()])
    opens_at = BeijingTimeField("开始时间", validators=[Optional()])
    closes_at = BeijingTimeField("截止时间", validators=[Optional()])
    time_limit = WholeNumberField("答题时限（分钟）", validators=[Optional()], description="留空为不限时")
    attempts = WholeNumberField("可答次数", default=1, validators=[InputRequired("请填写可答次数")])
    answers_shown = SelectField("答案公布", choices=[(a.value, a.label) for a in AnswerPolicy],
                                default=AnswerPolicy.AFTER_SUBMIT.value)
    partial_multiple = BooleanField("多选题按选对的比例给分（否则全对才得分）")
    pass_percent = WholeNumberField("及格线（%）", default=60, validators=[InputRequired("请填写及格线")])
    excellent_percent = WholeNumberField("优秀线（%）", default=90, validators=[InputRequired("请填写优秀线")])
    parts = FieldList(FormField(PartForm), min_entries=1, max_entries=10)
    save = SubmitField("保存草稿")
    publish = SubmitField("保存并发布")


class StudyForm(ActivityForm):
    month = StringField("月份", validators=[InputRequired("请填写月份")],
                        render_kw={"type": "month", "placeholder": "2026-11"},
                        description="当月 1 日起开放练习，20 日起正式答题，月底截止（可在下面修改）")
    intro = TextAreaField("阅读导语", validators=[Optional(), Length(max=5000)],
                          render_kw={"rows": 3, "placeholder": "本月学习什么、为什么学"})
    practice_opens_at = BeijingTimeField("练习开放时间", validators=[Optional()],
                                         description="留空为当月 1 日 00:00；练习不计分")
    opens_at = BeijingTimeField("正式答题开始", validators=[Optional()], description="留空为当月 20 日 00:00")
    closes_at = BeijingTimeField("截止时间", validators=[Optional()], description="留空为当月最后一天 23:59")
    passages = FieldList(FormField(PassageForm), min_entries=1, max_entries=10)


class TestForm(ActivityForm):
    __test__ = False  # not a pytest class

    quarter = SelectField("季度", validate_choice=False, validators=[InputRequired("请选择季度")])
    intro = TextAreaField("说明", validators=[Optional(), Length(max=5000)],
                          render_kw={"rows": 3, "placeholder": "考试范围、注意事项（可不填）"})
    practice_opens_at = BeijingTimeField("考前练习开放（可不填）", validators=[Optional()],
                                         description="填了则从此时起可做不计分的练习")


class ConfirmForm(FlaskForm):
    """A bare CSRF-protected button (publish, cancel, delete, clear an override)."""

    submit = SubmitField("确定")


class OverrideForm(FlaskForm):
    extra_minutes = WholeNumberField("延长答题时间（分钟）", default=0, validators=[Optional()])
    makeup_opens_at = BeijingTimeField("补考开始", validators=[Optional()])
    makeup_closes_at = BeijingTimeField("补考结束", validators=[Optional()])
    reason = SelectField("原因", choices=[("", "请选择")] + [(r, r) for r in REASONS],
                         validate_choice=False)
    reason_text = StringField("原因说明", validators=[Optional(), Length(max=190)],
                              render_kw={"placeholder": "如：11月18日至25日赴外地出差"})
    submit = SubmitField("保存")
