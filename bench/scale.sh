#!/usr/bin/env bash
# Scale benchmark: synthesises corpora of 18k, 180k and 1.8M posts from the
# medquad-liveqa corpus, indexes each (sharded where it helps), and measures
# indexing rate, index size on disk and search latency over gRPC (the 70
# LiveQA development questions, 10 results with snippets; a warm-up pass, then
# a measured one). Appends the figures, with machine, date and commit, to
# bench/results/scale.md.
#   bench/scale.sh [BUILD_DIR] [POSTS:SHARDS...]
#   default: build-rel 17896:0 178960:3 1789600:6   (0 shards = a plain index)
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
for bin in indexer/guru-indexer src/server/guru-server tools/guru-query; do
  [[ -x $build/$bin ]] || {
    echo "build first: scripts/build.sh $build -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2
    exit 2
  }
done
source scripts/lib/guru_server.sh
work=$(mktemp -d -p "${SCALE_WORK:-/tmp}")
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
  echo "## $(date -u +%Y-%m-%d), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/{print $2}') GiB; build \`$build\`; load average at the start $(cut -d' ' -f1-3 /proc/loadavg) (each row gives it at its end)."
  echo
  echo "| posts | shards | indexing s | posts/s | index MiB | bytes/post | search median ms | search p99 ms | server RSS MiB | load |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >>"$out"

for size in "${sizes[@]}"; do
  posts=${size%%:*}
  shards=${size##*:}
  db=$work/db-$posts
  shard_args=()
  ((shards > 0)) && shard_args=(--shards "$shards")
  echo "scale: $posts posts, ${shards} shards: indexing"
  start=$(date +%s.%N)
  synthesise "$posts" | "$build/indexer/guru-indexer" --db "$db" "${shard_args[@]}" \
    --commit-every 50000 --synonyms data/synonyms/lay-clinical.txt - >"$work/summary" 2>"$work/indexer.log"
  secs=$(echo "$(date +%s.%N) - $start" | bc -l)
  bytes=$(du -sb "$db" | cut -f1)
  echo "scale: $(cat "$work/summary") in ${secs}s, $bytes bytes"
  guru_server_start "$build" "$work/server.log" --db "$db"
  for pass in warm measured; do
    "$build/tools/guru-query" --server "127.0.0.1:$GURU_SERVER_PORT" --limit 10 \
      --batch "$data/test-questions-dev.tsv" --trec "$work/run.trec" 2>"$work/query-$pass.log"
  done
  rss_kib=$(awk '/^VmRSS/{print $2}' "/proc/$GURU_SERVER_PID/status")
  guru_server_stop
  read -r median p99 < <(sed -n 's/.*latency ms: median \([0-9.]*\) p90 [0-9.]* p99 \([0-9.]*\).*/\1 \2/p' "$work/query-measured.log")
  row=$(printf '| %s | %s | %.0f | %.0f | %.1f | %.0f | %s | %s | %.0f | %s |' "$posts" \
    "$( ((shards > 0)) && echo "$shards" || echo "1 (plain)")" "$secs" \
    "$(echo "$posts / $secs" | bc -l)" "$(echo "$bytes / 1048576" | bc -l)" \
    "$(echo "$bytes / $posts" | bc -l)" "$median" "$p99" "$(echo "$rss_kib / 1024" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)")
  echo "scale: $row"
  echo "$row" >>"$out"
  rm -rf "$db"
done

echo "scale: results appended to $out"
