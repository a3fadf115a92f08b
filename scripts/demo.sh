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

work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== indexing data/sample into a fresh index"
build/indexer/guru-indexer --db "$work/db" --synonyms data/synonyms/lay-clinical.txt data/sample

echo "== starting guru-server on 127.0.0.1 (free port)"
build/src/server/guru-server --db "$work/db" --listen 127.0.0.1:0 2>"$work/server.log" &
server_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { cat "$work/server.log"; echo "server did not start" >&2; exit 1; }
for _ in $(seq 1 100); do
  build/tools/guru-query --server "127.0.0.1:$port" --health >/dev/null 2>&1 && break
  sleep 0.1
done

echo "== asking: $question"
echo
build/tools/guru-query --server "127.0.0.1:$port" --limit 5 "$question"
