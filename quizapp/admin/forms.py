"""Admin forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import Length, Optional


class PeopleSearchForm(FlaskForm):
    """The GET filter above the people list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(
        "搜索", validators=[Optional(), Length(max=50)],
        render_kw={"placeholder": "姓名、手机号或党员编号"},
    )

