#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for kplan's tests.
#
#   .ci/postgres.sh start DIR   create a cluster in the empty folder DIR, start it on
#                               127.0.0.1 (a free port), make the role "kplan"
#                               (CREATEDB; CREATEROLE for the tests of the server's
#                               rules, which log in as several people) and print
#                               the shell lines that point the tests at it
#   .ci/postgres.sh stop DIR    stop that cluster (DIR itself is left for the caller)
#
# Typical use, from the repository:
#
#   dir=$(mktemp -d)
#   eval "$(.ci/postgres.sh start "$dir")"
#   make test
#   .ci/postgres.sh stop "$dir"; rm -rf "$dir"
#
# The server binaries are found on PATH, else in Debian's /usr/lib/postgresql/*/bin.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# "postgres" user that Debian's package creates. Durability is switched off
# (fsync, synchronous_commit): the cluster only ever holds test data. So is
# autovacuum: its workers would hold up dropping a test's database.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$(cd "$2" && pwd)

bindir() {
    local candidates=() candidate
    if command -v pg_ctl >/dev/null 2>&1; then
        candidates+=("$(dirname "$(readlink -f "$(command -v pg_ctl)")")")
    fi
    while IFS= read -r candidate; do
        candidates+=("$candidate")
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r)
    for candidate in "${candidates[@]}"; do
        if [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/psql" ]; then
            echo "$candidate"
            return
        fi
    done
    echo "postgres.sh: no PostgreSQL server binaries (pg_ctl, initdb, psql) on PATH or in" \
        "/usr/lib/postgresql/*/bin; on Debian: apt-get install postgresql" >&2
    exit 1
}

# Run a server command as a user PostgreSQL accepts.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

bin=$(bindir)
case "$action" in
start)
    if [ "$(id -u)" -eq 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            echo "postgres.sh: PostgreSQL will not run as root and there is no 'postgres' user;" \
                "run this as an ordinary user" >&2
            exit 1
        fi
        chown postgres: "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
        --no-sync >"$dir/initdb.log"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" \
        -o "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        -o "-c autovacuum=off" \
        start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    as_owner "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE kplan LOGIN CREATEDB CREATEROLE" >/dev/null
    echo "export KPLAN_TEST_POSTGRES_URL=postgresql+psycopg://kplan@127.0.0.1:$port/postgres"
    echo "export KPLAN_REQUIRE_POSTGRES=1"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    usage
    ;;
esac
