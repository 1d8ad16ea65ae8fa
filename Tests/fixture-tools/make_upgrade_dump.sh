#!/usr/bin/env bash
# Makes Fixtures/upgrade/warehouse-v0.2.0.sql(.gz): a schema-and-data dump of a warehouse built by
# pipeline v0.2.0 (commit ef84104, the last main before source declarations), for the
# upgrade-in-place test. Run from a checkout of that commit, built (`swift build`):
#   Tests/with-postgres.sh Tests/fixture-tools/make_upgrade_dump.sh OUT.sql
# It loads every bundled publication (`pipeline demo`), rolls one revision back (so the history
# holds a rollback step), and dumps the database without owners or privileges.
set -euo pipefail
out="$1"
db="upgrade_src"
psql "$ETL_TEST_DATABASE_URL" -qXc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE template0"
url="${ETL_TEST_DATABASE_URL% dbname=*} dbname=$db"
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
DATABASE_URL="$url" PIPELINE_CACHE_DIR="$cache" .build/debug/pipeline demo >/dev/null
rev=$(psql "$url" -qXAtc "SELECT max(revision_id) FROM etl.revisions WHERE dataset = 'ods-practices'")
DATABASE_URL="$url" PIPELINE_CACHE_DIR="$cache" .build/debug/pipeline rollback "$rev" >/dev/null
"$ETL_TEST_PG_BIN/pg_dump" --no-owner --no-privileges --no-comments --quote-all-identifiers "$url" \
  | grep -v '^SET default_table_access_method\|^SELECT pg_catalog.set_config' > "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
