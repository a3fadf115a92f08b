#!/usr/bin/env bash
# Scale benchmark: synthesises corpora of 18k, 180k and 1.8M posts from the
# medquad-liveqa corpus, indexes each (sharded where it helps), and measures
# indexing rate, index size on disk and search latency over gRPC (the 70
# LiveQA development questions, 10 results with snippets): one stream
# (guru-query --batch, a warm-up pass, then a measured one) and 16 streams
# (guru-bench, 10 s after 2 s of warm-up). A sharded index is measured twice:
# its shards matched one after another in the searching thread, and matched
# in parallel by `guru-server --shard-processes P` (P = the machine's cores,
# or SCALE_SHARD_PROCESSES). Appends the figures, with machine, date and
# commit, to bench/results/scale.md.
#   bench/scale.sh [BUILD_DIR] [POSTS:SHARDS...]
#   default: build-rel 17896:0 178960:3 1789600:6   (0 shards = a plain index)
# SCALE_WORK=DIR: where the indexes are built (default /tmp). SCALE_KEEP=1:
# keep each index as DIR/db-POSTS-SHARDS, and measure one that a run
# completed there instead of building it again (its indexing columns then
# read "kept").
#
# Synthetic posts: copy k (k = 0, 1, ...) of the corpus gives each post the id
# "x<k>-<original id>" and the title "<title> (<k>)", the rest unchanged. So
# posts are real text and every id is new, but the vocabulary does not grow
# with the corpus as a real one would: the index grows a little slower than a
# real corpus of that size, and term statistics are those of the corpus
# repeated.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(17896:0 178960:3 1789600:6)
for bin in indexer/guru-indexer src/server/guru-server tools/guru-query tools/guru-bench; do
  [[ -x $build/$bin ]] || {
    echo "build first: scripts/build.sh $build -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2
    exit 2
  }
done
source scripts/lib/guru_server.sh
work=$(mktemp -d -p "${SCALE_WORK:-/tmp}")
keep=${SCALE_KEEP:-0}
processes=${SCALE_SHARD_PROCESSES:-$(nproc)}
trap 'guru_server_stop; rm -rf "$work"' EXIT
data=data/medquad-liveqa
out=bench/results/scale.md

synthesise() {  # POSTS
  /usr/bin/python3 - "$1" "$data/corpus.jsonl.gz" <<'PY'
import gzip, json, sys
want = int(sys.argv[1])
posts = [json.loads(line) for line in gzip.open(sys.argv[2], "rt", encoding="utf-8")]
out = sys.stdout
for n in range(want):
    k, post = divmod(n, len(posts))
    post = dict(posts[post])
    if k:
        post["id"] = f"x{k}-{post['id']}"
        post["title"] = f"{post.get('title', '')} ({k})"
    out.write(json.dumps(post, ensure_ascii=False) + "\n")
PY
}

