"""Starting a practice or a scored sitting: the questions and each one's option order are
drawn (or, for a first scored sitting, copied from the paper drawn ahead by ``predraw``) and
stored at once.

Starting is idempotent: the start form's key is unique per person, at most one practice per
person is open, and at most one scored sitting per person and activity (partial unique
indexes). The insert is ``ON CONFLICT DO NOTHING``, so of two racing starts (a double tap)
one inserts and the other finds its attempt.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import and_, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
    DrawnItem,
    Person,
    PracticeSource,
    QuestionType,
)
from quizapp.models.base import utcnow
from quizapp.quiz import activities, queries, secrecy
from quizapp.results import windows
from quizapp.quiz.draw import POOL_COLUMNS, PoolQuestion, draw_blueprint
from quizapp.quiz.errors import NoQuestions, OpenPracticeExists, QuizError
from quizapp.quiz.predraw import fresh_question
from quizapp.results.clock import as_utc, local_time
from quizapp.sql import insert_for

PRACTICE_SIZES = (5, 10, 20)
# The 考前练习 shows its keys: not once the scored window has opened, until the answers are out.
PRACTICE_PAUSED = "正式答题已开始，考前练习暂停；公布答案后可再练习"


def _draw(session: Session, person: Person, source: PracticeSource, speech_id: int | None,
          count: int, now: datetime) -> list[PoolQuestion]:
    """``count`` random questions of the source, none whose key is withheld from the person
    now (``secrecy``), and one a key point (variants give one another away). Raises NoQuestions,
    saying so when it is the withholding that left none."""
    if source is PracticeSource.MISTAKES:
        ids = queries.wrong_book_question_ids(session, person)
    else:
        ids = queries.approved_questions_for(session, person, speech_id).with_only_columns(
            BankQuestion.id
        )
    ids = ids.order_by(None)
    secret = secrecy.binds(person.id, now)
    shown = ids.where(BankQuestion.id.not_in(secrecy.WITHHELD)).add_columns(
        func.row_number().over(partition_by=BankQuestion.point, order_by=func.random()).label("nth")
    ).subquery()
    chosen = (select(shown.c.id).where(shown.c.nth == 1).order_by(func.random())
              .limit(count).scalar_subquery())
    drawn = [PoolQuestion._make(row) for row in session.execute(
        select(*POOL_COLUMNS).join(BankQuestion.speech).where(BankQuestion.id.in_(chosen)),
        secret,
    )]
    if not drawn:
        raise NoQuestions(withheld=bool(session.scalar(
            select(ids.where(BankQuestion.id.in_(secrecy.WITHHELD)).exists()), secret)))
    return drawn


def _open_practice_id(session: Session, person_id: int) -> int | None:
    return session.scalar(
        select(Attempt.id).where(
            Attempt.person_id == person_id,
            Attempt.kind == AttemptKind.PRACTICE,
            Attempt.status == AttemptStatus.OPEN,
        )
    )


def _attempt_by_key(session: Session, person_id: int, client_key: str | None) -> Attempt | None:
    if not client_key:
        return None
    return session.scalar(
        select(Attempt).where(Attempt.person_id == person_id, Attempt.client_key == client_key)
    )


def _activity_practice(session: Session, person: Person, activity_id: int, now: datetime,
                       rng: random.Random,
                       membership: tuple[Activity, ActivityMember] | None) -> list[PoolQuestion]:
    """An activity's practice set: a fresh draw from its blueprint, while the set is open and
    its pool is not secret (``secrecy.pool_secret``), without questions another live activity
    withholds."""
    found = membership or activities.member_for(session, person, activity_id, now)
    if found is None:
        raise QuizError("找不到这项学习活动")
    activity, member = found
    if not activities.practice_open(activity, now):
        raise QuizError("考前练习现在没有开放")
    sittings = activities.scored_attempts(session, person.id, activity_id)
    if any(a.status is AttemptStatus.OPEN for a in sittings):
        # The practice shows its answers: not while a sitting from the same pools is open.
        raise QuizError("请先交卷，再做考前练习")
    if secrecy.pool_secret(activity, member, sittings, now):
        raise QuizError(PRACTICE_PAUSED)
    # Another live activity's pool may overlap this one's.
    return [drawn.question for drawn in draw_blueprint(
        session, person, activity, rng, prefer_unseen=False,
        withhold=secrecy.binds(person.id, now))]


def start_practice(
    session: Session,
    person: Person,
    source: PracticeSource,
    count: int | None,
    *,
    speech_id: int | None = None,
    activity_id: int | None = None,
    client_key: str | None = None,
    rng: random.Random | None = None,
    now: datetime | None = None,
    membership: tuple[Activity, ActivityMember] | None = None,
) -> Attempt:
    """Start a practice of ``count`` questions, or return the attempt this key already started.

    The questions and each one's option order are drawn and stored now. With
    source ACTIVITY the questions come from the activity's blueprint (``count``
    is ignored) while its practice set is open; such a practice is never
    scored. Raises NoQuestions, OpenPracticeExists, or QuizError for a speech
    or activity the person may not see. ``membership`` is the activity and the member's
    audience row when the caller has already read them.
    """
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    if (source is PracticeSource.ACTIVITY) != (activity_id is not None):
        raise QuizError("请选择一项学习活动")
    if source is not PracticeSource.ACTIVITY and count not in PRACTICE_SIZES:
        raise QuizError("题量只能是 5、10 或 20 题")
    if (source is PracticeSource.SPEECH) != (speech_id is not None):
        raise QuizError("请选择一篇讲话")
    existing = _attempt_by_key(session, person.id, client_key)
    if existing is not None:
        return existing
    open_id = _open_practice_id(session, person.id)
    if open_id is not None:
        raise OpenPracticeExists(open_id)
    if speech_id is not None and queries.visible_speech(session, person, speech_id) is None:
        raise QuizError("找不到这篇讲话")
    if activity_id is not None:
        questions = _activity_practice(session, person, activity_id, now, rng, membership)
    else:
        questions = _draw(session, person, source, speech_id, count or 0, now)
    if not questions:
        raise NoQuestions()
    rng.shuffle(questions)

    # RETURNING the row as an Attempt: no re-read after the insert.
    attempt = session.scalar(
        insert_for(session, Attempt)
        .values(person_id=person.id, kind=AttemptKind.PRACTICE, source=source,
                speech_id=speech_id, activity_id=activity_id, client_key=client_key or None,
                question_count=len(questions), started_at=now, updated_at=now)
        .on_conflict_do_nothing()
        .returning(Attempt)
    )
    if attempt is None:  # a concurrent start with this key, or another practice, won
        existing = _attempt_by_key(session, person.id, client_key)
        if existing is not None:
            return existing
        raise OpenPracticeExists(_open_practice_id(session, person.id) or 0)
    _add_items(session, attempt.id, [(q, 1) for q in questions], rng)
    return attempt


def _add_items(session: Session, attempt_id: int, questions: list[tuple[PoolQuestion, int]],
               rng: random.Random) -> None:
    """Store the questions in this order, each with its shuffled options and points.

    One Core executemany: no ORM objects (the unit of work would insert them one statement
    per item, to read each id back), and not the ORM's bulk insert either (its bookkeeping was
    most of the insert's CPU on every start)."""
    session.execute(insert(AttemptItem.__table__), [
        {"attempt_id": attempt_id, "position": position, "question_id": question.id,
         "question_version": question.version, "option_order": _shuffled_options(question, rng),
         "max_points": max_points}
        for position, (question, max_points) in enumerate(questions, start=1)
    ])


