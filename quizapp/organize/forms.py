"""Forms of the bank pages. Type rules for questions live in ``content.py``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from questions.reading import SUFFIXES
from quizapp.models import QuestionOrigin, QuestionStatus, QuestionType
from quizapp.organize.queries import BankFilter

DIFFICULTIES = [("1", "1 易"), ("2", "2 中"), ("3", "3 难")]


class ChineseDateField(DateField):
    """A date field whose parse error is in Chinese (WTForms' own messages are English here)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("日期格式应为 2024-07-01") from None


SPEECH_KINDS = [suffix.lstrip(".") for suffix in SUFFIXES]


class SpeechUploadForm(FlaskForm):
    file = FileField(
        "讲话稿文件",
        validators=[FileRequired("请选择讲话稿文件"), FileAllowed(SPEECH_KINDS, "只支持 .txt、.docx 或 .pdf 格式的讲话稿")],
        description="纯文本（.txt，每段一行；UTF-8、GBK 或 UTF-16 编码）、Word 文档（.docx）"
        "或带文字层的 PDF，不超过 2 MB。"
        "更新已导入的讲话，请到该讲话页面“重新导入”。",
        render_kw={"accept": ".txt,.docx,.pdf"},
    )
    unit = SelectField("所属组织", coerce=int, validate_choice=False, validators=[InputRequired("请选择所属组织")])
    title = StringField("标题", validators=[Optional(), Length(max=200)], description="不填则从讲话稿开头找出标题（如第一行的题目或“在…会议上的讲话”）；找不到时会请您填写")
    delivered_on = ChineseDateField("讲话日期", validators=[Optional()])
    occasion = StringField("场合", validators=[Optional(), Length(max=200)],
                           render_kw={"placeholder": "如：2024年机关党建工作会议"})
    submit = SubmitField("上传并生成题目")

    def validate_unit(self, field: SelectField) -> None:
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("只能导入到您负责的组织")


class SpeechReimportForm(FlaskForm):
    file = FileField(
        "修订后的讲话稿",
        validators=[FileRequired("请选择讲话稿文件"), FileAllowed(SPEECH_KINDS, "只支持 .txt、.docx 或 .pdf 格式的讲话稿")],
        render_kw={"accept": ".txt,.docx,.pdf"},
    )
    submit = SubmitField("重新导入")


class SpeechInfoForm(FlaskForm):
    title = StringField("标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    delivered_on = ChineseDateField("讲话日期", validators=[Optional()])
    occasion = StringField("场合", validators=[Optional(), Length(max=200)])
    submit = SubmitField("保存")


class BankFilterForm(FlaskForm):
    """The GET filter above the bank (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    speech = SelectField("讲话", validators=[Optional()])
    concept = SelectField("概念", validators=[Optional()], validate_choice=False)
    type = SelectField("题型", choices=[("", "全部题型")] + [(t.value, t.label) for t in QuestionType],
                       validators=[Optional()])
    status = SelectField("状态", choices=[("", "全部状态")] + [(s.value, s.label) for s in QuestionStatus],
                         validators=[Optional()])
    origin = SelectField("来源", choices=[("", "全部来源")] + [(o.value, o.label) for o in QuestionOrigin],
                         validators=[Optional()])
    missing = BooleanField("只看出处已不在原文中的题")
    q = SearchField("搜索", validators=[Optional(), Length(max=50)], render_kw={"placeholder": "题干或概念中的字词"})


def bank_filter_from(args: Mapping[str, str]) -> BankFilter:
    """Read the filter from query or form arguments; unknown values are ignored."""

    def enum_value(enum_class, name):  # type: ignore[no-untyped-def]
        try:
            return enum_class(args.get(name, ""))
        except ValueError:
            return None

    speech = args.get("speech", "")
    return BankFilter(
        speech_id=int(speech) if speech.isascii() and speech.isdigit() and len(speech) < 18 else None,
        concept=(args.get("concept") or "").strip()[:200] or None,
        type=enum_value(QuestionType, "type"),
        status=enum_value(QuestionStatus, "status"),
        origin=enum_value(QuestionOrigin, "origin"),
        source_missing=args.get("missing") in {"1", "y", "on", "true"},
        search=(args.get("q") or "").strip()[:50] or None,
    )


MAX_TOP = 5000


@dataclass(frozen=True)
class ApprovalChoice:
    """How many of the best drafts a bulk approval takes (None: not said yet, or said wrong,
    with ``error`` in Chinese), and whether every variant of a point may go."""

    top: int | None = None
    error: str = ""
    all_variants: bool = False

    def as_args(self) -> dict[str, str]:
        args = {"top": str(self.top) if self.top else "", "all_variants": "1" if self.all_variants else ""}
        return {key: value for key, value in args.items() if value}


def approval_choice_from(args: Mapping[str, str]) -> ApprovalChoice:
    """Read ``top`` and ``all_variants`` from query or form arguments. Never "all" by default:
    without a number nothing is picked."""
    all_variants = args.get("all_variants") in {"1", "y", "on", "true"}
    text = (args.get("top") or "").strip()
    if not text:
        return ApprovalChoice(all_variants=all_variants)
    if not (text.isascii() and text.isdigit() and len(text) < 6 and 1 <= int(text) <= MAX_TOP):
        return ApprovalChoice(error=f"道数应为 1 到 {MAX_TOP} 之间的整数", all_variants=all_variants)
    return ApprovalChoice(top=int(text), all_variants=all_variants)


class BulkApproveForm(FlaskForm):
    """Confirms a bulk approval; the filter and the choice travel in hidden fields of the same
    names, ``expected`` names the questions the confirmation page showed (``ranking.fingerprint``):
    the same form sent twice approves nothing the second time."""

    expected = HiddenField(validators=[InputRequired()])
    submit = SubmitField("确认通过")


class QuestionForm(FlaskForm):
    stem = TextAreaField("题干", validators=[DataRequired("请填写题干")], render_kw={"rows": 4})
    options = TextAreaField("选项", description="每行一个，按 A、B、C… 的顺序", render_kw={"rows": 5})
    answer = StringField("答案")
    explanation = TextAreaField("解析", render_kw={"rows": 3})
    # Checked with the rest of the content (content.parse_content), in Chinese.
    difficulty = SelectField("难度", choices=DIFFICULTIES, default="2", validate_choice=False)
    concept = StringField("概念", validators=[Optional(), Length(max=200)])
    accepted_variants = TextAreaField(
        "其他可接受的答案",
        description="每行一种写法；题目有多个空时，按空的顺序用“、”分隔",
        render_kw={"rows": 3},
    )
    resolve_reports = BooleanField("同时将本题待处理的纠错标记为“已更正”", default=True)
    submit = SubmitField("保存")


ANSWER_HELP = {
    QuestionType.SINGLE: "填一个选项字母，如 B",
    QuestionType.MULTIPLE: "填两个及以上选项字母，如 ACD",
    QuestionType.JUDGE: "填“对”或“错”",
    QuestionType.FILL: "按空的顺序填写，多个空用“、”分隔；题干中用 ____（四个下划线）表示空",
}


class NewQuestionForm(QuestionForm):
    type = SelectField("题型", choices=[(t.value, t.label) for t in QuestionType], validate_choice=False)

    def validate_type(self, field: SelectField) -> None:
        if field.data not in {t.value for t in QuestionType}:
            raise ValidationError("请选择题型")
    submit = SubmitField("添加")


class ResolveReportForm(FlaskForm):
    note = TextAreaField("处理说明", validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    corrected = SubmitField("已更正")
    retired = SubmitField("停用题目")
    dismissed = SubmitField("不予采纳")


class AuthorForm(FlaskForm):
    """A phrase selected in one paragraph of the speech reader (the paragraph's own form, or the
    selection filled in by authoring.js). The builder checks the phrase, in Chinese."""

    paragraph = HiddenField()
    phrase = StringField("要出题的词语", validators=[DataRequired("请先选择或填写要出题的词语")])


class AuthorAddForm(AuthorForm):
    """The proposed questions an organizer keeps (their builder ids)."""

    pick = SelectMultipleField(validate_choice=False)


class ExcelUploadForm(FlaskForm):
    file = FileField(
        "Excel 文件",
        validators=[FileRequired("请选择 Excel 文件"), FileAllowed(["xlsx"], "只支持 .xlsx 格式（Excel 2007 及以上）")],
        render_kw={"accept": ".xlsx"},
    )
    submit = SubmitField("检查（不会导入）")


class ExcelConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField("确认导入")

