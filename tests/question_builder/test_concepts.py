"""Finding concepts, one kind at a time, on short texts written for these tests."""
from __future__ import annotations

from questions.concepts import find_concepts
from questions.types import Kind


def by_term(speech):
    return {c.term: c for c in find_concepts(speech)}


def test_enumeration_listed_before_its_quoted_count(make_speech):
    found = by_term(make_speech("要着力建设学习强、作风强、纪律强的“三强”机关。"))
    assert found["三强"].kind == Kind.ENUMERATION
    assert found["三强"].members == ("学习强", "作风强", "纪律强")


def test_enumeration_in_parentheses_after_the_term(make_speech):
    found = by_term(make_speech("管好“一网两微”（门户网站、微信、微博）等平台。"))
    assert found["一网两微"].members == ("门户网站", "微信", "微博")


def test_enumeration_defined_after_the_term(make_speech):
    found = by_term(make_speech("我们要做到“三个坚持”，即坚持学习、坚持实干、坚持创新。"))
    assert found["三个坚持"].members == ("坚持学习", "坚持实干", "坚持创新")


def test_unquoted_count_after_its_list(make_speech):
    found = by_term(make_speech("坚决扛起政治责任、主体责任和监督责任三个责任，抓好落实。"))
    assert found["三个责任"].members == ("政治责任", "主体责任", "监督责任")


def test_numbered_headings_named_by_the_count_that_announces_them(make_speech):
    speech = make_speech("关于今年工作，我讲三点意见。", "第一，提高思想认识。", "第二，狠抓工作落实。",
                         "第三，强化组织保障。")
    found = by_term(speech)
    listing = found["三点意见"]
    assert listing.kind == Kind.ENUMERATION
    assert listing.members == ("提高思想认识", "狠抓工作落实", "强化组织保障")
    assert listing.source.paragraph == 2
    assert listing.source.paragraphs == (2, 3, 4)


def test_inline_list_heads_stop_at_the_first_stop(make_speech):
    speech = make_speech("主要有两方面经验：一是坚持学习不放松，久久为功；二是坚持实干不停步。")
    found = by_term(speech)
    assert found["两方面经验"].members == ("坚持学习不放松，久久为功", "坚持实干不停步")


def test_nested_list_is_named_by_its_heading(make_speech):
    speech = make_speech("一、抓好学习", "一要读原著。二要悟原理。", "二、抓好落实", "一要定任务。二要督进度。")
    lists = [c for c in find_concepts(speech) if c.kind == Kind.ENUMERATION]
    members = {c.members: c for c in lists}
    assert ("抓好学习", "抓好落实") in members
    assert members[("读原著", "悟原理")].term == "抓好学习"
    assert members[("定任务", "督进度")].term == "抓好落实"


def test_a_restarted_count_is_a_new_list(make_speech):
    speech = make_speech("一是甲项工作。二是乙项工作。", "一是丙项工作。二是丁项工作。三是戊项工作。")
    lists = [c.members for c in find_concepts(speech) if c.kind == Kind.ENUMERATION]
    assert ("甲项工作", "乙项工作") in lists
    assert ("丙项工作", "丁项工作", "戊项工作") in lists


def test_formula_slogan_policy(make_speech):
    found = by_term(make_speech("牢固树立“四个意识”，深入开展“作风建设年”活动，认真执行《党支部工作规则》。"))
    assert found["四个意识"].kind == Kind.FORMULA
    assert found["作风建设年"].kind == Kind.SLOGAN
    assert found["党支部工作规则"].kind == Kind.POLICY
    assert found["四个意识"].source.sentence.startswith("牢固树立")


def test_quotes_that_are_not_concepts(make_speech):
    found = by_term(make_speech(
        "用好“XX发布”平台，开好“七一”表彰会。",
        "他指出：“工作要抓实，作风要过硬，成效要明显，群众要满意”。",
        "让支部“强”起来。",
    ))
    assert not any(term in found for term in ("XX发布", "七一", "强"))
    assert not any("群众要满意" in term for term in found)


def test_parallel_set_is_a_slogan_with_members(make_speech):
    found = by_term(make_speech("要不断增强学习能力、实践能力、创新能力。"))
    concept = found["学习能力、实践能力、创新能力"]
    assert concept.kind == Kind.SLOGAN
    assert concept.members == ("学习能力", "实践能力", "创新能力")


def test_items_without_a_shared_head_or_tail_are_not_a_set(make_speech):
    found = find_concepts(make_speech("聚焦教育、医疗、住房、社会保障等领域。"))
    assert not [c for c in found if c.kind == Kind.SLOGAN]


def test_facts_frequency_and_counts(make_speech):
    speech = make_speech("每季度开展1次专项督查。全年办理实事3400多件，XX个单位参加。")
    facts = [c for c in find_concepts(speech) if c.kind == Kind.FACT]
    assert [c.figures for c in facts] == [("每季度", "1次"), ("3400多件",)]


def test_a_term_is_reported_once_at_its_first_place(make_speech):
    speech = make_speech("增强“四个意识”。", "再次强调“四个意识”。")
    found = [c for c in find_concepts(speech) if c.term == "四个意识"]
    assert len(found) == 1 and found[0].source.paragraph == 1


def test_members_stand_verbatim_in_the_speech(speech_paths):
    from questions.text import read_speech

    for path in speech_paths:
        speech = read_speech(path)
        for concept in find_concepts(speech):
            numbers = concept.source.paragraphs or (concept.source.paragraph,)
            text = "\n".join(speech.paragraph(n) for n in numbers)
            assert concept.source.sentence in speech.paragraph(concept.source.paragraph)
            for member in concept.members:
                assert member in text, (path.name, concept.term, member)


def test_arabic_headings_and_a_count_of_things(make_speech):
    speech = make_speech(
        "过去一年，我们重点抓了三件事：一是抓学习；二是抓支部；三是抓作风，查处问题23起。",
        "（一）强化考核。",
        "1．建立考核体系。",
        "2．每半年通报一次进展。",
    )
    found = find_concepts(speech)
    names = {c.term: c for c in found}
    assert names["三件事"].members == ("抓学习", "抓支部", "抓作风，查处问题23起")
    assert ("建立考核体系", "每半年通报一次进展") in [c.members for c in found]
    facts = {c.term: c.figures for c in found if c.kind == Kind.FACT}
    assert facts["每半年通报一次进展"] == ("每半年",)  # the list marker is not part of the fact
    assert ("23起",) in facts.values()


def test_a_masked_title_never_names_a_list(make_speech):
    speech = make_speech("同志们：", "今天我们召开XX局机关党建工作会议。", "一、抓好学习", "二、抓好落实")
    assert speech.title == "在XX局机关党建工作会议上的讲话"
    top = next(c for c in find_concepts(speech) if c.members == ("抓好学习", "抓好落实"))
    assert top.term == "讲话的主要部分"  # a masked name would drop every question on the list
