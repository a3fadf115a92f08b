#!/usr/bin/env bash
# The main job on the bundled sample posts: set up, build, index data/sample
# into a fresh index, start guru-server on loopback, ask one question, print
# the ranked answers, stop the server.
#   scripts/demo.sh ["question"]
set -euo pipefail
cd "$(dirname "$0")/.."
question=${1:-"since the marathon my left knee hurts when I run for more than 5 minutes"}

bash scripts/setup.sh
bash scripts/build.sh build

source scripts/lib/guru_server.sh
work=$(mktemp -d)
trap 'guru_server_stop; rm -rf "$work"' EXIT

echo "== indexing data/sample into a fresh index"
build/indexer/guru-indexer --db "$work/db" --synonyms data/synonyms/lay-clinical.txt data/sample

echo "== starting guru-server on 127.0.0.1 (free port)"
guru_server_start build "$work/server.log" --db "$work/db"

echo "== asking: $question"
echo
build/tools/guru-query --server "127.0.0.1:$GURU_SERVER_PORT" --limit 5 "$question"
