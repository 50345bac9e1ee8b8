"""The database going away and coming back: a 503 asking to retry, then recovery without a restart.

A small TCP proxy (a thread in this test) stands between the app and PostgreSQL. Cutting it
closes every connection and refuses new ones, as a database restart or a network cut would:
pages get the Chinese 503 page (no stack trace), the JSON autosave gets a JSON 503 that the
answering page's script retries (static/js/quiz.js keeps the answer queued on any 5xx).
Restoring it, the app serves again by itself (the failed requests made the pool drop its
dead connections) and nothing acknowledged before the cut is lost. PostgreSQL only: a SQLite
file has no connection to cut.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from quizapp.errors import RETRY_AFTER_SECONDS
from quizapp.quiz.responses import to_shown
from tests.app.quiz_helpers import (
    MEMBER,
    attempt_id_from,
    bank,  # noqa: F401 - fixture
    items_of,
    question_of,
    quiz_org,  # noqa: F401 - fixture
    save,
    shown_answer,
    start,
)

UNAVAILABLE = "服务暂时不可用，请稍后重试"
LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlalchemy", "127.0.0.1")


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the database; ``cut()`` drops every connection and
    refuses new ones until ``restore()``."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        self._drop(source, sink)

    def _drop(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self.lock:
                self.sockets.discard(sock)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut(self) -> None:
        self.open = False
        with self.lock:
            live = list(self.sockets)
        self._drop(*live)

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def proxy() -> Iterator[CuttableProxy]:
    url = os.environ.get("QUIZAPP_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (QUIZAPP_TEST_DATABASE_URL): a SQLite file has no "
                    "connection to cut")
    parsed = make_url(url)
    running = CuttableProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    yield running
    running.close()


@pytest.fixture
def database_url(proxy: CuttableProxy) -> str:
    """The test database, reached through the proxy (overrides tests/conftest.py)."""
    url = make_url(os.environ["QUIZAPP_TEST_DATABASE_URL"])
    return url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def _assert_unavailable(response, retry_after: bool = True) -> None:
    """A 503 with the Chinese message (in the page, or in the JSON reply) and no internals."""
    assert response.status_code == 503
    if retry_after:
        assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.get_data(as_text=True)
    if response.is_json:
        assert response.get_json() == {"ok": False, "retry": True, "message": UNAVAILABLE}
    else:
        assert UNAVAILABLE in body
    assert not [leak for leak in LEAKS if leak in body]


def test_cut_database_gives_503_then_recovers_and_keeps_acknowledged_saves(
        app: Flask, client, login, bank, proxy: CuttableProxy) -> None:  # noqa: F811
    assert login(client, MEMBER).status_code == 302
    attempt_id = attempt_id_from(start(client, count=5))
    items = items_of(app, attempt_id)
    answers = {item.question_id: shown_answer(item, question_of(app, item.question_id))
               for item in items}
    before, during = items[:3], items[3]
    for item in before:
        assert save(client, attempt_id, item.question_id, answers[item.question_id], 1).status_code == 200

    proxy.cut()
    try:
        _assert_unavailable(client.get("/"))
        _assert_unavailable(client.get(f"/quiz/attempts/{attempt_id}/q/1"))
        refused = save(client, attempt_id, during.question_id, answers[during.question_id], 1)
        assert refused.is_json
        _assert_unavailable(refused)
        batch = {"answers": [{"question_id": during.question_id,
                              "response": answers[during.question_id], "seq": 1}]}
        refused_batch = client.post(f"/quiz/attempts/{attempt_id}/answers", json=batch)
        assert refused_batch.is_json  # the page's batch: the same 503, its answers kept to retry
        _assert_unavailable(refused_batch)
        anonymous = app.test_client().post("/auth/login", data={"account": MEMBER, "password": "x"})
        _assert_unavailable(anonymous)  # Retry-After too (Flask-Limiter used to replace it)
    finally:
        proxy.restore()

    # No restart: the next requests find the database again.
    assert client.get("/").status_code == 200
    retried = client.post(f"/quiz/attempts/{attempt_id}/answers", json=batch)
    assert retried.status_code == 200 and retried.get_json()["ok"] is True, retried.get_json()
    stored = {item.question_id: item for item in items_of(app, attempt_id)}
    for item in [*before, during]:
        kept = stored[item.question_id]
        question = question_of(app, item.question_id)
        assert kept.saved_seq == 1
        assert to_shown(question.type, kept.option_order, kept.response) == answers[item.question_id]
    assert all(stored[item.question_id].saved_seq == 0 for item in items[4:])
