"""Which activities a report covers, as conditions on ``Activity`` whose statements are built
once per shape: building a report query's statement costs more CPU than running it for a branch
(3.5 ms against 1 ms for the member list), so ``prepared`` keeps one per shape of conditions
and passes the values as parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import bindparam

from quizapp.models import Activity, ActivityStatus
from quizapp.results.periods import Period


class Selection(list[Any]):
    """Conditions on ``Activity`` (a list, as every query takes them) that also know their
    shape ("activity", "period") and values (bound parameters). Adding to one gives a plain
    list, whose statements are built each time; never change one in place."""

    def __init__(self, shape: tuple[str, ...], params: dict[str, Any]) -> None:
        conditions: list[Any] = [Activity.status == ActivityStatus.PUBLISHED]
        if "activity" in shape:
            conditions.append(Activity.id == bindparam("report_activity", params.get("report_activity")))
        if "period" in shape:
            conditions += [Activity.period_start >= bindparam("report_from", params.get("report_from")),
                           Activity.period_start < bindparam("report_to", params.get("report_to"))]
        super().__init__(conditions)
        self.shape, self.params = shape, params


def activity_filter(*, activity_id: int | None = None, period: Period | None = None) -> list[Any]:
    """Conditions on ``Activity`` for one published activity or those starting in a period."""
    shape: tuple[str, ...] = ()
    params: dict[str, Any] = {}
    if activity_id is not None:
        shape += ("activity",)
        params["report_activity"] = activity_id
    if period is not None:
        shape += ("period",)
        params.update(report_from=period.start, report_to=period.end)
    return Selection(shape, params)


def prepared(build: Callable[..., Any], conditions: list[Any], units: dict[int, int] | None,
             *options: Any) -> tuple[Any, dict[str, Any]]:
    """``build(conditions, units, *options)``'s statement and its parameters: for a
    ``Selection``, built once per shape with its values and the units as parameters; for
    other conditions, built afresh."""
    if isinstance(conditions, Selection):
        params = dict(conditions.params)
        if units is not None:
            params["report_units"] = list(units)
        return built(build, conditions.shape, units is not None, options), params
    return build(conditions, None if units is None else list(units), *options), {}


@cache
def built(build: Callable[..., Any], shape: tuple[str, ...], named: bool,
          options: tuple[Any, ...]) -> Any:
    """``build``'s statement for conditions of this shape, the units a parameter if named."""
    units = bindparam("report_units", expanding=True) if named else None
    return build(Selection(shape, {}), units, *options)
