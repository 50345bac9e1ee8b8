"""Roster import forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Regexp

from quizapp.roster.staging import SHA256_PATTERN, TOKEN_PATTERN


class UploadForm(FlaskForm):
    """Choose a roster file for the dry run."""

    file = FileField(
        "名单文件（.xlsx 或 .csv，不超过 2 MB）",
        validators=[FileRequired("请选择要导入的名单文件（.xlsx 或 .csv）")],
        render_kw={"accept": ".xlsx,.csv"},
    )


class CommitForm(FlaskForm):
    """Confirm a dry run: names the staged upload and the plan, never row data."""

    token = HiddenField(validators=[DataRequired(), Regexp(f"^{TOKEN_PATTERN.pattern}$")])
    sha256 = HiddenField(validators=[DataRequired(), Regexp(f"^{SHA256_PATTERN.pattern}$")])
    digest = HiddenField(validators=[DataRequired(), Regexp(f"^{SHA256_PATTERN.pattern}$")])
    # Changes of name or login number are made only when this is ticked; else those rows wait.
    confirm_identity = BooleanField("我已逐一核对是否本人，确认修改下列人员的姓名、所属单位、手机号或党员编号")
