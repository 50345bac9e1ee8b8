"""The rules that make a question publishable (../shared/QUESTIONS.md), each on a short text
written for the test: theses, frame lists and meetings found; stems that carry their subject;
no false definitions; no order or structure questions; four options; points and quality."""
from __future__ import annotations

import re

import pytest

from questions.build import build_bank
from questions.concepts import find_concepts
from questions.meta import is_meta
from questions.pools import is_fragment
from questions.stems import attribution, frame
from questions.types import Kind, QType


def concepts_of(make_speech, *lines):
    return {c.term: c for c in find_concepts(make_speech(*lines))}


def test_theses_of_each_form(make_speech):
    found = concepts_of(
        make_speech,
        "坚持把带头践行“两个维护”作为机关工作的首要任务，以党的政治建设为统领。",
        "调查研究，始终是我们党做好各项工作的传家宝。作风建设是党的生命线。",
        "只有坚持党的全面领导，才能确保改革沿着正确方向前进。要处理好党建与业务的关系。",
        "把政治建设摆在首位。办好中国的事情，关键在党。",
    )
    expected = {"带头践行“两个维护”": "机关工作的首要任务", "党的政治建设": "统领",
                "调查研究": "我们党做好各项工作的传家宝", "作风建设": "党的生命线",
                "坚持党的全面领导": "才能确保改革沿着正确方向前进", "党建与业务": "关系",
                "政治建设": "首位", "党": "关键"}
    for term, key in expected.items():
        assert found[term].kind == Kind.THESIS and found[term].key == key, term


def test_no_thesis_from_a_pronoun_an_adverb_or_a_date(make_speech):
    found = concepts_of(make_speech, "这是一个好消息。我们是人民的勤务员。今年是改革开放40周年。")
    assert not [c for c in found.values() if c.kind == Kind.THESIS]


def test_clauses_sharing_a_frame_are_one_list(make_speech):
    found = concepts_of(make_speech, "要在政治建设上作表率，在思想建设上作表率，在作风建设上作表率。")
    c = found["在…上作表率"]
    assert c.kind == Kind.ENUMERATION and c.members == ("政治建设", "思想建设", "作风建设")


def test_meetings_are_events(make_speech):
    found = concepts_of(make_speech, "深入学习贯彻党的二十大和十九届六中全会精神。")
    assert found["党的二十大"].kind == Kind.EVENT and found["十九届六中全会"].kind == Kind.EVENT


def test_source_byline_and_date_lines_are_not_content():
    for line in ("——在党的二十届一中全会上的讲话", "2022.10.23", "（2019年1月21日）", "来源：人民网",
                 "责任编辑：张三", "在全市机关党建工作会议上的讲话"):
        assert is_meta(line), line
    for line in ("要把政治建设摆在首位。", "在新的起点上，我们要再接再厉。"):
        assert not is_meta(line), line


def test_a_list_is_not_attached_to_a_formula_it_does_not_define(make_speech):
    """The upload of issue 14: a list after “三会一课” is not its members."""
    speech = make_speech(
        "严格落实“三会一课”制度，取得明显成效：一是理论武装更加扎实。二是组织建设更加规范。三是作风建设更加务实。",
    )
    bank = build_bank([speech])[0]
    assert not [c for c in bank.concepts if c.term == "三会一课" and c.members]
    for q in bank.questions:
        if q.origin.value == "speech":
            assert not re.search(r"三会一课.{0,3}(?:包括|是指|中)", q.stem), q.stem
        else:  # the lexicon's members, never the speech's list
            assert not {"理论武装更加扎实", "组织建设更加规范"} & set(q.options), q.stem


def test_a_defined_formula_keeps_its_list(make_speech):
    found = concepts_of(make_speech, "增强“四个意识”，即政治意识、大局意识、核心意识、看齐意识。")
    assert found["四个意识"].members == ("政治意识", "大局意识", "核心意识", "看齐意识")


def test_a_list_that_contradicts_the_lexicon_is_not_attached(make_speech):
    found = concepts_of(make_speech, "牢固树立“四个意识”：学习意识、服务意识、创新意识、廉洁意识。")
    assert not found.get("四个意识") or not found["四个意识"].members


def test_stems_open_with_their_subject():
    assert frame("是全市发展稳定大局的“定盘星”和“顶梁柱”。", "定盘星") is None
    assert frame("对实现伟大复兴的拨乱反正具有重大意义。", "拨乱反正") is None
    framed = frame("同时，一是坚持把“两个维护”作为首要任务。", "两个维护")
    assert framed is not None and framed.text.startswith("坚持把")
    assert framed.blanked("____") == "坚持把“____”作为首要任务。"


def test_a_long_sentence_is_cut_after_the_answer_never_before_it():
    sentence = "各级党组织要把学习贯彻党的二十大精神作为首要政治任务，" + "，".join(["深入基层开展宣讲活动"] * 12) + "。"
    framed = frame(sentence, "首要政治任务")
    assert framed is not None and framed.cut
    assert framed.text.startswith("各级党组织") and framed.text.endswith("。") and len(framed.text) <= 100


def test_attribution_follows_the_sentence():
    assert attribution("一年来，我们开展了专题培训12场。") == "讲话回顾"
    assert attribution("要坚持每月开展一次主题党日。") == "讲话要求"
    assert attribution("作风建设是党的生命线。") == "讲话指出"


SPEECH = (
    "关于今年工作，我讲三点意见。",
    "第一，提高思想认识。牢固树立“四个意识”，坚定“四个自信”，坚决做到“两个维护”。",
    "第二，狠抓工作落实。要着力建设学习强、作风强、纪律强的“三强”机关。只有队伍强、业绩强，才能服务好大局。",
    "第三，强化组织保障。每月开展党规党纪选学，每季度进行应知应会测试。作风建设是党的生命线。",
)


def test_no_order_or_structure_questions_and_four_option_singles(make_speech):
    bank = build_bank([make_speech(*SPEECH)])[0]
    assert bank.questions
    for q in bank.questions:
        assert not re.search(r"排在第.位|讲话的结构|第.部分", q.stem), q.stem
        if q.type == QType.SINGLE:
            assert len(q.options) == 4, q.stem
        if q.type in (QType.SINGLE, QType.FILL) and q.origin.value == "speech":
            body = q.stem.split("，", 1)[1]
            assert not re.match(r"[是它其这对并而但也又还就]", body), q.stem


def test_questions_of_one_sentence_share_a_point_and_carry_a_quality(make_speech):
    bank = build_bank([make_speech(*SPEECH)])[0]
    by_point: dict[str, set] = {}
    for q in bank.questions:
        assert q.point and 0.0 <= q.quality <= 1.0
        by_point.setdefault(q.point, set()).add((q.source.paragraph, q.source.sentence))
    # One point is one sentence; and a sentence with several questions has them all on one point.
    assert all(len(sentences) == 1 for sentences in by_point.values())
    assert any(sum(1 for q in bank.questions if q.point == p) >= 3 for p in by_point)
    rebuilt = build_bank([make_speech(*SPEECH)])[0]
    assert [(q.id, q.point, q.quality) for q in rebuilt.questions] == [
        (q.id, q.point, q.quality) for q in bank.questions]


def test_distractors_of_a_formula_come_from_its_family(make_speech):
    bank = build_bank([make_speech(*SPEECH)])[0]
    q = next(q for q in bank.questions if q.type == QType.SINGLE and q.concept == "四个意识")
    assert all(o.startswith("四个") for o in q.options)


def test_fact_distractors_are_never_said_in_the_same_sentence(make_speech):
    bank = build_bank([make_speech(*SPEECH)])[0]
    for q in bank.questions:
        if q.type == QType.SINGLE and q.kind == Kind.FACT:
            right = q.options[q.answer[0]]
            assert not [o for o in q.options if o != right and o in q.source.sentence], q.stem


def test_a_demand_is_not_said_twice(make_speech):
    """讲话要求，要… reads the demand twice: a stem that keeps the sentence's own 要 says 讲话强调."""
    bank = build_bank([make_speech("要着力建设学习强、作风强、纪律强的“三强”机关。", "队伍强、业绩强是基础。",
                                   "要坚决做到“两个维护”。")])[0]
    demands = [q for q in bank.questions if re.search("讲话(?:要求|强调)", q.stem)]
    assert {QType.FILL, QType.SINGLE} <= {q.type for q in demands}
    assert demands and not [q for q in demands if "讲话要求，要" in q.stem]
    assert [q for q in demands if "讲话强调，要" in q.stem]


def test_a_quoted_figure_of_speech_used_once_is_no_concept(make_speech):
    found = concepts_of(
        make_speech,
        "一把手要当好“施工队长”，不能当“甩手掌柜”。",
        "要牢固树立“四个意识”，深入开展“清廉机关”创建，推进“清廉机关”建设走深走实。",
        "今年是“作风建设提升年”，“红色根脉”是浙江最鲜明的底色。",
    )
    assert "施工队长" not in found and "甩手掌柜" not in found  # said once, defined nowhere
    assert "四个意识" in found  # count-named
    assert "清廉机关" in found  # the speech says it again
    assert "作风建设提升年" in found  # a year's theme names itself
    assert "红色根脉" in found  # the text says what it is


def test_thesis_terms_are_whole_words_with_a_subject_that_names_something(make_speech):
    found = concepts_of(
        make_speech,
        "看一个干部，主要就是看是不是牢固树立“四个意识”。",
        "担当作为一直是这座城市的文化基因。",
        "要准确把握“两个结合”的重大意义，把准确把握“两个结合”的重大意义作为深化理论学习的核心。",
        "坚持科技是第一生产力。团结在以习近平同志为核心的党中央周围。",
        "要用好改革这个关键一招。忠实践行全心全意为人民服务的根本宗旨。坚持稳中求进工作总基调。",
    )
    theses = {t: c.key for t, c in found.items() if c.kind == Kind.THESIS}
    assert "主要" not in theses and "担当作为一直" not in theses and "习近平同志" not in theses
    assert not any(t.startswith("握") for t in theses)
    assert theses.get("准确把握“两个结合”的重大意义") == "深化理论学习的核心"
    assert theses.get("科技") == "第一生产力"
    assert theses.get("改革") == "关键一招"
    assert theses.get("全心全意为人民服务") == "根本宗旨"
    assert theses.get("稳中求进") == "工作总基调"


