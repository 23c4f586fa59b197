#!/usr/bin/env bash
# Reports through three wangge replicas sharing one PostgreSQL database
# (BENCHMARKS.md, "Production store"). It creates a database on the server
# of PG (dropped at the end), starts three `wangge serve` on it, the first
# with --demo, and runs one wrk per replica at once, each posting new
# reports with Idempotency-Keys (bench/reports/post.lua). It prints the
# acknowledged reports per second (the sum of the three), the reports
# stored, the CPU seconds of the replicas and of the whole machine, and the
# load average.
#
#   bench/replicas/run.sh [PG_SERVER_URL] [SECONDS] [CONNECTIONS_PER_REPLICA]
#   PROFILE=/tmp/replica1.pprof bench/replicas/run.sh   # also profile replica 1
set -euo pipefail
cd "$(dirname "$0")/../.."
PG=${1:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
SECS=${2:-15}
CONNS=${3:-64}
DB=wangge_bench_$$
URL=${PG/\/postgres\?/\/$DB?}
BIN=$(mktemp -d)/wangge
TOKEN=bench-replicas-admin
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
}
trap cleanup EXIT
go build -o "$BIN" ./cmd/wangge
psql "$PG" -qc "CREATE DATABASE $DB"
for i in 1 2 3; do
  demo=""; [ "$i" = 1 ] && demo=--demo
  prof=""; [ "$i" = 1 ] && prof=${PROFILE:-} # PROFILE=file: a CPU profile of replica 1
  WANGGE_CPUPROFILE=$prof WANGGE_ADMIN_TOKEN=$TOKEN "$BIN" serve $demo --db "$URL" --addr 127.0.0.1:1818$i --log-level error 2>/tmp/replica$i.log &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:1818$i/readyz >/dev/null && break; sleep 0.1; done
done
cpu() { awk '{s=0; for (i=2;i<=8;i++) s+=$i; print s}' <(head -1 /proc/stat); }
pcpu() { local s=0; for p in "${pids[@]}"; do s=$((s + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $s; }
# Warm up (connection pools, placements), then count the CPU of the
# replicas and of the PostgreSQL backends serving this database.
w=()
for i in 1 2 3; do wrk -t1 -c"$CONNS" -d2s -s bench/reports/post.lua http://127.0.0.1:1818$i -- $TOKEN w$i- >/dev/null & w+=($!); done
wait "${w[@]}"
bpids=$(psql "$PG" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$DB'")
bcpu() { local s=0; for p in $bpids; do [ -r /proc/$p/stat ] && s=$((s + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $s; }
before=$(psql "$URL" -Atc "SELECT count(*) FROM reports")
m0=$(cpu); r0=$(pcpu); b0=$(bcpu); t0=$(date +%s.%N)
w=()
for i in 1 2 3; do
  wrk -t1 -c"$CONNS" -d"${SECS}s" -s bench/reports/post.lua http://127.0.0.1:1818$i -- $TOKEN r$i- > /tmp/wrk$i.out &
  w+=($!)
done
wait "${w[@]}"
m1=$(cpu); r1=$(pcpu); b1=$(bcpu); t1=$(date +%s.%N)
hz=$(getconf CLK_TCK)
total=0
for i in 1 2 3; do
  rps=$(awk '/Requests\/sec/ {print $2}' /tmp/wrk$i.out)
  echo "replica $i: $rps req/s; $(grep -E 'Latency|Non-2xx|errors' /tmp/wrk$i.out | tr -s ' ' | tr '\n' ';')"
  total=$(echo "$total + $rps" | bc)
done
stored=$(( $(psql "$URL" -Atc "SELECT count(*) FROM reports") - before ))
echo "total: $total acknowledged reports/s through 3 replicas, $CONNS connections each, ${SECS}s; $stored reports stored in that time"
echo "CPU: replicas $(echo "($r1 - $r0) / $hz" | bc -l | cut -c1-5) s, their PostgreSQL backends $(echo "($b1 - $b0) / $hz" | bc -l | cut -c1-5) s ($(echo "$bpids" | wc -w) backends), per stored report $(echo "(($r1 - $r0) + ($b1 - $b0)) * 1000 / $hz / $stored" | bc -l | cut -c1-5) ms; whole machine $(echo "($m1 - $m0) / $hz" | bc -l | cut -c1-5) s over $(echo "$t1 - $t0" | bc | cut -c1-5) s wall ($(nproc) cores); load average $(cut -d' ' -f1-3 /proc/loadavg)"
