#!/usr/bin/env bash
# End-to-end `wangge locate` rate on cn-all-districts, as issue "Core 2" defines it:
# rate = N / (t(N points) - t(1 point)), so start-up and index loading are excluded.
#
#   bash bench/cli-rate.sh            # N=1,000,000, 5 runs of each size, medians
#   N=200000 RUNS=3 bash bench/cli-rate.sh
#
# Environment: WANGGE_SHARED_DATA (default ../shared/data), OUT (work directory;
# default a new temporary directory; the imported store and the points are kept
# there and reused when OUT is given again).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000000}"
RUNS="${RUNS:-5}"
DATA="${WANGGE_SHARED_DATA:-../shared/data}"
OUT="${OUT:-$(mktemp -d -t wangge-clirate.XXXXXX)}"
mkdir -p "$OUT"

go build -o "$OUT/wangge" ./cmd/wangge
if [ ! -s "$OUT/all.db" ]; then
  "$OUT/wangge" import grids "$DATA"/cn-all-districts-0{1,2,3}.geojson.gz \
    --code-field uid --level district --db "$OUT/all.db" >/dev/null 2>&1
fi
[ -s "$OUT/pts-$N.csv" ] || go run ./bench/gen-points.go -n "$N" >"$OUT/pts-$N.csv"
[ -s "$OUT/pts-1.csv" ] || go run ./bench/gen-points.go -n 1 >"$OUT/pts-1.csv"

# run FILE: prints the wall seconds of one `wangge locate` over FILE.
run() {
  local s e
  s=$(date +%s.%N)
  "$OUT/wangge" locate --db "$OUT/all.db" <"$1" >"$OUT/out.csv"
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR+1)/2)] }'; }

echo "machine: $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg)"
t1=(); tn=()
for _ in $(seq "$RUNS"); do
  t1+=("$(run "$OUT/pts-1.csv")")
  tn+=("$(run "$OUT/pts-$N.csv")")
done
m1=$(printf '%s\n' "${t1[@]}" | median)
mn=$(printf '%s\n' "${tn[@]}" | median)
lines=$(($(wc -l <"$OUT/out.csv") - 1))
[ "$lines" -eq "$N" ] || { echo "output has $lines rows, want $N" >&2; exit 1; }
echo "t(1) runs:  ${t1[*]}"
echo "t($N) runs: ${tn[*]}"
printf 't(1) median %.3f s, t(%d) median %.3f s\n' "$m1" "$N" "$mn"
printf 'rate: %.0f points/s\n' "$(echo "$N / ($mn - $m1)" | bc -l)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