def test_a_thesis_is_also_asked_by_its_own_word_among_its_family(make_speech):
    bank = build_bank([make_speech(
        "要把学习贯彻党的创新理论作为首要政治任务，全面领会精神实质。",
        "基层党组织是党的全部工作和战斗力的基础性工程，要抓实抓牢。",
    )])[0]
    fills = [q for q in bank.questions if q.type == QType.FILL and "作为____" in q.stem]
    assert fills and fills[0].answer == ("首要政治任务",), [q.stem for q in bank.questions]
    # No 单选 among 长期, 重大 政治任务: those are true of it too (test_the_same_standing_of_a_lower_rank…)
    # 基础 is part of 基础性: never blanked alone.
    assert not any("____性" in q.stem for q in bank.questions)


def test_a_distractor_that_is_the_key_with_a_word_added_is_never_offered(make_speech):
    bank = build_bank([make_speech("要坚定拥护“两个确立”，坚决做到“两个坚决维护”。")])[0]
    for question in bank.questions:
        if question.type == QType.SINGLE and question.options[question.answer[0]] == "两个坚决维护":
            assert "两个维护" not in question.options


def test_a_quoted_leader_is_the_stems_attribution():
    framed = frame("习近平总书记强调，党的政治建设是党的根本性建设。", "党的政治建设")
    assert framed is not None and framed.lead == "习近平总书记强调"
    assert framed.text.startswith("党的政治建设是")
    # The leader named in the sentence before: 讲话指出，明确要求… would open on a verb without its subject.
    assert frame("明确要求全体党员要带头学习党章。", "党章") is None
    assert frame("强调，全体党员要带头学习党章。", "党章") is None
    framed = frame("要求全体党员带头学习党章。", "党章")
    assert framed is not None and framed.lead == "讲话指出"


def test_an_unnamed_parallel_set_gets_no_which_stand_together_question(make_speech):
    bank = build_bank([make_speech(
        "要统筹推进政治建设、思想建设、组织建设、作风建设，把全面建设引向深入，推动发展建设。")])[0]
    assert not [q for q in bank.questions if q.type == QType.MULTIPLE and "并列提出" in q.stem]


def test_担当作为_is_a_whole_phrase():
    assert not is_fragment("带头担当作为") and is_fragment("党建工作取得") and is_fragment("把握好作为")


def test_a_list_named_by_its_count_without_siblings_is_asked_all_right(make_speech):
    bank = build_bank([make_speech(
        "要健全“四项机制”：容错纠错、澄清正名、关心关爱、激励奖励。")])[0]
    multiple = [q for q in bank.questions if q.type == QType.MULTIPLE]
    assert multiple and multiple[0].options and len(multiple[0].answer) == len(multiple[0].options) == 4


def test_a_known_formula_ranks_above_a_local_brand_and_a_heading_list_below_a_count(make_speech):
    bank = build_bank([make_speech(
        "要牢固树立“四个意识”，深入实施“三服务一提升”。“三服务一提升”要落到实处。",
        "一、加强作风建设",
        "要做到敢抓敢管、真抓实干、善作善成。",
        "要落实“两个责任”：主体责任和监督责任。")])[0]
    rank = {(q.concept, q.type): q.quality for q in bank.questions}
    known = rank.get(("四个意识", QType.FILL))
    local = rank.get(("三服务一提升", QType.FILL))
    assert known is not None and local is not None and known > local


def test_parallel_sets_sharing_a_tail_with_的_or_an_inner_word(make_speech):
    found = concepts_of(
        make_speech,
        "要讲好党的故事、革命的故事、英雄的故事，加强革命传统教育。",
        "清廉重在自觉、贵在持久、难在彻底。",
        "一是甲乙丙、二是丁戊己、三是庚辛壬。",
    )
    assert found["党的故事、革命的故事、英雄的故事"].members == ("党的故事", "革命的故事", "英雄的故事")
    assert found["重在自觉、贵在持久、难在彻底"].members == ("重在自觉", "贵在持久", "难在彻底")
    assert not [t for t in found if t.startswith("一是")]


def test_a_set_sharing_only_an_inner_word_is_a_figure_of_speech_not_asked(make_speech):
    # Found (a key point may name it), but a blank in 说一件、____、成一件 tests the rhythm, not a point.
    bank = build_bank([make_speech("清廉重在自觉、贵在持久、难在彻底，要久久为功。",
                                   "要做到说一件、干一件、成一件，站得高、看得远、谋得深。")])[0]
    assert not [q for q in bank.questions if q.concept in ("重在自觉、贵在持久、难在彻底", "说一件、干一件、成一件")]


def test_a_speechs_own_brand_is_only_completed(make_speech):
    bank = build_bank([make_speech("要促进“两个健康”，拓展民营经济发展空间。", "要坚决做到“两个维护”。",
                                   "“两个健康”是民营经济的方向。")])[0]
    brand = [q for q in bank.questions if q.concept == "两个健康"]
    assert brand and {q.type for q in brand} == {QType.FILL}
    # A formula of the lexicon is swapped in a false 判断 only for one of its own family.
    false = [q for q in bank.questions if q.concept == "两个维护" and q.type == QType.JUDGE and q.answer is False]
    assert all("两个确立" in q.stem for q in false)


def test_a_set_sharing_a_head_and_a_tail_gets_siblings_sharing_both(make_speech):
    bank = build_bank([make_speech(
        "全体党员要具备较强的政治判断力、政治领悟力、政治执行力，增强政治能力。",
        "提高政治鉴别力，加强政治领导、政治监督、政治教育，提升政治免疫力。")])[0]
    for q in bank.questions:
        if q.type in (QType.SINGLE, QType.MULTIPLE) and q.concept.startswith("政治判断力"):
            assert all(o.startswith("政治") and o.endswith("力") for o in q.options), q.options


def test_no_anecdote_in_the_first_person_and_no_meeting_in_a_narrative(make_speech):
    bank = build_bank([make_speech(
        "党的十八大闭幕后，常委同志一起参观展览，我就强调要承担起历史使命。",
        "在党的二十大上，总书记郑重提出新的重大命题。",
        "要深入学习贯彻党的二十大精神。")])[0]
    assert not [q for q in bank.questions if "我就" in q.stem]
    events = [q for q in bank.questions if q.kind == Kind.EVENT]
    assert events and all(re.search("讲话(?:要求|强调)", q.stem) for q in events)


def test_attribution_follows_what_the_stem_shows():
    long_review = ("面对复杂局面，我们在党中央坚强领导下，全面落实各项部署，增强“四个意识”、坚定“四个自信”，"
                   "统筹推进各项工作取得明显成效，全省经济总量稳步攀升，城乡居民收入持续增长，社会大局保持稳定，"
                   "生态环境质量明显改善，人民群众获得感幸福感安全感不断增强，今后还要始终牢记使命。")
    framed = frame(long_review, "四个自信")
    assert framed is not None and framed.cut and framed.lead == "讲话回顾"


def test_only_documents_are_policies_and_a_short_word_recurring_inside_others_is_no_name(make_speech):
    found = concepts_of(
        make_speech,
        "毛主席说，《庄子》上有句话。要学习《中国共产党支部工作条例（试行）》，签订《廉洁自律承诺书》。",
        "防止落入别人设置的“陷阱”，防止落入中等收入陷阱和福利主义陷阱。",
    )
    assert "庄子" not in found
    assert found["中国共产党支部工作条例（试行）"].kind == Kind.POLICY and "廉洁自律承诺书" in found
    assert "陷阱" not in found


def test_no_sibling_for_items_that_share_nothing_and_no_thesis_swap_by_one_word(make_speech):
    bank = build_bank([make_speech(
        "要唱好“双城记”（杭州、宁波），取得系统性、突破性成果。",
        "推进基层治理现代化是一个长期的历史过程。促进基层治理现代化是一项长期任务。")])[0]
    for q in bank.questions:
        if q.concept == "双城记":
            assert not set(q.options) & {"系统性", "突破性"}
        if q.type == QType.JUDGE and q.answer is False:
            assert "促进基层治理现代化是一个长期" not in q.stem


def test_no_single_with_weak_siblings_and_siblings_of_a_sets_own_length(make_speech):
    bank = build_bank([make_speech(
        "要着力提升政治判断力、政治领悟力、政治执行力，增强政治能力。",
        "统筹推进文化事业、文化产业、文化市场、文化阵地和文化政策改革，激发文化创造力。")])[0]
    for q in bank.questions:
        if q.concept.startswith("政治判断力") and q.type == QType.JUDGE and q.answer is False:
            assert "政治能力、政治执行力" not in q.stem
        if q.type == QType.SINGLE and q.concept.startswith("文化事业"):
            assert "文化创造力" not in q.options


def test_nothing_below_the_floor_is_proposed_and_the_report_says_so(make_speech):
    from questions.build import format_report
    from questions.quality import FLOOR
    bank = build_bank([make_speech(
        "一年来，我们深入实施“三服务一提升”，开展了“清风行动”。",
        "要牢固树立“四个意识”，坚决做到“两个维护”。")])[0]
    assert bank.questions and all(q.quality >= FLOOR for q in bank.questions)
    assert any(reason.startswith("质量分低于") for reason, _ in bank.dropped)
    assert "质量分低于" in format_report(bank)


def test_a_one_character_tail_inside_a_word_makes_no_sibling_and_clauses_are_no_frame_list(make_speech):
    bank = build_bank([make_speech(
        "要建设学习型、服务型、创新型、规范型“四型”机关，树立好典型，发挥示范型作用。",
        "党组织对每位党员的成长都是关心照顾的，党组织对每位党员的进步也是全力支持的。")])[0]
    assert not [q for q in bank.questions if "好典型" in q.options]
    assert not [c for c in bank.concepts if any("都是" in m or "也是" in m for m in c.members)]


