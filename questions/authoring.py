"""Authoring from the text: an organizer selects a phrase in the speech reader, and the builder
proposes a 填空, a 单选 and a 判断 on it, in its sentence, with distractors of its kind."""
from __future__ import annotations

from dataclasses import replace

from .concepts import find_concepts
from .build import as_document
from .generate import Draft, Maker
from .knowledge import Knowledge, load_knowledge
from .numbers import starts_with_number
from .quality import rank
from .text import is_masked, sentences
from .types import Concept, Kind, Question, Source, Speech

MAX_PHRASE = 30


class AuthoringError(ValueError):
    """A selection no question can be made on; the message is for the organizer."""


def propose(speech: Speech, paragraph: int, phrase: str, knowledge: Knowledge | None = None) -> list[Question]:
    """Questions on `phrase` as it stands in paragraph `paragraph` (1-based) of `speech`: a 填空,
    a 单选 (when three distractors of its kind are found) and a 判断 as said (and one changed).
    Raises AuthoringError, in Chinese, when the selection cannot carry a question."""
    phrase = phrase.strip().strip("“”《》")
    if not 1 < len(phrase) <= MAX_PHRASE:
        raise AuthoringError(f"请选择 2 到 {MAX_PHRASE} 个字的词语")
    if not 1 <= paragraph <= len(speech.paragraphs):
        raise AuthoringError("所选段落不存在")
    if is_masked(phrase):
        raise AuthoringError("所选词语含脱敏字符（XX、**），不能出题")
    text = speech.paragraph(paragraph)
    sentence = next((s for s in sentences(text) if phrase in s.text), None)
    if sentence is None:
        raise AuthoringError("所选词语不在这一段里（不能跨句选择）")
    knowledge = knowledge or load_knowledge()
    concepts = find_concepts(speech, knowledge)
    known = next((c for c in concepts if c.term == phrase), None)
    kind = known.kind if known is not None and not known.members else _kind_of(phrase, sentence.text)
    concept = Concept(term=phrase, kind=kind, members=(),
                      source=Source(speech.name, paragraph, sentence.text), paragraphs=(paragraph,),
                      figures=(phrase,) if kind == Kind.FACT else ())
    maker = Maker(speech, concepts, knowledge)
    maker.make(concept)
    drafts = [d for d in maker.drafts if d.got_distractors >= d.need_distractors]
    if not drafts:
        raise AuthoringError("这一句无法在不截断主语的情况下出题，请选择其他句子中的词语")
    return as_document([_ranked(d, concept) for d in drafts], speech)


def _kind_of(phrase: str, sentence: str) -> Kind:
    if f"《{phrase}》" in sentence:
        return Kind.POLICY
    if phrase[0].isdigit() or phrase.startswith("每"):
        return Kind.FACT
    if starts_with_number(phrase) and f"“{phrase}”" in sentence:
        return Kind.FORMULA
    return Kind.SLOGAN if f"“{phrase}”" in sentence else Kind.THESIS


def _ranked(draft: Draft, concept: Concept) -> Question:
    q = draft.question
    return replace(q, quality=rank(q, concept, draft.cut, draft.weak_distractors))
