"""Forms of the paper pages: making the versions, entering sittings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length


class MakePapersForm(FlaskForm):
    versions = RadioField("版本", choices=[("1", "只出一套（A卷）"), ("2", "出 A、B 两套（题序、选项顺序不同）")],
                          default="2", validators=[InputRequired(message="请选择版本数")])
    submit = SubmitField("生成试卷")


class EntryForm(FlaskForm):
    lines = TextAreaField("答卷录入", validators=[
        InputRequired(message="请至少填写一行"),
        Length(max=200_000, message="内容过长，请分批录入")])
    submit = SubmitField("录入并评分")