def test_a_long_sentence_is_asked_from_the_demand_clause_nearest_the_answer():
    sentence = ("要深入理解“四个意识”的思想内涵、实践要求和具体路径，把树牢“四个意识”作为机关政治建设的"
                "基础工作，完善理论学习制度化、经常化机制，教育引导机关干部做到学有所思、"
                "学有所得，持续提高政治判断力、政治领悟力、政治执行力，持续增强理论素养、业务素养、作风素养。")
    framed = frame(sentence, "政治领悟力")
    assert framed is not None and framed.lead == "讲话要求"
    assert framed.text.startswith(("完善", "教育引导", "持续提高")) and "政治领悟力" in framed.text
    assert attribution("举办读书会1.1万余场次，开展学习活动。") == "讲话回顾"


def test_a_section_reviewing_past_work_is_said_as_a_review_and_headings_are_not_asked(make_speech):
    from questions.stems import review_paragraphs
    speech = make_speech(
        "一、2021年工作回顾",
        "强化“学习强国”、“两微一端”等线上学习，扎实开展“3+X”专项整治。",
        "二、充分肯定成绩，为“开局之年”提供强大动能",
        "二、2022年重点工作",
        "要牢固树立“四个意识”，坚决做到“两个维护”。",
        "刚才，会议表彰了先进，我们要树立标兵、树立楷模、树立旗帜。")
    reviewing = review_paragraphs(speech.paragraphs)
    assert 2 in reviewing and 5 not in reviewing  # make_speech's first line is paragraph 1
    bank = build_bank([speech])[0]
    stems = [q.stem for q in bank.questions]
    assert not [s for s in stems if "两微一端" in s or "3+X" in s or "开局之年" in s or "树立楷模" in s]
    assert [s for s in stems if "四个意识" in s or "____" in s]


def test_a_stem_never_ends_on_a_clause_that_only_leads_into_the_next():
    sentence = ("紧紧围绕学习宣传全会精神这条主线，把学习贯彻全会精神作为首要政治任务，依托支部集中学习、"
                "“三会一课”、主题党日、青年理论小组等载体，推动全体机关干部系统掌握全会精神的核心要义并且"
                "努力在入脑入心见行见效上下功夫。")
    framed = frame(sentence, "首要政治任务")
    assert framed is not None and framed.text.endswith("首要政治任务。")


def test_a_local_document_gets_no_national_titles_beside_it(make_speech):
    bank = build_bank([make_speech(
        "要按照《2021-2025年市直机关党员教育培训规划》，分层分类开展党员集中培训。",
        "要落实《干部教育培训工作条例》和《中国共产党纪律处分条例》。")])[0]
    assert not [q for q in bank.questions if q.type == QType.SINGLE and "2021-2025年市直机关党员教育培训规划" in q.options]


def test_a_brand_mentioned_once_in_passing_is_not_proposed_one_the_speech_builds_on_is(make_speech):
    bank = build_bank([make_speech(
        "要深入实施“六大行动”，建设科技创新共同体。",
        "要忠实践行“八八战略”，奋力打造重要窗口。",
        "“八八战略”是引领发展的总纲。")])[0]
    concepts = {q.concept for q in bank.questions}
    assert "六大行动" not in concepts and "八八战略" in concepts


def test_a_formulas_members_listed_without_its_name_are_asked_by_its_name(make_speech):
    bank = build_bank([make_speech(
        "在新征程上，执政考验、改革开放考验、市场经济考验、外部环境考验依然复杂，全体党员要时刻保持清醒。")])[0]
    named = [q for q in bank.questions if q.stem.startswith("“四大考验”是指")]
    assert named and named[0].type == QType.MULTIPLE and len(named[0].answer) == 4
    # 经得起各种风浪考验 (a …考验 of the lexicon, twice as long) is no option beside them.
    assert not any("经得起各种风浪考验" in q.stem + "".join(q.options) for q in bank.questions)


def test_a_formula_without_a_fair_sibling_is_asked_all_right_with_four_members_never_three(make_speech):
    bank = build_bank([make_speech("要坚持“四大考验”意识，常抓不懈。", "要增强“政治三力”，做到知行合一。")])[0]
    by_stem = {q.stem: q for q in bank.questions if q.type == QType.MULTIPLE}
    four = by_stem.get("“四大考验”是指下列哪些内容？（多选）")
    assert four is not None and set(four.answer) == {0, 1, 2, 3}
    three = by_stem.get("“政治三力”是指下列哪些内容？（多选）")
    assert three is None or len(three.options) > len(three.answer)


def test_self_words_are_not_the_first_person(make_speech):
    bank = build_bank([make_speech("各级党组织要持续加强自我净化、自我完善、自我革新、自我提高，永葆生机活力。")])[0]
    assert any("自我" in q.stem for q in bank.questions)


def test_a_thesis_too_long_to_blank_is_asked_by_the_standing_it_is_given(make_speech):
    bank = build_bank([make_speech(
        "必须把坚持依规办事、推进制度创新作为基本工作方式，坚持在制度框架内推进各项事业。")])[0]
    fills = [q for q in bank.questions if q.type == QType.FILL and q.answer == ("基本工作方式",)]
    assert fills and "推进制度创新作为____，" in fills[0].stem
    assert not any(q.type == QType.SINGLE and "基本工作方式" in q.options for q in bank.questions)


def test_a_meeting_that_only_proposed_what_follows_is_not_asked(make_speech):
    bank = build_bank([make_speech(
        "市第八次党代会提出，要确保全省第二方阵排头兵地位，奋力向第一方阵进发。",
        "要深入学习贯彻党的二十大精神，推动各项工作落地见效。")])[0]
    assert not any("市第八次党代会" in q.options or q.answer == ("市第八次党代会",) for q in bank.questions)


def test_an_approximate_figure_is_background(make_speech):
    bank = build_bank([make_speech("我们党执政70多年，要始终保持自我革命精神。",
                                   "党支部要每月召开一次支委会。")])[0]
    answers = {a for q in bank.questions if q.type == QType.FILL for a in q.answer}
    assert "70多年" not in answers and not any("多年" in "".join(q.options) for q in bank.questions)
    assert any("每月" in a for a in answers)


def test_a_stem_never_opens_on_a_phrase_pointing_back(make_speech):
    assert frame("特别是“一把手”要当好施工队长，身先士卒、靠前指挥。", "一把手") is None


def test_a_blank_the_rest_of_the_stem_spells_out_is_not_asked(make_speech):
    bank = build_bank([make_speech(
        "“敢为人先”就是要始终走在改革探索的前列，为人民群众争先创优，要做到“敢”。",
        "“敢为人先”是我们的精神状态。")])[0]
    for q in bank.questions:
        if q.type in (QType.FILL, QType.SINGLE) and "走在改革探索的前列" in q.stem:
            assert "敢为人先" not in (q.answer if q.type == QType.FILL else [q.options[q.answer[0]]])


def test_an_action_is_no_distractor_beside_things(make_speech):
    from questions.distractors import Chooser
    chooser = Chooser(make_speech("要抓好物质文明建设、生态文明建设。", "各地要推进城乡建设。"))
    picked = chooser.choose(["推进城乡建设", "精神文明建设"], {"生态文明建设"}, 3, "生态文明建设",
                            affix=("", "建设"))
    assert "推进城乡建设" not in picked and "精神文明建设" in picked


def test_a_long_list_is_numbered_past_ten():
    from questions.wording import numbered
    assert "⑪十一" in numbered([str(i) for i in range(1, 11)] + ["十一"])


def test_turns_of_phrase_are_no_parallel_sets(make_speech):
    speech = make_speech(
        "各地各部门、各个领域、各个岗位都要行动起来。",
        "要求更大了、更高了、更严了，大家要适应。",
        "不能等一等、看一看，不能怕问责、怕丢官。",
        "要增强政治判断力、政治领悟力、政治执行力。")
    terms = {c.term for c in find_concepts(speech)}
    assert not any(t.startswith(("各地", "更大了", "等一等", "怕问责")) for t in terms)
    assert any("政治领悟力" in t for t in terms)


def test_a_rank_in_quotes_is_no_formulation(make_speech):
    terms = {c.term for c in find_concepts(make_speech("要使综合实力早日重回全国“30强”。", "要树牢“四个意识”。"))}
    assert "30强" not in terms and "四个意识" in terms


def test_a_quoted_document_is_the_stems_attribution_and_its_answer_the_one_it_says():
    framed = frame("党的二十大报告指出：“全面建设社会主义现代化国家、全面推进中华民族伟大复兴，关键在党。”", "党")
    assert framed is not None and framed.lead == "党的二十大报告指出"
    assert framed.blanked("____") == "全面建设社会主义现代化国家、全面推进中华民族伟大复兴，关键在____。"


def test_a_stem_cut_inside_a_numbered_run_is_dropped(make_speech):
    bank = build_bank([make_speech(
        "推进机关建设，必须深刻认识新时代机关党建是在以往工作基础上的全面提升和系统重塑，突出把握三项工作重点："
        "一是政治引领，始终把党的政治建设摆在首位。二是强基固本，建强支部。三是正风肃纪，守牢底线。")])[0]
    assert not [q for q in bank.questions if "一是" in q.stem and "二是" not in q.stem]


def test_a_thesis_whose_standing_others_share_gets_no_siblings(make_speech):
    bank = build_bank([make_speech(
        "推进城乡融合发展是一个长期的历史过程，要稳步推进。",
        "实现高质量发展是全面建设社会主义现代化国家的首要任务。")])[0]
    on_long = [q for q in bank.questions if q.concept == "推进城乡融合发展"]
    assert on_long and not [q for q in on_long if q.type == QType.SINGLE or q.answer is False]


def test_a_reform_described_by_its_core_is_no_thesis(make_speech):
    theses = {c.term for c in find_concepts(make_speech(
        "深化以绩效考核为核心的干部管理制度改革，打造担当作为示范区。",
        "要以党的政治建设为统领，全面推进党的建设。")) if c.kind == Kind.THESIS}
    assert "绩效考核" not in theses and "党的政治建设" in theses


