#!/usr/bin/env bash
# Load and footprint benchmark: indexes the vendored medquad-liveqa corpus
# (with the lay <-> clinical vocabulary), starts guru-server on it, measures
# the time from start to SERVING, then runs guru-bench: STREAMS concurrent
# streams of Search (limit 10, the K-QA question mix) for SECONDS, then
# grpc.health.v1.Health/Check on the same server for SECONDS, the floor gRPC
# sets. Samples the server's resident memory during the load. Then Sphinx
# Search 2.2.11 beside it (bench/sphinx/lib.sh: the same posts, searchd on
# loopback): in ROUNDS rounds, guru-bench's Search and sphinx-bench
# (bench/sphinx/sphinx_bench.cc, built here with g++ against libmariadb: the
# same questions, STREAMS connections, one query outstanding each, top 10 by
# BM25F with SNIPPET() excerpts, and again without) alternate, SECONDS / 2
# each, then one stream of each; each server's CPU per search is read from
# /proc. Appends the figures, with machine, date and commit, to
# bench/results/load.md.
#   bench/load.sh [BUILD_DIR] [STREAMS] [SECONDS] [ROUNDS]
# Installs Debian's sphinxsearch and libmariadb-dev when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
streams=${2:-16}
seconds=${3:-20}
rounds=${4:-3}
for bin in indexer/guru-indexer src/server/guru-server tools/guru-bench tools/guru-query; do
  [[ -x $build/$bin ]] || { echo "build first: scripts/build.sh $build -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2; exit 2; }
done
source scripts/lib/guru_server.sh
source bench/sphinx/lib.sh
sphinx_install

work=$(mktemp -d)
trap 'guru_server_stop; sphinx_stop; rm -rf "$work"' EXIT
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

# sample_peak_rss PID FILE: resident memory while PID runs, sampled every
# 0.2 s, the largest kept in FILE (KiB), in the background.
sample_peak_rss() {
  ( peak=0
    while kill -0 "$1" 2>/dev/null; do
      rss=$(awk '/VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
      (( rss > peak )) && peak=$rss && echo "$peak" >"$2"
      sleep 0.2
    done ) &
}
sample_peak_rss "$GURU_SERVER_PID" "$work/peak_rss"
sampler=$!
"$build/tools/guru-bench" --server "127.0.0.1:$port" --questions "$work/questions.jsonl" \
  --streams "$streams" --seconds "$seconds" --limit 10 \
  --http "http://127.0.0.1:$http_port" | tee "$work/bench.txt"
peak_rss_kib=$(cat "$work/peak_rss")

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

# ---- Sphinx beside Guru --------------------------------------------------
# The configuration tuned on the LiveQA development questions
# (docs/RELEVANCE.md, "Sphinx ... tuned on dev"); k1, b and the weights do
# not change what a search costs, the stoplist a little.
sphinx_index_name=medquad_conv sphinx_k1=8 sphinx_b=0.9 sphinx_title=32 sphinx_question=1
echo "load: Sphinx: building sphinx-bench, indexing, starting searchd" >&2
g++ -std=c++20 -O2 -o "$work/sphinx-bench" bench/sphinx/sphinx_bench.cc \
  $(pkg-config --cflags --libs libmariadb) -pthread
# The same questions as guru-bench's, as text lines.
/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        print(" ".join(json.loads(line)["Question"].split()))' "$work/questions.jsonl" \
  >"$work/questions.txt"
sphinx_prepare "$work/sphinx" data/medquad-liveqa/corpus.jsonl.gz
sphinx_index "$sphinx_index_name"
sphinx_start
sphinx_idle_kib=$(awk '/VmRSS/{print $2}' "/proc/$SPHINX_PID/status")
sample_peak_rss "$SPHINX_PID" "$work/sphinx_peak_rss"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# measure NAME PID STREAMS SECONDS COMMAND...: runs a client (no warm-up of
# its own: each side was warmed before the rounds) and appends
# "NAME streams calls qps p50 p99 cpu_ms_per_call" to $work/runs.
measure() {
  local name=$1 pid=$2 n=$3 secs=$4 before after line calls
  shift 4
  before=$(cpu_ticks "$pid")
  "$@" --streams "$n" --seconds "$secs" --warmup-seconds 0 >"$work/one.txt" ||
    { cat "$work/one.txt" >&2; echo "load: $name failed" >&2; exit 1; }
  after=$(cpu_ticks "$pid")
  line=$(grep -m1 ' streams=' "$work/one.txt")
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  calls=$(get calls)
  echo "$name $n $calls $(get qps) $(get p50_ms) $(get p99_ms)" \
    "$(echo "scale=3; ($after - $before) * 1000 / $(getconf CLK_TCK) / $calls" | bc)" >>"$work/runs"
  echo "load: $line" >&2
}
guru=("$build/tools/guru-bench" --server "127.0.0.1:$port" --questions "$work/questions.jsonl"
      --limit 10 --no-health)
sphinx=("$work/sphinx-bench" --port "$SPHINX_PORT" --questions "$work/questions.txt" --limit 10
        --index "$sphinx_index_name" --k1 "$sphinx_k1" --b "$sphinx_b" --title "$sphinx_title"
        --question "$sphinx_question")
# Warm both (caches, first connections), unmeasured.
"${guru[@]}" --streams "$streams" --seconds 2 --warmup-seconds 0 >/dev/null
"${sphinx[@]}" --streams "$streams" --seconds 2 --warmup-seconds 0 >/dev/null
round_s=$(echo "scale=1; $seconds / 2" | bc)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$work/runs"
for round in $(seq 1 "$rounds"); do
  measure guru "$GURU_SERVER_PID" "$streams" "$round_s" "${guru[@]}"
  measure sphinx "$SPHINX_PID" "$streams" "$round_s" "${sphinx[@]}" --label Sphinx
  measure sphinx_plain "$SPHINX_PID" "$streams" "$round_s" "${sphinx[@]}" --no-snippets \
    --label Sphinx-plain
done
measure guru "$GURU_SERVER_PID" 1 "$round_s" "${guru[@]}"
measure sphinx "$SPHINX_PID" 1 "$round_s" "${sphinx[@]}" --label Sphinx
measure sphinx_plain "$SPHINX_PID" 1 "$round_s" "${sphinx[@]}" --no-snippets --label Sphinx-plain
sphinx_peak_kib=$(cat "$work/sphinx_peak_rss")
sphinx_mib=$(du -sm "$work/sphinx/data" | cut -f1)

# Per system and stream count: QPS over all rounds (calls / seconds), the
# median round's p50 and p99, CPU per search over all rounds.
summary() {  # NAME STREAMS -> "qps p50 p99 cpu_ms"
  awk -v name="$1" -v n="$2" -v secs="$round_s" '
    $1 == name && $2 == n { calls += $3; rounds++; cpu += $7 * $3
                            p50[rounds] = $5; p99[rounds] = $6 }
    function median(a, k,   i, j, t) {
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END { printf "%.0f %.2f %.2f %.2f\n", calls / (rounds * secs), median(p50, rounds),
                 median(p99, rounds), cpu / calls }' "$work/runs"
}
quotient() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
read -r g_qps g_p50 g_p99 g_cpu < <(summary guru "$streams")
read -r s_qps s_p50 s_p99 s_cpu < <(summary sphinx "$streams")
read -r p_qps p_p50 p_p99 p_cpu < <(summary sphinx_plain "$streams")
read -r g1_qps g1_p50 g1_p99 g1_cpu < <(summary guru 1)
read -r s1_qps s1_p50 s1_p99 s1_cpu < <(summary sphinx 1)
read -r p1_qps p1_p50 p1_p99 p1_cpu < <(summary sphinx_plain 1)
{
  echo
  echo "### Guru beside Sphinx Search 2.2.11, same run"
  echo
  echo "Sphinx: Debian's sphinxsearch, set up by \`bench/sphinx/lib.sh\` (index \`$sphinx_index_name\`,"
  echo "stem_en, stopwords; $sphinx_mib MiB of index files; searchd \`workers = threads\`),"
  echo "queried by \`sphinx-bench\` (\`bench/sphinx/sphinx_bench.cc\`, libmariadb, one connection per"
  echo "stream, one query outstanding): the question as any word (quorum /1, escaped), BM25F"
  echo "(k1 $sphinx_k1, b $sphinx_b, title x$sphinx_title, question x$sphinx_question, answer x1), top 10 with the title and"
  echo "\`SNIPPET()\` of the answer (\"with excerpts\") or ids only (\"plain\"). Guru: the"
  echo "Search phase of guru-bench (limit 10, snippets and passages), the server above."
  echo "$rounds rounds of ${round_s} s each, alternating, after 2 s of warm-up of each;"
  echo "then one stream of each for ${round_s} s. QPS over all rounds, p50/p99 the median"
  echo "round's, CPU per search = the server process's user+system time (/proc) over"
  echo "its calls. Client and servers share the machine's $(nproc) cores; load average when"
  echo "the rounds began: $load_before."
  echo
  echo "| | Guru | Sphinx with excerpts | Sphinx plain | Guru / Sphinx with excerpts |"
  echo "|---|---|---|---|---|"
  echo "| $streams streams QPS | $g_qps | $s_qps | $p_qps | $(quotient $g_qps $s_qps) |"
  echo "| $streams streams p50 / p99 ms | $g_p50 / $g_p99 | $s_p50 / $s_p99 | $p_p50 / $p_p99 | p99 $(quotient $g_p99 $s_p99) |"
  echo "| server CPU per search, ms | $g_cpu | $s_cpu | $p_cpu | $(quotient $g_cpu $s_cpu) |"
  echo "| 1 stream QPS | $g1_qps | $s1_qps | $p1_qps | $(quotient $g1_qps $s1_qps) |"
  echo "| 1 stream p50 / p99 ms | $g1_p50 / $g1_p99 | $s1_p50 / $s1_p99 | $p1_p50 / $p1_p99 | p50 $(quotient $g1_p50 $s1_p50) |"
  echo "| server RSS idle / peak, MiB | $((idle_rss_kib / 1024)) / $((peak_rss_kib / 1024)) | $((sphinx_idle_kib / 1024)) / $((sphinx_peak_kib / 1024)) | (same searchd) | |"
  echo
  echo "Each run (system, streams, calls, QPS, p50 ms, p99 ms, server CPU ms per search):"
  echo
  echo '```'
  cat "$work/runs"
  echo '```'
  echo
  echo "Targets (issue 15): Guru Search QPS at $streams streams >= 2x Sphinx with excerpts:"
  echo "$(quotient $g_qps $s_qps)x; p99 <= 10 ms at $streams streams: $g_p99 ms."
} | tee -a bench/results/load.md
sphinx_stop
guru_server_stop
wait "$sampler" 2>/dev/null || true
