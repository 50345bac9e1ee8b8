"""One rule for a member's result, pinned once: at the boundaries (89.95%, 59.95%, 60%, two
best sittings of equal share) the percent, the verdict and the counts are the same on the
result page, under 我的成绩, in the branch report, in the roll-up, in the Excel export and in
the points; and for random sittings every page equals ``quizapp.results.scores``."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from activity_helpers import Outcome, add_result, at, make_activity
from quiz_helpers import add_question, add_speech
from quizapp.extensions import db
from quizapp.models import Activity, Attempt, PointEntry, QuestionType, ReportRollup, Unit, UnitKind
from quizapp.reports import excel, pages, queries
from quizapp.results import rollups, scores
from quizapp.results.awards import award_for_activity
from quizapp.results.periods import parse_period

PHONES = {name: f"1370000000{i}" for i, name in enumerate(("p1", "p2", "p3", "p4", "p5", "p6"), 1)}


def test_the_rule_in_numbers() -> None:
    assert scores.shown_percent(188, 209) == 90.0 and scores.percent(188, 209) < 90
    assert scores.verdict(188, 209, 60, 90) == "优秀"
    assert scores.shown_percent(1199, 2000) == 60.0 and scores.verdict(1199, 2000, 60, 90) == "合格"
    assert scores.shown_percent(1198, 2000) == 59.9 and scores.verdict(1198, 2000, 60, 90) == "不合格"
    assert scores.verdict(60, 100, 60, 90) == "合格" and scores.verdict(0, 0, 0, 90) == "不合格"
    assert [scores.bin_of(s, m) for s, m in ((1198, 2000), (1199, 2000), (188, 209), (100, 100))] \
        == [0, 1, 4, 4]


def test_best_sitting_has_one_tie_break() -> None:
    class S:
        def __init__(self, id: int, score: int, max_score: int, day: str) -> None:
            self.id, self.score, self.max_score, self.submitted_at = id, score, max_score, at(day)

    later_first_id, earlier = S(1, 1, 2, "2026-11-03"), S(2, 2, 4, "2026-11-02")
    assert scores.best_sitting([later_first_id, earlier]) is earlier  # equal share: earliest
    same_time = S(3, 2, 4, "2026-11-02")
    assert scores.best_sitting([same_time, earlier]) is earlier  # then the lowest id
    assert scores.best_sitting([earlier, S(4, 3, 4, "2026-11-09")]).id == 4  # a higher share wins


@pytest.fixture
def branch(app: Flask, make_unit: Any, make_person: Any) -> dict[str, Any]:
    """A branch of six; a closed test with sittings at the boundaries:
    p1 188/209 (89.95%) · p2 1199/2000 (59.95%) · p3 60/100 · p4 1198/2000 (59.9%)
    · p5 1/2 on 11-03 and 2/4 on 11-02 (equal: the earlier counts) · p6 none."""
    g = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    a = make_unit("第一党支部", UnitKind.BRANCH, g)
    people = {name: make_person(f"党员{name}", a, phone=phone).id for name, phone in PHONES.items()}
    question = add_question(app, add_speech(app, g.id), QuestionType.SINGLE).id
    test = make_activity(app, g.id, attempts_allowed=3)

    def sit(name: str, score: int, max_score: int, day: str, no: int = 1) -> int:
        made = add_result(app, test, people[name], [Outcome(question, score > 0, score, max_score)],
                          submitted_at=at(day), attempt_no=no)
        with app.app_context():  # the submit moves the roll-up, as ``submit_attempt`` does
            rollups.record_graded(db.session, db.session.get_one(Attempt, made))
            db.session.commit()
        return made

    with app.app_context():  # the roll-up is kept from the start, as after publishing
        rollups.rebuild(db.session, db.session.get_one(Activity, test))
        db.session.commit()
    sittings = {"p1": sit("p1", 188, 209, "2026-11-05"), "p2": sit("p2", 1199, 2000, "2026-11-05"),
                "p3": sit("p3", 60, 100, "2026-11-05"), "p4": sit("p4", 1198, 2000, "2026-11-05"),
                "p5_late": sit("p5", 1, 2, "2026-11-03"), "p5": sit("p5", 2, 4, "2026-11-02", 2)}
    return {"g": g.id, "a": a.id, "people": people, "test": test, "sittings": sittings}


EXPECTED = {"p1": (90.0, "优秀"), "p2": (60.0, "合格"), "p3": (60.0, "合格"), "p4": (59.9, "不合格"),
            "p5": (50.0, "不合格")}


def _text(html: str, role: str) -> str:
    found = re.search(rf'data-role="{role}">([^<]*)<', html)
    assert found, role
    return found.group(1)


def test_boundary_scores_read_the_same_everywhere(app: Flask, client: Any, login: Any,
                                                  branch: dict[str, Any]) -> None:
    people, test = branch["people"], branch["test"]
    # The result page and 我的成绩, as each member sees them.
    for name, (percent, verdict) in EXPECTED.items():
        login(client, PHONES[name])
        html = client.get(f"/quiz/attempts/{branch['sittings'][name]}/result").get_data(as_text=True)
        assert (_text(html, "verdict"), _text(html, "percent")) == (verdict, f"{percent}%"), name
        mine = client.get("/reports/me").get_data(as_text=True)
        assert (_text(mine, "verdict"), _text(mine, "percent")) == (verdict, f"{percent}%"), name
        client.post("/auth/logout")
    with app.app_context():
        unit = db.session.get_one(Unit, branch["a"])
        activity = db.session.get_one(Activity, test)
        report = pages.activity_report(db.session, unit, activity)
        # The branch report: members and counts.
        by_person = {m.person_id: (m.percent, m.verdict) for m in report.members}
        assert {n: by_person[people[n]] for n in EXPECTED} == EXPECTED
        assert by_person[people["p6"]] == (None, None)
        total = report.total
        assert (total.audience, total.participants, total.passed, total.excellent) == (6, 5, 3, 1)
        assert total.bins == [2, 2, 0, 0, 1]
        # The roll-up kept by the submits equals a rebuild and the attempts.
        kept = db.session.get_one(ReportRollup, (test, branch["a"]))
        assert (kept.participants, kept.passed, kept.excellent) == (5, 3, 1)
        assert [kept.bin_0, kept.bin_1, kept.bin_2, kept.bin_3, kept.bin_4] == [2, 2, 0, 0, 1]
        live = queries.unit_results(db.session, test)[branch["a"]]
        assert (live.passed, live.excellent, live.bins) == (3, 1, [2, 2, 0, 0, 1])
        # The Excel export.
        book = load_workbook(BytesIO(excel.report_workbook(report, at("2026-12-01"))))
        rows = [list(r) for r in book.active.iter_rows(values_only=True)]
        names = {f"党员{n}": n for n in EXPECTED}
        exported = {names[r[0]]: (r[3], r[4]) for r in rows if r[0] in names}
        assert exported == EXPECTED
        overall = rows[next(i for i, r in enumerate(rows) if r[0] == "总体情况") + 2]
        assert overall[1:7] == [6, 5, 83.3, total.average, 60.0, 20.0]
        # The points: the best sitting is the same one (p5: the earlier of two equal ones).
        for name in EXPECTED:
            award_for_activity(db.session, people[name], test, now=at("2026-11-06"))
        db.session.commit()
        entries = dict(db.session.execute(
            select(PointEntry.person_id, PointEntry.attempt_id)
            .where(PointEntry.activity_id == test)).tuples().all())
        assert {n: entries[people[n]] for n in EXPECTED} == {n: branch["sittings"][n] for n in EXPECTED}


def test_the_period_report_and_its_parent_count_the_same(app: Flask, branch: dict[str, Any]) -> None:
    with app.app_context():
        g = db.session.get_one(Unit, branch["g"])
        report = pages.period_report(db.session, g, parse_period("2026-Q4"))
        assert (report.total.passed, report.total.excellent, report.total.bins) == (3, 1, [2, 2, 0, 0, 1])
        assert report.rows[0].figures.excellent == 1


_quarters = itertools.count()
SHARES = [(188, 209), (1199, 2000), (1198, 2000), (60, 100), (1, 2), (2, 4), (9, 10), (0, 5),
          (7, 7), (179, 199)]
sittings_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(SHARES), st.integers(0, 3)),  # who, score, day
    min_size=1, max_size=7)


@pytest.fixture
def world(app: Flask, make_unit: Any, make_person: Any) -> dict[str, Any]:
    """A branch of three and one question: each example publishes a new test to it."""
    g = make_unit("随机党总支", UnitKind.GENERAL_BRANCH)
    unit = make_unit("随机党支部", UnitKind.BRANCH, g)
    members = [make_person(f"随机{i}", unit).id for i in range(3)]
    question = add_question(app, add_speech(app, g.id), QuestionType.SINGLE).id
    return {"unit": unit.id, "members": members, "question": question}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=sittings_strategy)
def test_every_page_equals_the_domain_functions(app: Flask, world: dict[str, Any],
                                                plan: list[tuple[int, tuple[int, int], int]]) -> None:
    """Random sittings (scores at and near the boundaries, ties on purpose): the report's
    members and counts, the roll-up, 我的成绩 and the points all equal ``results.scores``."""
    # A quarter of its own for each example, so that no points cap is reached.
    k = next(_quarters)
    test = make_activity(app, world["unit"], attempts_allowed=10,
                         period_start=date(2027 + k // 4, 3 * (k % 4) + 1, 1))
    numbers: dict[int, int] = {}
    for who, (score, max_score), day in plan:
        person = world["members"][who]
        numbers[person] = numbers.get(person, 0) + 1
        add_result(app, test, person, [Outcome(world["question"], score > 0, score, max_score)],
                   submitted_at=at("2026-11-02") + timedelta(days=day), attempt_no=numbers[person])
    with app.app_context():
        attempts = list(db.session.scalars(select(Attempt).where(Attempt.activity_id == test)))
        expected = {}
        for person in world["members"]:
            best = scores.best_sitting([a for a in attempts if a.person_id == person])
            if best is not None:
                expected[person] = (best.id, scores.shown_percent(best.score, best.max_score),
                                    scores.verdict(best.score, best.max_score, 60, 90),
                                    scores.bin_of(best.score, best.max_score))
        activity = db.session.get_one(Activity, test)
        unit = db.session.get_one(Unit, world["unit"])
        report = pages.activity_report(db.session, unit, activity)
        shown = {m.person_id: (m.percent, m.verdict) for m in report.members if m.finished}
        assert shown == {p: (e[1], e[2]) for p, e in expected.items()}
        bins = [0] * 5
        for e in expected.values():
            bins[e[3]] += 1
        total = report.total
        assert total.participants == len(expected)
        assert total.excellent == sum(e[2] == "优秀" for e in expected.values())
        assert total.passed == sum(e[2] != "不合格" for e in expected.values())
        assert total.bins == bins
        # The roll-up, rebuilt and read as the reports read it, says the same.
        rollups.rebuild(db.session, activity)
        rolled = pages.activity_report(db.session, unit, activity).total
        assert (rolled.participants, rolled.passed, rolled.excellent, rolled.bins) == \
            (total.participants, total.passed, total.excellent, total.bins)
        # 我的成绩 and the points read the same sitting.
        for person, (attempt_id, percent, verdict, _bin) in expected.items():
            mine = next(r for r in pages.my_results(db.session, person) if r.activity.id == test)
            assert (mine.percent, mine.verdict) == (percent, verdict)
            entry = award_for_activity(db.session, person, test, now=at("2026-11-06"))
            if percent == 0:  # a zero earns no points: no entry
                assert entry is None
            else:
                assert entry is not None and entry.attempt_id == attempt_id
        db.session.commit()