def test_theses_stated_by_this_by_a_lifeline_by_a_focus_and_standing_first(make_speech):
    found = concepts_of(
        make_speech,
        "（一）抓牢党性教育这个根基，在学用结合上作示范。",
        "作风是党的命脉，制度是支撑。",
        "要以建强支部班子为重点，推动基层党组织全面过硬。",
        "党校姓党，第一属性是党性。",
        "管党治党永远在路上，一刻也不能放松。",
        "让群众过上好日子，是我们一切工作的落脚点。",
    )
    expected = {"党性教育": "根基", "作风": "党的命脉", "建强支部班子": "重点", "党性": "第一属性",
                "管党治党": "永远在路上", "让群众过上好日子": "我们一切工作的落脚点"}
    for term, key in expected.items():
        assert term in found and found[term].kind == Kind.THESIS and found[term].key == key, term


def test_no_blank_on_a_subject_whose_standing_others_share(make_speech):
    bank = build_bank([make_speech(
        "勇于自我批评，是共产党人的优秀品质。",
        "科学的调查研究，是正确决策的重要前提。",
        "我们要建设的城市，是人与自然和谐共生的城市。",
        "党的政治建设是党的根本性建设。")])[0]
    blanked = {q.answer[0] if q.type == QType.FILL else q.options[q.answer[0]]
               for q in bank.questions if q.type in (QType.FILL, QType.SINGLE)}
    assert not blanked & {"勇于自我批评", "科学的调查研究", "我们要建设的城市"}
    assert any(q.type == QType.JUDGE and q.answer is True and "优秀品质" in q.stem for q in bank.questions)
    assert "党的政治建设" in blanked  # 根本性: one thing's standing alone


def test_a_detail_of_the_economy_or_a_citys_plans_is_not_asked(make_speech):
    bank = build_bank([make_speech(
        "要推进美丽河湖、美丽田园、美丽庭院联创联建，打造花园城市。",
        "明年要办好滨江马拉松、城北龙舟赛、城南灯会和西湖音乐节。",
        "要增强政治判断力、政治领悟力、政治执行力。")])[0]
    said = " ".join(q.stem + " ".join(q.options) + str(q.answer) for q in bank.questions)
    assert "美丽" not in said
    assert any("政治领悟力" in (q.answer if q.type == QType.FILL else ()) for q in bank.questions)


def test_a_years_anniversaries_are_the_occasion_not_a_point(make_speech):
    bank = build_bank([make_speech(
        "今年是建党100周年、“三服务”活动开展10周年，意义特殊。",
        "要深入开展“三服务”活动，党员干部坚持每月走访群众。")])[0]
    assert bank.questions and not [q for q in bank.questions if "周年" in q.stem]


def test_a_variant_of_a_known_formulas_name_is_not_blanked(make_speech):
    bank = build_bank([make_speech(
        "要牢固树立“四个意识”，自觉做到“两个坚决维护”。",
        "践行“两个坚决维护”，必须在思想上政治上行动上同党中央保持高度一致。")])[0]
    fills = {q.answer[0] for q in bank.questions if q.type == QType.FILL}
    assert "两个坚决维护" not in fills and "四个意识" in fills


def test_a_standing_of_two_words_is_never_cut_between_them(make_speech):
    bank = build_bank([make_speech(
        "必须把坚持党的全面领导、坚持密切联系群众作为一以贯之的主题主线，一年接着一年干。")])[0]
    assert not [q for q in bank.questions if "____主线" in q.stem]


def test_a_list_of_places_is_geography_not_a_point(make_speech):
    bank = build_bank([make_speech(
        "要提升温州、台州“双城记”能级，党员干部要走在前列。",
        "要增强政治判断力、政治领悟力、政治执行力。")])[0]
    assert bank.questions and not [q for q in bank.questions if "双城记" in q.stem]


def test_a_thesis_the_speech_holds_foremost_is_no_false_swap(make_speech):
    bank = build_bank([make_speech(
        "要坚持把政治建设放在首位。",
        "政治上过硬，是党员干部的压舱石，政治不合格，一切都无从谈起。",
        "要把政治纪律挺在前面，政治规矩是底线。")])[0]
    assert not [q for q in bank.questions if q.answer is False and "政治上过硬放在首位" in q.stem]


def test_a_subject_ending_in_shi_a_persons_life_and_a_stated_clause(make_speech):
    found = concepts_of(
        make_speech,
        "实事求是是党的思想路线的精髓，要时刻坚持。",
        "张三同志是一名优秀的共产党员，是我们学习的榜样。",
        "学校要落实立德树人根本任务。")
    theses = {t: c.key for t, c in found.items() if c.kind == Kind.THESIS}
    assert theses.get("实事求是") == "党的思想路线的精髓"
    assert theses.get("立德树人") == "根本任务"
    assert not [t for t in theses if "同志" in t]


def test_the_speakers_own_shortcomings_are_not_asked(make_speech):
    bank = build_bank([make_speech(
        "存在的不足：一是理论学习深度还不够，二是调查研究还不深入，三是创新意识有待增强。",
        "要增强政治判断力、政治领悟力、政治执行力。")])[0]
    assert bank.questions
    assert not [q for q in bank.questions if re.search("还不够|有待增强|还不深入", q.stem + "".join(q.options) + str(q.answer))]


def test_a_quoted_list_named_by_a_quoted_count_after_de(make_speech):
    found = concepts_of(make_speech, "要推行“清单化、项目化、责任化、时限化”的“四化”工作法，压实党建责任。")
    assert found["四化"].kind == Kind.ENUMERATION
    assert found["四化"].members == ("清单化", "项目化", "责任化", "时限化")


def test_the_parts_of_a_review_are_not_asked_as_lists(make_speech):
    bank = build_bank([make_speech(
        "一、主要做法和成效",
        "（一）坚持把理论学习贯穿始终。",
        "党委组织集中学习研讨8次。",
        "（二）坚持问题导向，深入调查研究。",
        "班子成员深入基层开展调研。",
        "（三）坚持以学促干，办好群众身边实事。",
        "二、几点体会",
        "（一）必须坚持党的全面领导。",
        "（二）必须坚持以人民为中心。",
        "（三）必须坚持自我革命。",
        "三、下一步工作",
        "要坚持以党的政治建设为统领，严格落实“三会一课”制度。")])[0]
    assert bank.questions and not [q for q in bank.questions if "主要做法" in q.stem]


def test_a_count_defined_by_clauses_after_a_colon(make_speech):
    found = concepts_of(make_speech, "党员干部要做到“三个坚决”：坚决反对形式主义，坚决反对官僚主义，坚决反对特权思想。")
    assert found["三个坚决"].kind == Kind.ENUMERATION
    assert found["三个坚决"].members == ("坚决反对形式主义", "坚决反对官僚主义", "坚决反对特权思想")


def test_the_meetings_business_and_a_figure_of_speech_are_not_asked(make_speech):
    bank = build_bank([make_speech(
        "今天召开这次会议，主要任务是部署全年党建工作。",
        "纪律松弛就像堤坝上的蚁穴，关键在于早发现、早处置。",
        "作风建设是党的生命线，必须常抓不懈。")])[0]
    assert bank.questions
    assert not [q for q in bank.questions if "这次会议" in q.stem or "蚁穴" in q.stem]


def test_a_sets_first_item_never_opens_on_the_result_of_a_verb(make_speech):
    from questions import parallel
    found = parallel.parallel_sets("各级党组织要经受住执政考验、改革开放考验、市场经济考验、外部环境考验。", [])
    assert found and found[0][2][0] == "执政考验"


def test_a_judge_that_only_restates_formula_names_is_not_asked(make_speech):
    bank = build_bank([make_speech(
        "全体党员要增强“四个意识”、坚定“四个自信”。",
        "要增强“四个意识”，在思想上政治上行动上同党中央保持高度一致，不断提高政治能力。")])[0]
    judged = [q.stem for q in bank.questions if q.type == QType.JUDGE and q.answer is True]
    assert bank.questions and not [s for s in judged if "全体党员要增强" in s]


def test_an_explanation_quotes_the_statements_of_a_long_sentence_that_hold_the_answer():
    from questions.wording import cited
    sentence = "；".join(f"必须把第{n}项工作作为重要任务，持续用力、久久为功、抓出成效、取得实效" for n in "一二三四五六") + "。"
    assert len(sentence) > 150
    quoted = cited(sentence, "第三项工作")
    assert quoted.startswith("……必须把第三项工作") and quoted.endswith("……") and "第四项" not in quoted
    assert cited("短句。", "短") == "短句。"


def test_a_standing_word_is_swapped_only_for_another_of_the_first_rank(make_speech):
    bank = build_bank([make_speech(
        "要把学习党章党规作为首要政治任务，做到学思用贯通。",
        "严格党内生活是锤炼党性的重要抓手，要持之以恒。",
        "街道机关首先是政治机关，必须讲政治。")])[0]
    false_judges = [q.stem for q in bank.questions if q.type == QType.JUDGE and q.answer is False]
    assert not [s for s in false_judges if re.search(r"(?:长期|重大|重要)政治任务|重要(?:保障|基础|统领)", s)]
    singles = [q for q in bank.questions if q.type == QType.SINGLE and "锤炼党性的重要" in q.stem]
    assert not singles  # 重要抓手: a 重要保障 or 重要基础 is as true
    assert not [q for q in bank.questions if q.type == QType.FILL and q.answer == ("街道机关",)]


def test_an_ordinal_name_has_no_kin_by_its_ordinal(make_speech):
    bank = build_bank([make_speech(
        "要贯通运用“四种形态”，特别是“第一种形态”，抓早抓小。",
        "党委书记要扛起党建“第一责任”，做到守土有责。",
        "要扛起党建“第一责任”，推动全面从严治党向纵深发展。")])[0]
    said = {"第一种形态", "第一责任"}
    assert not [q for q in bank.questions
                if any(a in q.source.sentence and b in q.stem + "".join(q.options) and b not in q.source.sentence
                       for a in said for b in said - {a})]


