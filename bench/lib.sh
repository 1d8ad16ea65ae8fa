# Shared by the benchmark scripts that run inside Tests/with-postgres.sh: the release binary,
# the throwaway cluster, and how a step is timed (a CHECKPOINT first, wall time and peak RSS).
BIN="$PWD/.build/release/pipeline"
export DATABASE_URL="$ETL_TEST_DATABASE_URL"
q() { psql "$DATABASE_URL" -qXAtc "$1"; }
timed() {  # runs a command; prints "seconds peak_rss_kb"
  q "CHECKPOINT" >/dev/null
  local line; line=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1 ); echo "$line"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
