"""Questions: each type, distractors, judge forms, fills, determinism and the audit on real speeches."""
from __future__ import annotations

import json

import pytest

from questions.audit import audit
from questions.build import build_bank, format_report
from questions.knowledge import load_knowledge
from questions.text import read_speech
from questions.types import Origin, QType

TEXT = (
    "关于今年工作，我讲三点意见。",
    "第一，提高思想认识。牢固树立“四个意识”，深入开展“作风建设年”活动。",
    "第二，狠抓工作落实。要着力建设学习强、作风强、纪律强的“三强”机关。每月开展党规党纪选学，每季度进行应知应会测试。",
    "第三，强化组织保障。认真执行《党支部工作规则》，不断增强学习能力、实践能力、创新能力。",
    "只有队伍强、业绩强，才能服务好大局。",
)


@pytest.fixture
def bank(make_speech):
    return build_bank([make_speech(*TEXT)])[0]


def rows(bank):
    return [q.to_json() for q in bank.questions]


def test_every_type_is_made(bank):
    types = {q.type for q in bank.questions}
    assert types == {QType.SINGLE, QType.MULTIPLE, QType.JUDGE, QType.FILL}


def test_answers_are_well_formed(bank):
    for q in bank.questions:
        if q.type == QType.SINGLE:
            assert len(q.answer) == 1 and 0 <= q.answer[0] < len(q.options)
        elif q.type == QType.MULTIPLE:
            assert len(q.answer) >= 2 and all(0 <= i < len(q.options) for i in q.answer)
        elif q.type == QType.JUDGE:
            assert isinstance(q.answer, bool) and not q.options
        else:
            assert q.answer and all(a in q.source.sentence for a in q.answer)
            assert q.stem.count("____") in (0, len(q.answer))
        assert len(set(q.options)) == len(q.options)
        assert 1 <= q.difficulty <= 3


def test_multiple_choice_on_an_enumeration(bank):
    q = next(q for q in bank.questions if q.concept == "三强" and q.type == QType.MULTIPLE)
    right = {q.options[i] for i in q.answer}
    assert right == {"学习强", "作风强", "纪律强"}
    wrong = set(q.options) - right
    # Distractors share the members' shape (…强) and come from elsewhere in the speech.
    assert wrong == {"队伍强", "业绩强"}


def test_formula_distractors_are_siblings_with_the_same_count(bank):
    q = next(q for q in bank.questions if q.concept == "四个意识" and q.type == QType.SINGLE)
    wrong = [o for i, o in enumerate(q.options) if i not in q.answer]
    assert q.options[q.answer[0]] == "四个意识"
    assert wrong and all(o.startswith("四") for o in wrong)


def test_judge_comes_true_and_false_and_false_changes_a_fact(bank):
    judges = [q for q in bank.questions if q.type == QType.JUDGE and q.kind.value == "fact"]
    assert any(q.answer is True for q in judges)
    false = next(q for q in judges if q.answer is False)
    said = "每月开展党规党纪选学，每季度进行应知应会测试"
    assert said not in false.stem
    changed = [f for f in ("每周", "每半个月", "每月", "每季度", "每半年", "每年") if f in false.stem]
    assert len(changed) == 2  # one frequency kept, the other replaced by a different one
    for word in ("不", "没有", "未"):
        assert false.stem.count(word) == said.count(word)


def test_fill_blanks_the_term_in_its_sentence(bank):
    q = next(q for q in bank.questions if q.concept == "作风建设年" and q.type == QType.FILL)
    assert q.answer == ("作风建设年",)
    assert "“____”" in q.stem
    said = q.stem.replace("____", "作风建设年").split("，", 1)[1]  # after 讲话指出，
    assert said.startswith("牢固树立") and said in q.source.sentence


