"""Autosaves over real HTTP against gunicorn, for the fault tests and bench/faults scripts.

``Gunicorn`` runs the app with deploy/gunicorn.conf.py as a child process and can SIGKILL its
workers. ``AutosaveLoad`` logs members in through the login form, starts a practice for each
and has one thread per member autosave answers to it through the JSON endpoint (session
cookie, ``X-CSRFToken`` header), the way the answering page's script does. Every save's value
names its sequence number (``答<seq>``), and the load records what it sent and what was
acknowledged (a 2xx), so ``check_stored`` can tell from the database whether any
acknowledged save was lost. Only the standard library: the venv has no HTTP client package.
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import AttemptItem

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
ATTEMPT_RE = re.compile(r"/attempts/(\d+)")
_INPUT_RE = re.compile(r"<input[^>]*>")
_NAME_RE = re.compile(r'name="([^"]*)"')
_VALUE_RE = re.compile(r'value="([^"]*)"')


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass; whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def children_of(pid: int) -> set[int]:
    """The ids of the live processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def server_env(database_url: str, secret_key: str, **extra: str) -> dict[str, str]:
    """The environment of a production-mode quizapp under gunicorn on ``database_url``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUIZAPP_")}
    env.update({
        "QUIZAPP_ENV": "production",
        "QUIZAPP_SECRET_KEY": secret_key,
        "QUIZAPP_DATABASE_URL": database_url,
        "QUIZAPP_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port, as a child process."""

    def __init__(self, env: dict[str, str], workers: int = 2, log_path: Path | None = None):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF),
             "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        if log is not subprocess.DEVNULL:
            log.close()
        if not wait_until(self.ready, timeout=60, step=0.2):
            self.__exit__(None, None, None)
            raise RuntimeError(f"gunicorn did not start; see {self.log_path}")
        return self

    def __exit__(self, *_exc: Any) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> set[int]:
        assert self.process is not None
        return children_of(self.process.pid)

    def ready(self) -> bool:
        """All workers are up and the app answers the login page (the listening socket
        accepts connections before the workers have imported the app)."""
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {self.log_path}")
        if len(self.worker_pids()) < self.workers:
            return False
        try:
            status, _, _ = MemberBrowser(self.base_url, timeout=5).request("/auth/login")
        except OSError:
            return False
        return status == 200

    def kill_workers(self) -> set[int]:
        """SIGKILL every worker (the master starts new ones); the ids killed."""
        killed = self.worker_pids()
        for pid in killed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return killed


def form_fields(page: str) -> dict[str, str]:
    """Hidden and text inputs of a page by name (the CSRF token, a start key)."""
    fields = {}
    for tag in _INPUT_RE.findall(page):
        name, value = _NAME_RE.search(tag), _VALUE_RE.search(tag)
        if name and value:
            fields.setdefault(name.group(1), html.unescape(value.group(1)))
    return fields


class MemberBrowser:
    """One member's cookies against one server; connection failures raise OSError."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url
        self.timeout = timeout
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.csrf_token = ""

    def request(self, path: str, *, form: dict[str, str] | None = None, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        """(status, body, final URL after redirects)."""
        data, all_headers = None, dict(headers or {})
        if form is not None:
            data = urlencode(form).encode()
        elif body is not None:
            data = json.dumps(body).encode()
            all_headers.update({"Content-Type": "application/json", "Accept": "application/json"})
        request = Request(self.base_url + path, data=data, headers=all_headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read(), response.geturl()
        except HTTPError as error:
            with error:
                return error.code, error.read(), error.geturl()

    def login(self, account: str, password: str) -> None:
        _, page, _ = self.request("/auth/login")
        token = form_fields(page.decode())["csrf_token"]
        status, _, url = self.request(
            "/auth/login", form={"account": account, "password": password, "csrf_token": token})
        if status != 200 or "/auth/login" in url:
            raise RuntimeError(f"login of {account} failed ({status})")

    def start_practice(self, count: int) -> int:
        """Start a random practice of ``count`` questions; its attempt id."""
        _, page, _ = self.request("/quiz/practice")
        fields = form_fields(page.decode())
        status, _, url = self.request("/quiz/practice", form={
            "scope": "random", "count": str(count), "start_key": fields["start_key"],
            "csrf_token": fields["csrf_token"]})
        found = ATTEMPT_RE.search(url)
        if status != 200 or not found:
            raise RuntimeError(f"practice not started ({status} {url})")
        return int(found.group(1))

    def question_ids(self, attempt_id: int) -> list[int]:
        """The attempt's questions (and a fresh CSRF token for the saves)."""
        status, body, _ = self.request(f"/quiz/attempts/{attempt_id}/state",
                                       headers={"Accept": "application/json"})
        state = json.loads(body)
        if status != 200:
            raise RuntimeError(f"state of attempt {attempt_id}: {status}")
        self.csrf_token = state["csrf_token"]
        return sorted(int(key) for key in state["saved"])

    def save(self, attempt_id: int, question_id: int, response: Any, seq: int) -> int:
        status, _, _ = self.request(
            f"/quiz/attempts/{attempt_id}/answers",
            body={"question_id": question_id, "response": response, "seq": seq},
            headers={"X-CSRFToken": self.csrf_token},
        )
        return status

    def save_batch(self, attempt_id: int, entries: list[dict[str, Any]]) -> tuple[int, Any]:
        """The answering page's batch (``{"answers": [...]}``): (status, reply JSON or None)."""
        status, body, _ = self.request(
            f"/quiz/attempts/{attempt_id}/answers", body={"answers": entries},
            headers={"X-CSRFToken": self.csrf_token},
        )
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None


