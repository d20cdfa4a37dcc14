#!/bin/sh
# Remake tests/data/store-schema1.db with the kplan of the first schema version.
# Usage: tests/data/make-store-schema1.sh [PYTHON]   (PYTHON has kplan's dependencies)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=${1:-python3}
case $python in */*) python=$(cd "$(dirname "$python")" && pwd)/$(basename "$python") ;; esac
# The last commit whose store has schema version 1.
commit=c22bf316bbeff8e6a20c20b4583287315e4d0bdf
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
git -C "$repo" archive "$commit" | tar -x -C "$src"
db="$src/store.db"

kplan() {
    # A fixed clock and user make every row the same on each run but the
    # random batch ids of the event log.
    (cd "$src" && KPLAN_NOW="$when" KPLAN_USER=ehedlund KPLAN_LANG=en PYTHONPATH="$src" \
        "$python" -c 'import sys; from kplan.cli import main; sys.argv[0] = "kplan"; main()' \
        "$@" --db "$db" >/dev/null)
}

when=2026-03-02T09:00:00
kplan import examples/orebro_plan.toml
kplan import examples/kronoberg_plan.toml
when=2026-03-09T10:15:00
kplan status 5 ongoing --progress 45 --note "Finansieringen beviljad" --plan orebro-kompetens --as tstrom
kplan step smf-stod 3 --plan orebro-kompetens --as tstrom
when=2026-03-16T14:30:00
kplan fourp 7 policy done --plan orebro-kompetens
kplan perspective 7 ålder yes --note "Åldersuppdelad statistik" --plan orebro-kompetens
kplan record foretag-kompetensplan 2016 58 --plan orebro-kompetens
kplan status A1 delayed --plan kronoberg-kompetens

# One plain file: no write-ahead log beside it, no free pages.
"$python" - "$db" <<'PY'
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("PRAGMA journal_mode = DELETE")
connection.execute("VACUUM")
connection.close()
PY
cp "$db" "$here/store-schema1.db"
echo "wrote $here/store-schema1.db"
