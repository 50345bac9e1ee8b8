"""12,000 autosaves from 32 concurrent clients over real HTTP: none lost, the last answer wins,
and a stale save (an older sequence number arriving after a newer one) is refused, told so, and
never overwrites.

200 members × 20 questions × 3 changes of mind. Each of the 32 client threads owns some members
(each with its own logged-in session and CSRF header) and sends, round by round, the first,
second and third choice of every question of its members, so that the three values of one
question go out in order while the clients' requests interleave on the server. After some
saves the client sends an older save of the same question again (a retry that arrived late):
the server must answer 409 ``stale`` with the newer sequence number it keeps.

Half the members (the odd ones) send as the answering page does, several answers a request
(``{"answers": [...]}``, up to ``BATCH``, a question at most once a request): each entry gets
its own result, which counts as that save's reply (saved as a 200, stale as a 409).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from fault_helpers import (
    Crowd,
    Phone,
    logged_in_phones,
    make_crowd,
    run_threads,
    serve_over_http,
    shown_choice,
)
from live_server import serve
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, AttemptStatus

MEMBERS, QUESTIONS, CHANGES, CLIENTS = 200, 20, 3, 32
BATCH = 5
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Save:
    member: int
    position: int    # 0-based index into the member's items
    seq: int
    shown: int
    stale_of: int | None = None  # for a stale resend: the newer seq already acknowledged


def choice(member: int, position: int, change: int) -> int:
    """The option position chosen at the change-th change of mind (differs every time)."""
    return (member * 7 + position + change) % 4


def is_stale_case(member: int, position: int) -> str | None:
    """Which stale resend follows a question's saves, if any: an old first answer after the
    second, or the second after the third (about one question in six each)."""
    key = (member * 13 + position * 5) % 12
    return {0: "after-second", 1: "after-third"}.get(key)


def plan(members: list[int]) -> list[Save]:
    """One client's saves: round by round over its members' questions, each stale resend
    right after the save it is older than."""
    saves: list[Save] = []
    for change in range(CHANGES):
        seq = change + 1
        for member in members:
            for position in range(QUESTIONS):
                saves.append(Save(member, position, seq, choice(member, position, change)))
                case = is_stale_case(member, position)
                if (case, seq) in (("after-second", 2), ("after-third", 3)):
                    old = seq - 1
                    saves.append(Save(member, position, old, choice(member, position, old - 1),
                                      stale_of=seq))
    return saves


def send_all(crowd: Crowd, phones: list[Phone]) -> list[tuple[Save, int, Any]]:
    """Every client's plan from its own thread; returns (save, status, reply json)."""
    plans = [plan([m for m in range(MEMBERS) if m % CLIENTS == client])
             for client in range(CLIENTS)]

    def run(client: int) -> list[tuple[Save, int, Any]]:
        replies: list[tuple[Save, int, Any]] = []
        batch: list[Save] = []

        def send_batch() -> None:
            if not batch:
                return
            attempt_id = crowd.attempt_ids[batch[0].member]
            entries = [{"question_id": crowd.items[attempt_id][save.position].question_id,
                        "response": save.shown, "seq": save.seq} for save in batch]
            reply = phones[batch[0].member].save_batch(attempt_id, entries)
            assert reply.status == 200, reply.body
            results = reply.json["results"]
            assert [r["question_id"] for r in results] == [e["question_id"] for e in entries]
            replies.extend((save, 200 if result["ok"] else 409, result)
                           for save, result in zip(batch, results))
            batch.clear()

        for save in plans[client]:
            if save.member % 2:  # a batching member
                if batch and (batch[0].member != save.member or len(batch) == BATCH
                              or any(s.position == save.position for s in batch)):
                    send_batch()
                batch.append(save)
                continue
            send_batch()
            item = crowd.items[crowd.attempt_ids[save.member]][save.position]
            reply = phones[save.member].save(crowd.attempt_ids[save.member], item.question_id,
                                             save.shown, save.seq)
            replies.append((save, reply.status, reply.json))
        send_batch()
        return replies

    return [row for rows in run_threads(CLIENTS, CLIENTS, run) for row in rows]


def test_twelve_thousand_concurrent_autosaves_lose_nothing_and_stale_ones_never_win(
        app: Flask) -> None:
    serve_over_http(app)
    crowd = make_crowd(app, MEMBERS, QUESTIONS)
    with serve(app) as base_url:
        phones = logged_in_phones(base_url, crowd)
        replies = send_all(crowd, phones)
        state = phones[0].request("GET", f"/quiz/attempts/{crowd.attempt_ids[0]}/state").json

    fresh = [(s, status, body) for s, status, body in replies if s.stale_of is None]
    stale = [(s, status, body) for s, status, body in replies if s.stale_of is not None]
    assert len(fresh) == MEMBERS * QUESTIONS * CHANGES == 12_000
    assert len(stale) == sum(is_stale_case(m, p) is not None
                             for m in range(MEMBERS) for p in range(QUESTIONS)) > 600
    # Every fresh save acknowledged, with its own sequence number and position.
    assert Counter(status for _s, status, _b in fresh) == {200: 12_000}
    assert all(body["ok"] and body["seq"] == s.seq and body["position"] == s.position + 1
               for s, _status, body in fresh)
    # Every stale one refused, and the client told which newer answer the server keeps.
    assert Counter(status for _s, status, _b in stale) == {409: len(stale)}
    for save, _status, body in stale:
        assert body["ok"] is False and body["stale"] is True and body["seq"] == save.stale_of
        assert CHINESE.search(body["message"]), body
    # The state endpoint reports the last sequence number of every question.
    assert state["status"] == "open"
    assert set(state["saved"].values()) == {CHANGES}

    with app.app_context():
        stored = {(row.attempt_id, row.position): row for row in db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id.in_(crowd.attempt_ids)))}
        assert len(stored) == MEMBERS * QUESTIONS
        for member, attempt_id in enumerate(crowd.attempt_ids):
            for position, item in enumerate(crowd.items[attempt_id]):
                row = stored[(attempt_id, position + 1)]
                last = choice(member, position, CHANGES - 1)
                assert row.saved_seq == CHANGES, (member, position)
                assert shown_choice(item, row.response[0]) == last
                assert row.answered_at is not None
        # Nothing else moved: every sitting is still open and no item was added.
        assert db.session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.id.in_(crowd.attempt_ids), Attempt.status == AttemptStatus.OPEN)) == MEMBERS