{
  [[ -s $out ]] || printf '# Scale benchmark\n\nAppended by `bench/scale.sh`; see its header for how posts are synthesised.\n'
  echo
  echo "## $(date -u +%Y-%m-%d), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git diff --quiet HEAD 2>/dev/null || echo ' (plus the working tree)')"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/{print $2}') GiB; build \`$build\`; load average at the start $(cut -d' ' -f1-3 /proc/loadavg) (each row gives it at its end). Matched: \"thread\", the shards one after another in the searching thread; \"--shard-processes P\", by P xapian-progsrv children per searching thread (the server RSS then includes theirs)."
  echo
  echo "| posts | shards | indexing s | posts/s | index MiB | bytes/post | matched | 1 stream median ms | 1 stream p99 ms | 16 streams QPS | 16 streams p50 ms | 16 streams p99 ms | server RSS MiB | load |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >>"$out"

# measure POSTS SHARDS SECS BYTES MATCHED SERVER_ARGS...: one row.
measure() {
  local posts=$1 shards=$2 secs=$3 bytes=$4 matched=$5
  shift 5
  guru_server_start "$build" "$work/server.log" "$@"
  for pass in warm measured; do
    "$build/tools/guru-query" --server "127.0.0.1:$GURU_SERVER_PORT" --limit 10 \
      --batch "$data/test-questions-dev.tsv" --trec "$work/run.trec" 2>"$work/query-$pass.log"
  done
  if ! "$build/tools/guru-bench" --server "127.0.0.1:$GURU_SERVER_PORT" --no-health \
    --questions "$data/test-questions-dev.tsv" --streams 16 --seconds 10 --limit 10 \
    >"$work/bench.txt"; then
    cat "$work/bench.txt" >&2
    echo "scale: searches failed under 16 streams ($posts posts, $matched)" >&2
    exit 1
  fi
  # The server's and its shard processes' resident memory.
  rss_kib=0
  for pid in "$GURU_SERVER_PID" $(awk -v parent="$GURU_SERVER_PID" '$4 == parent {print $1}' \
    /proc/[0-9]*/stat 2>/dev/null); do
    rss_kib=$((rss_kib + $(awk '/^VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  guru_server_stop
  read -r median p99 < <(sed -n 's/.*latency ms: median \([0-9.]*\) p90 [0-9.]* p99 \([0-9.]*\).*/\1 \2/p' "$work/query-measured.log")
  read -r qps p50_16 p99_16 < <(sed -n 's/^Search .* qps=\([0-9.]*\) p50_ms=\([0-9.]*\) .*p99_ms=\([0-9.]*\).*/\1 \2 \3/p' "$work/bench.txt")
  local indexing rate
  if [[ $secs == kept ]]; then
    indexing=kept rate=kept
  else
    indexing=$(printf '%.0f' "$secs")
    rate=$(printf '%.0f' "$(echo "$posts / $secs" | bc -l)")
  fi
  row=$(printf '| %s | %s | %s | %s | %.1f | %.0f | %s | %s | %s | %.0f | %s | %s | %.0f | %s |' "$posts" \
    "$( ((shards > 0)) && echo "$shards" || echo "1 (plain)")" "$indexing" "$rate" \
    "$(echo "$bytes / 1048576" | bc -l)" "$(echo "$bytes / $posts" | bc -l)" "$matched" \
    "$median" "$p99" "$qps" "$p50_16" "$p99_16" "$(echo "$rss_kib / 1024" | bc -l)" \
    "$(cut -d' ' -f1 /proc/loadavg)")
  echo "scale: $row"
  echo "$row" >>"$out"
}

for size in "${sizes[@]}"; do
  posts=${size%%:*}
  shards=${size##*:}
  db=$work/db-$posts
  ((keep)) && db=${SCALE_WORK:-/tmp}/db-$posts-$shards
  shard_args=()
  ((shards > 0)) && shard_args=(--shards "$shards")
  if ((keep)) && [[ -e $db.done ]]; then
    echo "scale: $posts posts, $shards shards: measuring the index kept at $db"
    secs=kept
  else
    rm -rf "$db"  # What a run cut short left.
    echo "scale: $posts posts, ${shards} shards: indexing"
    start=$(date +%s.%N)
    synthesise "$posts" | "$build/indexer/guru-indexer" --db "$db" "${shard_args[@]}" \
      --commit-every 50000 --synonyms data/synonyms/lay-clinical.txt - >"$work/summary" 2>"$work/indexer.log"
    secs=$(echo "$(date +%s.%N) - $start" | bc -l)
    echo "scale: $(cat "$work/summary") in ${secs}s"
    ((keep)) && touch "$db.done"
  fi
  bytes=$(du -sb "$db" | cut -f1)
  measure "$posts" "$shards" "$secs" "$bytes" thread --db "$db"
  if ((shards > 1 && processes > 0)); then
    measure "$posts" "$shards" "$secs" "$bytes" "--shard-processes $processes" --db "$db" \
      --shard-processes "$processes"
  fi
  ((keep)) || rm -rf "$db"
done

echo "scale: results appended to $out"
