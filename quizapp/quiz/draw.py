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
first. No question is drawn twice for one sitting.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    Attempt,
    AttemptItem,
    BankQuestion,
    BlueprintPart,
    Person,
    QuestionStatus,
    Speech,
)
from quizapp.models.org import ancestor_ids
from quizapp.organize.queries import approved_questions_for


@dataclass(frozen=True)
class Drawn:
    question: BankQuestion
    part: BlueprintPart


def _restricted(statement: Select[tuple[BankQuestion]], part: BlueprintPart,
                scope: list[int]) -> Select[tuple[BankQuestion]]:
    statement = statement.where(BankQuestion.type == part.type, Speech.unit_id.in_(scope))
    if part.speech_id is not None:
        statement = statement.where(BankQuestion.speech_id == part.speech_id)
    if part.concept:
        statement = statement.where(BankQuestion.concept == part.concept)
    return statement.order_by(None).order_by(BankQuestion.id)


def audience_pool(session: Session, activity: Activity, part: BlueprintPart) -> list[BankQuestion]:
    """The part's questions every member of the audience may see (for the difficulty mix)."""
    statement = (select(BankQuestion).join(BankQuestion.speech)
                 .where(BankQuestion.status == QuestionStatus.APPROVED))
    return list(session.scalars(
        _restricted(statement, part, ancestor_ids(session, activity.unit_id))
    ))


def member_pool(session: Session, person: Person, activity: Activity,
                part: BlueprintPart) -> list[BankQuestion]:
    """The part's questions this member may be asked, by id."""
    return list(session.scalars(_restricted(
        approved_questions_for(session, person), part, ancestor_ids(session, activity.unit_id)
    )))


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
    """Questions the member met in any earlier scored sitting (studies and tests)."""
    return set(session.scalars(
        select(AttemptItem.question_id).join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.person_id == person_id, Attempt.attempt_no.is_not(None))
    ))


def _unseen_first(questions: list[BankQuestion], seen: set[int],
                  rng: random.Random) -> list[BankQuestion]:
    fresh = [q for q in questions if q.id not in seen]
    old = [q for q in questions if q.id in seen]
    rng.shuffle(fresh)
    rng.shuffle(old)
    return fresh + old


def draw_part(pool: list[BankQuestion], mix: dict[int, int], count: int, seen: set[int],
              taken: set[int], rng: random.Random) -> list[BankQuestion]:
    """``count`` questions of ``pool`` following ``mix``, unseen first, none in ``taken``.

    A level short of questions (a question already taken by another part) is made up
    from the other levels; a pool short of questions gives what it has.
    """
    free = [q for q in pool if q.id not in taken]
    chosen: list[BankQuestion] = []
    for level in sorted(mix):
        at_level = [q for q in free if q.difficulty == level]
        chosen.extend(_unseen_first(at_level, seen, rng)[:mix[level]])
    if len(chosen) < count:
        ids = {q.id for q in chosen}
        rest = [q for q in free if q.id not in ids]
        chosen.extend(_unseen_first(rest, seen, rng)[:count - len(chosen)])
    taken.update(q.id for q in chosen)
    return chosen[:count]


def draw_blueprint(session: Session, person: Person, activity: Activity, rng: random.Random,
                   *, prefer_unseen: bool = True) -> list[Drawn]:
    """The member's questions for the activity, part by part (not yet shuffled)."""
    seen = seen_question_ids(session, person.id) if prefer_unseen else set()
    taken: set[int] = set()
    drawn: list[Drawn] = []
    for part in activity.parts:
        mix = difficulty_mix([q.difficulty for q in audience_pool(session, activity, part)],
                             part.count)
        pool = member_pool(session, person, activity, part)
        drawn.extend(Drawn(q, part) for q in draw_part(pool, mix, part.count, seen, taken, rng))
    return drawn
