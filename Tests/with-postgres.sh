#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a private Unix socket (no TCP listener), exports
# ETL_TEST_DATABASE_URL for the command it runs, and removes the cluster afterwards.
#   Tests/with-postgres.sh swift test --disable-swift-testing --parallel --num-workers 3
# Under CI=true a missing PostgreSQL server is an error; otherwise the command still runs and
# the database tests fail with a message saying how to get a server.
set -euo pipefail
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "with-postgres: no PostgreSQL server binaries found (install postgresql-15)" >&2
    exit 1
  fi
  echo "with-postgres: no PostgreSQL server binaries; database tests will fail" >&2
  exec "$@"
fi
PORT="${ETL_TEST_PG_PORT:-55432}"            # only names the socket file; no TCP listener
PG_OPTIONS="${ETL_TEST_PG_OPTIONS:--c fsync=off}"   # benchmarks pass "-c fsync=on"
WORK="$(mktemp -d /tmp/etl-pg.XXXXXX)"; DATA="$WORK/data"
chmod 755 "$WORK"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }  # initdb refuses root
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK"; fi
cleanup() { as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
as_pg "$PG_BIN/initdb" -D "$DATA" -U etl --auth=trust -E UTF8 --locale=C >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w -t 30 \
  -o "-c listen_addresses= -p $PORT -k $WORK -c max_connections=200 $PG_OPTIONS" start >/dev/null
as_pg "$PG_BIN/createdb" -h "$WORK" -p "$PORT" -U etl etl_test
export ETL_TEST_DATABASE_URL="host=$WORK port=$PORT user=etl dbname=etl_test"
export ETL_TEST_PG_BIN="$PG_BIN" ETL_TEST_PG_SOCKET_DIR="$WORK" ETL_TEST_PG_PORT="$PORT"
set +e
"$@"
status=$?
if [ $status -ne 0 ] && [ -f "$WORK/server.log" ]; then
  echo "--- last lines of the PostgreSQL server log ---" >&2
  tail -20 "$WORK/server.log" >&2
fi
exit $status