def _refuse_start(activity: Activity, member: ActivityMember, attempts: list[Attempt],
                  now: datetime) -> None:
    """Raise the member's reason why no sitting may start now, if there is one."""
    if windows.window_at(activity, member, now) is None:
        if now < as_utc(activity.opens_at):
            raise QuizError(f"答题尚未开始，开始时间：{local_time(activity.opens_at)}")
        later = [opens for opens, _ in windows.windows(activity, member) if opens > now]
        if later:
            raise QuizError(f"补考尚未开始，开始时间：{local_time(min(later))}")
        raise QuizError("答题已截止，不能再开始答题")
    if len(attempts) >= activity.attempts_allowed:
        raise QuizError(f"你的答题次数已用完（共 {activity.attempts_allowed} 次）")


def _key_and_sittings(session: Session, person_id: int, activity_id: int,
                      client_key: str | None) -> tuple[Attempt | None, list[Attempt]]:
    """The attempt this start key began (of any activity or kind), and the member's scored
    sittings of the activity, first first (``activities.scored_attempts``): one query."""
    sittings = and_(Attempt.activity_id == activity_id, Attempt.attempt_no.is_not(None))
    rows = list(session.scalars(
        select(Attempt)
        .where(Attempt.person_id == person_id,
               or_(sittings, Attempt.client_key == client_key) if client_key else sittings)
        .order_by(Attempt.attempt_no, Attempt.id)
    ))
    keyed = next((a for a in rows if client_key and a.client_key == client_key), None)
    return keyed, [a for a in rows if a.activity_id == activity_id and a.attempt_no is not None]


