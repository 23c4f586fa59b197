#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md "Core 2: locate at national scale" and
# prints a summary at the end.
#
#   bash bench/run.sh                 # everything (about 10 minutes)
#   QUICK=1 bash bench/run.sh         # fewer points and repetitions, no 1M-grid runs
#
# Environment: WANGGE_TEST_PG (PostgreSQL with PostGIS; default the local one,
# skipped when it does not answer), WANGGE_SHARED_DATA (default ../shared/data),
# OUT (directory for the raw outputs; default a new temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."

PG="${WANGGE_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
OUT="${OUT:-$(mktemp -d -t wangge-bench.XXXXXX)}"
mkdir -p "$OUT"
COUNT=5
SIZES="100000 1000000"
LOCATE_FLAGS=()
if [ -n "${QUICK:-}" ]; then
  COUNT=2
  SIZES="100000"
  LOCATE_FLAGS=(-n 200000 -pgn 20000 -plainn 20000 -plainholes 20 -pgnholes 500 -pgsingle 500)
fi
if command -v pg_isready >/dev/null && ! pg_isready -q -d "$PG"; then
  echo "PostgreSQL at $PG does not answer: PostGIS comparison skipped" >&2
  PG=""
fi

{
  echo "## machine"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
  echo "go: $(go version)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

echo; echo "## Go benchmarks (bench/bench_test.go), -count $COUNT"
go test -run '^$' -bench 'National|Holes' -benchmem -count "$COUNT" -timeout 60m ./bench/ | tee "$OUT/gobench.txt"

echo; echo "## side by side (bench/locate)"
go build -o "$OUT/locate" ./bench/locate
go build -o "$OUT/memload" ./bench/memload
"$OUT/locate" -pg "$PG" "${LOCATE_FLAGS[@]}" 2> >(tee "$OUT/locate.log" >&2) | tee "$OUT/locate.txt"

echo; echo "## memory and load time (bench/memload, one process per step)"
: >"$OUT/memload.txt"
for n in $SIZES; do
  db="$OUT/grids-$n.db"
  "$OUT/memload" -n "$n" -mode build | tee -a "$OUT/memload.txt"
  "$OUT/memload" -n "$n" -mode save -db "$db" | tee -a "$OUT/memload.txt"
  "$OUT/memload" -n "$n" -mode open -db "$db" | tee -a "$OUT/memload.txt"
  rm -f "$db" "$db-wal" "$db-shm"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"

# The median of the Go benchmark runs of one metric (ns/op, cpu-ns/op).
median() {
  awk -v name="$1" -v unit="${2:-ns/op}" '$1 ~ "^Benchmark"name"-" { for (i = 3; i < NF; i++) if ($(i+1) == unit) print $i }' "$OUT/gobench.txt" |
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR+1)/2)]; else print "-" }'
}
field() { # field KEY LINE
  tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'
}

echo
echo "==================== summary ===================="
cat "$OUT/machine.txt"
echo
echo "in-process Locate, one goroutine, Go benchmark median of $COUNT, ns/lookup wall (thread CPU), 0 allocs:"
printf "  cn-all-districts:   wangge %s (%s)  plain %s (%s)\n" "$(median National/wangge)" "$(median National/wangge cpu-ns/op)" \
  "$(median National/plain)" "$(median National/plain cpu-ns/op)"
printf "  synthetic holes:    wangge %s (%s)  plain %s (%s)\n" "$(median Holes/wangge)" "$(median Holes/wangge cpu-ns/op)" \
  "$(median Holes/plain)" "$(median Holes/plain cpu-ns/op)"
echo
echo "side by side, same points (bench/locate):"
sed -n '/^### summary/,$p' "$OUT/locate.txt" | tail -n +2 | sed 's/^/  /'
echo
echo "memory and load, wall (process CPU, both cores), RSS after the build and a GC, peak = VmHWM of the step:"
while read -r line; do
  mode=$(field mode "$line")
  grids=$(field grids "$line")
  case "$mode" in
  build) printf "  %8s grids, generated:   Validate %7s (cpu %7s)  NewIndex %7s (cpu %7s)  RSS %5s MB  peak %5s MB\n" \
    "$grids" "$(field validate "$line")" "$(field validate_cpu "$line")" "$(field index "$line")" "$(field index_cpu "$line")" \
    "$(field rss_mb "$line")" "$(field hwm_mb "$line")" ;;
  save) printf "  %8s grids, SaveSet:     %7s (%s MB file)\n" "$grids" "$(field save "$line")" "$(field db_mb "$line")" ;;
  open) printf "  %8s grids, from SQLite: CurrentSet %7s (cpu %7s)  Validate %7s (cpu %7s)  NewIndex %7s (cpu %7s)  RSS %5s MB  peak %5s MB\n" \
    "$grids" "$(field read "$line")" "$(field read_cpu "$line")" "$(field validate "$line")" "$(field validate_cpu "$line")" \
    "$(field index "$line")" "$(field index_cpu "$line")" "$(field rss_mb "$line")" "$(field hwm_mb "$line")" ;;
  esac
done <"$OUT/memload.txt"
echo
echo "raw outputs in $OUT"
