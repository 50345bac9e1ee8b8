"""300 phones answer one 全员答题 question of a live contest within 2 s, through one node.

    .venv/bin/python bench/contest_answers.py --database-url postgresql+psycopg://…/DB \
        [--redis-url redis://127.0.0.1:6379/7] [--phones 300] [--spread 2] [--no-polls] \
        [--client-processes 1] [--workers 2] [--threads 8] [--poll-every 1]

THE DATABASE'S TABLES ARE DROPPED AND CREATED AGAIN: give a database of its own. One gunicorn
node (deploy/gunicorn.conf.py: gthread, one worker a core, 8 threads) serves the app on
127.0.0.1 with the contest state in Redis. The phones (one thread and cookie jar each, in
``--client-processes`` processes of their own on the same cores) log in, join by the contest's
code and wait; the host opens the question; each phone sends its answer at its own moment,
spread evenly over ``--spread`` seconds, while (unless ``--no-polls``) every phone polls the
state as the page does (the interval each reply gives: 1 s, 2 s once the phone has answered the
open question; ``--poll-every 1``: a second after each reply, as the page did before issue
18's change), and the host's screen (in the main process) polls its counts every
0.1 s (the page does every 0.5 s).

Prints: the load average (the machine may be shared), answers acknowledged (2xx) and refused
or failed, the answers' latency p50/p95/p99/max, the polls' p99, the whole wave's wall time,
and the host count's lag: for the k-th answer acknowledged, how long until the host's count
first showed at least k (target: within 1 s); the answers' time inside the node as gunicorn's
access log gives it; finally the rows in the database (must equal the acknowledged answers).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faults.autosave_load import Gunicorn, MemberBrowser, form_fields, server_env  # noqa: E402
from quizapp import create_app  # noqa: E402
from quizapp.auth.passwords import hash_password  # noqa: E402
from quizapp.contest import services  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import (  # noqa: E402
    BankQuestion,
    ContestAnswer,
    Person,
    QuestionOrigin,
    QuestionStatus,
    QuestionType,
    Role,
    RoleGrant,
    Speech,
    Unit,
    UnitKind,
)

PASSWORD = "bench-contest-1"
CSRF_MARK = 'data-csrf="'


def seed(database_url: str, phones: int, questions: int = 1) -> tuple[int, str, list[str], str]:
    """A 党总支 with three branches, ``phones`` members, an organizer, ``questions`` approved
    questions and a contest of them in its lobby: (contest id, code, member phones, organizer
    phone)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "QUIZAPP_ENV": "testing"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        secret = hash_password(PASSWORD)
        general = Unit(name="竞赛测试党总支", kind=UnitKind.GENERAL_BRANCH)
        db.session.add(general)
        db.session.flush()
        branches = [Unit(name=f"第{n}党支部", kind=UnitKind.BRANCH, parent_id=general.id) for n in range(1, 4)]
        db.session.add_all(branches)
        db.session.flush()
        organizer = Person(name="组织员", phone="13900000001", unit_id=general.id, password_hash=secret,
                           must_change_password=False)
        db.session.add(organizer)
        db.session.flush()
        db.session.add(RoleGrant(person_id=organizer.id, role=Role.ORGANIZER, unit_id=general.id))
        numbers = [f"138{n:08d}" for n in range(phones)]
        db.session.add_all(Person(name=f"党员{n}", phone=number, unit_id=branches[n % 3].id,
                                  password_hash=secret, must_change_password=False)
                           for n, number in enumerate(numbers))
        speech = Speech(unit_id=general.id, file_name="bench.txt", title="基准讲话", text="基准。")
        db.session.add(speech)
        db.session.flush()
        db.session.add_all(BankQuestion(speech_id=speech.id, type=QuestionType.SINGLE, stem=f"基准题{n}：选 B。",
                                        options=["甲", "乙", "丙", "丁"], answer=[1], origin=QuestionOrigin.MANUAL,
                                        status=QuestionStatus.APPROVED, explanation="基准", sentence="基准。",
                                        point=f"point-{n}")
                           for n in range(questions))
        db.session.flush()
        contest = services.create_contest(db.session, organizer, "基准竞赛", general.id, "branch", "",
                                          services.parse_rounds(f"全员答题,{questions},10,60"),
                                          services.Selection())
        db.session.commit()
        result = contest.id, contest.code, numbers, organizer.phone
        db.engine.dispose()
    return result


