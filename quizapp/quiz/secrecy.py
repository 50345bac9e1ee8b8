"""Scored work stays secret until it may be shown: whose keys a member may not see now.

The rule, decided here and nowhere else (every draw of a practice and every page that shows a
key asks this module):

A scored activity (a 月度选学's quiz or a 季度测试) is *live* for a member while

- it is published and the member is in its audience (or now in its subtree, and so may join it
  by opening it);
- the member's first window has opened (the scored window, or their make-up window if that
  opens earlier) and their final close (make-up window included) has not passed; and
- its answers are not released to the member yet: under AFTER_CLOSE not before that final
  close; under AFTER_SUBMIT not while the member may still answer (a sitting of theirs is open,
  or they have attempts left).

While an activity is live for a member, the member is withheld the key of every question of its
pool (the questions its blueprint parts may draw for its audience, whatever their status now),
of every question of their own sittings of it, and of every *variant* of those: a question on
the same source sentence of the same speech (the builder makes several questions from one
sentence, and the sentence holds the answer), or of the same key point (``_variants_of``).
Withheld questions are never drawn into the member's practice (自测, 错题练习, any activity's
考前练习); a result page, the 错题本 and 查看原文 show them with no key, correctness, explanation
or source sentence (``WITHHELD_NOTE``); and answering one does not change the member's 错题本
(its presence there would tell right from wrong).

A scored sitting's result page shows its own questions as its activity's answer policy says
(``activity_pages.answers_revealed``); only the *other* live activities withhold from it
(``except_activity_id``). Before an activity's first window opens nothing is withheld: the
bank is the members' study material, and an activity's 考前练习 shows its keys by design.

The rule is written twice, alike: in SQL (``LIVE``), for the questions of every live activity
at once, and in Python (``pool_secret``), for one activity a page has loaded with the member's
audience row and sittings. tests/app/test_quiz_secrecy_rule.py checks they agree.

The statements are built once, with bound parameters (``binds``): building them, or cloning
them with ``.params()``, cost more CPU than running them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from quizapp.models import (
    Activity,
    ActivityMember,
    ActivityStatus,
    AnswerPolicy,
    Attempt,
    AttemptItem,
    AttemptStatus,
    BankQuestion,
    BlueprintPart,
    Person,
    Role,
    RoleGrant,
    Speech,
    Unit,
)
from quizapp.results import windows

WITHHELD_NOTE = "本题在进行中的测试题库中，测试结束并公布答案后可查看答案与解析。"


def pool_secret(activity: Activity, member: ActivityMember | None, sittings: Sequence[Attempt],
                now: datetime) -> bool:
    """Whether the activity is live for the member now (see the module's rule): ``member`` is
    their audience row, ``sittings`` their scored sittings of it. As ``LIVE``."""
    if activity.status is not ActivityStatus.PUBLISHED:
        return False
    first_opens = min(opens for opens, _ in windows.windows(activity, member))
    if not first_opens <= now < windows.final_close(activity, member):
        return False
    if activity.answers_shown is AnswerPolicy.AFTER_CLOSE:
        return True
    return (any(sitting.status is AttemptStatus.OPEN for sitting in sittings)
            or len(sittings) < activity.attempts_allowed)


# The parameters of every statement here (``binds`` gives their values).
_PERSON = bindparam("secrecy_person", type_=Integer)
_NOW = bindparam("secrecy_now", type_=DateTime(timezone=True))
_EXCEPT = bindparam("secrecy_except", type_=Integer)  # None: no activity is excepted


def binds(person_id: int, now: datetime, except_activity_id: int | None = None) -> dict[str, Any]:
    """The parameters of ``LIVE`` and ``WITHHELD`` (and of any statement built on them) for this
    member at this moment, but ``except_activity_id``."""
    return {"secrecy_person": person_id, "secrecy_now": now, "secrecy_except": except_activity_id}


def _member_units() -> Select[tuple[int]]:
    """The units whose activities the person may join: their unit, any unit they hold a MEMBER
    grant on, and every unit above those (``auth.access.member_unit_ids`` in SQL; none
    for an inactive person)."""
    active = exists().where(Person.id == _PERSON, Person.active)
    seeds = union(
        select(Person.unit_id).where(Person.id == _PERSON, Person.active),
        select(RoleGrant.unit_id).where(RoleGrant.person_id == _PERSON,
                                        RoleGrant.role == Role.MEMBER, active),
    )
    up = (select(Unit.id, Unit.parent_id).where(Unit.id.in_(seeds))
          .cte("secrecy_member_units", recursive=True))
    # UNION, not UNION ALL: stops even if bad data ever forms a cycle.
    up = up.union(select(Unit.id, Unit.parent_id).join(up, Unit.id == up.c.parent_id))
    return select(up.c.id)


def _live() -> Select[tuple[int]]:
    mine = and_(ActivityMember.activity_id == Activity.id, ActivityMember.person_id == _PERSON)
    sitting = and_(Attempt.activity_id == Activity.id, Attempt.person_id == _PERSON,
                   Attempt.attempt_no.is_not(None))
    sittings = select(func.count()).where(sitting).scalar_subquery()
    return (
        select(Activity.id).outerjoin(ActivityMember, mine)
        .where(Activity.status == ActivityStatus.PUBLISHED,
               or_(ActivityMember.person_id.is_not(None),
                   Activity.unit_id.in_(_member_units())),
               or_(Activity.opens_at <= _NOW, ActivityMember.makeup_opens_at <= _NOW),
               or_(Activity.closes_at > _NOW, ActivityMember.makeup_closes_at > _NOW),
               or_(Activity.answers_shown == AnswerPolicy.AFTER_CLOSE,
                   exists().where(sitting, Attempt.status == AttemptStatus.OPEN),
                   sittings < Activity.attempts_allowed),
               Activity.id != func.coalesce(_EXCEPT, 0))
        .correlate(None)
    )


# Ids of the activities live for the member now (the module's rule; ``pool_secret`` for one
# loaded activity), but the excepted one.
LIVE = _live()


def _seed(question: type[BankQuestion]) -> tuple[Any, ...]:
    """What the variant rule needs of a seed (``_variants_of``): read with the seed, so that
    the rule need not look each seed up again (two lookups a seed were most of the cost)."""
    return question.id, question.speech_id, question.sentence, question.point


def _pools(live: CTE) -> Select[tuple[int, int, str, str]]:
    """The questions the blueprint parts of these activities may draw for their audiences:
    a part's type, speech and concept (when set), on a speech of the activity's unit or a unit
    above it (``draw.activity_pool`` and ``draw.in_part``), in any status. As ``_seed``."""
    units = (select(Activity.id.label("activity_id"), Unit.id.label("unit_id"), Unit.parent_id)
             .join(Unit, Unit.id == Activity.unit_id).where(Activity.id.in_(select(live.c.id)))
             .cte("secrecy_audience_units", recursive=True))
    units = units.union(select(units.c.activity_id, Unit.id, Unit.parent_id)
                        .join(units, Unit.id == units.c.parent_id))
    question = aliased(BankQuestion, name="pool_question")
    speech = aliased(Speech, name="pool_speech")
    part = aliased(BlueprintPart, name="pool_part")
    fits = and_(part.type == question.type,
                or_(part.speech_id.is_(None), part.speech_id == question.speech_id),
                or_(part.concept == "", part.concept == question.concept))
    return (select(*_seed(question)).join(speech, speech.id == question.speech_id)
            .join(part, fits)
            .join(units, and_(units.c.activity_id == part.activity_id,
                              units.c.unit_id == speech.unit_id))
            .correlate(None))


def _sittings(live: CTE) -> Select[tuple[int, int, str, str]]:
    """The questions of the member's own sittings of these activities (a pool may have changed
    since they were drawn). As ``_seed``."""
    item = aliased(AttemptItem, name="sat_item")
    sitting = aliased(Attempt, name="sat_attempt")
    question = aliased(BankQuestion, name="sat_question")
    return (select(*_seed(question)).join(item, item.question_id == question.id)
            .join(sitting, sitting.id == item.attempt_id)
            .where(sitting.person_id == _PERSON, sitting.attempt_no.is_not(None),
                   sitting.activity_id.in_(select(live.c.id)))
            .correlate(None))


def _variants_of(question: type[BankQuestion], seeds: CTE) -> ColumnElement[bool]:
    """``question`` is one of ``seeds`` or a variant of one: the same non-empty source sentence
    of the same speech, or the same key point. The one place the variant rule lives."""
    return or_(
        question.id.in_(select(seeds.c.id)),
        tuple_(question.speech_id, question.sentence).in_(
            select(seeds.c.speech_id, seeds.c.sentence).where(seeds.c.sentence != "")),
        question.point.in_(select(seeds.c.point).where(seeds.c.point != "")),
    )


_QUESTION = aliased(BankQuestion, name="withheld_question")


def _withheld() -> Select[tuple[int]]:
    live = LIVE.cte("secrecy_live")
    # UNION ALL: the rule only asks whether a value is among the seeds.
    seeds = union_all(_pools(live), _sittings(live)).cte("secrecy_seeds")
    return select(_QUESTION.id).where(_variants_of(_QUESTION, seeds)).correlate(None)


# Ids of every question whose key the member may not see now: the pools and sittings of the
# activities live for them, with their variants (the module's rule). Run it, or a statement
# built on it (``BankQuestion.id.not_in(WITHHELD)``), with ``binds``.
WITHHELD = _withheld()
_AMONG = WITHHELD.where(_QUESTION.id.in_(bindparam("secrecy_ids", expanding=True)))


def live_activity_ids(session: Session, person_id: int, now: datetime,
                      except_activity_id: int | None = None) -> set[int]:
    """Ids of the activities live for the person now, but ``except_activity_id``."""
    return set(session.scalars(LIVE, binds(person_id, now, except_activity_id)))


def withheld_among(session: Session, person_id: int, question_ids: Iterable[int],
                   now: datetime, *, except_activity_id: int | None = None) -> set[int]:
    """Which of these questions the person may not see the key of now (one query)."""
    ids = sorted(set(question_ids))
    if not ids:
        return set()
    return set(session.scalars(
        _AMONG, {**binds(person_id, now, except_activity_id), "secrecy_ids": ids}))
