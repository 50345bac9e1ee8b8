"""The 错题本: every question a member got wrong, until they answer it right several times in
a row (``clear_after``, 2 by default). Written when an attempt is graded (``services``) or, for
answers shown only after the close, when the close job finalizes the activity (``closing``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, case, select, text, update
from sqlalchemy.orm import Session

from quizapp.models import Attempt, AttemptItem, WrongBookEntry
from quizapp.quiz import secrecy


def file_wrong_answers(session: Session, attempt: Attempt, now: datetime,
                       clear_after: int = 2) -> None:
    """Put a submitted attempt's answers in the 错题本 later (answers shown after the close)."""
    answered = [(question_id, bool(right)) for question_id, response, right in session.execute(
        select(AttemptItem.question_id, AttemptItem.response, AttemptItem.correct)
        .where(AttemptItem.attempt_id == attempt.id)
    ) if response is not None]
    update_wrong_book(session, attempt.person_id, answered, now, clear_after,
                      except_activity_id=attempt.activity_id)


# ON CONFLICT statements are not in SQLAlchemy 2.0's statement cache (their Insert has
# inherit_cache = False), so the upsert compiled on every submit (about 1 ms); as text it is
# compiled once. SQLite and PostgreSQL spell it alike. The wrong questions' rows come from
# their own rows in the bank, so any number of them is one statement with one list parameter,
# in id order (two submits of one member lock alike).
_WRONG_AGAIN = text(
    "INSERT INTO wrong_book_entry"
    " (person_id, question_id, wrong_count, right_streak, last_wrong_at, cleared_at)"
    " SELECT :person_id, bank_question.id, 1, 0, :now, NULL FROM bank_question"
    " WHERE bank_question.id IN :wrong ORDER BY bank_question.id"
    " ON CONFLICT (person_id, question_id) DO UPDATE SET"
    " wrong_count = wrong_book_entry.wrong_count + 1, right_streak = 0,"
    " last_wrong_at = excluded.last_wrong_at, cleared_at = NULL"
).bindparams(bindparam("now", type_=WrongBookEntry.__table__.c.last_wrong_at.type),
             bindparam("wrong", expanding=True))
_RIGHT_AGAIN = (
    update(WrongBookEntry)
    .where(WrongBookEntry.person_id == bindparam("member"),
           WrongBookEntry.question_id.in_(bindparam("right", expanding=True)),
           WrongBookEntry.cleared_at.is_(None))
    .values(right_streak=WrongBookEntry.right_streak + 1,
            cleared_at=case((WrongBookEntry.right_streak + 1 >= bindparam("clear_after"),
                             bindparam("now", type_=WrongBookEntry.__table__.c.cleared_at.type)),
                            else_=None))
    .execution_options(synchronize_session=False)
)


def update_wrong_book(session: Session, person_id: int, answered: list[tuple[int, bool]],
                       now: datetime, clear_after: int, *,
                       except_activity_id: int | None = None) -> None:
    """Wrong answers enter (or re-enter) the book; right ones count towards leaving it.

    ``answered`` is (question id, right) of each answered question: an
    unanswered question is left as it is, the member never tried it. So is a question
    whose key is withheld from the member now (``secrecy``; a scored sitting passes its
    own activity as ``except_activity_id``): entering or leaving the book would tell
    right from wrong.
    """
    if answered:
        withheld = secrecy.withheld_among(session, person_id, [q for q, _ in answered], now,
                                          except_activity_id=except_activity_id)
        answered = [(question_id, right) for question_id, right in answered
                    if question_id not in withheld]
    wrong = sorted({question_id for question_id, right in answered if not right})
    right = sorted({question_id for question_id, right in answered if right})
    if wrong:
        session.execute(_WRONG_AGAIN, {"person_id": person_id, "wrong": wrong, "now": now})
    if right:
        session.execute(_RIGHT_AGAIN, {"member": person_id, "right": right,
                                       "clear_after": clear_after, "now": now})
