"""POSTs through nginx while gunicorn restarts its workers after ``max_requests``.

    .venv/bin/python bench/faults/worker_restarts.py [--seconds 30] [--max-requests 5000 0]

For each ``--max-requests`` value: gunicorn with deploy/gunicorn.conf.py and that value as
``QUIZAPP_MAX_REQUESTS`` (2 workers × 8 threads, keep-alive 5 s, the jitter a tenth) serves
``bench/load/hello.py``, nginx (``bench/load/nginx.conf.template``: kept-alive upstream
connections, as in deploy/nginx) stands in front, and ``--clients`` threads POST to it as fast
as it answers for ``--seconds``. Printed: the worker restarts the gunicorn log shows and every
reply by status. nginx passes a POST on at most once (deploy/nginx/quizapp-proxy.conf), so a
kept-alive connection that a restarting worker closes under a request becomes a 502 for the
phone: an autosave the page sends again, or a 交卷 that shows an error page.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load import common  # noqa: E402


def post_for(url: str, seconds: float, clients: int) -> collections.Counter[str]:
    host, port = url.removeprefix("http://").split(":")
    outcomes: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop:
            try:
                connection.request("POST", "/", body=b"answer=1",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
                reply = connection.getresponse()
                reply.read()
                outcome = str(reply.status)
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-requests", type=int, nargs="+", default=[5000, 0])
    args = parser.parse_args(argv)
    rows = []
    for max_requests in args.max_requests:
        env = common.app_env("sqlite://", QUIZAPP_MAX_REQUESTS=str(max_requests),
                             QUIZAPP_THREADS="8")
        with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
            extra = ["-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--log-level", "info",
                     "--error-logfile", log.name, "--access-logfile", "/dev/null"]
            with common.gunicorn("bench.load.hello:app", env, worker_class="gthread",
                                 extra=extra) as node, common.nginx([node]) as url:
                outcomes = post_for(url, args.seconds, args.clients)
            restarts = Path(log.name).read_text().count("Autorestarting worker")
        total = sum(outcomes.values())
        failed = total - outcomes["200"]
        rows.append([max_requests, restarts, total, failed, f"{100 * failed / max(total, 1):.2f}%",
                     ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))])
    print(f"POST through nginx for {args.seconds:g} s, {args.clients} clients; gunicorn 2 workers "
          "x 8 threads")
    print(common.table(rows, ["max_requests", "restarts", "replies", "not 200", "share",
                              "by status"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