def answer_for(seq: int) -> list[str]:
    """The fill-in answer sent with sequence number ``seq``: the stored row names its save."""
    return [f"答{seq}"]


@dataclass
class Member:
    """One simulated phone: its attempt, what it sent and what the server acknowledged."""

    browser: MemberBrowser
    attempt_id: int
    question_ids: list[int]
    sent: set[tuple[int, int]] = field(default_factory=set)  # (question id, seq)
    acked: dict[int, int] = field(default_factory=dict)  # question id -> last acknowledged seq
    outcomes: Counter[str] = field(default_factory=Counter)
    seq: int = 0


class AutosaveLoad:
    """Members answering fill-in questions as fast as the server lets them, one thread each.

    With ``batch`` > 1 every other member sends its answers as the page does, ``batch`` of
    them a request (``{"answers": [...]}``), each entry acknowledged by its own result; the
    others send one answer a request."""

    def __init__(self, base_url: str, accounts: Iterable[str], password: str,
                 questions: int = 10, pause_after_failure: float = 0.05, batch: int = 1):
        self.base_url = base_url
        self.batch = batch
        self.accounts = list(accounts)
        self.password = password
        self.questions = questions
        self.pause_after_failure = pause_after_failure
        self.members: list[Member] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def prepare(self) -> None:
        """Log every member in and start their practice (one after another)."""
        for account in self.accounts:
            browser = MemberBrowser(self.base_url)
            browser.login(account, self.password)
            attempt_id = browser.start_practice(self.questions)
            self.members.append(Member(browser, attempt_id, browser.question_ids(attempt_id)))

    def start(self) -> None:
        for member in self.members:
            thread = threading.Thread(target=self._run, args=(member,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, member: Member) -> None:
        if self.batch > 1 and self.members.index(member) % 2:
            self._run_batches(member)
            return
        while not self._stop.is_set():
            for question_id in member.question_ids:
                if self._stop.is_set():
                    return
                member.seq += 1
                seq = member.seq
                member.sent.add((question_id, seq))
                try:
                    status = member.browser.save(member.attempt_id, question_id,
                                                 answer_for(seq), seq)
                # Reset, refused, timed out, or cut in the middle of the reply (IncompleteRead,
                # a worker killed while answering): the client saw no acknowledgement.
                except (OSError, http.client.HTTPException) as error:
                    member.outcomes[f"connection error ({type(error).__name__})"] += 1
                    time.sleep(self.pause_after_failure)
                    continue
                if 200 <= status < 300:
                    member.acked[question_id] = seq
                    member.outcomes["acknowledged"] += 1
                else:
                    member.outcomes[f"HTTP {status}"] += 1
                    time.sleep(self.pause_after_failure)

    def _run_batches(self, member: Member) -> None:
        ids = member.question_ids
        while not self._stop.is_set():
            for start in range(0, len(ids), self.batch):
                if self._stop.is_set():
                    return
                entries = []
                for question_id in ids[start:start + self.batch]:
                    member.seq += 1
                    member.sent.add((question_id, member.seq))
                    entries.append({"question_id": question_id, "response": answer_for(member.seq),
                                    "seq": member.seq})
                try:
                    status, reply = member.browser.save_batch(member.attempt_id, entries)
                except (OSError, http.client.HTTPException) as error:
                    member.outcomes[f"connection error ({type(error).__name__})"] += 1
                    time.sleep(self.pause_after_failure)
                    continue
                if status != 200 or not reply:
                    member.outcomes[f"HTTP {status}"] += 1
                    time.sleep(self.pause_after_failure)
                    continue
                for entry, result in zip(entries, reply["results"]):
                    if result["ok"] and result["question_id"] == entry["question_id"]:
                        member.acked[entry["question_id"]] = entry["seq"]
                        member.outcomes["acknowledged"] += 1
                    else:
                        member.outcomes["entry refused"] += 1

    @property
    def acknowledged(self) -> int:
        return sum(member.outcomes["acknowledged"] for member in self.members)

    def outcomes(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for member in self.members:
            total.update(member.outcomes)
        return total


def stored_saves(session: Session, load: AutosaveLoad) -> dict[tuple[int, int], tuple[int, Any]]:
    """{(attempt id, question id): (saved_seq, response)} of the load's attempts, as stored."""
    rows = session.execute(
        select(AttemptItem.attempt_id, AttemptItem.question_id, AttemptItem.saved_seq,
               AttemptItem.response)
        .where(AttemptItem.attempt_id.in_([member.attempt_id for member in load.members]))
    )
    return {(attempt_id, question_id): (seq, response)
            for attempt_id, question_id, seq, response in rows}


def check_stored(load: AutosaveLoad, stored: dict[tuple[int, int], tuple[int, Any]]) -> list[str]:
    """What went wrong, from ``stored`` = {(attempt id, question id): (saved_seq, response)}.

    Each question's stored save must be its last acknowledged one or a later one the member
    sent (a save the server committed but whose reply was lost), and its value must be the
    value sent with that sequence number. An empty list means nothing acknowledged was lost.
    """
    problems = []
    for member in load.members:
        for question_id in member.question_ids:
            seq, response = stored.get((member.attempt_id, question_id), (0, None))
            acked = member.acked.get(question_id, 0)
            where = f"attempt {member.attempt_id} question {question_id}"
            if seq < acked:
                problems.append(f"{where}: save {acked} was acknowledged, the database has {seq}")
            if seq and (question_id, seq) not in member.sent:
                problems.append(f"{where}: stored seq {seq} was never sent")
            if seq and response != answer_for(seq):
                problems.append(f"{where}: seq {seq} stored with {response!r}")
    return problems
