"""Drawing a member's questions from an activity's blueprint.

For each blueprint part the pool is the approved questions of the part's type
(and speech and concept, when set) that the member may see and that the whole
audience may see (speeches of the activity's unit or above it), so no member
is asked a question a colleague in another branch could never be drawn.

Equal difficulty: the part's mix of ``BankQuestion.difficulty`` levels is
computed once from the audience's pool by proportional allocation with
largest remainders (``difficulty_mix``), so every member's draw of a part has
the same number of questions of each level. Within a level, questions the
member has not met in an earlier scored sitting (any study or test) come
first. No question is drawn twice for one sitting, nor two questions of one key point
(``BankQuestion.point``: variants of one sentence give one another away), whatever their parts.

Cost: a start reads the audience's pool once for all parts (``activity_pool``),
as light rows holding only what a draw and its stored items need
(``PoolQuestion``: no stem, options, answer or explanation), and each part is
filtered from it in Python (``in_part``).

No cache of pools across requests. A per-process cache would have to be proved
never to serve a question after it is retired, sent back to review or edited
(its version or number of options), and there is no sound cheap key for it:
``updated_at`` is stamped when a change is flushed, not when it commits, so a
change that commits after a later one leaves ``max(updated_at)`` unchanged; and
a question's status, version and options are written in more than one module
(``organize.review``: review, edits, corrections; ``organize.services``:
re-imports), while an explicit invalidation in one gunicorn worker would not
reach the other. The light query is cheap enough (a few hundred short rows), so
each start reads the committed bank, and only approved questions are drawn.

A test day's first sittings do not draw here at the start: ``predraw`` draws them for the
whole audience after publication from one ``Plan`` (``plan_from_units``, ``draw_planned``), and
the start copies the paper while every question of it is still approved at the version drawn.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    Attempt,
    AttemptItem,
    BankQuestion,
    BlueprintPart,
    Person,
    QuestionStatus,
    QuestionType,
    Speech,
)
from quizapp.models.org import ancestor_ids
from quizapp.auth.access import member_unit_ids
from quizapp.quiz import secrecy


class PoolQuestion(NamedTuple):
    """What drawing a question and storing its item need: no text, no answer key."""

    id: int
    version: int
    type: QuestionType
    speech_id: int
    unit_id: int  # the speech's unit
    concept: str
    difficulty: int
    option_count: int  # choice questions; 0 for judge and fill
    point: str  # the key point: a paper holds one question of each (variants give one another away)


_CHOICE = (QuestionType.SINGLE, QuestionType.MULTIPLE)

# The columns of a PoolQuestion; a statement selecting them joins BankQuestion.speech.
POOL_COLUMNS: tuple[Any, ...] = (
    BankQuestion.id, BankQuestion.version, BankQuestion.type, BankQuestion.speech_id,
    Speech.unit_id, BankQuestion.concept, BankQuestion.difficulty,
    case((BankQuestion.type.in_(_CHOICE), func.json_array_length(BankQuestion.options)),
         else_=0),
    BankQuestion.point,
)


@dataclass(frozen=True)
class Drawn:
    question: PoolQuestion
    part: BlueprintPart


def activity_pool(session: Session, activity: Activity, units: list[int],
                  withhold: Mapping[str, Any] | None = None) -> list[PoolQuestion]:
    """The approved questions of the blueprint's types on speeches of ``units`` (the
    audience's: the activity's unit and above), by id: every part's pool in one query. With
    ``withhold`` (a member's ``secrecy.binds``) none whose key is withheld from the member."""
    types = sorted({part.type for part in activity.parts})
    if not types:
        return []
    statement = (
        select(*POOL_COLUMNS).join(BankQuestion.speech)
        .where(BankQuestion.status == QuestionStatus.APPROVED, BankQuestion.type.in_(types),
               Speech.unit_id.in_(units))
        .order_by(BankQuestion.id)
    )
    if withhold is not None:
        statement = statement.where(BankQuestion.id.not_in(secrecy.WITHHELD))
    return [PoolQuestion._make(row) for row in session.execute(statement, withhold)]


def in_part(pool: Sequence[PoolQuestion], part: BlueprintPart) -> list[PoolQuestion]:
    """The questions of ``pool`` the part may draw: its type, and its speech and concept
    when set (the same tests the database made when each part had its own query)."""
    qtype, speech_id, concept = part.type, part.speech_id, part.concept  # once, not per row
    return [q for q in pool
            if q.type == qtype
            and (speech_id is None or q.speech_id == speech_id)
            and (not concept or q.concept == concept)]


def audience_units(session: Session, person: Person,
                   activity: Activity) -> tuple[list[int], set[int] | None]:
    """The units whose speeches the whole audience sees (the activity's unit and above),
    and the units among them the member sees, or None when the member sees them all.

    A member now in the activity's subtree sees them all: ``member_unit_ids`` holds an
    active person's unit and every unit above it, and the activity's unit is one of them,
    so its chain up to the root is the tail of the member's own chain. Then the member's
    pool is the audience's pool, and no second query or filter is needed. That does not
    hold for every audience row: the audience is fixed at publication, so a member
    moved to another branch since (a roster import moves people) still opens the
    activity but no longer sees the speeches of the units between it and their new
    branch; an inactive person sees none. Those draw from the audience pool filtered
    by what they see.
    """
    chain = ancestor_ids(session, person.unit_id) if person.active else []
    if activity.unit_id in chain:
        return chain[chain.index(activity.unit_id):], None
    return ancestor_ids(session, activity.unit_id), member_unit_ids(session, person)


def difficulty_mix(levels: list[int], count: int) -> dict[int, int]:
    """How many questions of each difficulty level a draw of ``count`` takes from a pool
    whose questions have these ``levels``: proportional, largest remainders first (ties to
    the lower level). A pool smaller than ``count`` gives all it has."""
    have = Counter(levels)
    total = sum(have.values())
    if total <= count:
        return dict(have)
    mix = {level: count * n // total for level, n in have.items()}
    left = count - sum(mix.values())
    by_remainder = sorted(have, key=lambda level: (-(count * have[level] % total), level))
    for level in by_remainder[:left]:
        mix[level] += 1
    return {level: n for level, n in mix.items() if n}


def seen_question_ids(session: Session, person_id: int) -> set[int]:
    """Questions the member met in any earlier scored sitting (studies and tests): each once
    (a year of sittings repeats the bank's questions)."""
    return set(session.scalars(
        select(AttemptItem.question_id).distinct()
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.person_id == person_id, Attempt.attempt_no.is_not(None))
    ))


def _unseen_first(questions: list[PoolQuestion], seen: set[int],
                  rng: random.Random) -> list[PoolQuestion]:
    fresh = [q for q in questions if q.id not in seen]
    old = [q for q in questions if q.id in seen]
    rng.shuffle(fresh)
    rng.shuffle(old)
    return fresh + old


def _one_a_point(ordered: list[PoolQuestion], want: int, taken: set[str]) -> list[PoolQuestion]:
    """The first ``want`` of ``ordered`` whose key point is not in ``taken`` (nor twice among
    them); adds their points to ``taken``."""
    chosen: list[PoolQuestion] = []
    for question in ordered:
        if len(chosen) >= want:
            break
        if question.point not in taken:
            taken.add(question.point)
            chosen.append(question)
    return chosen


def draw_part(pool: list[PoolQuestion], mix: dict[int, int], count: int, seen: set[int],
              taken: set[str], rng: random.Random) -> list[PoolQuestion]:
    """``count`` questions of ``pool`` following ``mix``, unseen first, one a key point and
    none of a point in ``taken`` (the points the paper holds already; updated).

    A level short of questions (a point already taken by another part) is made up from the
    other levels; a pool short of questions gives what it has.
    """
    free = [q for q in pool if q.point not in taken]
    chosen: list[PoolQuestion] = []
    for level in sorted(mix):
        at_level = [q for q in free if q.difficulty == level]
        chosen.extend(_one_a_point(_unseen_first(at_level, seen, rng), mix[level], taken))
    if len(chosen) < count:
        rest = [q for q in free if q.point not in taken]
        chosen.extend(_one_a_point(_unseen_first(rest, seen, rng), count - len(chosen), taken))
    return chosen[:count]


def draw_blueprint(session: Session, person: Person, activity: Activity, rng: random.Random,
                   *, prefer_unseen: bool = True,
                   withhold: Mapping[str, Any] | None = None) -> list[Drawn]:
    """The member's questions for the activity, part by part (not yet shuffled); with
    ``withhold`` (a practice's: the member's ``secrecy.binds``) none whose key is withheld."""
    seen = seen_question_ids(session, person.id) if prefer_unseen else set()
    units, visible = audience_units(session, person, activity)
    return draw_from_units(session, activity, units, visible, seen, rng, withhold)


@dataclass(frozen=True)
class Plan:
    """What every member's draw of an activity shares, read and computed once: each part's
    audience pool and difficulty mix, and the order the parts draw in."""

    activity: Activity
    order: list[BlueprintPart]  # the part with the fewest key points to spare first
    audiences: dict[int, list[PoolQuestion]]  # by part position
    mixes: dict[int, dict[int, int]]  # by part position


def plan_from_units(session: Session, activity: Activity, units: list[int],
                    withhold: Mapping[str, Any] | None = None) -> Plan:
    """The activity's draw plan from the pool of ``units`` (the audience's): one query."""
    pool = activity_pool(session, activity, units, withhold)
    audiences = {part.position: in_part(pool, part) for part in activity.parts}
    # Parts share key points whatever their types: the one with the fewest points to spare
    # draws first, so that another part does not take the points it needs.
    spare = {position: len({q.point for q in questions}) for position, questions in audiences.items()}
    order = sorted(activity.parts, key=lambda part: spare[part.position] - part.count)
    mixes = {part.position: difficulty_mix([q.difficulty for q in audiences[part.position]],
                                           part.count) for part in activity.parts}
    return Plan(activity, order, audiences, mixes)


def draw_planned(plan: Plan, visible: set[int] | None, seen: set[int],
                 rng: random.Random) -> list[Drawn]:
    """One member's draw by the plan, limited to speeches of ``visible`` units when given,
    unseen first (pure Python: a pre-draw for thousands of members reads the plan once)."""
    taken: set[str] = set()  # the key points on the paper
    chosen: dict[int, list[PoolQuestion]] = {}
    for part in plan.order:
        audience = plan.audiences[part.position]
        mine = audience if visible is None else [q for q in audience if q.unit_id in visible]
        chosen[part.position] = draw_part(mine, plan.mixes[part.position], part.count, seen,
                                          taken, rng)
    return [Drawn(q, part) for part in plan.activity.parts for q in chosen[part.position]]


def draw_from_units(session: Session, activity: Activity, units: list[int],
                    visible: set[int] | None, seen: set[int], rng: random.Random,
                    withhold: Mapping[str, Any] | None = None) -> list[Drawn]:
    """The blueprint's questions from the pool of ``units`` (the audience's), limited to
    speeches of ``visible`` units when given, unseen first: ``draw_blueprint`` for a member,
    and a printed paper for the whole audience (``units`` the activity's chain, no ``visible``,
    nothing seen)."""
    return draw_planned(plan_from_units(session, activity, units, withhold), visible, seen, rng)
