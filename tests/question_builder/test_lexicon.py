"""The lexicon of official formulations (questions/data/knowledge.json): its size and shape."""
from __future__ import annotations

from collections import Counter

from questions.knowledge import DATA_FILE, load_knowledge

# Formulas whose members are longer than a short phrase by their very wording.
LONG_BY_NATURE = {"两个维护", "两个确立", "三个表率", "四个服从"}
SHORT = 20


def test_the_file_holds_enough_formulas_and_policies():
    knowledge = load_knowledge(DATA_FILE)
    assert len(knowledge.formulas) >= 150
    assert len(knowledge.policies) >= 40


def test_every_formula_has_two_distinct_members_a_family_and_a_source():
    for f in load_knowledge(DATA_FILE).formulas:
        assert f.term.strip() and f.family.strip() and f.note.strip(), f.term
        assert all(m.strip() for m in f.members), f.term
        assert len(set(f.members)) == len(f.members) >= 2, f.term


def test_terms_and_policies_are_not_repeated():
    knowledge = load_knowledge(DATA_FILE)
    terms = Counter(f.term for f in knowledge.formulas)
    assert [t for t, n in terms.items() if n > 1] == []
    assert len(set(knowledge.policies)) == len(knowledge.policies)


def test_policies_are_bare_titles():
    for title in load_knowledge(DATA_FILE).policies:
        assert title.strip() == title and "《" not in title and "》" not in title, title


def test_members_are_short_phrases_except_a_few_formulas_worded_longer():
    long = {f.term for f in load_knowledge(DATA_FILE).formulas if any(len(m) > SHORT for m in f.members)}
    assert long <= LONG_BY_NATURE


def test_families_are_shared_so_distractors_come_from_the_same_kind():
    knowledge = load_knowledge(DATA_FILE)
    sizes = Counter(f.family for f in knowledge.formulas)
    assert sum(1 for n in sizes.values() if n >= 2) >= 20
    assert knowledge.family("四个意识") == "意识"
    assert knowledge.family("两个维护") == knowledge.family("两个确立")
    assert len({knowledge.family(t) for t in ("四个意识", "四个自信", "四风")}) == 3
