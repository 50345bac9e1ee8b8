"""The automatic ledger: points for a study and a test under the rule version in effect,
caps per month and quarter, retakes, the append-only guard, and the ledger reads."""

from __future__ import annotations

from datetime import date

import pytest
from activity_helpers import Outcome, add_result, at, make_activity
from quiz_helpers import bank, quiz_org  # noqa: F401 - fixtures
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ActivityKind, EntryKind, PointEntry, QuestionType, Role, RuleKind, RuleVersion
from quizapp.points.manual import add_manual_entry, decide
from quizapp.points.queries import ledger_for, monthly_totals, total_for, unit_totals
from quizapp.results.rules import DEFAULT_SINCE
from quizapp.results.awards import award_for_activity, award_for_members

STUDY_PARTS = ((QuestionType.SINGLE, 1, 10),)
TEST_PARTS = ((QuestionType.SINGLE, 2, 5),)


def _rules(app, unit_id, day, study=(5, 5), test=(10, 10)):
    """A points rule version stored directly (the form refuses past dates)."""
    with app.app_context():
        db.session.add(RuleVersion(
            kind=RuleKind.POINTS, unit_id=unit_id, effective_from=day, note=f"{day}起",
            rules={"study": {"points": study[0], "cap_per_month": study[1]},
                   "test": {"points": test[0], "cap_per_quarter": test[1]}}))
        db.session.commit()


def _award(app, person_id, activity_id, when="2026-11-20", **kwargs):
    with app.app_context():
        entry = award_for_activity(db.session, person_id, activity_id, now=at(when), **kwargs)
        db.session.commit()
        return None if entry is None else (entry.kind, entry.points, entry.attempt_id,
                                           entry.rule_version_id)


def _entries(app, person_id):
    with app.app_context():
        return [(e.kind, e.points) for e in db.session.scalars(
            select(PointEntry).where(PointEntry.person_id == person_id).order_by(PointEntry.id))]


def _half(qs):
    """One of two 5-point questions right: 5 of 10."""
    return [Outcome(qs["single"].id, True, 5, 5), Outcome(qs["judge"].id, False, 0, 5)]


def _full(qs, right=2):
    return [Outcome(qs["single"].id, right >= 1, 5 if right >= 1 else 0, 5),
            Outcome(qs["judge"].id, right >= 2, 5 if right >= 2 else 0, 5)]


def test_study_and_test_points_trace_to_attempt_and_rule_in_effect(app, quiz_org, bank):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    _rules(app, units["general"].id, date(2026, 11, 10), study=(8, 8), test=(20, 20))
    study = make_activity(app, units["general"].id, kind=ActivityKind.STUDY, title="11月选学",
                          period_start=date(2026, 11, 1), parts=STUDY_PARTS)
    test = make_activity(app, units["general"].id, parts=TEST_PARTS)
    early = add_result(app, study, people["member"].id, [Outcome(qs["single"].id, True, 10, 10)],
                       submitted_at=at("2026-11-05"))
    late = add_result(app, study, people["member2"].id, [Outcome(qs["single"].id, False, 0, 10)],
                      submitted_at=at("2026-11-12"))
    scored = add_result(app, test, people["member"].id, _half(qs), submitted_at=at("2026-11-06"))

    kind, points, attempt_id, early_rule = _award(app, people["member"].id, study)
    assert (kind, points, attempt_id) == (EntryKind.STUDY, 5, early)  # the default, before 11-10
    kind, points, attempt_id, late_rule = _award(app, people["member2"].id, study)
    assert (kind, points, attempt_id) == (EntryKind.STUDY, 8, late)  # completing counts, not the score
    assert _award(app, people["member"].id, test) == (EntryKind.TEST, 5, scored, early_rule)
    with app.app_context():
        assert db.session.get(RuleVersion, early_rule).effective_from == DEFAULT_SINCE
        assert db.session.get(RuleVersion, late_rule).effective_from == date(2026, 11, 10)
        assert total_for(db.session, people["member"].id) == 10


def test_a_rule_version_is_chosen_by_the_beijing_day_of_submission(app, quiz_org, bank):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    _rules(app, units["branch"].id, date(2026, 11, 10), study=(7, 7))
    study = make_activity(app, units["general"].id, kind=ActivityKind.STUDY,
                          period_start=date(2026, 11, 1), parts=STUDY_PARTS)
    # 2026-11-09 17:00 UTC is 11-10 01:00 in Beijing: the new version (of the nearer unit) applies.
    add_result(app, study, people["member"].id, [Outcome(qs["single"].id, True, 10, 10)],
               submitted_at=at("2026-11-09", 17))
    assert _award(app, people["member"].id, study)[1] == 7


def test_a_later_rule_version_leaves_past_entries_alone(app, quiz_org, bank):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    test = make_activity(app, units["general"].id, parts=TEST_PARTS, attempts_allowed=2)
    add_result(app, test, people["member"].id, _half(qs), submitted_at=at("2026-11-05"))
    assert _award(app, people["member"].id, test)[1] == 5
    _rules(app, units["general"].id, date(2026, 11, 6), test=(100, 100))
    assert _award(app, people["member"].id, test) is None  # nothing recomputed
    # A retake after the change still earns under the version the first entry used.
    add_result(app, test, people["member"].id, _full(qs), submitted_at=at("2026-11-08"), attempt_no=2)
    assert _award(app, people["member"].id, test)[1] == 5
    assert _entries(app, people["member"].id) == [(EntryKind.TEST, 5), (EntryKind.TEST, 5)]


