#!/usr/bin/env bash
# How spelling correction treats people's misspellings of medical words, one
# command: indexes the corpus (as bench/conversation.sh does, with the
# vocabulary), starts guru-server with its default dictionary, searches
# each word of bench/spelling/misspellings.tsv alone and compares the
# correction with the word meant (bench/spelling/check.py). Appends the
# result, with machine, date and commit, to bench/results/spelling.md.
#   bench/spelling.sh [BUILD_DIR]     (default build-rel, a Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
source scripts/lib/guru_server.sh
guru_require_build "$build" indexer/guru-indexer src/server/guru-server tools/guru-query
work=$(mktemp -d)
trap 'guru_server_stop; rm -rf "$work"' EXIT

echo "spelling: indexing the corpus"
zcat data/medquad-liveqa/corpus.jsonl.gz | "$build/indexer/guru-indexer" --db "$work/db" \
  --synonyms data/synonyms/lay-clinical.txt - >/dev/null 2>&1
guru_server_start "$build" "$work/server.log" --db "$work/db"
echo "spelling: searching each word"
/usr/bin/python3 bench/spelling/check.py --query "$build/tools/guru-query" \
  --server "127.0.0.1:$GURU_SERVER_PORT" --words bench/spelling/misspellings.tsv >"$work/table.md"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no -- . ':!bench/results' 2>/dev/null | head -1)
mkdir -p bench/results
{
  echo
  echo "## $(date -u +%Y-%m-%d) at commit \`$commit\`${dirty:+ (with uncommitted changes)}"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)."
  echo
  cat "$work/table.md"
} >>bench/results/spelling.md
sed -n '1,5p' "$work/table.md"
echo "spelling: appended to bench/results/spelling.md"