def test_knowledge_questions_are_marked_and_come_from_the_data_file(make_speech):
    bank = build_bank([make_speech("统筹推进“五位一体”总体布局，坚持稳中求进工作总基调。")])[0]
    kb = [q for q in bank.questions if q.origin == Origin.KNOWLEDGE]
    assert kb and all(q.concept == "五位一体" for q in kb)
    multiple = next(q for q in kb if q.type == QType.MULTIPLE)
    members = set(load_knowledge().formula("五位一体").members)
    assert {multiple.options[i] for i in multiple.answer} == members
    # The wrong members are of the same kind: …建设, like every member.
    assert all(o.endswith("建设") for o in multiple.options)
    assert all(q.origin == Origin.SPEECH for q in bank.questions if q.concept != "五位一体")


def test_no_knowledge_question_without_siblings_of_the_members_kind(make_speech):
    """四个意识's members end in 意识: 道路自信 or 尊重知识 would be of another kind, so without
    other …意识 in the lexicon or the speech there is no member question."""
    bank = build_bank([make_speech("牢固树立“四个意识”。")])[0]
    for q in bank.questions:
        if q.origin == Origin.KNOWLEDGE:
            assert all(o.endswith("意识") for o in q.options) or q.type == QType.JUDGE


def test_same_input_same_output(make_speech):
    first = [q.to_json() for q in build_bank([make_speech(*TEXT)])[0].questions]
    second = [q.to_json() for q in build_bank([make_speech(*TEXT)])[0].questions]
    assert first == second


def test_ids_survive_an_edit_elsewhere_in_the_speech(make_speech):
    before = {q.id: q.stem for q in build_bank([make_speech(*TEXT)])[0].questions}
    after = {q.id: q.stem for q in build_bank([make_speech(*TEXT, "同志们，让我们共同努力！")])[0].questions}
    kept = set(before) & set(after)
    assert len(kept) >= 0.9 * len(before)
    assert all(before[i] == after[i] for i in kept)


def test_ids_are_unique_and_stems_are_not_repeated(bank):
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    assert len({q.stem for q in bank.questions}) == len(bank.questions)


def test_report_counts_kinds_types_and_drops(make_speech):
    bank = build_bank([make_speech(*TEXT, "印发《XX局工作要点》。")])[0]
    report = format_report(bank)
    assert f"题目 {len(bank.questions)} 道" in report
    assert "舍弃" in report and "含脱敏字符" in report
    assert not any("XX" in q.stem for q in bank.questions)


def test_real_speeches_meet_the_bank_targets(speech_paths):
    knowledge = load_knowledge()
    multiple = single = 0
    for path in speech_paths:
        speech = read_speech(path)
        built = [q.to_json() for q in build_bank([speech])[0].questions]
        result = audit(json.loads(json.dumps(built, ensure_ascii=False)), speech, knowledge)
        # Fewer, better: the gate drops what it cannot ask fairly, and what ranks below quality.FLOOR
        # (the shortest seed, 004, holds 19: round 7's reviewer failed the 20th it had, a blank on
        # the subject of 市直机关首先是政治机关, now dropped).
        assert result.questions >= 18, path.name
        # A 单选 or 多选 needs distractors of the key's own kind: a speech without them for its
        # points gets only 填空 and 判断 (the seeds together have enough of each for the demo).
        assert all(result.by_type[t] >= 3 for t in ("judge", "fill")), result.by_type
        single += result.by_type["single"]
        # A 多选 needs a list the speech names, or siblings the speech does not say together:
        # not every speech has one (the demo's quarterly test takes three from all the seeds).
        multiple += result.by_type["multiple"]
        assert result.quoted_ok == result.quoted, result.problems[:5]
        assert result.duplicate_stems == 0 and result.repeated_options == 0
        assert result.said_with_answer == 0, result.problems[:5]
    # The demo's test takes 5 单选 and 3 多选 from the seeds (the demo approves about 8 单选: one a
    # key point, ranked 0.7 or more).
    assert multiple >= 3 and single >= 10
