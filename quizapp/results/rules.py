"""Versioned point and rating rules: their shape, defaults, validation and lookup.

Rules are JSON on a ``RuleVersion`` row, so organizations can change them
from a date on without touching code. The version in effect for a unit on a
day is the latest one effective on that day of the nearest unit up the tree
that has one. A tree with none gets the defaults below, stored once on its
root as a real version, so every ledger entry can name the version it used.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from quizapp.models import RuleKind, RuleVersion
from quizapp.models.base import utcnow
from quizapp.models.org import UNIT_CHAIN as _CHAIN
from quizapp.sql import insert_for

DEFAULT_SINCE = date(2000, 1, 1)

DEFAULT_POINT_RULES: dict[str, Any] = {
    # Submitting a monthly study's quiz earns these points; at most cap_per_month a month.
    "study": {"points": 5, "cap_per_month": 5},
    # A quarterly test earns round(points × score / max score); at most cap_per_quarter a quarter.
    "test": {"points": 10, "cap_per_quarter": 10},
}

# A live 知识竞赛 (quizapp.contest): every member who joined gets ``participate``, the members of
# the teams ranked 1st, 2nd, 3rd ``rank_bonus`` on top; entered for approval. Rules stored
# without this section use these defaults (``contest_rules``).
DEFAULT_CONTEST_RULES: dict[str, Any] = {"participate": 2, "rank_bonus": [3, 2, 1]}

DEFAULT_RATING_RULES: dict[str, Any] = {
    # Units with fewer members in the audience are flagged, not ranked or rated.
    "min_members": 3,
    # Stars: the first row whose participation and average (both percentages) are met.
    "stars": [
        {"stars": 5, "participation": 95, "average": 85},
        {"stars": 4, "participation": 90, "average": 75},
        {"stars": 3, "participation": 80, "average": 65},
        {"stars": 2, "participation": 70, "average": 60},
        {"stars": 1, "participation": 0, "average": 0},
    ],
    # Cards: below either threshold (percent).
    "yellow_card": {"participation": 70, "average": 60},
    "red_card": {"participation": 50, "average": 45},
}

STAR_NAMES = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星"}

DEFAULTS = {RuleKind.POINTS: DEFAULT_POINT_RULES, RuleKind.RATING: DEFAULT_RATING_RULES}


class RuleError(ValueError):
    """Rules that cannot be used; the message is for the organizer (Chinese)."""


def _whole(value: Any, low: int, high: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleError(f"{where} 必须是 {low}–{high} 之间的整数")
    return value


def validate_point_rules(rules: Any) -> dict[str, Any]:
    """The rules normalized, or RuleError naming the first bad value."""
    if not isinstance(rules, dict):
        raise RuleError("积分规则格式不正确")
    study, test = rules.get("study"), rules.get("test")
    if not isinstance(study, dict) or not isinstance(test, dict):
        raise RuleError("积分规则须包含月度选学和季度测试两项")
    normalized = {
        "study": {"points": _whole(study.get("points"), 0, 1000, "月度选学积分"),
                  "cap_per_month": _whole(study.get("cap_per_month"), 0, 10000, "月度选学每月上限")},
        "test": {"points": _whole(test.get("points"), 0, 1000, "季度测试满分积分"),
                 "cap_per_quarter": _whole(test.get("cap_per_quarter"), 0, 10000,
                                           "季度测试每季度上限")},
    }
    if "contest" in rules:
        normalized["contest"] = _contest(rules["contest"])
    return normalized


def _contest(section: Any) -> dict[str, Any]:
    if not isinstance(section, dict) or not isinstance(section.get("rank_bonus"), list) \
            or len(section["rank_bonus"]) > 10:
        raise RuleError("知识竞赛积分规则格式不正确")
    return {"participate": _whole(section.get("participate"), 0, 100, "知识竞赛参赛积分"),
            "rank_bonus": [_whole(v, 0, 100, "知识竞赛名次加分") for v in section["rank_bonus"]]}


def contest_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """The contest section of point rules, or the defaults when the version has none."""
    return _contest(rules["contest"]) if "contest" in rules else dict(DEFAULT_CONTEST_RULES)


def validate_rating_rules(rules: Any) -> dict[str, Any]:
    """The rules normalized (star rows from most to fewest stars), or RuleError."""
    if not isinstance(rules, dict):
        raise RuleError("评星规则格式不正确")
    rows = rules.get("stars")
    if not isinstance(rows, list) or not rows:
        raise RuleError("评星规则至少要有一档")
    stars = []
    for row in rows:
        if not isinstance(row, dict):
            raise RuleError("评星规则格式不正确")
        stars.append({"stars": _whole(row.get("stars"), 1, 5, "星级"),
                      "participation": _whole(row.get("participation"), 0, 100, "参与率门槛"),
                      "average": _whole(row.get("average"), 0, 100, "平均得分率门槛")})
    stars.sort(key=lambda row: -row["stars"])
    cards = {}
    for name, label in (("yellow_card", "黄牌"), ("red_card", "红牌")):
        card = rules.get(name)
        if not isinstance(card, dict):
            raise RuleError(f"评星规则须包含{label}门槛")
        cards[name] = {"participation": _whole(card.get("participation"), 0, 100, f"{label}参与率门槛"),
                       "average": _whole(card.get("average"), 0, 100, f"{label}平均得分率门槛")}
    if len({row["stars"] for row in stars}) != len(stars):
        raise RuleError("每个星级只能有一档")
    for key, label in (("participation", "参与率"), ("average", "平均得分率")):
        if cards["red_card"][key] > cards["yellow_card"][key]:
            raise RuleError(f"红牌{label}门槛不能高于黄牌{label}门槛")
    return {"min_members": _whole(rules.get("min_members"), 1, 1000, "最少人数"), "stars": stars,
            **cards}


def describe_point_rules(rules: dict[str, Any]) -> str:
    """The point rules in one Chinese sentence."""
    study, test = rules["study"], rules["test"]
    return (f"完成月度选学得 {study['points']} 分，每月最多 {study['cap_per_month']} 分；"
            f"季度测试按得分率折算，满分 {test['points']} 分，每季度最多 {test['cap_per_quarter']} 分。")


def describe_rating_rules(rules: dict[str, Any]) -> str:
    """The rating rules in Chinese words, e.g. for display beside a unit's rating."""
    parts = []
    for row in rules["stars"]:
        name = STAR_NAMES.get(row["stars"], f"{row['stars']}星")
        if row["participation"] == 0 and row["average"] == 0:
            parts.append(f"其余{name}")
        else:
            parts.append(f"参与率≥{row['participation']}%且平均得分率≥{row['average']}%为{name}")
    yellow, red = rules["yellow_card"], rules["red_card"]
    return ("；".join(parts)
            + f"；参与率低于{yellow['participation']}%或平均得分率低于{yellow['average']}%亮黄牌"
            + f"，参与率低于{red['participation']}%或平均得分率低于{red['average']}%亮红牌"
            + f"；参加人数少于{rules['min_members']}人的单位只标注、不评定。")


