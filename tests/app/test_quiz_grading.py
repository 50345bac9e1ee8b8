"""Grading of each type (grading.grade, the only grader) and the display/stored forms."""

from __future__ import annotations

import pytest

from quizapp.models import QuestionType
from quizapp.quiz.responses import BadResponse, blank_count, from_form, to_shown, to_stored
from quizapp.results.grading import Grade, grade, normalize_fill

SINGLE, MULTIPLE, JUDGE, FILL = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.JUDGE,
                                 QuestionType.FILL)


@pytest.mark.parametrize(
    ("qtype", "answer", "response", "expected"),
    [
        (SINGLE, [2], [2], Grade(True, 1)),
        (SINGLE, [2], [1], Grade(False, 0)),
        (SINGLE, [2], None, Grade(False, 0)),
        (MULTIPLE, [0, 1, 3], [0, 1, 3], Grade(True, 1)),
        (MULTIPLE, [0, 1, 3], [3, 1, 0], Grade(True, 1)),
        (MULTIPLE, [0, 1, 3], [0, 1], Grade(False, 0)),       # all or nothing
        (MULTIPLE, [0, 1, 3], [0, 1, 2, 3], Grade(False, 0)),
        (JUDGE, True, True, Grade(True, 1)),
        (JUDGE, True, False, Grade(False, 0)),
        (JUDGE, False, False, Grade(True, 1)),
        (JUDGE, False, None, Grade(False, 0)),
        (FILL, ["党课"], ["党课"], Grade(True, 1)),
        (FILL, ["党课"], ["党史"], Grade(False, 0)),
        (FILL, ["四个意识", "四个自信"], ["四个意识", "四个自信"], Grade(True, 1)),
        (FILL, ["四个意识", "四个自信"], ["四个自信", "四个意识"], Grade(False, 0)),
        (FILL, ["四个意识", "四个自信"], ["四个意识"], Grade(False, 0)),
    ],
)
def test_each_type(qtype, answer, response, expected):
    assert grade(qtype, answer, [], response) == expected


def test_points_follow_the_item():
    assert grade(SINGLE, [0], [], [0], max_points=5) == Grade(True, 5)
    assert grade(SINGLE, [0], [], [1], max_points=5) == Grade(False, 0)


def test_partial_credit_for_multiple_is_an_option():
    assert grade(MULTIPLE, [0, 1, 2, 3], [], [0, 1], max_points=4, partial_multiple=True) == Grade(False, 2)
    # A wrong option earns nothing, partial credit or not.
    assert grade(MULTIPLE, [0, 1, 2, 3], [], [0, 4], max_points=4, partial_multiple=True) == Grade(False, 0)
    assert grade(MULTIPLE, [0, 1], [], [0, 1], max_points=4, partial_multiple=True) == Grade(True, 4)


@pytest.mark.parametrize(
    ("given", "key"),
    [
        (" 党课 ", "党课"),
        ("党 课", "党课"),
        ("\u3000党课\t", "党课"),                 # ideographic space, tab
        ("ＡＢＣ１２３", "abc123"),               # full-width letters and digits
        ("Abc", "aBC"),
        ("“四个意识”", "四个意识"),               # quotes a blank may or may not repeat
        ("《中国共产党章程》", "中国共产党章程"),
        ("党建+业务", "党建＋业务"),
        ("思想、组织", "思想,组织"),
        ("思想，组织", "思想,组织"),
        ("党课。", "党课"),
        ("12", "１２"),
    ],
)
def test_fill_normalization_accepts(given, key):
    assert normalize_fill(given) == normalize_fill(key)
    assert grade(FILL, [key], [], [given]).correct


@pytest.mark.parametrize(("given", "key"), [("党史", "党课"), ("四个", "四个意识"), ("", "党课")])
def test_fill_normalization_still_tells_words_apart(given, key):
    assert not grade(FILL, [key], [], [given]).correct


def test_fill_accepts_the_organizers_variants():
    variants = [["两学一做学习教育"], ["两学一做"]]
    assert grade(FILL, ["“两学一做”"], variants, ["两学一做"]).correct
    assert grade(FILL, ["“两学一做”"], variants, ["两学一做学习教育"]).correct
    assert not grade(FILL, ["“两学一做”"], variants, ["三严三实"]).correct
    two = [["党员大会", "党小组会"]]
    assert grade(FILL, ["支部党员大会", "党小组会"], two, ["党员大会", "党小组会 "]).correct
    assert not grade(FILL, ["支部党员大会", "党小组会"], two, ["党员大会", "支部委员会"]).correct


# --- display form <-> stored form ----------------------------------------------------------------

def test_choices_are_stored_as_option_indexes_whatever_the_order_shown():
    order = [2, 0, 3, 1]  # position 0 shows option 2, ...
    assert to_stored(SINGLE, order, 1, 0) == [2]
    assert to_stored(MULTIPLE, order, 1, [3, 0]) == [1, 2]
    assert to_shown(SINGLE, order, [2]) == 0
    assert to_shown(MULTIPLE, order, [1, 2]) == [0, 3]
    assert to_stored(MULTIPLE, order, 1, []) is None


def test_judge_and_fill_are_stored_as_given():
    assert to_stored(JUDGE, [], 1, False) is False
    assert to_stored(FILL, [], 2, [" a ", "b"]) == ["a", "b"]
    assert to_stored(FILL, [], 2, ["", " "]) is None
    assert to_stored(SINGLE, [0, 1], 1, None) is None


@pytest.mark.parametrize(
    ("qtype", "values", "expected"),
    [
        (SINGLE, ["2"], 2), (SINGLE, [], None), (MULTIPLE, ["0", "3"], [0, 3]),
        (JUDGE, ["true"], True), (JUDGE, ["false"], False), (FILL, ["a", ""], ["a", ""]),
        (FILL, [], None),
    ],
)
def test_plain_form_values(qtype, values, expected):
    assert from_form(qtype, values) == expected


@pytest.mark.parametrize(
    ("qtype", "values"),
    [(SINGLE, ["x"]), (SINGLE, ["1", "2"]), (SINGLE, ["-1"]), (JUDGE, ["yes"]),
     (JUDGE, ["true", "false"]), (MULTIPLE, ["99999"])],
)
def test_bad_plain_form_values(qtype, values):
    with pytest.raises(BadResponse):
        from_form(qtype, values)


def test_blank_count_follows_the_stem():
    assert blank_count("以“____”活动为抓手，____。", 2) == 2
    assert blank_count("填空：___", 1) == 1
    assert blank_count("“三会一课”是指什么？", 4) == 4  # no blank drawn: one input per answer
