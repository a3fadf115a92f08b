#!/usr/bin/env bash
# Issue 17, item 3: LambdaMART over Guru's top 100 vs the hand-set ranking, by
# leave-questions-out cross-validation (bench/relevance/learned_ranker.py).
# Installs python3-xgboost when missing, indexes the corpus and writes the
# features in a temp dir, runs the experiment and writes the tables to
# $REPORT (default: stdout only).
#   bench/relevance/learned_ranker.sh [BUILD_DIR] [-- learned_ranker.py options]
#   e.g. REPORT=/tmp/lr.md bench/relevance/learned_ranker.sh build-rel -- --seeds 1,2,3,4,5
set -euo pipefail
cd "$(dirname "$0")/../.."
build=build-rel
if [[ $# -gt 0 && $1 != -- ]]; then build=$1; shift; fi
[[ ${1:-} == -- ]] && shift
py=/usr/bin/python3
if ! "$py" -c 'import xgboost' 2>/dev/null; then
  apt-get install -y python3-xgboost >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zcat data/medquad-liveqa/corpus.jsonl.gz | "$build/indexer/guru-indexer" --db "$work/db" - >"$work/index.log" 2>&1
"$build/bench/relevance/guru-features" --db "$work/db" \
  --questions data/medquad-liveqa/test-questions-dev.tsv --out "$work/features.tsv" --limit 100
args=(--features "$work/features.tsv")
[[ -n ${REPORT:-} ]] && args+=(--report "$REPORT")
"$py" bench/relevance/learned_ranker.py "${args[@]}" "$@"
