#!/usr/bin/env bash
# Replicas: guru-indexer writes a master index (keeping changesets:
# XAPIAN_MAX_CHANGESETS); xapian-replicate-server publishes it; two replicas
# are fed by xapian-replicate, each served by its own guru-server. Both answer
# from the first replication on; a new batch indexed into the master is not
# visible on a replica until its next replication, the replica keeps answering
# every query while it catches up, and shows the new posts afterwards. Then a
# sharded master, replicated database by database, whose replica corrects
# spelling and answers as the master does.
#   tests/cluster/replication_test.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
source "$SOURCE_DIR/tests/cluster/cluster_lib.sh"
trap cluster_cleanup EXIT
export XAPIAN_MAX_CHANGESETS=10

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# query PORT TEXT: guru-query's answer for TEXT (exit status kept).
query() { "$BUILD/tools/guru-query" --server "127.0.0.1:$1" --limit 20 "$2"; }
# shows PORT TEXT ID: whether the answer for TEXT lists the post ID.
shows() {
  local out
  out=$(query "$1" "$2") || return 1
  [[ $out == *"id: $3"* ]]
}
replicate() {  # REPLICA
  mkdir -p "$WORK/$1"
  xapian-replicate --host 127.0.0.1 --port "$REPLICATE_PORT" --master db --one-shot \
    --reader-time 0 --quiet "$WORK/$1/db"
}

mkdir -p "$WORK/master"
"$BUILD/indexer/guru-indexer" --db "$WORK/master/db" "$SOURCE_DIR/data/sample" >/dev/null
start_replicate_server replicate-server "$WORK/master"
declare -A port
for replica in a b; do
  replicate "$replica"
  start_server "server-$replica" --db "$WORK/$replica/db" --refresh-ms 100
  port[$replica]=$SERVER_PORT
  shows "${port[$replica]}" "my knee hurts after the marathon" knee-pain-post-marathon- ||
    fail "replica $replica does not answer from the first replication"
done
echo "ok: two replicas serve the master's $(ls -R "$SOURCE_DIR/data/sample" | grep -c '\.txt$') sample posts"

# A new batch on the master: 3,000 MedQuAD posts and one probe post.
probe='{"id":"replication-probe","title":"Zyxomma dragonfly bite","answer":"A zyxomma bite needs no treatment."}'
{
  head -3000 < <(zcat "$SOURCE_DIR/data/medquad-liveqa/corpus.jsonl.gz")
  echo "$probe"
} | "$BUILD/indexer/guru-indexer" --db "$WORK/master/db" - >/dev/null
for replica in a b; do
  if shows "${port[$replica]}" "zyxomma bite" replication-probe; then
    fail "replica $replica shows the new post before replicating"
  fi
done

# Replica a catches up while a client keeps asking it; every answer must come.
(
  served=0
  while [[ ! -e $WORK/replicated ]]; do
    query "${port[a]}" "my knee hurts after the marathon" >/dev/null || exit 1
    served=$((served + 1))
  done
  echo "$served" >"$WORK/served"
) &
client=$!
replicate a
touch "$WORK/replicated"
wait "$client" || fail "replica a failed a query while catching up"
echo "ok: replica a answered all $(cat "$WORK/served") queries made while it replicated"

shown=
for _ in $(seq 1 100); do
  if shows "${port[a]}" "zyxomma bite" replication-probe; then
    shown=yes
    break
  fi
  sleep 0.1
done
[[ -n $shown ]] || fail "replica a does not show the new post after replicating"
if shows "${port[b]}" "zyxomma bite" replication-probe; then
  fail "replica b shows the new post before its own replication"
fi
replicate b
for _ in $(seq 1 100); do
  shows "${port[b]}" "zyxomma bite" replication-probe && break
  sleep 0.1
done
shows "${port[b]}" "zyxomma bite" replication-probe ||
  fail "replica b does not show the new post after replicating"
echo "ok: each replica shows the new batch after its next replication, not before"

# A sharded master: each database of its directory (the shards and the side
# database, which holds the synonyms and the spelling data) replicated on its
# own, the stub copied once. The replica answers as the master does, spelling
# correction included.
"$BUILD/indexer/guru-indexer" --db "$WORK/master/sharded" --shards 2 "$SOURCE_DIR/data/sample" >/dev/null
echo "$probe" | "$BUILD/indexer/guru-indexer" --db "$WORK/master/sharded" - >/dev/null
mkdir -p "$WORK/c/sharded"
for database in shard-000 shard-001 synonyms; do
  xapian-replicate --host 127.0.0.1 --port "$REPLICATE_PORT" --master "sharded/$database" \
    --one-shot --reader-time 0 --quiet "$WORK/c/sharded/$database"
done
cp "$WORK/master/sharded/XAPIANDB" "$WORK/c/sharded/"
declare -A answer
for side in master c; do
  start_server "server-sharded-$side" --db "$WORK/$side/sharded"
  answer[$side]=$("$BUILD/tools/guru-query" --server "127.0.0.1:$SERVER_PORT" --json --limit 10 \
    "zyxoma bite" | /usr/bin/python3 -c 'import json, sys
response = json.loads(sys.stdin.readline())
print(response.get("interpretation", {}).get("didYouMean", ""),
      *(result["post"]["id"] for result in response.get("results", [])))')
done
[[ ${answer[master]} == "zyxomma bite replication-probe"* ]] ||
  fail "the sharded master does not correct \"zyxoma\" and find the probe: ${answer[master]}"
[[ ${answer[c]} == "${answer[master]}" ]] ||
  fail "the sharded replica answers \"${answer[c]}\", the master \"${answer[master]}\""
echo "ok: a sharded replica (2 shards and the side database) corrects and answers as its master"
