#!/usr/bin/env bash
# HTTP benchmarks of the Service issue, against `wangge serve --demo` on loopback:
#   1. single-point GET /v1/locate with wrk (keep-alive, random points over the
#      demo district): the server with GOMAXPROCS=1 and wrk with one thread, so
#      server and load generator each have one of this machine's 2 cores; then
#      the same with the server on both cores and wrk -t2 -c64 for comparison
#      (the three compete for 2 cores and the tail latency shows it);
#   2. batch POST /v1/locate of 100,000 points, server on both cores.
# Usage: bash bench/http.sh   (needs wrk: apt-get install wrk; PORT to move it)
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/wangge ./cmd/wangge
dir=$(mktemp -d)
db=$dir/bench.db
port=${PORT:-18080}
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

start() { # start ENV...: starts the server with the given environment
  env "$@" ./bin/wangge serve --demo --db "$db" --addr 127.0.0.1:$port --log-level warn 2>>"$dir/serve.log" &
  pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
get() { # get THREADS CONNS
  echo "== GET /v1/locate, wrk -t$1 -c$2 -d15s, server $3"
  wrk -t"$1" -c"$2" -d15s --latency -s bench/http/locate.lua http://127.0.0.1:$port |
    grep -E "Requests/sec|Latency  |50%|90%|99%"
}
echo "machine: $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg)"
start GOMAXPROCS=1
get 1 16 "GOMAXPROCS=1"
stop
start
get 2 64 "GOMAXPROCS=2 (default)"
echo "== POST /v1/locate, 100,000 points per request, full results, server GOMAXPROCS=2"
go run ./bench/batchload -url http://127.0.0.1:$port -points 100000 -rounds 6
echo "== POST /v1/locate, 100,000 points per request, fields=code,match"
go run ./bench/batchload -url http://127.0.0.1:$port -points 100000 -rounds 6 -fields code,match
stop
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
