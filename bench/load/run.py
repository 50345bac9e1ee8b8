"""Load on the answering path: hello-world ceiling, question page, autosave and submit.

    .venv/bin/python bench/load/seed.py --out /tmp/quizapp-load.json     # first
    .venv/bin/python bench/load/run.py --data /tmp/quizapp-load.json [--runs 3] [--seconds 10]

Starts two gunicorns with the same settings (127.0.0.1, 2 workers, sync by default): one for
``bench/load/hello.py`` and one for ``wsgi:app`` on the seeded database. Each run measures, with
wrk at ``--connections`` (64) from its own process:

- hello: GET / of the hello world (the ceiling of this machine and these settings);
- page: GET /quiz/attempts/<id>/q/<n>, the question page of an open attempt (members and
  positions in turn);
- autosave: POST /quiz/attempts/<id>/answers, the page script's JSON save with the session
  cookie and the X-CSRFToken header; each wrk thread has its own members, members in turn (so
  the 64 connections carry 64 different members), sequence numbers rising;
- batch: the same endpoint as the answering page has sent since issue 16, ``--batch`` (5)
  answers of one member a request (``{"answers": [...]}``); its answers/s are printed too;
- submit: POST /quiz/attempts/<id>/submit (交卷) of attempts of the other tests, every
  attempt once (the runs share them out); its rate is over the time the attempts lasted.

Prints per run and the medians: requests/s, p50/p99 latency, errors (socket errors and
non-2xx/3xx replies), each rate as a share of the same run's hello ceiling, and the targets.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import common  # noqa: E402

SCENARIOS = ("hello", "page", "autosave", "batch", "submit")


def write_rows(data: dict, folder: Path, runs: int) -> dict[str, list[Path]]:
    """The tab-separated files the Lua scripts read: page and autosave use the attempts of the
    first test; submit gets the attempts of the other tests, a separate share per run."""
    first = data["activities"][0]
    page, save, submit = [], [], []
    for member in data["members"]:
        for attempt in member["attempts"]:
            if attempt["activity_id"] == first:
                page.append(f"{member['cookie']}\t{attempt['id']}")
                items = "\t".join(f"{qid}={json.dumps(answer, ensure_ascii=False)}"
                                  for qid, answer in attempt["items"])
                save.append(f"{member['cookie']}\t{member['csrf']}\t{attempt['id']}\t{items}")
            else:
                submit.append(f"{member['cookie']}\t{member['csrf']}\t{attempt['id']}")
    files: dict[str, list[Path]] = {}
    for name, rows in (("page", page), ("autosave", save), ("batch", save)):
        path = folder / f"{name}.tsv"
        path.write_text("\n".join(rows) + "\n")
        files[name] = [path] * runs
    files["submit"] = []
    share = len(submit) // runs
    for run in range(runs):
        path = folder / f"submit-{run + 1}.tsv"
        path.write_text("\n".join(submit[run * share:(run + 1) * share]) + "\n")
        files["submit"].append(path)
    return files


def measure(url: str, scenario: str, rows: Path | None, args: argparse.Namespace, run: int) -> dict:
    env = {"BENCH_LUA": str(common.WRK_DIR), "BENCH_THREADS": str(args.threads),
           "BENCH_DATA": str(rows or ""), "BENCH_BATCH": str(args.batch)}
    seconds = args.seconds * 6 if scenario == "submit" else args.seconds
    return common.run_wrk(url, f"{scenario}.lua", connections=args.connections, seconds=seconds,
                          threads=args.threads, env=env)


def report(results: list[dict[str, dict]]) -> str:
    """Per run and the medians, each rate also as a share of its run's ceiling."""
    rows = []
    for run, found in enumerate(results, start=1):
        ceiling = found["hello"]["rps"]
        for scenario in SCENARIOS:
            r = found[scenario]
            rows.append([run, scenario, r["requests"], r["rps"], r["p50_ms"], r["p99_ms"],
                         r["errors"], f"{100 * r['rps'] / ceiling:.0f}%"])
    for scenario in SCENARIOS:
        figures = [found[scenario] for found in results]
        shares = [f[scenario]["rps"] / f["hello"]["rps"] for f in results]
        rows.append(["median", scenario, int(common.median([f["requests"] for f in figures])),
                     common.median([f["rps"] for f in figures]),
                     common.median([f["p50_ms"] for f in figures]),
                     common.median([f["p99_ms"] for f in figures]),
                     sum(f["errors"] for f in figures), f"{100 * common.median(shares):.0f}%"])
    return common.table(rows, ["run", "scenario", "requests", "req/s", "p50 ms", "p99 ms",
                               "errors", "of hello"])


