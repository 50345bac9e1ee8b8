"""Papers drawn before the rush: the first sitting of every audience member, drawn right after
publication (``flask attempts draw-papers``, and a step of the close-due job every round), so
that on a test day a start only copies its paper (``starting``).

The draw is ``draw``'s, unchanged: the plan (the audience's pool, each part's difficulty mix, the
parts' order) is read and computed once per activity, and each member's paper is drawn from it
with the questions they met in earlier scored sittings last. A batch of members costs a handful
of statements whatever its size: the members (one query), what they have seen (one), the stale
papers gone (one delete) and the new ones written (one executemany).

Who gets a paper here: an active audience member now in the activity's subtree (their pool is
the audience's) who has no scored sitting of it yet. A member moved elsewhere, inactive, or who
joins the audience later is drawn for at the start, as before; so is anyone whose paper has
gone stale (``models.drawn``: an edit of the activity, a move, a question retired, sent back or
edited). The job redraws stale papers of members who have not started.

Known difference from a draw at the start: "unseen first" is judged when the paper is drawn, so
a question the member meets in another activity's sitting between the draw and their start may
be on their paper (the rule is a preference, never a guarantee: a small pool repeats anyway).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy import and_, delete, exists, insert, select
from sqlalchemy.orm import Session, aliased

from quizapp.models import (
    Activity,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptItem,
    BankQuestion,
    DrawnItem,
    Person,
    QuestionStatus,
    QuestionType,
)
from quizapp.models.base import utcnow
from quizapp.models.org import ancestor_ids, subtree_ids
from quizapp.quiz.draw import Plan, draw_planned, plan_from_units

BATCH = 500  # members a batch: one transaction of the job


def fresh_question(item: type[DrawnItem] | DrawnItem = DrawnItem):
    """The drawn item's question is still approved at the version drawn (a SQL condition on
    ``BankQuestion`` joined to it)."""
    return and_(BankQuestion.id == item.question_id,
                BankQuestion.version == item.question_version,
                BankQuestion.status == QuestionStatus.APPROVED)


def _stale_paper(activity: Activity):
    """The member (``Person``) has a paper of the activity that may not be used."""
    item = aliased(DrawnItem, name="stale_item")
    return exists().where(
        item.activity_id == activity.id, item.person_id == Person.id,
        (item.activity_version != activity.version) | (item.unit_id != Person.unit_id)
        | ~exists().where(fresh_question(item)))


def _current_paper(activity: Activity):
    item = aliased(DrawnItem, name="current_item")
    return exists().where(item.activity_id == activity.id, item.person_id == Person.id)


def members_to_draw(session: Session, activity: Activity, units: set[int],
                    limit: int) -> list[tuple[int, int]]:
    """(person id, unit id) of up to ``limit`` members who need a paper drawn now: active,
    in the subtree ``units``, no scored sitting yet, and no paper or a stale one."""
    sat = exists().where(Attempt.activity_id == activity.id, Attempt.person_id == Person.id,
                         Attempt.attempt_no.is_not(None))
    return [(pid, uid) for pid, uid in session.execute(
        select(Person.id, Person.unit_id)
        .join(ActivityMember, and_(ActivityMember.person_id == Person.id,
                                   ActivityMember.activity_id == activity.id))
        .where(Person.active.is_(True), Person.unit_id.in_(sorted(units)), ~sat,
               ~_current_paper(activity) | _stale_paper(activity))
        .order_by(Person.id).limit(limit))]


def _seen_by(session: Session, person_ids: list[int]) -> dict[int, set[int]]:
    """Per member, the questions of their earlier scored sittings (``draw.seen_question_ids``
    for a batch, one query)."""
    seen: dict[int, set[int]] = defaultdict(set)
    for person_id, question_id in session.execute(
        select(Attempt.person_id, AttemptItem.question_id).distinct()
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.person_id.in_(person_ids), Attempt.attempt_no.is_not(None))
    ):
        seen[person_id].add(question_id)
    return seen


def _rows(plan: Plan, person_id: int, unit_id: int, seen: set[int],
          rng: random.Random) -> list[dict]:
    """One member's paper as ``DrawnItem`` rows: the start's draw, shuffle and option orders."""
    drawn = draw_planned(plan, None, seen, rng)
    rng.shuffle(drawn)
    rows = []
    for position, choice in enumerate(drawn, start=1):
        question = choice.question
        order: list[int] = []
        if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            order = list(range(question.option_count))
            rng.shuffle(order)
        rows.append({"activity_id": plan.activity.id, "person_id": person_id,
                     "position": position, "activity_version": plan.activity.version,
                     "unit_id": unit_id, "question_id": question.id,
                     "question_version": question.version, "option_order": order,
                     "max_points": choice.part.points_each})
    return rows


def draw_batches(session: Session, activity: Activity, *, batch: int = BATCH,
                 rng: random.Random | None = None) -> Iterator[int]:
    """Draw the papers the activity's members need, ``batch`` members at a time; yields the
    number of members of each batch once it is flushed (the caller commits each, and may stop).
    Draws nothing for an activity that is not published or has closed."""
    if activity.status is not ActivityStatus.PUBLISHED or not activity.parts:
        return
    rng = rng or random.SystemRandom()
    units = subtree_ids(session, activity.unit_id)
    plan: Plan | None = None  # read once there is someone to draw for (the job asks every round)
    done: set[int] = set()
    while True:
        members = members_to_draw(session, activity, units, batch)
        ids = [pid for pid, _ in members]
        if not members or done.intersection(ids):  # the second: never loop on a paper
            return
        done.update(ids)
        plan = plan or plan_from_units(session, activity, ancestor_ids(session, activity.unit_id))
        seen = _seen_by(session, ids)
        rows = [row for pid, uid in members for row in _rows(plan, pid, uid, seen[pid], rng)]
        session.execute(delete(DrawnItem).where(DrawnItem.activity_id == activity.id,
                                                DrawnItem.person_id.in_(ids)))
        if not rows:  # an empty pool: nothing to draw, and the start will say so
            return
        session.execute(insert(DrawnItem.__table__), rows)
        session.flush()
        yield len(members)


def draw_papers(session: Session, activity: Activity, *, each: Callable[[int], None] | None = None,
                batch: int = BATCH, rng: random.Random | None = None) -> int:
    """Draw every paper the activity's members need; ``each(count)`` after every batch (the
    job commits there and shows its progress). Returns the members drawn for."""
    total = 0
    for count in draw_batches(session, activity, batch=batch, rng=rng):
        total += count
        if each is not None:
            each(count)
    return total


def prune(session: Session, now: datetime | None = None) -> int:
    """Drop the papers of activities closed or withdrawn: a start of a make-up window after the
    close draws its own. Returns the items dropped (one statement)."""
    now = now or utcnow()
    over = select(Activity.id).where((Activity.status != ActivityStatus.PUBLISHED)
                                     | (Activity.closes_at <= now))
    return session.execute(delete(DrawnItem).where(DrawnItem.activity_id.in_(over))).rowcount


def activities_to_draw(session: Session, now: datetime | None = None) -> list[Activity]:
    """The published activities still open or yet to open: those the job draws papers for."""
    now = now or utcnow()
    return list(session.scalars(
        select(Activity).where(Activity.status == ActivityStatus.PUBLISHED,
                               Activity.closes_at > now).order_by(Activity.opens_at, Activity.id)))
