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
# time_read_shapes VARS EXAMPLE_SED "label|sql"...: times each read shape with pgbench (one
# client, 2 s to warm the cache, then DURATION seconds; VARS are pgbench \set lines choosing the
# values of each query) and prints p50 and p95 with the rows one example returns (the shape with
# EXAMPLE_SED applied); the example's EXPLAIN (ANALYZE, BUFFERS) goes to $OUT/plans.txt.
time_read_shapes() {
  local vars=$1 subst=$2 shape label sql example n; shift 2
  : > "$OUT/plans.txt"
  printf "%-42s %8s %8s %8s %8s\n" shape queries "p50 ms" "p95 ms" rows
  for shape in "$@"; do
    label=${shape%%|*}; sql=${shape#*|}
    printf '%s\n%s;\n' "$vars" "$sql" > "$OUT/shape.sql"
    rm -f "$OUT"/pgbench_log.*
    pgbench -n -c 1 -T 2 -f "$OUT/shape.sql" "$DATABASE_URL" >/dev/null 2>&1
    (cd "$OUT" && pgbench -n -c 1 -T "$DURATION" -l -f "$OUT/shape.sql" "$DATABASE_URL" >/dev/null 2>&1)
    example=$(echo "$sql" | sed -e "$subst")
    n=$(q "SELECT count(*) FROM ($example) x")
    { echo "== $label"; echo "$example;"; q "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $example"; echo; } >> "$OUT/plans.txt"
    cat "$OUT"/pgbench_log.* | awk '{print $3 / 1000}' | sort -n |
      awk -v l="$label" -v n="$n" '{a[NR]=$1} END {p = int(NR * 0.95) + 1; if (p > NR) p = NR; printf "%-42s %8d %8.2f %8.2f %8s\n", l, NR, a[int(NR * 0.5) + 1], a[p], n}'
  done
  rm -f "$OUT"/pgbench_log.* "$OUT/shape.sql"
  echo "plans: $OUT/plans.txt"
}