def test_a_slip_of_the_speech_in_one_item_is_not_set_as_options(make_speech):
    bank = build_bank([make_speech(
        "重点要破除四个方面问题：",
        "1、着力破除等靠思想。",
        "2、着力破除守旧思维。",
        "3、着力破除的敷衍思想。",
        "4、着力破除推诿思想。")])[0]
    assert not [q for q in bank.questions if q.type in (QType.MULTIPLE, QType.SINGLE) and "着力破除的敷衍思想" in q.options]


def test_a_count_of_the_past_year_is_no_rule_for_a_per_word_elsewhere_in_the_sentence(make_speech):
    bank = build_bank([make_speech(
        "支部书记与每位党员谈心谈话，全年组织观看廉政教育片5次。",
        "党员每季度至少参加1次主题党日活动。")])[0]
    asked = {a for q in bank.questions if q.kind == Kind.FACT and q.type != QType.JUDGE
             for a in (q.answer if q.type == QType.FILL else [q.options[i] for i in q.answer])}
    assert "5次" not in asked
    assert "每季度" in asked  # a rule's own figure is still asked


def test_a_lexicon_set_said_without_quotes_or_its_name_is_asked(make_speech):
    bank = build_bank([make_speech(
        "回顾这一年，处机关支部始终坚持围绕中心、建设队伍、服务群众，各项工作稳步推进。",
        "新的一年，全处上下要争创让党中央放心、让人民群众满意的模范机关。")])[0]
    fills = {q.answer[0] for q in bank.questions if q.type == QType.FILL}
    assert "建设队伍" in fills  # in a review of the year, too: the formulation stands apart from it
    assert "让人民群众满意" in fills


def test_a_set_whose_items_share_no_word_gets_no_together_question_from_other_lists(speech_paths):
    # 006 says 科技是第一生产力、人才是第一资源、创新是第一动力 unquoted; the items of its other lists
    # (人民群众急难愁盼问题) are of another kind, so no 多选 asks what stands beside them.
    from questions.text import read_speech
    path = speech_paths[0].parents[1] / "corpus" / "006_central_20th_cc_first_plenum_2022.txt"
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    bank = build_bank([read_speech(path)])[0]
    assert [q for q in bank.questions if q.type == QType.FILL and q.answer == ("人才是第一资源",)]
    assert not [q for q in bank.questions if "与“科技是第一生产力”并列提出" in q.stem]


def test_a_thesis_held_in_mind_and_what_a_thing_is_first_of_all(make_speech):
    found = concepts_of(make_speech, "我们要始终牢记纪律建设是治本之策。", "党员干部必须清醒认识到作风建设是党的生命线。")
    assert found["纪律建设"].kind == Kind.THESIS and found["纪律建设"].key == "治本之策"
    assert found["作风建设"].kind == Kind.THESIS
    bank = build_bank([make_speech("区级机关首先是政治机关，必须把讲政治放在第一位。")])[0]
    assert [q for q in bank.questions if q.type == QType.FILL and q.answer == ("政治机关",)]


def test_a_stem_starts_after_the_setting_of_its_statement():
    from questions.stems import frame
    sentence = ("按照区委统一安排，在区委第三督导组的精心指导下，区档案馆党支部坚持学思想、强党性、重实践、建新功的"
                "总要求，把理论学习和检视整改贯通起来，扎实推进各项工作并取得了明显成效。")
    framed = frame(sentence, "重实践")
    assert framed is not None and framed.text.startswith("区档案馆党支部坚持")
    assert framed.lead == "讲话回顾"  # what the cut stem leaves out still tells it is a review


def test_a_lexicon_set_told_in_a_long_review_is_still_proposed(make_speech):
    bank = build_bank([make_speech(
        "按照区委统一安排，在区委第三督导组的精心指导下，区档案馆党支部坚持学思想、强党性、重实践、建新功的"
        "总要求，把理论学习和检视整改贯通起来，扎实推进各项工作并取得了明显成效。")])[0]
    assert [q for q in bank.questions if q.type == QType.FILL and q.answer[0] in ("强党性", "重实践")]


def test_a_formula_grown_by_its_count_is_no_wrong_option(make_speech):
    bank = build_bank([make_speech("全体党员要牢记“两个务必”，始终保持谦虚谨慎、艰苦奋斗的作风。")])[0]
    assert [q for q in bank.questions if q.type == QType.SINGLE]
    assert not [q for q in bank.questions if "三个务必" in q.stem + "".join(q.options)]


def test_a_set_whose_last_item_ends_on_the_shared_tail_keeps_it_whole(make_speech):
    found = concepts_of(make_speech, "各级干部要做到知责于心、担责于身、履责于行，守土有责。",
                        "党员要做到在岗爱岗、在岗敬岗、在岗为岗。")
    assert found["在岗爱岗、在岗敬岗、在岗为岗"].members == ("在岗爱岗", "在岗敬岗", "在岗为岗")


def test_a_heading_that_states_a_thesis_is_asked(make_speech):
    bank = build_bank([make_speech(
        "一、理想信念是共产党人的政治灵魂",
        "每一名党员都要补足精神之钙，筑牢信仰之基。",
        "二、加强学习，提高本领",
        "要在学思践悟上下功夫。")])[0]
    assert [q for q in bank.questions if q.type == QType.FILL and q.answer == ("理想信念",)]
    assert not [q for q in bank.questions if "加强学习，提高本领" in q.stem]  # a heading's wording is no point


def test_a_pair_of_standings_is_not_split_by_a_blank(speech_paths):
    # 005 says …作为前提和底线: a blank on 前提 alone splits the pair the speech gives.
    from questions.text import read_speech
    path = speech_paths[0].parents[1] / "corpus" / "005_zhejiang_party_congress_report_2022.txt"
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    bank = build_bank([read_speech(path)])[0]
    assert "前提和底线" in "".join(q.source.sentence for q in bank.questions)
    assert not [q for q in bank.questions if "____和底线" in q.stem]


def test_a_title_line_before_the_text_is_not_asked(make_speech):
    bank = build_bank([make_speech(
        "奋力建设模范机关",
        "坚决做到“两个维护”",
        "同志们：",
        "全体党员要坚决做到“两个维护”，在践行“两个维护”上作表率。")])[0]
    asked = [q for q in bank.questions if "两个维护" in q.stem or "两个维护" in "".join(map(str, q.answer or ()))]
    assert asked and all(q.source.paragraph == 4 for q in asked)


def test_a_common_tail_makes_no_kin_for_a_false_judge(make_speech):
    bank = build_bank([make_speech(
        "要以党的政治建设为统领，把纪律挺在前面。",
        "要以清廉机关建设为抓手，推动作风持续好转。")])[0]
    assert not [q for q in bank.questions
                if q.type == QType.JUDGE and q.answer is False and "以清廉机关建设为统领" in q.stem]


def test_a_thesis_subject_keeps_the_verb_another_would_replace(make_speech):
    bank = build_bank([make_speech("推进支部标准化建设是今年机关党建的主线，必须常抓不懈。")])[0]
    fills = [q for q in bank.questions if q.type == QType.FILL and "主线" in q.stem]
    assert fills and all(q.answer == ("支部标准化建设",) and "推进____" in q.stem for q in fills)


def test_a_count_named_formula_said_without_quotes_is_found_unless_a_list_names_it_here(make_speech):
    found = concepts_of(make_speech, "全体党员要严格执行中央八项规定精神，力戒形式主义。",
                        "要落实“学习、调研、整改、提高”四位一体的工作机制。")
    assert found["八项规定"].kind == Kind.FORMULA
    assert "四位一体" not in found  # the speech's own four, not the lexicon's 四位一体


def test_a_standing_many_things_hold_gets_no_blank_on_its_subject(make_speech):
    bank = build_bank([make_speech(
        "勤俭节约是我们党的传家宝，任何时候都不能丢。",
        "正风肃纪永远在路上，党员干部要时刻保持清醒。")])[0]
    assert not [q for q in bank.questions if q.type in (QType.FILL, QType.SINGLE)
                and re.search(r"____(?:是我们党的传家宝|永远在路上)", q.stem)]


def test_the_same_standing_of_a_lower_rank_is_no_wrong_option(make_speech):
    bank = build_bank([make_speech("各支部要把学习贯彻全会精神作为首要政治任务，抓紧抓实抓细。")])[0]
    options = [o for q in bank.questions if q.type == QType.SINGLE for o in q.options]
    assert not [o for o in options if o in ("重大政治任务", "长期政治任务")]


def test_a_set_opening_on_a_preposition_is_completed_when_its_items_share_the_opening(make_speech):
    bank = build_bank([make_speech("对党忠诚，每名党员都要做到在岗爱岗、在岗敬岗、在岗为岗。")])[0]
    assert [q for q in bank.questions if q.type == QType.FILL and q.answer == ("在岗敬岗",)]


def test_a_lexicon_question_is_one_point_across_speeches(make_speech):
    banks = build_bank([make_speech("党员要增强“四个意识”，做到知行合一。", name="a.txt"),
                        make_speech("机关干部要牢固树立“四个意识”，在服务中心上当表率。", name="b.txt")])
    points = [{q.point for q in bank.questions if q.origin.value == "knowledge"} for bank in banks]
    assert points[0] and points[0] == points[1]  # a paper from both speeches asks “四个意识”是指… once
    speech_points = [{q.point for q in bank.questions if q.origin.value == "speech"} for bank in banks]
    assert not speech_points[0] & speech_points[1]


