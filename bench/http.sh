#!/usr/bin/env bash
# HTTP benchmarks of the Service issue: single-point GET /v1/locate with wrk
# (keep-alive) and batch POST /v1/locate, against `wangge serve --demo` on
# loopback. Usage: bash bench/http.sh   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/wangge ./cmd/wangge
db=$(mktemp -d)/bench.db
port=${PORT:-18080}
./bin/wangge serve --demo --db "$db" --addr 127.0.0.1:$port --log-level warn 2>/tmp/wangge-bench.log &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
echo "== GET /v1/locate, wrk -t2 -c64 -d15s (random points over the demo district)"
wrk -t2 -c64 -d15s --latency -s bench/http/locate.lua http://127.0.0.1:$port | grep -E "Requests/sec|Latency|99%|50%|90%"
echo "== POST /v1/locate, 100,000 points per request, full results"
go run ./bench/batchload -url http://127.0.0.1:$port -points 100000 -rounds 6
echo "== POST /v1/locate, 100,000 points per request, fields=code,match"
go run ./bench/batchload -url http://127.0.0.1:$port -points 100000 -rounds 6 -fields code,match
