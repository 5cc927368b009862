#!/bin/sh
# Time `hocso seed_demo` on a fresh SQLite database: sh bench/seed_timing.sh [PEOPLE ...] (default: 2500 25000)
# Uses .venv (create it with `sh scripts/test` or `sh scripts/demo`). Prints the command's own timing and the
# wall-clock time of the whole run, migrations excluded. The database is var/bench-seed.sqlite3, rebuilt each run.
set -eu
cd "$(dirname "$0")/.."
[ -x .venv/bin/hocso ] || { echo "No .venv yet: run 'sh scripts/test --co -q' or 'sh scripts/demo' first." >&2; exit 1; }

db="$PWD/var/bench-seed.sqlite3"
export HOCSO_DEMO=1 DATABASE_URL="sqlite:///$db"
[ $# -gt 0 ] || set -- 2500 25000

for people in "$@"; do
    rm -f "$db" "$db-wal" "$db-shm"
    .venv/bin/hocso migrate --noinput -v 0
    start=$(date +%s.%N)
    .venv/bin/hocso seed_demo --learners "$people" | grep -E '^(Seeding|Done)'
    end=$(date +%s.%N)
    echo "seed_demo --learners $people: $(awk "BEGIN { printf \"%.1f\", $end - $start }") s wall clock (process start included)"
done
rm -f "$db" "$db-wal" "$db-shm"