def test_resolve_under_a_review_heading_tells_how_it_was_done_not_a_demand(make_speech):
    """…坚决做到… under 一、过去五年的主要工作 is a review (讲话回顾); 要坚决… under the next heading is
    the speech's demand."""
    speech = make_speech(
        "一、过去五年的主要工作",
        "全省各级党组织坚决扛起管党治党政治责任，坚决做到“两个维护”，全面从严治党成效显著。",
        "二、今后五年的主要任务",
        "全省各级党组织要坚决落实中央八项规定精神，持之以恒纠治形式主义、官僚主义。",
    )
    bank = build_bank([speech])[0]
    by_paragraph = {2: [], 4: []}
    for q in bank.questions:
        if q.origin.value == "speech" and q.source.paragraph in by_paragraph:
            by_paragraph[q.source.paragraph].append(q.stem)
    assert by_paragraph[2] and by_paragraph[4], by_paragraph
    assert all("讲话回顾" in stem and "讲话要求" not in stem for stem in by_paragraph[2]), by_paragraph[2]
    assert all("讲话回顾" not in stem for stem in by_paragraph[4]), by_paragraph[4]


def test_an_is_clause_that_an_atmosphere_holds_is_no_thesis(make_speech):
    """推动形成X都是Y的社会风尚: the X是Y is what the 风尚 says, and X is no subject to blank; a plain
    X是Y stays a thesis."""
    found = concepts_of(
        make_speech,
        "要鼓励勤劳致富，推动形成好日子都是干出来的、美好生活要靠双手来创造的社会风尚。",
        "营造学习是干部第一需要的浓厚氛围。调查研究是做好工作的基本功。",
    )
    theses = {c.term for c in found.values() if c.kind == Kind.THESIS}
    assert not {t for t in theses if t.startswith(("推动形成", "形成", "营造"))}, theses
    assert "调查研究" in theses, theses


def test_a_persons_words_quoted_whole_are_not_read_back_as_a_true_judgement(make_speech):
    """某某同志说：“…X是Y…” with a thesis too long to blank: a 判断 that reads the quotation back
    tests recitation; the same thesis said by the speech is read back."""
    quoted = "老党员王大山同志说：“在最艰苦的岁月里，对党的事业矢志不渝的坚定信仰是我们的精神支柱。”"
    said = "在最艰苦的岁月里，对党的事业矢志不渝的坚定信仰是我们的精神支柱。"
    for line, asked in ((quoted, False), (said, True)):
        bank = build_bank([make_speech(line)])[0]
        judges = [q.stem for q in bank.questions if q.type == QType.JUDGE and "精神支柱" in q.stem]
        assert bool(judges) is asked, (line, judges, bank.dropped)


def test_four_terse_items_that_share_no_word_are_a_formulation(make_speech):
    """讲政治、守纪律、负责任、有效率 shares no character, yet it is the party's standard said tersely:
    found (the last item freed of the 的… it qualifies) and completed by a fill; four names of
    people or offices, or three such items, are no set."""
    speech = make_speech(
        "要努力把机关建设成为重实干、强担当、优服务、守底线的过硬集体。",
        "这次表彰的王建国、李红梅、张志强、刘海波同志是大家学习的榜样。",
        "会议由办公室、组织科、宣传科、人事处共同筹备，要把好事办好、实事办实、难事办成。",
    )
    bank = build_bank([speech])[0]
    sets = {c.term: c.members for c in bank.concepts if c.kind == Kind.SLOGAN and c.members}
    assert sets.get("重实干、强担当、优服务、守底线") == ("重实干", "强担当", "优服务", "守底线"), sets
    assert not [t for t in sets if "王建国" in t or "组织科" in t], sets
    fills = [q for q in bank.questions if q.type == QType.FILL and q.concept == "重实干、强担当、优服务、守底线"]
    assert fills and "____" in fills[0].stem and fills[0].answer[0] in sets["重实干、强担当、优服务、守底线"]


def test_a_long_sentence_keeps_its_subject_and_what_it_leaves_out_still_tells_a_review(make_speech):
    """A sentence too long for a stem starts with its subject and is cut after the answer (a start
    at the demand holding the answer lost the subject: paired blind reviews); a review said before
    a stem's start still makes it a 讲话回顾."""
    long_demand = ("各级党组织和广大党员干部要站在讲政治的高度，结合本单位实际认真研究部署，抓好各项任务的分解落实，"
                   "不断提升政治判断力、政治领悟力、政治执行力，以实际行动践行初心使命，在本职岗位上创造经得起检验的实绩。")
    assert len(long_demand) > 96
    framed = frame(long_demand, "政治领悟力")
    assert framed is not None and framed.text.startswith("各级党组织") and framed.cut, framed
    assert framed.lead == "讲话要求"
    review = ("2025年，在上级党组织的坚强领导下，全体党员干部团结一心、攻坚克难，各项工作取得了新的成效，"
              "机关党建各项制度不断完善，队伍建设持续加强，党员干部的精神面貌焕然一新，服务发展的能力明显提升，"
              "坚持提升政治判断力、政治领悟力、政治执行力，以实际行动践行初心使命，在服务中心工作中当先锋、作表率，"
              "在推动高质量发展中勇挑重担、攻坚克难，在急难险重任务面前冲得上、顶得住，在群众最需要的地方亮身份、树形象。")
    framed = frame(review, "政治领悟力")
    assert framed is not None and framed.cut and framed.lead == "讲话回顾", framed


def test_a_long_subject_clause_told_by_its_standing_is_a_thesis(make_speech):
    """X，是…的一条红线 with X a whole clause of its own (too long for the general X是Y): a thesis,
    its verbs kept (牢记和践行…, not 践行…); a clause opening on a preposition is no subject."""
    found = concepts_of(
        make_speech,
        "始终坚守和践行全心全意为人民服务的根本宗旨，是贯穿我们机关党建工作全过程的一条红线。",
        "为完成好市委交给我们的各项改革发展稳定任务而团结奋斗，是全局上下的重大政治任务。",
    )
    theses = {c.term: c.key for c in found.values() if c.kind == Kind.THESIS}
    assert theses.get("始终坚守和践行全心全意为人民服务的根本宗旨") == "贯穿我们机关党建工作全过程的一条红线", theses
    assert not [t for t in theses if t.startswith(("为完成", "完成"))], theses


def test_a_slogan_later_stated_as_a_thesis_is_asked_as_one(make_speech):
    """“红旗渠精神” met first as a slogan and later stated (X是Y的…底色): the thesis is a concept too."""
    bank = build_bank([make_speech(
        "我们要大力弘扬“红旗渠精神”，把它融入机关作风建设。",
        "“红旗渠精神”是我们这座城市最鲜明的精神底色，激励着一代又一代共产党人接续奋斗。",
    )])[0]
    assert [c for c in bank.concepts if c.term == "红旗渠精神" and c.kind == Kind.THESIS and c.source.paragraph == 2]


def test_an_apposition_before_its_role_word_is_a_thesis(make_speech):
    """发挥好人民政协专门协商机构作用: 人民政协 is given its standing (专门协商机构) before 作用."""
    found = concepts_of(make_speech, "要支持人大依法履职，发挥好人民政协专门协商机构作用，巩固和发展爱国统一战线。")
    assert found["人民政协"].kind == Kind.THESIS and found["人民政协"].key == "专门协商机构"


def test_a_report_of_ones_own_work_is_a_review_but_for_its_parts_that_look_ahead(make_speech):
    """A title such as …述职报告: what the report tells under 一、主要做法 is a 讲话回顾 (its counts
    not asked), what it says under 三、下一步打算 is not; a speech at a 总结 meeting is no report."""
    from questions.stems import review_paragraphs
    report = make_speech(
        "第二党支部书记2025年度抓党建工作述职报告",
        "一、履行职责的主要做法",
        "坚持每月开展1次主题党日，全年开展专题学习12次。",
        "二、下一步工作打算",
        "要坚持每月开展1次主题党日，推动“三会一课”制度落到实处。",
    )
    assert review_paragraphs(report.paragraphs) == {3}
    bank = build_bank([report])[0]
    assert not [q for q in bank.questions if q.source.paragraph == 3 and q.kind == Kind.FACT]
    assert [q for q in bank.questions if q.source.paragraph == 5]
    speech = make_speech("在2025年度党建工作总结会上的讲话", "一、突出政治引领", "要坚持每月开展1次主题党日。")
    assert review_paragraphs(speech.paragraphs) == set()


def test_bare_standings_out_of_their_frame_are_not_asked(make_speech):
    """一是党建引领是根本。: without the frame (the lessons of 基层治理) a root of what? No question;
    a standing that says of what (作风建设是党的生命线) is asked."""
    bank = build_bank([make_speech(
        "我们的几点体会：",
        "一是党建引领是根本。二是群众主体是关键，制度机制是保障。",
        "作风建设是党的生命线。",
    )])[0]
    stems = [q.stem for q in bank.questions if q.kind == Kind.THESIS]
    assert not [s for s in stems if "根本" in s or "保障" in s or "关键" in s], stems
    assert [s for s in stems if "生命线" in s or "作风建设" in s], stems


def test_a_subject_does_not_carry_the_adverb_before_its_is(make_speech):
    found = concepts_of(make_speech, "作风问题归根到底是人的问题，说到底是党性问题。")
    assert "作风问题" in found and found["作风问题"].kind == Kind.THESIS
    assert not [t for t in found if t.endswith("归根到底")]


def test_a_false_judgement_never_swaps_a_standing_for_another_of_the_same_noun(make_speech):
    """…保护是首要任务: 根本任务 is no false 判断 (a member could hold it true)."""
    bank = build_bank([make_speech("红色资源是不可再生、不可替代的珍贵资源，保护是首要任务。")])[0]
    falses = [q.stem for q in bank.questions if q.type == QType.JUDGE and q.answer is False]
    assert not [s for s in falses if re.search(r"保护是(?:根本|中心|核心|重要)任务", s)], falses


def test_a_thesis_subject_the_stem_names_elsewhere_is_not_blanked(make_speech):
    """把____作为…，成立主题教育领导小组: the blank's own words stand later in the stem."""
    bank = build_bank([make_speech(
        "学院党委把开展主题教育作为全年首要政治任务，成立主题教育领导小组，统筹推进各项工作。",
    )])[0]
    keys = [q.answer[0] if q.type == QType.FILL else q.options[q.answer[0]]
            for q in bank.questions if q.type in (QType.FILL, QType.SINGLE)]
    assert "首要政治任务" in keys and "开展主题教育" not in keys, keys


