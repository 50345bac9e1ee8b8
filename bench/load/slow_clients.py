"""Slow phones: 200 uploads sending their POST body a few bytes a second, against gunicorn
directly and through nginx (request buffering on), while a normal request's latency is measured.

    .venv/bin/python bench/load/slow_clients.py --data /tmp/quizapp-load.json [--slow 200]
        [--seconds 20] [--bytes-per-second 4]

Each slow client opens a connection, sends the headers of an autosave (POST
/quiz/attempts/<id>/answers, Content-Length 400) and then ``--bytes-per-second`` bytes of its
body a second, never finishing within the window. Meanwhile one normal phone autosaves an
answer every 0.1 s (a fresh connection each, as seed.py's client does) and its latencies are
kept; a reply later than 10 s counts as a timeout. Setups: gunicorn (2 sync workers) directly,
and nginx in front of the same gunicorn with proxy_request_buffering on (nginx holds the slow
bodies; the worker only sees complete requests). Prints p50/p99/max and timeouts of the normal
requests in both setups.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import common  # noqa: E402
from bench.load.client import Phone  # noqa: E402
from bench.load.sync_start import cookie_phone  # noqa: E402

BODY_LENGTH = 400


async def slow_upload(url: str, member: dict, attempt_id: int, rate: int, stop: asyncio.Event,
                      opened: list[int]) -> None:
    parts = urlsplit(url)
    try:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    except OSError:
        return
    opened.append(1)
    head = (f"POST /quiz/attempts/{attempt_id}/answers HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Cookie: {member['cookie']}\r\nX-CSRFToken: {member['csrf']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {BODY_LENGTH}\r\n\r\n")
    try:
        writer.write(head.encode())
        sent = 0
        while not stop.is_set() and sent + rate < BODY_LENGTH:
            writer.write(b" " * rate)
            await writer.drain()
            sent += rate
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except asyncio.TimeoutError:
                pass
    except OSError:
        pass
    finally:
        writer.close()


async def normal_saves(phone: Phone, member: dict, attempt: dict, seconds: float,
                       stop: asyncio.Event) -> tuple[list[float], int]:
    latencies, timeouts, seq = [], 0, int(time.time() * 100000)
    end = asyncio.get_running_loop().time() + seconds
    n = 0
    while asyncio.get_running_loop().time() < end:
        qid, answer = attempt["items"][n % len(attempt["items"])]
        seq, n = seq + 1, n + 1
        began = time.perf_counter()
        try:
            reply = await phone.post_json(f"/quiz/attempts/{attempt['id']}/answers",
                                          {"question_id": qid, "response": answer, "seq": seq},
                                          member["csrf"])
            if reply.status == 200:
                latencies.append(reply.seconds)
            else:
                timeouts += 1
        except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError):
            timeouts += 1
        await asyncio.sleep(max(0.0, 0.1 - (time.perf_counter() - began)))
    stop.set()
    return latencies, timeouts


async def scenario(url: str, data: dict, args: argparse.Namespace) -> dict:
    starters = [m for m in data["members"] if m["attempts"]]
    normal, slow = starters[0], starters[1:]
    stop = asyncio.Event()
    opened: list[int] = []
    uploads = [slow_upload(url, slow[i % len(slow)], slow[i % len(slow)]["attempts"][0]["id"],
                           args.bytes_per_second, stop, opened) for i in range(args.slow)]
    tasks = [asyncio.create_task(u) for u in uploads]
    await asyncio.sleep(1.0)  # the slow clients are connected and sending
    phone = cookie_phone(url, normal["cookie"])
    phone_timeout = 10.0
    original = phone.request

    async def request(*a, **k):
        return await original(*a, **{**k, "timeout": phone_timeout})

    phone.request = request  # type: ignore[method-assign]
    latencies, failures = await normal_saves(phone, normal, normal["attempts"][0], args.seconds, stop)
    await asyncio.gather(*tasks)
    return {"requests": len(latencies), "failed": failures, "slow_connected": len(opened),
            "p50_ms": 1000 * common.median(latencies), "p99_ms": 1000 * common.percentile(latencies, 0.99),
            "max_ms": 1000 * max(latencies, default=float("nan"))}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/quizapp-load.json"),
                        help="the JSON seed.py wrote")
    parser.add_argument("--slow", type=int, default=200, help="slow uploads (default 200)")
    parser.add_argument("--seconds", type=float, default=20, help="measuring window (default 20)")
    parser.add_argument("--bytes-per-second", type=int, default=4, help="a slow client's rate")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn --threads")
    parser.add_argument("--runs", type=int, default=1, help="runs of both setups (default 1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data = json.loads(args.data.read_text())
    settings = {"workers": args.workers, "extra": ["--threads", str(args.worker_threads)]}
    rows = []
    for run in range(1, args.runs + 1):
        with common.gunicorn("wsgi:app", common.app_env(data["database_url"]), **settings) as url:
            rows.append([run, "gunicorn directly", *asyncio.run(scenario(url, data, args)).values()])
        with common.gunicorn("wsgi:app", common.app_env(data["database_url"], QUIZAPP_TRUSTED_PROXIES="127.0.0.1"),
                             **settings) as node, common.nginx([node]) as proxy:
            rows.append([run, "nginx (buffering on)", *asyncio.run(scenario(proxy, data, args)).values()])
        common.note(f"run {run} done")
    print(f"{args.slow} slow uploads at {args.bytes_per_second} B/s; one normal autosave every "
          f"0.1 s for {args.seconds:g} s; gunicorn {args.workers} workers x {args.worker_threads} threads")
    print(common.table(rows, ["run", "setup", "normal ok", "failed/timeout", "slow connected",
                              "p50 ms", "p99 ms", "max ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
