"""Two app nodes behind nginx on one PostgreSQL, against one node alone, under autosave load.

    .venv/bin/python bench/load/two_nodes.py --data /tmp/quizapp-load.json [--runs 3] [--seconds 10]

Starts two gunicorns (each with run.py's settings: 2 workers; QUIZAPP_TRUSTED_PROXIES=127.0.0.1,
as behind nginx) on the seeded database and nginx in front of both (bench/load/nginx.conf.template,
written into a temporary prefix; least_conn, keep-alive to the nodes). The nodes share nothing
but PostgreSQL and the secret key: a member's session from seed.py works on either. Each run
drives the autosave scenario of run.py (wrk, 64 connections) at: one node directly, nginx with
one node, nginx with two nodes. Prints req/s, p50/p99, errors per run, the medians, and two
nodes as a share of one node. On this one 2-core machine the nodes share the cores, so the
figure shows that the stateless scale-out works and what the proxy costs, not more capacity:
on separate machines each node brings its own cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import common  # noqa: E402
from bench.load.run import write_rows  # noqa: E402

SETUPS = ("one node", "nginx + one node", "nginx + two nodes")


def autosave(url: str, rows: Path, args: argparse.Namespace) -> dict:
    return common.run_wrk(url, "autosave.lua", connections=args.connections, seconds=args.seconds,
                          threads=2, env={"BENCH_LUA": str(common.WRK_DIR), "BENCH_THREADS": "2",
                                          "BENCH_DATA": str(rows)})


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/quizapp-load.json"),
                        help="the JSON seed.py wrote")
    parser.add_argument("--runs", type=int, default=3, help="runs (default 3)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn --threads")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data = json.loads(args.data.read_text())
    env = common.app_env(data["database_url"], QUIZAPP_TRUSTED_PROXIES="127.0.0.1")
    direct_env = common.app_env(data["database_url"])
    settings = {"workers": args.workers, "extra": ["--threads", str(args.worker_threads)]}
    results: list[dict[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="bench-two-") as folder:
        rows = write_rows(data, Path(folder), 1)["autosave"][0]
        with common.gunicorn("wsgi:app", direct_env, **settings) as alone, \
                common.gunicorn("wsgi:app", env, **settings) as node_a, \
                common.gunicorn("wsgi:app", env, **settings) as node_b, \
                common.nginx([node_a]) as proxy_one, common.nginx([node_a, node_b]) as proxy_two:
            for url in (alone, proxy_one, proxy_two):  # warm every worker
                common.run_wrk(url, "autosave.lua", seconds=2, env={
                    "BENCH_LUA": str(common.WRK_DIR), "BENCH_THREADS": "2", "BENCH_DATA": str(rows)})
            for run in range(args.runs):
                found = {name: autosave(url, rows, args)
                         for name, url in zip(SETUPS, (alone, proxy_one, proxy_two))}
                common.note(f"run {run + 1}: " + ", ".join(f"{k} {v['rps']:.0f}/s"
                                                           for k, v in found.items()))
                results.append(found)
    table = []
    for run, found in enumerate(results, start=1):
        for name in SETUPS:
            r = found[name]
            table.append([run, name, r["rps"], r["p50_ms"], r["p99_ms"], r["errors"]])
    for name in SETUPS:
        figures = [found[name] for found in results]
        table.append(["median", name, common.median([f["rps"] for f in figures]),
                      common.median([f["p50_ms"] for f in figures]),
                      common.median([f["p99_ms"] for f in figures]), sum(f["errors"] for f in figures)])
    print(f"autosave, wrk -c{args.connections} -d{args.seconds}s; nodes of {args.workers} workers x "
          f"{args.worker_threads} threads")
    print(common.table(table, ["run", "setup", "req/s", "p50 ms", "p99 ms", "errors"]))
    share = common.median([f[SETUPS[2]]["rps"] / f[SETUPS[0]]["rps"] for f in results])
    print(f"two nodes behind nginx / one node alone: {share:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