def test_only_if_theses_with_their_own_subject_or_a_preposition_inside(make_speech):
    """唯有坚定不移沿着…方向前进，才能… (沿着 is no aspect marker); 只有A，B才能C."""
    found = concepts_of(
        make_speech,
        "唯有坚定不移沿着正确方向奋勇前进，才能闯出新路、不负使命。",
        "只有把从严治党的责任扛在肩上，各项工作才能落地见效。",
    )
    assert found["坚定不移沿着正确方向奋勇前进"].key == "才能闯出新路、不负使命"
    assert found["把从严治党的责任扛在肩上"].key == "各项工作才能落地见效"


def test_a_share_is_changed_by_a_real_step():
    import random

    from questions.figures import changed_figures
    wrong = changed_figures("10%以上", random.Random(1))
    assert "20%以上" in wrong and not {"11%以上", "9%以上", "12%以上"} & set(wrong), wrong


def test_a_years_tally_is_a_review_and_a_swap_never_leaves_the_right_one_said(make_speech):
    """全年共处理126人次 tells the past year (讲话回顾); 开展中央三严三实精神学习 beside 查处违反中央八项
    规定精神问题 is no false 判断 (the sentence still says the right one)."""
    assert attribution("精准运用监督执纪“四种形态”，全年共批评教育帮助和处理126人次。") == "讲话回顾"
    bank = build_bank([make_speech(
        "要扎实开展中央八项规定精神学习教育，严肃查处违反中央八项规定精神问题，决不姑息。",
    )])[0]
    falses = [q.stem for q in bank.questions if q.type == QType.JUDGE and q.answer is False]
    assert not [s for s in falses if "八项规定" in s], falses


def test_a_rule_for_leaders_work_style_is_party_business(make_speech):
    """各部门一把手每季度至少到窗口坐班一天: a work-style rule for leaders, asked (its sentence names
    no party word but 一把手)."""
    bank = build_bank([make_speech("要在优化服务上下功夫，各部门一把手每季度至少到窗口坐班一天，亲身走一遍办事流程。")])[0]
    assert [q for q in bank.questions if q.kind == Kind.FACT and "____" in q.stem], bank.dropped


def test_paragraphs_that_open_on_one_frame_list_their_standings(make_speech):
    """我们纪念某某同志，就是要学习他…的政治品格。 / …的革命精神。 … four paragraphs: the standings are
    one list, each asked in its own opening sentence with the others as wrong options (单选 only)."""
    bank = build_bank([make_speech(
        "我们纪念李青山同志，就是要学习他坚定信念、对党忠诚的政治品格。他一生历经坎坷，初心不改。",
        "我们纪念李青山同志，就是要学习他不畏艰险、敢于斗争的革命精神。他多次身负重伤，从不退缩。",
        "我们纪念李青山同志，就是要学习他情系百姓、甘于奉献的公仆情怀。他带领乡亲修路架桥。",
        "我们纪念李青山同志，就是要学习他勤俭节约、廉洁奉公的高尚品德。他从不为家人谋私利。",
    )])[0]
    lists_ = [c for c in bank.concepts if c.named_by == "paragraphs"]
    assert lists_ and lists_[0].members == ("政治品格", "革命精神", "公仆情怀", "高尚品德"), lists_
    asked = [q for q in bank.questions if q.concept == lists_[0].term]
    assert {q.type for q in asked} == {QType.SINGLE} and len(asked) == 4, [q.stem for q in asked]
    for q in asked:
        assert set(q.options) == set(lists_[0].members) and "学习他" in q.stem and "____" in q.stem
        assert q.options[q.answer[0]] in q.source.sentence
        assert q.quality <= 0.8  # below the best-ranked: two standings may read as near kin


def test_no_false_judgement_swaps_one_norm_of_work_style_for_another(make_speech):
    """严格执行中央三严三实精神 for 八项规定: a member could call it a sound demand (two blind reviews)."""
    bank = build_bank([make_speech("要自觉遵守中央八项规定精神，主动接受监督，坚决反对特权思想。")])[0]
    assert [q for q in bank.questions if q.concept == "八项规定" and q.type == QType.FILL]
    assert not [q.stem for q in bank.questions if q.type == QType.JUDGE and q.answer is False]
    # …and no 单选 in 中央____精神, where the frame alone rules the stock options out
    assert not [q.stem for q in bank.questions if q.type == QType.SINGLE and "中央____精神" in q.stem]


def test_a_bare_place_of_first_rank_is_not_blanked(make_speech):
    """讲话要求，坚持把____放在首位。: almost anything is put first somewhere."""
    bank = build_bank([make_speech("坚持把政治建设放在首位。", "要把学习贯彻党的二十大精神作为首要政治任务，切实抓紧抓好。")])[0]
    blanks = [q.stem for q in bank.questions if q.type in (QType.FILL, QType.SINGLE)]
    assert not [s for s in blanks if "放在首位" in s], blanks
    assert [s for s in blanks if "首要政治任务" in s or "作为____" in s], blanks


def test_a_phrase_governed_by_a_one_character_verb_is_no_sibling(make_speech):
    """筑法治之基、行法治之力: 法治之基 is the object of 筑, no sibling of 法治政府."""
    from questions.distractors import Chooser
    speech = make_speech("要坚持法治国家、法治政府、法治社会一体建设。", "筑法治之基、行法治之力，建设法治中国。")
    words = Chooser(speech).pattern_words("法治社会", "法治", "")
    assert "法治之基" not in words and "法治国家" in words, words


def test_a_tally_needs_a_demand_said_before_it(make_speech):
    """坚持严管和厚爱结合，为11名干部澄清正名: the sentence opens on 坚持 but tells a tally; 要在…
    前完成 or a figure after 要 is a requirement."""
    bank = build_bank([make_speech(
        "坚持严管和厚爱结合、激励和约束并重，为受到不实举报的11名干部澄清正名，对29名受处理干部开展回访。",
        "今年要组织全体党员集中轮训2次，确保全覆盖。",
    )])[0]
    facts = {q.concept for q in bank.questions if q.kind == Kind.FACT}
    assert not [f for f in facts if "11名" in f or "29名" in f], facts
    assert [f for f in facts if "2次" in f], facts


def test_a_stem_never_holds_a_numbered_run_with_an_item_cut_away(make_speech):
    """…“三会一课”…；第二，… without 第一; 一是…二是… with 三是 left out."""
    bank = build_bank([make_speech(
        "下一步，我们将重点抓好三项工作：第一，把中心组学习、“三会一课”与业务工作结合起来，防止学习“一阵风”；"
        "第二，持续抓好剩余问题的整改，实行销号管理；第三，建立长效机制。",
        "从去年查处的案件看，突出问题主要有：一是“微腐败”仍然多发，个别村干部吃拿卡要；二是“四风”隐形变异；三是权力运行监督不够。",
    )])[0]
    for q in bank.questions:
        stem = q.stem
        assert not ("第二，" in stem and "第一，" not in stem), stem
        assert not ("二是" in stem and "三是" not in stem), stem
        assert "讲话要求" not in stem or "吃拿卡要" not in stem, stem


def test_an_item_that_only_names_a_member_does_not_define_the_formula(make_speech):
    """二、压紧压实“两个责任” with （一）推动主体责任落实落地 （二）做实监督责任: the headings name the
    members, they are not them; no list of them is “两个责任”."""
    bank = build_bank([make_speech(
        "二、压紧压实“两个责任”",
        "（一）推动主体责任落实落地",
        "各级党组织要履行好主体责任，书记要当好第一责任人。",
        "（二）做实监督责任",
        "纪检监察机关要聚焦主责主业，强化日常监督。",
    )])[0]
    assert not [c for c in bank.concepts if c.term == "两个责任" and "做实监督责任" in c.members]
    assert not [q.stem for q in bank.questions if "推动主体责任落实落地" in q.stem and "两个责任" in q.stem]


def test_a_reviews_sub_heading_and_a_bare_role_after_wei_are_not_asked(make_speech):
    """In a 述职报告: （三）以全面从严治党为主线，… is how the work was organised; 以X为____ (抓手)
    admits 重点 or 载体 as well; 党员首先是… is asked on what the member is first, not on 党员."""
    bank = build_bank([make_speech(
        "学院党委书记2025年度抓党建工作述职报告",
        "一、履职的主要做法",
        "（三）以全面从严治党为主线，驰而不息正风肃纪。全年开展警示教育4次。",
        "二、下一步打算",
        "要以落实意识形态工作责任制为抓手，守牢校园阵地。党员首先是义务的承担者，然后才是权利的享有者。",
    )])[0]
    stems = [q.stem for q in bank.questions]
    assert not [s for s in stems if "为主线" in s or "以____为主线" in s], stems
    assert not [s for s in stems if "为____" in s and "责任制" in s], stems
    assert not [s for s in stems if s.startswith("讲话") and "____首先是" in s], stems
    assert [s for s in stems if "党员首先是____" in s], stems


def test_a_formula_swapped_in_a_false_judgement_keeps_its_count(make_speech):
    bank = build_bank([make_speech("要严格落实“三重一大”集体决策制度，凡涉及干部任免的事项一律集体研究。")])[0]
    falses = [q.stem for q in bank.questions if q.type == QType.JUDGE and q.answer is False]
    assert not [s for s in falses if re.search(r"“[一二四五六七八九十两]个?[^”]*”集体决策", s)], falses


def test_a_review_tells_its_tallies_and_lists_of_what_was_done(make_speech):
    """In a report of one's own work: a formula blanked in the year's tally (全年主持召开党委会32次，…
    围绕…“三会一课”…) and “6件民生实事” listed are what was done, not points to ask."""
    bank = build_bank([make_speech(
        "市住建局党组2025年度工作总结",
        "一、主要做法",
        "全年主持召开党组会32次，组织中心组学习11次，围绕落实“三会一课”制度作了专题发言。",
        "全年办成6件民生实事：一是改造燃气管道68公里。二是推动9个逾期项目交房。三是建立物业投诉受理机制。"
        "四是治理拖欠工资问题。五是新建口袋公园12个。六是增设充电桩300个。",
    )])[0]
    speech_questions = [q.stem for q in bank.questions if q.origin.value == "speech"]
    assert not [s for s in speech_questions if "32次" in s or "民生实事" in s], speech_questions