def start_scored(session: Session, person: Person, activity_id: int, *,
                 client_key: str | None = None, rng: random.Random | None = None,
                 now: datetime | None = None,
                 membership: tuple[Activity, ActivityMember] | None = None) -> Attempt:
    """Start the member's next scored sitting of a study or test, or return the sitting this
    key already started (or the one still open).

    A first sitting copies the member's pre-drawn paper when it is current (``predraw``,
    ``models.drawn``): the start then reads and writes a few rows. Otherwise questions are
    drawn by the blueprint (``draw``), shuffled, each with its
    options shuffled and worth its part's points. A pool that has become short
    gives what it has; an empty draw is refused. Raises QuizError with the
    member's reason: not open yet, closed, or no attempts left. ``membership`` is the
    activity and the member's audience row when the caller has already read them.
    """
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    found = membership or activities.member_for(session, person, activity_id, now)
    if found is None:
        raise QuizError("找不到这项学习活动")
    activity, member = found
    existing, attempts = _key_and_sittings(session, person.id, activity_id, client_key)
    if existing is not None and existing.activity_id == activity_id:
        return existing
    opened = next((a for a in attempts if a.status is AttemptStatus.OPEN), None)
    if opened is not None:
        return opened
    _refuse_start(activity, member, attempts, now)
    kind = AttemptKind.STUDY if activity.kind is ActivityKind.STUDY else AttemptKind.TEST
    values = {"person_id": person.id, "kind": kind, "activity_id": activity_id,
              "attempt_no": len(attempts) + 1, "client_key": client_key or None,
              "started_at": now, "updated_at": now,
              "deadline_at": windows.attempt_deadline(activity, member, now)}
    size = _paper_size(session, activity, person) if not attempts else 0
    drawn = [] if size else draw_blueprint(session, person, activity, rng)
    if not size and not drawn:
        raise QuizError("题库中暂无符合要求的题目，请联系组织员")
    rng.shuffle(drawn)
    attempt = session.scalar(
        insert_for(session, Attempt)
        .values(**values, question_count=size or len(drawn))
        .on_conflict_do_nothing()
        .returning(Attempt)
    )
    if attempt is None:  # a concurrent start (this key, or another tap) won
        existing = _attempt_by_key(session, person.id, client_key)
        attempts = activities.scored_attempts(session, person.id, activity_id)
        opened = next((a for a in attempts if a.status is AttemptStatus.OPEN), None)
        if existing is not None or opened is not None:
            return existing or opened  # type: ignore[return-value]
        raise QuizError("开始答题失败，请重试")
    if size:
        _copy_paper(session, attempt.id, activity, person, size)
    else:
        _add_items(session, attempt.id, [(d.question, d.part.points_each) for d in drawn], rng)
    return attempt


def _paper_of(activity: Activity, person: Person) -> tuple:
    """The conditions of the member's current pre-drawn paper (``models.drawn``)."""
    return (DrawnItem.activity_id == activity.id, DrawnItem.person_id == person.id,
            DrawnItem.activity_version == activity.version, DrawnItem.unit_id == person.unit_id)


def _paper_size(session: Session, activity: Activity, person: Person) -> int:
    """The number of questions of the member's pre-drawn paper (``predraw``), or 0 when they
    have none that may be used: none drawn, or drawn for another version of the activity or
    another unit, or with a question retired, sent back or edited since (one query)."""
    size, fresh = session.execute(
        select(func.count(), func.count(BankQuestion.id))
        .select_from(DrawnItem).outerjoin(BankQuestion, fresh_question())
        .where(*_paper_of(activity, person))
    ).one()
    return size if size and size == fresh else 0


def _copy_paper(session: Session, attempt_id: int, activity: Activity, person: Person,
                size: int) -> None:
    """The attempt's items from the member's pre-drawn paper: one INSERT ... SELECT. A paper
    replaced between the check and the copy (the draw job redrawing a paper gone stale that
    moment) fails the start, to be retried, rather than leave an attempt short of items."""
    columns = ("position", "question_id", "question_version", "option_order", "max_points")
    table = AttemptItem.__table__
    copied = session.execute(
        insert(table).from_select(
            ["attempt_id", *columns],
            select(literal(attempt_id), *(getattr(DrawnItem, c) for c in columns))
            .where(*_paper_of(activity, person)))
        .returning(table.c.position)  # psycopg's rowcount of an INSERT ... SELECT here is -1
    ).all()
    if len(copied) != size:
        raise QuizError("开始答题失败，请重试")


def _shuffled_options(question: PoolQuestion, rng: random.Random) -> list[int]:
    if question.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return []
    order = list(range(question.option_count))
    rng.shuffle(order)
    return order
