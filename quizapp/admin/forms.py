"""Admin forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField
from wtforms.validators import DataRequired, Length, Optional


class PeopleSearchForm(FlaskForm):
    """The GET filter above the people list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(
        "搜索", validators=[Optional(), Length(max=50)],
        render_kw={"placeholder": "姓名、手机号或党员编号"},
    )



class ClearThrottleForm(FlaskForm):
    """One button per waiting account or address: end its wait (CSRF-checked)."""

    key = HiddenField(validators=[DataRequired(), Length(max=200)])