def batch_line(results: list[dict[str, dict]], size: int) -> str:
    """The batch's answers a second against the single autosave's (medians of the runs)."""
    single = common.median([f["autosave"]["rps"] for f in results])
    batched = size * common.median([f["batch"]["rps"] for f in results])
    share = common.median([size * f["batch"]["rps"] / f["hello"]["rps"] for f in results])
    ratio = f" ({batched / single:.1f}x the single autosave's)" if single else ""
    return (f"batch of {size}: {batched:.0f} answers/s{ratio}; as requests "
            f"{100 * share / size:.0f}% of hello, answers {100 * share:.0f}% of hello's requests")


def targets(results: list[dict[str, dict]]) -> str:
    save = [f["autosave"] for f in results]
    share = common.median([f["autosave"]["rps"] / f["hello"]["rps"] for f in results])
    p99 = common.median([s["p99_ms"] for s in save])
    errors = sum(s["errors"] for s in save)
    submit = common.median([f["submit"]["rps"] for f in results])
    lines = [
        f"autosave >= 30% of hello: {100 * share:.0f}% {'met' if share >= 0.3 else 'MISSED'}",
        f"autosave p99 < 100 ms: {p99:.1f} ms {'met' if p99 < 100 else 'MISSED'}",
        f"autosave 0 errors: {errors} {'met' if errors == 0 else 'MISSED'}",
        f"submit >= 300 req/s: {submit:.0f} {'met' if submit >= 300 else 'MISSED'}",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/quizapp-load.json"),
                        help="the JSON seed.py wrote")
    parser.add_argument("--runs", type=int, default=3, help="runs of every scenario (default 3)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--worker-threads", type=int, default=1,
                        help="threads per worker (gunicorn --threads; >1 makes it gthread)")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS[1:], default=list(SCENARIOS[1:]),
                        help="app scenarios to run (hello always runs)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--batch", type=int, default=5, help="answers a request in the batch scenario")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data = json.loads(args.data.read_text())
    settings = {"workers": args.workers, "worker_class": args.worker_class,
                "extra": ["--threads", str(args.worker_threads)]}
    results: list[dict[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        files = write_rows(data, Path(folder), args.runs)
        hello_env = common.app_env(data["database_url"])
        with common.gunicorn("bench.load.hello:app", hello_env, **settings) as hello, \
                common.gunicorn("wsgi:app", common.app_env(data["database_url"]), **settings) as app:
            common.run_wrk(hello, "hello.lua", seconds=2, env={"BENCH_LUA": str(common.WRK_DIR)})
            measure(app, "page", files["page"][0], argparse.Namespace(**{**vars(args), "seconds": 2}), 0)
            for run in range(args.runs):
                found = {"hello": measure(hello, "hello", None, args, run)}
                for scenario in SCENARIOS[1:]:
                    if scenario in args.only:
                        found[scenario] = measure(app, scenario, files[scenario][run], args, run)
                    else:
                        found[scenario] = {"requests": 0, "rps": 0.0, "p50_ms": 0.0,
                                           "p99_ms": 0.0, "errors": 0}
                common.note(f"run {run + 1}: " + ", ".join(
                    f"{k} {v['rps']:.0f}/s" for k, v in found.items()))
                results.append(found)
    kind = "gthread" if args.worker_threads > 1 and args.worker_class == "sync" else args.worker_class
    print(f"gunicorn: {args.workers} {kind} workers x {args.worker_threads} threads on 127.0.0.1; wrk -t{args.threads} "
          f"-c{args.connections} -d{args.seconds:g}s; {len(data['members'])} members")
    print(report(results))
    if "batch" in args.only:
        print(batch_line(results, args.batch))
    print(targets(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
