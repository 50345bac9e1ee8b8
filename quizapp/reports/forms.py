"""Report forms: the reminder action (CSRF-protected)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField


class RemindForm(FlaskForm):
    """一键提醒: all unfinished members, or the ticked ones."""

    person_ids = SelectMultipleField("党员", coerce=int, validate_choice=False)
    selected = SubmitField("提醒所选")
    everyone = SubmitField("一键提醒")
