#!/usr/bin/env bash
# Guru's question-aspect recogniser against the LiveQA annotations, one
# command (issue 17, item 2; docs/ASPECTS.md): indexes the medquad-liveqa
# corpus (data/medquad-liveqa/, vendored) with guru-indexer, serves it with
# guru-server on a free loopback port, runs every LiveQA training question
# (data/liveqa-train/, vendored) through bench/relevance/aspects.py and
# prints its Markdown report.
#   bench/relevance/aspects.sh [BUILD_DIR]      (default build-rel)
# ASPECTS_RESPONSES=FILE keeps each question's aspects (JSON lines), so that
# `aspects.py --responses FILE` scores them again without a server.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-rel}
source scripts/lib/guru_server.sh
guru_require_build "$build" indexer/guru-indexer src/server/guru-server tools/guru-query
work=$(mktemp -d)
trap 'guru_server_stop; rm -rf "$work"' EXIT

echo "aspects: indexing the corpus" >&2
zcat data/medquad-liveqa/corpus.jsonl.gz | "$build/indexer/guru-indexer" --db "$work/db" - >/dev/null 2>&1
guru_server_start "$build" "$work/server.log" --db "$work/db"
/usr/bin/python3 bench/relevance/aspects.py --server "127.0.0.1:$GURU_SERVER_PORT" \
  --guru-query "$build/tools/guru-query" --responses "${ASPECTS_RESPONSES:-$work/responses.jsonl}"