def test_a_list_under_a_heading_that_names_problems_is_not_asked(make_speech):
    bank = build_bank([make_speech(
        "一、正视问题，把作风上的“病灶”找准",
        "一是“推拖绕”。有的同志遇到群众诉求，能推就推、能拖就拖。",
        "二是“躺平”。有的干部只求不出事、不求干成事。",
        "三是“留痕不留绩”。有的单位热衷于做台账、拍照片。",
        "四是“庸懒散拖”。有的干部上班时间办私事。",
        "二、严管厚爱，把干事创业的劲头鼓起来",
        "要坚持严管和厚爱结合。",
    )])[0]
    assert not [q.stem for q in bank.questions if q.kind == Kind.ENUMERATION], [q.stem for q in bank.questions]
    from questions.generate import Maker
    from questions.knowledge import load_knowledge
    problems = [c for c in bank.concepts if c.term == "正视问题"]
    assert problems, [c.term for c in bank.concepts]
    maker = Maker(bank.speech, bank.concepts, load_knowledge())
    maker.make(problems[0])
    assert not maker.drafts, [d.question.stem for d in maker.drafts]


def test_a_meeting_is_never_offered_beside_a_later_one_nor_asked_as_the_delegates_business(make_speech):
    """党的二十大 among 党的二十一大 (not met yet): earlier congresses only; 做好出席党的二十大代表
    推选工作 is the meeting's business."""
    bank = build_bank([make_speech(
        "要持续在全面学习、把握和落实党的二十大精神上下功夫，做到学深悟透。",
        "要精心做好出席党的二十大和市第十二次党代会代表推选工作，确保代表素质优良。",
    )])[0]
    events = [q for q in bank.questions if q.kind == Kind.EVENT]
    assert events and all("二十一大" not in "".join(q.options) for q in events), [q.options for q in events]
    assert not [q.stem for q in events if q.source.paragraph == 2]


def test_no_blank_on_a_standing_that_its_near_kin_would_fill(make_speech):
    """重要____ (抓手: 保障, 途径 too) and 作为____ (重中之重: 首要任务 too) are not blanked."""
    bank = build_bank([make_speech(
        "严格组织生活是提升组织力的重要抓手，要从基本制度抓起。",
        "要把学习贯彻党的创新理论作为重中之重，推动学习往深里走。",
    )])[0]
    keys = [q.answer[0] if q.type == QType.FILL else q.options[q.answer[0]]
            for q in bank.questions if q.type in (QType.FILL, QType.SINGLE)]
    assert "抓手" not in keys and "重中之重" not in keys, keys


def test_figures_anyone_guesses_occasions_and_range_ends_are_not_asked(make_speech):
    """每人全年形成1篇调研报告 (1 is guessed), 庆祝建党105周年 (the occasion), 确定1到2件实事 (one end
    of a range: changed it reads 1到1件); 每季度至少1次 keeps its frequency."""
    bank = build_bank([make_speech(
        "要落实调研制度，支委成员每季度至少到基层调研1次，每人全年形成1篇调研报告。",
        "要把庆祝建党105周年激发出来的热情转化为推动发展的实际行动。",
        "每个村党支部要围绕产业发展确定1到2件实事，年底接受党员评议。",
    )])[0]
    keys = {q.answer[0] if q.type == QType.FILL else q.options[q.answer[0]]
            for q in bank.questions if q.kind == Kind.FACT and q.type in (QType.FILL, QType.SINGLE)}
    assert "每季度" in keys and not keys & {"1篇", "105周年", "2件", "1次"}, keys


def test_shortcomings_bare_brands_and_generic_references_are_not_asked(make_speech):
    """A shortcoming found in oneself (运用“四种形态”不够主动), a brand of one's own said bare
    (推进机关党建“书记项目”), a generic reference (把全会精神作为学习重点) and a bare count named
    in quotes (“六项”) give no question; a lexicon formula said bare is asked."""
    bank = build_bank([make_speech(
        "运用“四种形态”特别是第一种形态不够主动，对党员的日常提醒偏少。",
        "推进机关党建“书记项目”。",
        "要把全会精神作为下半年学习重点，开展专题研讨。",
        "冬训要突出“六项”学习内容：一是学习党章。二是学习党纪。三是学习“三农”政策。四是学习实用技术。五是学习法律法规。六是学习先进典型。",
        "驰而不息纠正“四风”。",
    )])[0]
    stems = [q.stem for q in bank.questions if q.origin.value == "speech"]
    assert not [s for s in stems if "不够主动" in s or "书记项目" in s or "“六项”" in s], stems
    assert not [q for q in bank.questions if q.concept == "全会精神"], stems
    assert [s for s in stems if "纠正“____”" in s], stems


def test_a_self_criticism_material_is_a_review_but_for_its_remedies(make_speech):
    from questions.stems import review_paragraphs
    speech = make_speech(
        "第三党支部委员会2025年度组织生活会对照检查材料",
        "一、检视出的主要问题",
        "理论学习不够深入。",
        "二、问题产生的原因剖析",
        "党性修养有所放松。",
        "三、下一步整改措施",
        "要坚持每月开展1次主题党日。",
    )
    assert review_paragraphs(speech.paragraphs) == {3, 5}


def test_a_stem_never_opens_on_a_time_told_before_it_nor_on_our_bare_root(make_speech):
    """从那时起，… (when?) gives no stem; 党的领导就是我们的根本 is a bare standing out of its frame."""
    assert frame("从那时起，他就立下了为党的事业奋斗终身的远大志向。", "远大志向") is None
    bank = build_bank([make_speech("党的领导就是我们的根本。", "作风建设是党的生命线。")])[0]
    stems = [q.stem for q in bank.questions]
    assert not [s for s in stems if "我们的根本" in s or "我们的____" in s], stems
    assert [s for s in stems if "生命线" in s or "作风建设" in s], stems


def test_what_a_thing_rests_on_and_the_greatest_of_its_kind_are_theses(make_speech):
    found = concepts_of(
        make_speech,
        "一个政党的先进性不在于口号喊得响，而在于能否始终为人民谋利益。",
        "对一个长期执政的党而言，没有比脱离群众更大的危险。",
    )
    assert found["一个政党的先进性"].key == "在于能否始终为人民谋利益"
    assert found["脱离群众"].key == "没有比……更大的危险"


def test_a_parallel_set_shares_the_tail_all_its_items_share(make_speech):
    """科教兴国战略、人才强国战略、创新驱动发展战略: the first two share 国战略, all three 战略."""
    found = concepts_of(make_speech, "要深入实施科教兴国战略、人才强国战略、创新驱动发展战略，不断塑造发展新优势。")
    assert found["科教兴国战略、人才强国战略、创新驱动发展战略"].members == ("科教兴国战略", "人才强国战略", "创新驱动发展战略")


def test_short_clauses_sharing_an_inner_character_are_a_set_but_no_siblings_elsewhere(make_speech):
    """廉，重在自觉，贵在持久，难在彻底: a set of clauses; its items (no shared head or tail) are no
    wrong option beside 政治自觉、思想自觉、行动自觉."""
    speech = make_speech("廉，重在自觉，贵在持久，难在彻底。", "要增强政治自觉、思想自觉、行动自觉，坚定理想信念。")
    found = concepts_of(lambda *lines: speech)
    assert found["重在自觉，贵在持久，难在彻底"].members == ("重在自觉", "贵在持久", "难在彻底")
    bank = build_bank([speech])[0]
    assert not [q.stem for q in bank.questions if "重在自觉" in q.stem or "重在自觉" in q.options]


def test_items_of_one_shape_with_de_before_a_noun_are_a_set(make_speech):
    found = concepts_of(make_speech, "首先强调的是一种居安思危的意识、刀刃向内的勇气、攻坚克难的决心，体现了历史主动精神。")
    assert found["居安思危的意识、刀刃向内的勇气、攻坚克难的决心"].members == ("居安思危的意识", "刀刃向内的勇气", "攻坚克难的决心")


def test_a_report_or_a_plan_is_not_called_a_speech(make_speech):
    """…述职报告 → 报告指出/报告回顾, …工作要点 → 文件要求; a speech stays 讲话."""
    from questions.build import document_word
    lines = ("一、重点任务", "要严格落实“三会一课”制度，每月开展1次主题党日。")
    report = build_bank([make_speech("第二党支部书记2025年度抓党建工作述职报告", *lines)])[0]
    plan = build_bank([make_speech("2026年机关党建工作要点", *lines)])[0]
    speech = build_bank([make_speech("在机关党建工作会议上的讲话", *lines)])[0]
    assert document_word(report.speech) == "报告" and document_word(plan.speech) == "文件"
    # a title longer than Speech.title's 30 characters still names the kind; a first sentence does not
    long_title = make_speech("市发展和改革委员会机关第三党支部书记2025年度抓基层党建工作述职报告", *lines)
    assert len(long_title.paragraphs[0]) > 30 and document_word(long_title) == "报告"
    assert document_word(make_speech("这是我的述职报告。", *lines)) == ""
    for bank, word in ((report, "报告"), (plan, "文件"), (speech, "讲话")):
        stems = [q.stem for q in bank.questions if q.origin.value == "speech"]
        assert stems and all(re.match(rf"^(?:判断：)?{word}", s) for s in stems), stems
        assert all("讲话" not in q.stem + q.explanation for q in bank.questions) or word == "讲话"
    from questions.authoring import propose
    proposed = propose(report.speech, 3, "主题党日")
    assert proposed and all(not q.stem.startswith(("讲话", "判断：讲话")) for q in proposed), [q.stem for q in proposed]
