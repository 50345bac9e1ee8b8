"""What the load scripts share: the benchmark database, gunicorn and nginx as child processes,
wrk runs (their Lua scripts print one JSON line), and figures (medians, percentiles, tables)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WRK_DIR = HERE / "wrk"
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"
# Sessions written by seed.py must stay valid for the servers run.py starts: one fixed key.
SECRET_KEY = "bench-load-not-a-production-secret"
WRK = "/usr/bin/wrk"
NGINX = "/usr/sbin/nginx"


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-mode app server on the benchmark database."""
    env = dict(os.environ)
    env.update({"QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": SECRET_KEY,
                "QUIZAPP_DATABASE_URL": database_url, "QUIZAPP_SECURE_COOKIES": "0",
                "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database of the URL if it does not exist."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        return
    if url.database in {"test", "bench"}:
        raise SystemExit(f"refusing to use the shared database {url.database!r}")
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": url.database}).scalar()
        if not found:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


def vacuum_analyze(database_url: str) -> None:
    """``VACUUM ANALYZE`` a PostgreSQL database: a seed writes hundreds of thousands of rows in
    minutes, before autovacuum has looked, and a query planned on the stale statistics took a
    sequential scan of ``attempt_item`` (52 ms) where the index takes 11 ms."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not make_url(database_url).drivername.startswith("postgresql"):
        return
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a child server started here (its own process group) and wait for it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], *, workers: int = 2, worker_class: str = "sync",
             port: int | None = None, extra: Sequence[str] = ()) -> Iterator[str]:
    """Run ``gunicorn app`` on 127.0.0.1 with these settings; yields its base URL."""
    port = port or free_port()
    command = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--worker-class", worker_class,
               "--bind", f"127.0.0.1:{port}", "--backlog", "4096", "--timeout", "120",
               "--log-level", "warning", "--chdir", str(ROOT), *extra, app]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        wait_for_port(port, process)
        time.sleep(1.0)  # every worker has imported the app
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@contextlib.contextmanager
def nginx(upstreams: Sequence[str], *, request_buffering: bool = True) -> Iterator[str]:
    """Run nginx (not daemonized, its own prefix) in front of ``upstreams``; yields its URL."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as prefix:
        servers = "".join(f"        server {u.removeprefix('http://')};\n" for u in upstreams)
        template = (HERE / "nginx.conf.template").read_text()
        config = (template.replace("@PREFIX@", prefix).replace("@PORT@", str(port))
                  .replace("@UPSTREAMS@", servers.rstrip("\n"))
                  .replace("@REQUEST_BUFFERING@", "on" if request_buffering else "off"))
        Path(prefix, "logs").mkdir()
        Path(prefix, "nginx.conf").write_text(config)
        process = subprocess.Popen([NGINX, "-p", prefix, "-c", f"{prefix}/nginx.conf",
                                    "-g", "daemon off;"], start_new_session=True)
        try:
            wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process)


def run_wrk(url: str, script: str, *, connections: int = 64, seconds: float = 10,
            threads: int = 2, env: dict[str, str] | None = None) -> dict:
    """One wrk run with a Lua script of wrk/; returns the JSON its done() prints."""
    command = [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
               "--timeout", "10s", "-s", str(WRK_DIR / script), url]
    result = subprocess.run(command, env={**os.environ, **(env or {})}, capture_output=True,
                            text=True, check=False)
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of the values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """A plain text table; floats with one decimal."""
    cells = [[f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    lines = ["  ".join(str(h).rjust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