def test_a_retake_appends_only_the_difference_and_a_worse_one_nothing(app, quiz_org, bank):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    test = make_activity(app, units["general"].id, parts=TEST_PARTS, attempts_allowed=3)
    person = people["member"].id
    add_result(app, test, person, _half(qs), submitted_at=at("2026-11-05"))
    _award(app, person, test)
    add_result(app, test, person, _full(qs), submitted_at=at("2026-11-06"), attempt_no=2)
    _, points, best, _ = _award(app, person, test)
    assert points == 5
    add_result(app, test, person, _full(qs, right=0), submitted_at=at("2026-11-07"), attempt_no=3)
    assert _award(app, person, test) is None
    assert _award(app, person, test) is None  # repeated: nothing more
    assert _entries(app, person) == [(EntryKind.TEST, 5), (EntryKind.TEST, 5)]
    with app.app_context():
        assert total_for(db.session, person) == 10
        assert ledger_for(db.session, person)[0].entry.attempt_id == best


def test_caps_per_month_for_studies_and_per_quarter_for_tests(app, quiz_org, bank):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    _rules(app, units["general"].id, date(2026, 1, 1), study=(5, 8), test=(10, 14))
    person, general = people["member"].id, units["general"].id
    studies = [make_activity(app, general, kind=ActivityKind.STUDY, title=f"选学{n}",
                             period_start=date(2026, 11, 1), parts=STUDY_PARTS) for n in (1, 2)]
    december = make_activity(app, general, kind=ActivityKind.STUDY, title="12月选学",
                             period_start=date(2026, 12, 1), parts=STUDY_PARTS)
    for study in [*studies, december]:
        add_result(app, study, person, [Outcome(qs["single"].id, True, 10, 10)])
    assert [_award(app, person, s)[1] for s in [*studies, december]] == [5, 3, 5]

    tests = [make_activity(app, general, title=f"测试{n}", parts=TEST_PARTS,
                           period_start=date(2026, 10, 1)) for n in (1, 2)]
    next_quarter = make_activity(app, general, title="下季度测试", parts=TEST_PARTS,
                                 period_start=date(2027, 1, 1))
    for test in [*tests, next_quarter]:
        add_result(app, test, person, _full(qs))
    assert [_award(app, person, t)[1] for t in [*tests, next_quarter]] == [10, 4, 10]
    with app.app_context():
        assert total_for(db.session, person) == 13 + 24


def test_the_ledger_is_append_only(app, quiz_org, bank):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    test = make_activity(app, units["general"].id, parts=TEST_PARTS)
    add_result(app, test, people["member"].id, _half(qs))
    _award(app, people["member"].id, test)
    with app.app_context():
        entry = db.session.scalars(select(PointEntry)).one()
        entry.points = 99
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        entry = db.session.scalars(select(PointEntry)).one()
        db.session.delete(entry)
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalars(select(PointEntry.points)).all() == [5]


def test_monthly_totals_by_beijing_month_and_unit_totals_count_what_counts(app, quiz_org, bank,
                                                                          make_person):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    # Someone other than the author decides (issue 19).
    decider = make_person(name="书记", unit=units["branch"], roles=[(Role.SECRETARY, units["branch"])]).id
    person = people["member"].id
    study = make_activity(app, units["general"].id, kind=ActivityKind.STUDY,
                          period_start=date(2026, 10, 1), parts=STUDY_PARTS)
    add_result(app, study, person, [Outcome(qs["single"].id, True, 10, 10)])
    _award(app, person, study, when="2026-10-20")
    with app.app_context():
        secretary = people["member2"].id
        award = add_manual_entry(db.session, person, EntryKind.AWARD, 3, "志愿服务", secretary,
                                 now=at("2026-11-30", 17))  # 12-01 01:00 in Beijing
        decide(db.session, award.id, True, "", decider, now=at("2026-12-02"))
        add_manual_entry(db.session, person, EntryKind.PENALTY, 2, "待审批的扣分", secretary,
                         now=at("2026-12-03"))
        db.session.commit()
        months = monthly_totals(db.session, person)
        assert [(m.month, m.points, m.cumulative) for m in months] == [
            ("2026-10", 5, 5), ("2026-11", 0, 5), ("2026-12", 3, 8)]
        group = {units["group"].id}
        assert unit_totals(db.session, group) == {person: 8}
        assert unit_totals(db.session, group, since=date(2026, 12, 1)) == {person: 3}
        assert unit_totals(db.session, group, until=date(2026, 12, 1)) == {person: 5}
        assert unit_totals(db.session, {units["other_branch"].id}) == {}


def test_awarding_many_members_at_once_matches_one_by_one(app, quiz_org, bank, make_person):
    people, units, qs = quiz_org["people"], quiz_org["units"], bank["questions"]
    _rules(app, units["branch"].id, date(2026, 11, 6), test=(20, 20))
    third = make_person(name="赵六", unit=units["group"])
    test = make_activity(app, units["general"].id, parts=TEST_PARTS)
    add_result(app, test, people["member"].id, _half(qs), submitted_at=at("2026-11-05"))
    add_result(app, test, people["member2"].id, _full(qs), submitted_at=at("2026-11-07"))
    with app.app_context():
        made = award_for_members(db.session, test, [people["member"].id, people["member2"].id,
                                                    third.id, people["outsider"].id],
                                 now=at("2026-11-20"))
        db.session.commit()
        assert {person: entry.points for person, entry in made.items()} == {
            people["member"].id: 5, people["member2"].id: 20}  # default rules, then the branch's
        assert award_for_members(db.session, test, [people["member"].id, people["member2"].id]) == {}
