#!/bin/sh
# Every benchmark in order, each printing its figures (see bench/README.md). Needs PostgreSQL on
# 127.0.0.1:5432 (databases `bench` and `bench_load`, created if missing, their tables dropped and
# rebuilt), and wrk and nginx for the load scripts (apt-get install wrk nginx). 22 minutes on
# the quiet 2-core machine (3 Dec 2026; 1.5 hours when it was busy).
# MEMBERS=5000 makes a smaller organization; KEEP_ORG=1 reuses `bench`.
set -eu
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
PY=.venv/bin/python
MEMBERS=${MEMBERS:-200000}
BENCH_URL=${BENCH_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/bench}
psql -h 127.0.0.1 -U postgres -Atqc "select 1 from pg_database where datname = 'bench'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "create database bench"

$PY bench/bank_quality.py
if [ -z "${KEEP_ORG:-}" ]; then
    $PY bench/make_org.py --members "$MEMBERS" --database-url "$BENCH_URL" --reset
fi
$PY bench/report_speed.py --database-url "$BENCH_URL" --runs 9
sh bench/load/run_all.sh