def csrf_of(page: bytes) -> str:
    return page.decode().split(CSRF_MARK, 1)[1].split('"', 1)[0]


def parallel(count: int, job, workers: int = 32) -> None:
    """Run ``job(0..count-1)`` on ``workers`` threads; the first error is raised here."""
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(job, range(count)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (the machine may be shared)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def served_ms(log_path: Path, request_line: str) -> list[float]:
    """The durations (ms) gunicorn's access log gives the requests starting with
    ``request_line`` (``deploy/gunicorn.conf.py`` ends each line with ``<ms>ms``)."""
    return [float(line.rsplit(" ", 1)[1].removesuffix("ms"))
            for line in log_path.read_text(errors="replace").splitlines()
            if f'"{request_line}' in line and line.endswith("ms")]


@dataclass
class Signals:
    """What the benchmark's process tells its phone processes (shared across processes)."""

    ready: Any  # a Barrier: every phone logged in and joined (and the main process)
    polls: Any  # an Event: start polling
    wave_start: Any  # a Value("d"): perf_counter time of the wave's first answer, set with ``go``
    go: Any  # an Event
    done: Any  # a Barrier: every answer has its reply (and the main process)
    stop: Any  # an Event: stop polling


def phones_process(base_url: str, code: str, contest_id: int, numbers: list[str], first: int,
                   total: int, spread: float, polls: bool, poll_every: float | None, signals: Signals,
                   results: Any) -> None:
    """Phones ``first`` .. ``first + len(numbers) - 1`` of ``total``, in a process of their own:
    log in and join, poll as the page does, answer at their moments; the figures go to ``results``
    (perf_counter is the system's monotonic clock, the same in every process)."""
    browsers = [MemberBrowser(base_url) for _ in numbers]

    def join(index: int) -> None:
        browser = browsers[index]
        browser.login(numbers[index], PASSWORD)
        page = browser.request(f"/contest/j/{code}")[1]
        status, body, url = browser.request(f"/contest/j/{code}", form={"csrf_token": form_fields(page.decode())["csrf_token"]})
        if status != 200 or "/play" not in url:
            raise RuntimeError(f"join failed: {status} {url}")
        browser.csrf_token = csrf_of(body)

    parallel(len(browsers), join, workers=max(1, 32 * len(browsers) // total))
    signals.ready.wait()
    poll_times: list[float] = []
    poll_starts: list[float] = []
    poll_errors = [0]
    # As the page (contest_play.js): the next poll ``poll_ms`` after a reply (or ``poll_every``
    # s after it, the page before issue 18's change); a phone that has answered says so
    # (?answered=0) and, told so by the answer's reply, waits ``poll_ms`` from it.
    due = [0.0] * len(browsers)
    kicks = [threading.Event() for _ in browsers]
    answered = [False] * len(browsers)
    in_flight = [False] * len(browsers)

    def phone_polls(index: int) -> None:
        browser = browsers[index]
        time.sleep((first + index) / total)  # the phones' polls are not in step
        mine = True  # the page's first poll asks for the member's own rows
        while not signals.stop.is_set():
            url = f"/contest/{contest_id}/state"
            query = (["mine=1"] if mine else []) + (["answered=0"] if answered[index] else [])
            begin = time.perf_counter()
            in_flight[index] = True
            try:
                status, body, _ = browser.request(url + ("?" + "&".join(query) if query else ""))
                wait_ms = json.loads(body).get("poll_ms", 1000) if status == 200 else 1000
            except (OSError, ValueError):
                status, wait_ms = 0, 1000
            end = time.perf_counter()
            in_flight[index] = False
            mine = False
            poll_times.append(end - begin)
            poll_starts.append(begin)
            if status != 200:
                poll_errors[0] += 1
            due[index] = end + (poll_every or wait_ms / 1000)
            while not signals.stop.is_set() and (left := due[index] - time.perf_counter()) > 0:
                kicks[index].wait(left)
                kicks[index].clear()

    signals.polls.wait()
    pollers = [threading.Thread(target=phone_polls, args=(i,)) for i in range(len(browsers))] if polls else []
    for thread in pollers:
        thread.start()
    signals.go.wait()
    wave_start = signals.wave_start.value
    acks: list[float] = []
    latencies: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()

    def answer(index: int) -> None:
        moment = wave_start + spread * (first + index) / total
        time.sleep(max(0.0, moment - time.perf_counter()))
        begin = time.perf_counter()
        try:
            status, body, _ = browsers[index].request(
                f"/contest/{contest_id}/answer", body={"position": 0, "response": 1},
                headers={"X-CSRFToken": browsers[index].csrf_token})
            outcome = "ok" if status == 200 else f"HTTP {status}"
        except OSError as error:
            outcome = f"connection error {type(error).__name__}"
        end = time.perf_counter()
        if outcome == "ok" and not poll_every:
            answered[index] = True
            if not in_flight[index]:  # the page moves its next poll to poll_ms from the reply
                due[index] = end + json.loads(body).get("poll_ms", 1000) / 1000
                kicks[index].set()
        with lock:
            latencies.append(end - begin)
            if outcome == "ok":
                acks.append(end)
            else:
                failures[outcome] = failures.get(outcome, 0) + 1

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signals.done.wait()
    signals.stop.wait()
    for thread in pollers:
        thread.join()
    results.put({"acks": acks, "latencies": latencies, "failures": failures,
                 "poll_times": poll_times, "poll_starts": poll_starts, "poll_errors": poll_errors[0]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--spread", type=float, default=2.0)
    parser.add_argument("--no-polls", action="store_true")
    parser.add_argument("--client-processes", type=int, default=1,
                        help="processes the phones are spread over (each its own GIL)")
    parser.add_argument("--poll-every", type=float, default=None,
                        help="phones poll this many seconds after the last poll's reply, whatever it "
                             "says (the page before issue 18's change: 1); unset: as the page does now")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (-w; a core each as deployed)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per worker (QUIZAPP_THREADS; deploy/gunicorn.conf.py's default when unset)")
    args = parser.parse_args()

    started = time.perf_counter()
    contest_id, code, numbers, organizer_phone = seed(args.database_url, args.phones)
    print(f"seeded {args.phones} members and the contest in {time.perf_counter() - started:.1f} s")
    env = server_env(args.database_url, secret_key="bench-contest-secret",
                     QUIZAPP_CONTEST_REDIS_URL=args.redis_url,
                     **({"QUIZAPP_THREADS": str(args.threads)} if args.threads else {}))
    log_path = Path(tempfile.mkdtemp(prefix="contest-bench-")) / "gunicorn.log"
    print(f"load average before the node starts: {load_average()}; gunicorn's log: {log_path}; "
          f"the phones in {args.client_processes} process(es); gunicorn {args.workers} worker(s) × "
          f"{env.get('QUIZAPP_THREADS', 'the default')} threads")
    spawn = multiprocessing.get_context("spawn")
    processes = max(1, min(args.client_processes, len(numbers)))
    signals = Signals(ready=spawn.Barrier(processes + 1), polls=spawn.Event(),
                      wave_start=spawn.Value("d", 0.0), go=spawn.Event(),
                      done=spawn.Barrier(processes + 1), stop=spawn.Event())
    results = spawn.Queue()
    with Gunicorn(env, workers=args.workers, log_path=log_path) as node:
        host = MemberBrowser(node.base_url)
        host.login(organizer_phone, PASSWORD)
        host.csrf_token = csrf_of(host.request(f"/contest/{contest_id}/host")[1])
        share = -(-len(numbers) // processes)
        workers = [spawn.Process(target=phones_process, args=(
            node.base_url, code, contest_id, numbers[first:first + share], first, len(numbers),
            args.spread, not args.no_polls, args.poll_every, signals, results))
            for first in range(0, len(numbers), share)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        signals.ready.wait(timeout=600)
        print(f"{len(numbers)} phones logged in and joined in {time.perf_counter() - started:.1f} s")

        stop = threading.Event()
        counts: list[tuple[float, int]] = []

        def host_screen() -> None:
            while not stop.is_set():
                status, body, _ = host.request(f"/contest/{contest_id}/host/state")
                if status == 200:
                    counts.append((time.perf_counter(), json.loads(body)["answered"]))
                time.sleep(0.1)

        status, body, _ = host.request(f"/contest/{contest_id}/advance",
                                       body={"phase": "lobby", "position": 0},
                                       headers={"X-CSRFToken": host.csrf_token})
        assert status == 200, body[:300]
        screen = threading.Thread(target=host_screen)
        screen.start()
        signals.polls.set()
        time.sleep(1.5)  # the polls settle into their rhythm
        wave_start = time.perf_counter() + 0.2
        signals.wave_start.value = wave_start
        signals.go.set()
        signals.done.wait(timeout=600)
        load_after = load_average()
        time.sleep(1.5)
        stop.set()
        signals.stop.set()
        screen.join()
        gathered = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join()

    acks = sorted(t for part in gathered for t in part["acks"])
    latencies = [t for part in gathered for t in part["latencies"]]
    poll_times = [t for part in gathered for t in part["poll_times"]]
    poll_errors = sum(part["poll_errors"] for part in gathered)
    wave_end = max(acks or [wave_start])
    in_wave = sum(wave_start <= t <= wave_end for part in gathered for t in part["poll_starts"])
    failures: dict[str, int] = {}
    for part in gathered:
        for outcome, number in part["failures"].items():
            failures[outcome] = failures.get(outcome, 0) + number
    wave = wave_end - wave_start
    lags = []
    for k, moment in enumerate(acks, start=1):
        shown = next((t for t, n in counts if n >= k and t >= moment - 5), None)
        lags.append((shown - moment) if shown is not None else float("inf"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench",
                      "QUIZAPP_ENV": "testing"})
    with app.app_context():
        stored = db.session.query(ContestAnswer).count()
        db.engine.dispose()
    ms = [value * 1000 for value in latencies]
    print(f"answers: {len(acks)} of {len(numbers)} acknowledged; refused or failed: {failures or 0}")
    print(f"answer latency ms: p50 {percentile(ms, .5):.0f}, p95 {percentile(ms, .95):.0f}, "
          f"p99 {percentile(ms, .99):.0f}, max {max(ms):.0f}; the wave took {wave:.2f} s "
          f"(sent over {args.spread:.1f} s)")
    if poll_times:
        polls = [value * 1000 for value in poll_times]
        print(f"phone polls: {len(polls)}, p50 {percentile(polls, .5):.0f} ms, "
              f"p99 {percentile(polls, .99):.0f} ms, failed {poll_errors}; {in_wave} sent during the wave "
              f"({in_wave / max(wave, 1e-9):.0f} a second)")
    print(f"host count lag behind the acknowledgements: max {max(lags) * 1000:.0f} ms, "
          f"p99 {percentile(lags, .99) * 1000:.0f} ms (polled every 0.1 s; target within 1 s); "
          f"last count shown {counts[-1][1] if counts else 'none'}")
    served = served_ms(log_path, f"POST /contest/{contest_id}/answer ")
    if served:
        print(f"answers as gunicorn timed them (from a worker thread taking the request to its "
              f"reply; no queueing before): p50 {percentile(served, .5):.0f}, "
              f"p99 {percentile(served, .99):.0f}, max {max(served):.0f} ms")
    print(f"load average just after the wave: {load_after}")
    print(f"rows in the database: {stored} (acknowledged {len(acks)})")
    print("summary: " + json.dumps({
        "acknowledged": len(acks), "stored": stored, "p50": round(percentile(ms, .5)),
        "p99": round(percentile(ms, .99)), "wave_s": round(wave, 2),
        "polls": len(poll_times), "polls_in_wave_per_s": round(in_wave / max(wave, 1e-9)),
        "host_lag_p99": round(percentile(lags, .99) * 1000),
        "host_lag_max": round(max(lags) * 1000),
        "served_p50": round(percentile(served, .5)) if served else None,
        "load_after": load_after}))
    print(f"targets: every answer acknowledged: {'met' if len(acks) == len(numbers) else 'MISSED'}; "
          f"p99 < 300 ms: {'met' if percentile(ms, .99) < 300 else 'MISSED'}; "
          f"counts within 1 s: {'met' if max(lags) <= 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