VALIDATORS = {RuleKind.POINTS: validate_point_rules, RuleKind.RATING: validate_rating_rules}


# Every unit of the chain with its versions effective by the day (None for a unit without).
_VERSIONS_UP = (
    select(_CHAIN.c.id, RuleVersion).select_from(_CHAIN)
    .outerjoin(RuleVersion, and_(RuleVersion.unit_id == _CHAIN.c.id,
                                 RuleVersion.kind == bindparam("kind"),
                                 RuleVersion.effective_from <= bindparam("day")))
    .order_by(_CHAIN.c.depth, RuleVersion.effective_from.desc(), RuleVersion.id.desc())
)


def rules_in_effect(session: Session, kind: RuleKind, unit_id: int, day: date) -> RuleVersion:
    """The version in effect for the unit on the day; the stored defaults if the tree has none."""
    ids: list[int] = []
    for unit, version in session.execute(_VERSIONS_UP, {"unit_id": unit_id, "kind": kind,
                                                        "day": day}):
        if version is not None:  # the latest of the nearest unit that has one
            return version
        if unit in ids:
            break
        ids.append(unit)
    return _stored_default(session, kind, ids[-1] if ids else unit_id)


def _stored_default(session: Session, kind: RuleKind, root_id: int) -> RuleVersion:
    """The defaults stored on the root; of two racing first submits, one inserts."""
    session.execute(
        insert_for(session, RuleVersion)
        .values(kind=kind, unit_id=root_id, effective_from=DEFAULT_SINCE, rules=DEFAULTS[kind],
                note="系统默认规则", created_at=utcnow())
        .on_conflict_do_nothing()
    )
    return session.scalars(
        select(RuleVersion).where(RuleVersion.kind == kind, RuleVersion.unit_id == root_id,
                                  RuleVersion.effective_from == DEFAULT_SINCE)
    ).one()
