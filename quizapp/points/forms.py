"""Forms of the points pages: manual entries, corrections, decisions and rule versions.

Range and business rules are checked again by the services (``manual``,
``rule_versions``); the forms give the first, field-level Chinese messages.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizapp.models import EntryKind
from quizapp.points.caps import MAX_CAP
from quizapp.points.manual import MAX_NOTE, MAX_REASON
from quizapp.results.rules import STAR_NAMES


class WholeField(IntegerField):
    """An integer field whose parse error is in Chinese."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("请填写整数") from None


class ChineseDateField(DateField):
    """A date field whose parse error is in Chinese (as on the bank pages; not imported from
    there so that points does not depend on the organize blueprint)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("日期格式应为 2024-07-01") from None


def _range(label: str, low: int, high: int) -> list[Any]:
    return [InputRequired(f"请填写{label}"), NumberRange(low, high, f"{label}必须是 {low}–{high} 之间的整数")]


def _whole(label: str, low: int, high: int, **kwargs: Any) -> WholeField:
    return WholeField(label, validators=_range(label, low, high), **kwargs)


class ManualEntryForm(FlaskForm):
    kind = RadioField("类型", choices=[(EntryKind.AWARD.value, "奖励（加分）"),
                                       (EntryKind.PENALTY.value, "惩戒（扣分）")],
                      default=EntryKind.AWARD.value, validate_choice=False,  # the service checks
                      validators=[InputRequired("请选择奖励或扣分")])
    points = _whole("分值", 1, MAX_CAP)
    reason = TextAreaField("理由", validators=[DataRequired("请写明理由"),
                                               Length(max=MAX_REASON, message=f"理由不能超过 {MAX_REASON} 字")],
                           render_kw={"rows": 3, "maxlength": MAX_REASON})
    submit = SubmitField("提交审批")

    def limit(self, cap: int) -> ManualEntryForm:
        """Check the points against the member's cap (the service checks it again)."""
        self.points.validators = _range("分值", 1, cap)
        return self


class CorrectionForm(FlaskForm):
    points = _whole("更正分值", -MAX_CAP, MAX_CAP,
                    description="加分填正数，减分填负数；默认冲销原记录")
    reason = TextAreaField("更正理由", validators=[DataRequired("请写明更正理由"),
                                                   Length(max=MAX_REASON, message=f"理由不能超过 {MAX_REASON} 字")],
                           render_kw={"rows": 3, "maxlength": MAX_REASON})
    submit = SubmitField("提交审批")

    def limit(self, cap: int) -> CorrectionForm:
        """Check the points against the member's cap (the service checks it again)."""
        self.points.validators = _range("更正分值", -cap, cap)
        return self


class DecisionForm(FlaskForm):
    note = StringField("审批意见（可不填）", validators=[
        Optional(), Length(max=MAX_NOTE, message=f"审批意见不能超过 {MAX_NOTE} 字")],
        render_kw={"maxlength": MAX_NOTE})
    approve = SubmitField("批准")
    reject = SubmitField("不批准")


class CapForm(FlaskForm):
    cap = _whole("单条上限（分）", 1, MAX_CAP,
                 description="每条奖励、扣分或更正最多的分值；下级单位设定的上限只能更低")
    submit = SubmitField("保存")


class _RuleVersionForm(FlaskForm):
    effective_from = ChineseDateField("生效日期", validators=[InputRequired("请填写生效日期")],
                                      description="今天或以后；已有成绩保留当时的规则")
    note = StringField("说明", validators=[Optional(), Length(max=200, message="说明不能超过 200 字")],
                       render_kw={"maxlength": 200, "placeholder": "如：按2027年党员积分管理办法调整"})
    submit = SubmitField("保存新版本")


class PointRulesForm(_RuleVersionForm):
    study_points = _whole("月度选学积分", 0, 1000)
    study_cap = _whole("月度选学每月上限", 0, 10000)
    test_points = _whole("季度测试满分积分", 0, 1000)
    test_cap = _whole("季度测试每季度上限", 0, 10000)

    def rules(self) -> dict[str, Any]:
        return {"study": {"points": self.study_points.data, "cap_per_month": self.study_cap.data},
                "test": {"points": self.test_points.data, "cap_per_quarter": self.test_cap.data}}

    def fill(self, rules: dict[str, Any]) -> None:
        self.study_points.data = rules["study"]["points"]
        self.study_cap.data = rules["study"]["cap_per_month"]
        self.test_points.data = rules["test"]["points"]
        self.test_cap.data = rules["test"]["cap_per_quarter"]


def _percent(label: str) -> WholeField:
    return WholeField(label, validators=[Optional(), NumberRange(0, 100, f"{label}必须是 0–100 之间的整数")])


class RatingRulesForm(_RuleVersionForm):
    min_members = _whole("最少人数", 1, 1000)
    yellow_participation = _whole("黄牌参与率门槛", 0, 100)
    yellow_average = _whole("黄牌平均得分率门槛", 0, 100)
    red_participation = _whole("红牌参与率门槛", 0, 100)
    red_average = _whole("红牌平均得分率门槛", 0, 100)


for _stars, _name in STAR_NAMES.items():  # one row per star level; a blank row is left out
    setattr(RatingRulesForm, f"star{_stars}_participation", _percent(f"{_name}参与率门槛"))
    setattr(RatingRulesForm, f"star{_stars}_average", _percent(f"{_name}平均得分率门槛"))


def star_fields(form: RatingRulesForm) -> list[tuple[str, Any, Any]]:
    """(star name, participation field, average field) from five stars down."""
    return [(name, form[f"star{stars}_participation"], form[f"star{stars}_average"])
            for stars, name in STAR_NAMES.items()]


def rating_rules_from(form: RatingRulesForm) -> dict[str, Any]:
    """The rules the form describes (a star row with either value blank is left out;
    one with a single value blank is an error the validator reports)."""
    stars = []
    for level in STAR_NAMES:
        participation = form[f"star{level}_participation"].data
        average = form[f"star{level}_average"].data
        if participation is None and average is None:
            continue
        stars.append({"stars": level, "participation": participation, "average": average})
    return {"min_members": form.min_members.data, "stars": stars,
            "yellow_card": {"participation": form.yellow_participation.data,
                            "average": form.yellow_average.data},
            "red_card": {"participation": form.red_participation.data,
                         "average": form.red_average.data}}


def fill_rating_form(form: RatingRulesForm, rules: dict[str, Any]) -> None:
    """Prefill the form from rules (the version in effect)."""
    form.min_members.data = rules["min_members"]
    for row in rules["stars"]:
        form[f"star{row['stars']}_participation"].data = row["participation"]
        form[f"star{row['stars']}_average"].data = row["average"]
    form.yellow_participation.data = rules["yellow_card"]["participation"]
    form.yellow_average.data = rules["yellow_card"]["average"]
    form.red_participation.data = rules["red_card"]["participation"]
    form.red_average.data = rules["red_card"]["average"]
