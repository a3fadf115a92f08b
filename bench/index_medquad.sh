#!/usr/bin/env bash
# Indexing benchmark: builds the medquad-liveqa corpus as JSONL, indexes it
# into a fresh index with guru-indexer (best of RUNS), re-runs it on the same
# input (everything must come back unchanged), and appends the figures, with
# machine, date and commit, to bench/results/indexing.md.
#   bench/index_medquad.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-3}
indexer=$build/indexer/guru-indexer
[[ -x $indexer ]] || { echo "build first: scripts/build.sh $build" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/medquad_to_jsonl.py --out "$work/corpus.jsonl" 2>"$work/corpus.log"
posts=$(wc -l <"$work/corpus.jsonl")
corpus_bytes=$(stat -c %s "$work/corpus.jsonl")

best=
for i in $(seq 1 "$runs"); do
  rm -rf "$work/db"
  start=$(date +%s.%N)
  "$indexer" --db "$work/db" "$work/corpus.jsonl" >"$work/summary" 2>"$work/indexer.log"
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc -l)
  echo "run $i: $(cat "$work/summary") in ${secs}s"
  if [[ -z $best ]] || (( $(echo "$secs < $best" | bc -l) )); then best=$secs; fi
done
index_bytes=$(du -sb "$work/db" | cut -f1)

start=$(date +%s.%N)
again=$("$indexer" --db "$work/db" "$work/corpus.jsonl" 2>/dev/null)
end=$(date +%s.%N)
again_secs=$(echo "$end - $start" | bc -l)
echo "re-run: $again in ${again_secs}s"
[[ $again == "added 0, replaced 0, unchanged $posts, deleted 0, rejected 0" ]] ||
  { echo "re-run changed the index: $again" >&2; exit 1; }

rate=$(echo "$posts / $best" | bc -l)
mkdir -p bench/results
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| posts (medquad-liveqa) | $posts |"
  echo "| corpus JSONL | $((corpus_bytes / 1024 / 1024)) MiB |"
  printf '| fresh index, best of %d | %.2f s |\n' "$runs" "$best"
  printf '| posts per second | %.0f |\n' "$rate"
  echo "| index size on disk | $((index_bytes / 1024 / 1024)) MiB |"
  printf '| re-run, all unchanged | %.2f s |\n' "$again_secs"
} | tee -a bench/results/indexing.md
