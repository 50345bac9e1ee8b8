"""The organizer's contest form and the members' join forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

TEAM_MODES = [("branch", "按党支部组队"), ("group", "按党小组组队"), ("free", "自由组队（成员加入时选队）")]
QUESTION_TYPES = [("", "不限题型"), ("single", "单选"), ("multiple", "多选"), ("judge", "判断"), ("fill", "填空")]


class ContestForm(FlaskForm):
    title = StringField("竞赛名称", validators=[DataRequired("请填写竞赛名称"), Length(max=100)])
    unit = SelectField("面向组织", coerce=int)
    team_mode = SelectField("组队方式", choices=TEAM_MODES)
    team_names = TextAreaField("自由组队的队名（逗号分开）", validators=[Optional(), Length(max=2000)])
    rounds = TextAreaField("轮次（每行一轮：格式,题数,每题分值,秒数[,风险]）",
                           default="全员答题,3,10,20",
                           validators=[DataRequired("请至少设置一轮"), Length(max=2000)])
    speech = SelectField("讲话", coerce=int, default=0)
    qtype = SelectField("题型", choices=QUESTION_TYPES, default="")
    concept = StringField("要点（包含的词）", validators=[Optional(), Length(max=100)])
    picked = StringField("手选题号（可选，逗号分开，排在最前）", validators=[Optional(), Length(max=1000)])


class JoinCodeForm(FlaskForm):
    code = StringField("竞赛码", validators=[DataRequired("请输入大屏幕上的竞赛码"), Length(max=8)])


class JoinForm(FlaskForm):
    team = RadioField("选择队伍", coerce=int, validate_choice=False, default=0)


class ConfirmForm(FlaskForm):
    """A POST with only its CSRF token."""
