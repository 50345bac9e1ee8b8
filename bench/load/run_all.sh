#!/bin/sh
# Every load benchmark in order, on the database bench_load (created if missing; its tables are
# dropped and rebuilt by seed.py). Took 12 minutes on the quiet 2-core machine (30-60 when busy), a
# third of it the 2,000 logins at the real Argon2 cost. THREADS=1 uses sync workers
# instead of deploy/gunicorn.conf.py's 8 threads a worker.
set -eu
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
DATA=${DATA:-/tmp/quizapp-load.json}
URL=${URL:-postgresql+psycopg://postgres@127.0.0.1:5432/bench_load}
THREADS=${THREADS:-8}
$PY bench/load/seed.py --database-url "$URL" --members 2500 --enroll 2000 --starters 1000 \
    --tests 4 --reset --out "$DATA"
$PY bench/load/run.py --data "$DATA" --runs 3 --worker-threads "$THREADS"
$PY bench/load/logins.py --database-url "$URL" --logins 200 --runs 3 --first-member 2101
$PY bench/load/two_nodes.py --data "$DATA" --runs 3 --worker-threads "$THREADS"
$PY bench/load/slow_clients.py --data "$DATA"
# Last: it adds a test and 2,000 attempts.
$PY bench/load/sync_start.py --data "$DATA" --members 2000 --spread 3 --logins 200 \
    --worker-threads "$THREADS"
