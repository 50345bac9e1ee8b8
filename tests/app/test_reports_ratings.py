"""Ranks (ties, never by totals, the min-size flag), ratings under two rule versions, mastery."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from report_helpers import org  # noqa: F401 - fixture
from quizapp.extensions import db
from quizapp.models import RuleKind, RuleVersion, Unit, UnitKind
from quizapp.results.rules import DEFAULT_RATING_RULES, validate_rating_rules
from quizapp.reports import pages
from quizapp.results.periods import parse_period
from quizapp.reports.queries import Figures
from quizapp.reports.ratings import RuleInfo, rank_members, rank_units, rate

RULES_V1 = {"min_members": 3,
            "stars": [{"stars": 5, "participation": 90, "average": 85},
                      {"stars": 3, "participation": 60, "average": 80},
                      {"stars": 1, "participation": 0, "average": 0}],
            "yellow_card": {"participation": 70, "average": 60},
            "red_card": {"participation": 50, "average": 50}}
RULES_V2 = {"min_members": 2,
            "stars": [{"stars": 5, "participation": 60, "average": 80},
                      {"stars": 2, "participation": 0, "average": 0}],
            "yellow_card": {"participation": 50, "average": 50},
            "red_card": {"participation": 45, "average": 45}}


def _f(audience: int, participants: int, average: float) -> Figures:
    return Figures(audience, participants, 0, average * participants, 0, 0, members=audience)


def test_rank_by_average_then_participation_ties_share() -> None:
    units = {1: _f(10, 9, 80), 2: _f(20, 18, 80), 3: _f(10, 7, 80), 4: _f(100, 10, 90),
             5: _f(2, 2, 100)}
    ranks = rank_units(units, min_members=3)
    # Unit 4 has the most results in total but ranks by its average, not its total.
    assert {u: r.rank for u, r in ranks.items()} == {4: 1, 1: 2, 2: 2, 3: 4, 5: None}
    assert ranks[5].text == "人数不足，不参与排名" and ranks[1].text == "第2名 / 共4个（另1个人数不足）"


def test_member_rank_ties_share() -> None:
    assert rank_members([100.0, 75.0, 75.0, 50.0], 75.0) == (2, 4)
    assert rank_members([100.0, 75.0, 75.0, 50.0], 50.0) == (4, 4)
    assert rank_members([100.0 / 3, 200.0 / 6], 100.0 / 3) == (1, 2)


def test_rate_thresholds_are_inclusive_and_red_wins() -> None:
    rule = RuleInfo(validate_rating_rules(DEFAULT_RATING_RULES), "", date(2000, 1, 1), "")
    assert rate(_f(20, 19, 85), rule).stars == 5  # 95% and 85 exactly meet the five-star row
    assert rate(_f(20, 19, 84.9), rule).stars == 4
    low = rate(_f(10, 4, 90), rule)  # 40% participation: below yellow (70) and red (50)
    assert low.card == "red" and low.card_label == "红牌"
    middle = rate(_f(10, 6, 90), rule)  # 60%: below yellow only
    assert middle.card == "yellow" and middle.stars == 1
    assert rate(_f(2, 2, 100), rule).too_few


def _add_rules(app: Flask, unit_id: int, since: date, rules: dict) -> None:
    with app.app_context():
        db.session.add(RuleVersion(kind=RuleKind.RATING, unit_id=unit_id, effective_from=since,
                                   rules=validate_rating_rules(rules), note=f"{since}版"))
        db.session.commit()


def _rating(app: Flask, org: dict, unit: str, period: str):
    with app.app_context():
        return pages.period_report(db.session, db.session.get(Unit, org["units"][unit].id),
                                   parse_period(period)).rating


def test_ratings_under_two_rule_versions(app: Flask, org: dict[str, Any]) -> None:
    g = org["units"]["G"].id
    _add_rules(app, g, date(2026, 1, 1), RULES_V1)
    _add_rules(app, g, date(2026, 12, 1), RULES_V2)
    # 2026-10 (only the test; rules of 10-31 = v1): A 60% / 83.3 → 3 stars, yellow (60 < 70).
    a = _rating(app, org, "A", "2026-10")
    assert (a.stars, a.card, a.rule.note) == (3, "yellow", "2026-01-01版")
    assert a.text == "★★★（三星），亮黄牌"
    assert "参与率≥60%且平均得分率≥80%为三星" in a.rule.text
    b = _rating(app, org, "B", "2026-10")  # 80% / 56.3 → 1 star, yellow (56.3 < 60)
    assert (b.stars, b.card) == (1, "yellow")
    assert _rating(app, org, "C", "2026-10").too_few  # 2 members < 3
    # 2026-Q4 (rules of 12-31 = v2): A 45.5% / 80.0 → 2 stars, yellow (45.5 < 50), not red.
    a = _rating(app, org, "A", "2026-Q4")
    assert (a.stars, a.card, a.rule.note) == (2, "yellow", "2026-12-01版")
    b = _rating(app, org, "B", "2026-Q4")  # 9 slots, 5 results: 55.6% / 65.0
    assert (b.stars, b.card) == (2, None)
    c = _rating(app, org, "C", "2026-Q4")  # 4 slots, 1 result: 25% → red (min 2 now met)
    assert (c.too_few, c.stars, c.card) == (False, 2, "red")


def test_ranking_uses_the_parents_rules(app: Flask, org: dict[str, Any]) -> None:
    _add_rules(app, org["units"]["G"].id, date(2026, 1, 1), RULES_V2)
    with app.app_context():
        report = pages.period_report(db.session, db.session.get(Unit, org["units"]["C"].id),
                                     parse_period("2026-10"))
    # min_members 2: C (2 members, 100%) is now ranked, and first.
    assert (report.rank.rank, report.rank.of) == (1, 3)


def test_mastery_cells_and_weak_marks(app: Flask, org: dict[str, Any]) -> None:
    units = org["units"]
    with app.app_context():
        m = pages.mastery(db.session, db.session.get(Unit, units["G"].id), parse_period("2026-Q4"))
    a, b, c, total = units["A"].id, units["B"].id, units["C"].id, pages.TOTAL
    assert m.rows == [(a, "第一党支部"), (b, "第二党支部"), (c, "第三党支部"), (total, "合计")]
    assert m.concepts == ["主题党日", "三会一课", "四个意识"]
    cells = {key: (s.correct, s.answers) for key, s in m.cells.items()}
    assert cells == {
        (a, "三会一课"): (9, 10), (a, "四个意识"): (5, 5), (a, "主题党日"): (2, 5),
        (b, "三会一课"): (7, 10), (b, "四个意识"): (4, 5), (b, "主题党日"): (2, 5),
        (c, "三会一课"): (2, 2), (c, "四个意识"): (1, 1), (c, "主题党日"): (1, 1),
        (total, "三会一课"): (18, 22), (total, "四个意识"): (10, 11), (total, "主题党日"): (5, 11),
    }
    assert m.cells[(total, "主题党日")].percent == 45.5
    assert m.weak == {(a, "主题党日"), (b, "主题党日"), (b, "三会一课")}
    speech = {key: (s.correct, s.answers) for key, s in m.speech_cells.items()}
    assert speech[(a, m.speeches[0])] == (16, 20) and speech[(b, m.speeches[0])] == (13, 20)
    assert speech[(total, m.speeches[0])] == (33, 44)


def test_all_branches_of_a_tree_ranked_together(app: Flask, org: dict[str, Any]) -> None:
    with app.app_context():
        rows = pages.kind_ranking(db.session, db.session.get(Unit, org["units"]["G"].id),
                                  UnitKind.BRANCH, parse_period("2026-10"))
    assert [(row.name, row.figures.audience, row.rank.rank) for row in rows] == [
        ("第一党支部", 5, 1), ("第二党支部", 5, 2), ("第三党支部", 2, None)]


def test_mastery_shows_the_weakest_ten_key_points_first(app: Flask, client, login,
                                                        org: dict[str, Any]) -> None:
    names = [f"要点{i:02d}" for i in range(12)]  # as pages.mastery orders them: weakest first
    m = pages.Mastery(None, None, [], names, {}, set(), [], {}, set())  # type: ignore[arg-type]
    assert m.weakest_concepts == names[:10] and m.other_concepts == names[10:]
    login(client, "13900000100")
    html = client.get(f"/reports/units/{org['units']['G'].id}/mastery?p=2026-Q4").get_data(as_text=True)
    # Three key points: all shown at once, nothing behind the fold.
    assert "主题党日" in html and 'data-role="other-concepts"' not in html
