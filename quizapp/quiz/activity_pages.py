"""The activity page as a member reads it: times, their sittings, and a study's passages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from quizapp.models import (
    Activity,
    ActivityMember,
    AnswerPolicy,
    Attempt,
    AttemptStatus,
    Person,
    Speech,
    StudyPassage,
)
from quizapp.auth.access import member_unit_ids
from quizapp.quiz import activities, secrecy
from quizapp.results import scores, windows
from quizapp.results.clock import as_utc


@dataclass(frozen=True)
class PassageView:
    speech_title: str
    concept: str
    paragraphs: list[str]
    speech_url_id: int | None  # the speech's id when the member may open the whole speech


@dataclass(frozen=True)
class ActivityPage:
    activity: Activity
    member: ActivityMember
    state: activities.MemberState
    attempts: list[Attempt]
    windows: list[tuple[datetime, datetime]]
    passages: list[PassageView]
    can_start: bool
    practice_open: bool

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.status is AttemptStatus.OPEN), None)

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def time_limit(self) -> int | None:
        limit = self.activity.time_limit_minutes
        return None if limit is None else limit + self.member.extra_minutes


def _passages(session: Session, person: Person, activity: Activity) -> list[PassageView]:
    """The study's passages with their speeches' texts (one query), each linked to its speech
    when the member may open it (its unit is theirs or above, as ``queries.visible_speech``)."""
    passages = session.scalars(
        select(StudyPassage).where(StudyPassage.activity_id == activity.id)
        .options(joinedload(StudyPassage.speech).undefer(Speech.text))
        .order_by(StudyPassage.position)).all()
    mine = member_unit_ids(session, person) if passages else set()
    return [PassageView(p.speech.title, p.concept,
                        p.speech.paragraphs[p.first_paragraph:p.last_paragraph + 1],
                        p.speech.id if p.speech.unit_id in mine else None)
            for p in passages]


def activity_page(session: Session, person: Person, activity: Activity, member: ActivityMember,
                  now: datetime) -> ActivityPage:
    """Everything the member's activity page shows."""
    attempts = activities.scored_attempts(session, person.id, activity.id)
    return ActivityPage(
        activity=activity,
        member=member,
        state=activities.state_of(activity, member, attempts, now),
        attempts=attempts,
        windows=windows.windows(activity, member),
        passages=_passages(session, person, activity),
        can_start=activities.can_start(activity, member, attempts, now),
        # The practice set shows its keys: not while its own pool is secret (``secrecy``).
        practice_open=(activities.practice_open(activity, now)
                       and not secrecy.pool_secret(activity, member, attempts, now)),
    )


def answers_revealed(activity: Activity, member: ActivityMember | None, now: datetime) -> bool:
    """A scored sitting's key may be shown: right after submitting, or once the member's
    final close (make-up included) has passed."""
    return (activity.answers_shown is AnswerPolicy.AFTER_SUBMIT
            or now >= windows.final_close(activity, member))


def timed_out(attempt: Attempt) -> bool:
    """The sitting was submitted at its deadline (time was up), not before it."""
    deadline, submitted = as_utc(attempt.deadline_at), as_utc(attempt.submitted_at)
    return deadline is not None and submitted is not None and submitted >= deadline


@dataclass(frozen=True)
class ScoredResult:
    """What a scored sitting's result page adds to a practice's."""

    activity: Activity
    verdict: str
    percent: float
    revealed: bool
    reveal_at: datetime  # when the key is shown, if it is not yet
    timed_out: bool


def scored_result(session: Session, attempt: Attempt, now: datetime) -> ScoredResult | None:
    """The verdict and answer policy of a submitted scored sitting (None for a practice)."""
    if attempt.activity_id is None or attempt.attempt_no is None:
        return None
    activity = session.get_one(Activity, attempt.activity_id)
    member = session.get(ActivityMember, (activity.id, attempt.person_id))
    return ScoredResult(
        activity=activity,
        verdict=scores.verdict(attempt.score, attempt.max_score, activity.pass_percent,
                               activity.excellent_percent),
        percent=scores.shown_percent(attempt.score, attempt.max_score),
        revealed=answers_revealed(activity, member, now),
        reveal_at=windows.final_close(activity, member),
        timed_out=timed_out(attempt),
    )



# How long after its answers come out a test stays on the member's home page as news.
ANSWERS_OUT_DAYS = 14


@dataclass(frozen=True)
class AnswersOut:
    """A home notice: the answers of an activity the member sat are now shown."""

    activity: Activity
    attempt_id: int  # the member's latest submitted sitting
    since: datetime


def answers_out(session: Session, person_id: int, now: datetime,
                days: int = ANSWERS_OUT_DAYS) -> list[AnswersOut]:
    """Activities whose answers were held to the close, which the member sat, and whose answers
    came out (``answers_revealed``) within the last ``days`` days, latest first."""
    rows = session.execute(
        select(Activity, ActivityMember, Attempt)
        .join(Attempt, Attempt.activity_id == Activity.id)
        .outerjoin(ActivityMember, (ActivityMember.activity_id == Activity.id)
                   & (ActivityMember.person_id == person_id))
        .where(Attempt.person_id == person_id, Attempt.attempt_no.is_not(None),
               Attempt.status == AttemptStatus.SUBMITTED,
               Activity.answers_shown == AnswerPolicy.AFTER_CLOSE,
               Activity.closes_at > now - timedelta(days=days + 60))
        .order_by(Attempt.attempt_no)
    ).all()
    latest: dict[int, tuple[Activity, ActivityMember | None, Attempt]] = {}
    for activity, member, attempt in rows:
        latest[activity.id] = (activity, member, attempt)
    out = []
    for activity, member, attempt in latest.values():
        since = windows.final_close(activity, member)
        if answers_revealed(activity, member, now) and now - since <= timedelta(days=days):
            out.append(AnswersOut(activity, attempt.id, since))
    return sorted(out, key=lambda line: line.since, reverse=True)
