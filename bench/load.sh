#!/usr/bin/env bash
# Load and footprint benchmark: indexes the vendored medquad-liveqa corpus
# (with the lay <-> clinical vocabulary), starts guru-server on it, measures
# the time from start to SERVING, then runs guru-bench: STREAMS concurrent
# streams of Search (limit 10, the K-QA question mix) for SECONDS, then
# grpc.health.v1.Health/Check on the same server for SECONDS, the floor gRPC
# sets. Samples the server's resident memory during the load. Appends the
# figures, with machine, date and commit, to bench/results/load.md.
#   bench/load.sh [BUILD_DIR] [STREAMS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
streams=${2:-16}
seconds=${3:-20}
for bin in indexer/guru-indexer src/server/guru-server tools/guru-bench tools/guru-query; do
  [[ -x $build/$bin ]] || { echo "build first: scripts/build.sh $build -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2; exit 2; }
done
source scripts/lib/guru_server.sh

work=$(mktemp -d)
trap 'guru_server_stop; rm -rf "$work"' EXIT
zcat data/medquad-liveqa/corpus.jsonl.gz >"$work/corpus.jsonl"
zcat data/k-qa/questions.jsonl.gz >"$work/questions.jsonl"
"$build/indexer/guru-indexer" --db "$work/db" --synonyms data/synonyms/lay-clinical.txt \
  "$work/corpus.jsonl" >/dev/null 2>"$work/indexer.log"
posts=$(wc -l <"$work/corpus.jsonl")

# Time from start to SERVING: the server's own "SERVING" log line, polled.
start=$(date +%s%N)
"$build/src/server/guru-server" --db "$work/db" --listen 127.0.0.1:0 \
  --http-listen 127.0.0.1:0 2>"$work/server.log" &
GURU_SERVER_PID=$!
until grep -q "SERVING" "$work/server.log"; do
  kill -0 "$GURU_SERVER_PID" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.002
done
serving_ms=$(( ($(date +%s%N) - start) / 1000000 ))
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log")
http_port=$(sed -n 's|.*HTTP/JSON on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/server.log")
idle_rss_kib=$(awk '/VmRSS/{print $2}' "/proc/$GURU_SERVER_PID/status")

# Resident memory while loaded: sampled every 0.2 s, the largest kept.
( peak=0
  while kill -0 "$GURU_SERVER_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/{print $2}' "/proc/$GURU_SERVER_PID/status" 2>/dev/null || echo 0)
    (( rss > peak )) && peak=$rss && echo "$peak" >"$work/peak_rss"
    sleep 0.2
  done ) &
sampler=$!
"$build/tools/guru-bench" --server "127.0.0.1:$port" --questions "$work/questions.jsonl" \
  --streams "$streams" --seconds "$seconds" --limit 10 \
  --http "http://127.0.0.1:$http_port" | tee "$work/bench.txt"
peak_rss_kib=$(cat "$work/peak_rss")
guru_server_stop
wait "$sampler" 2>/dev/null || true

field() { sed -n "s|^$1 .* $2=\([^ ]*\).*|\1|p" "$work/bench.txt"; }
field_end() { sed -n "s|^$1 .* $2=\([^ ]*\)$|\1|p" "$work/bench.txt"; }
s_qps=$(field Search qps); h_qps=$(field Health/Check qps)
ratio=$(sed -n 's/^search_over_health_qps=//p' "$work/bench.txt")
http_ratio=$(sed -n 's/^http_over_grpc_search_qps=//p' "$work/bench.txt")
mkdir -p bench/results
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/{print $2}') GiB RAM; client and server on the same machine"
  echo
  echo "Corpus: medquad-liveqa, $posts posts; questions: K-QA (1,212), Search limit 10; $streams streams, $seconds s per phase after 2 s warm-up"
  echo
  echo "| phase | calls | failed | QPS | p50 ms | p90 ms | p99 ms | max ms |"
  echo "|---|---|---|---|---|---|---|---|"
  for phase in Search HTTP/Search Health/Check; do
    echo "| $phase | $(field "$phase" calls) | $(field "$phase" failed) | $(field "$phase" qps) | $(field "$phase" p50_ms) | $(field "$phase" p90_ms) | $(field "$phase" p99_ms) | $(field_end "$phase" max_ms) |"
  done
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| Search QPS / Health QPS (target >= 0.5) | $ratio ($s_qps / $h_qps) |"
  echo "| Search p99 (target <= 10 ms) | $(field Search p99_ms) ms |"
  echo "| HTTP/JSON Search QPS / gRPC Search QPS (target >= 0.9) | $http_ratio ($(field HTTP/Search qps) / $s_qps) |"
  echo "| time from start to SERVING | $serving_ms ms |"
  echo "| server RSS idle after start | $((idle_rss_kib / 1024)) MiB |"
  echo "| server RSS peak under load | $((peak_rss_kib / 1024)) MiB |"
} | tee -a bench/results/load.md
