#!/usr/bin/env bash
# What one search costs the server's CPU, without gRPC (issue 15, item 1):
# indexes the vendored medquad-liveqa corpus (17,896 posts, with the lay <->
# clinical vocabulary, as bench/load.sh does), then runs the 1,212 K-QA
# patient questions (data/k-qa/) through guru-search-cost, the searcher
# in-process (query building, matching, re-ranking, confidence, passages and
# snippets for 10 results; no facets, as a default request): CPU time of the
# searching thread per search over PASSES passes after a warm one. Then, on
# every 12th question, the instructions per search under valgrind's
# callgrind, which do not depend on what else the machine runs (CPU times on
# a shared machine move by a quarter; instruction counts do not move).
# Appends the figures, with machine, date and commit, to
# bench/results/search_cost.md.
#   bench/search_cost.sh [BUILD_DIR] [PASSES]      (CALLGRIND=0 skips valgrind)
# Installs Debian's valgrind and bc when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
passes=${2:-3}
for bin in indexer/guru-indexer bench/cost/guru-search-cost; do
  [[ -x $build/$bin ]] || { echo "build first: scripts/build.sh $build -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2; exit 2; }
done
missing=()
command -v bc >/dev/null || missing+=(bc)
[[ ${CALLGRIND:-1} != 0 ]] && ! command -v valgrind >/dev/null && missing+=(valgrind)
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || { echo "search_cost: needs ${missing[*]} (apt-get install -y ${missing[*]}, as root)" >&2; exit 2; }
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zcat data/medquad-liveqa/corpus.jsonl.gz >"$work/corpus.jsonl"
"$build/indexer/guru-indexer" --db "$work/db" --synonyms data/synonyms/lay-clinical.txt \
  "$work/corpus.jsonl" >/dev/null 2>"$work/indexer.log"
# K-QA's JSONL as qid<TAB>text.
zcat data/k-qa/questions.jsonl.gz | python3 -c '
import json, sys
for i, line in enumerate(sys.stdin):
    q = " ".join(json.loads(line)["Question"].split())
    if q:
        print(f"kqa-{i}\t{q}")' >"$work/questions.tsv"
awk 'NR % 12 == 1' "$work/questions.tsv" >"$work/sample.tsv"
questions=$(wc -l <"$work/questions.tsv")
sample=$(wc -l <"$work/sample.tsv")

cost="$build/bench/cost/guru-search-cost"
timed=$("$cost" --db "$work/db" --questions "$work/questions.tsv" --passes "$passes")
echo "$timed"
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$timed"; }

instructions=-
if [[ ${CALLGRIND:-1} != 0 ]]; then
  # Counted inside Searcher::Search only, over the warm pass and one more.
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    --toggle-collect='guru::Searcher::Search*' \
    "$cost" --db "$work/db" --questions "$work/sample.tsv" --passes 1 >/dev/null 2>"$work/valgrind.log"
  collected=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/valgrind.log")
  instructions=$(echo "$collected / (2 * $sample)" | bc)
  echo "instructions_per_search=$instructions (callgrind, $sample questions)"
fi

mkdir -p bench/results
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (plus the working tree)')"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| questions (K-QA), passes | $questions x $passes |"
  echo "| CPU per search | $(field cpu_ms_per_search) ms |"
  echo "| wall per search, mean / p50 / p99 | $(field wall_ms_mean) / $(field wall_ms_p50) / $(field wall_ms_p99) ms |"
  echo "| instructions per search (callgrind, $sample questions) | $instructions |"
} >>bench/results/search_cost.md
echo "appended to bench/results/search_cost.md"
