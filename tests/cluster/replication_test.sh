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
  replicate_database db "$WORK/$1/db" || fail "replica $1 could not replicate the master"
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
# correction included, and shows the master's next batch after replicating it
# (as a changeset, or as a full copy into the replica's other directory,
# replica_0 or replica_1, which the server's integrity checks follow).
"$BUILD/indexer/guru-indexer" --db "$WORK/master/sharded" --shards 2 "$SOURCE_DIR/data/sample" >/dev/null
echo "$probe" | "$BUILD/indexer/guru-indexer" --db "$WORK/master/sharded" - >/dev/null
replicate_sharded() {
  mkdir -p "$WORK/c/sharded"
  local database
  for database in shard-000 shard-001 synonyms; do
    replicate_database "sharded/$database" "$WORK/c/sharded/$database" ||
      fail "the sharded replica could not replicate $database"
  done
  cp "$WORK/master/sharded/XAPIANDB" "$WORK/c/sharded/"
}
# answer PORT TEXT: "did you mean" and the ids of the results, on one line.
answer() {
  "$BUILD/tools/guru-query" --server "127.0.0.1:$1" --json --limit 10 "$2" >"$WORK/answer.json" ||
    fail "guru-query failed on port $1"
  /usr/bin/python3 -c 'import json, sys
response = json.load(open(sys.argv[1]))
print(response.get("interpretation", {}).get("didYouMean", ""),
      *(result["post"]["id"] for result in response.get("results", [])))' "$WORK/answer.json"
}
replicate_sharded
declare -A sharded_port
for copy in master c; do
  start_server "server-sharded-$copy" --db "$WORK/$copy/sharded" --refresh-ms 100
  sharded_port[$copy]=$SERVER_PORT
done
master_answer=$(answer "${sharded_port[master]}" "zyxoma bite")
[[ $master_answer == "zyxomma bite replication-probe"* ]] ||
  fail "the sharded master does not correct \"zyxoma\" and find the probe: $master_answer"
replica_answer=$(answer "${sharded_port[c]}" "zyxoma bite")
[[ $replica_answer == "$master_answer" ]] ||
  fail "the sharded replica answers \"$replica_answer\", the master \"$master_answer\""
echo "ok: a sharded replica (2 shards and the side database) corrects and answers as its master"

echo '{"id":"replication-probe-2","title":"Quolloid moth sting","answer":"A quolloid sting needs no treatment."}' |
  "$BUILD/indexer/guru-indexer" --db "$WORK/master/sharded" - >/dev/null
replicate_sharded
shown=
for _ in $(seq 1 100); do
  if [[ $(answer "${sharded_port[c]}" "quolloid moth") == *replication-probe-2* ]]; then
    shown=yes
    break
  fi
  sleep 0.1
done
[[ -n $shown ]] || fail "the sharded replica does not show the next batch after replicating it"
echo "ok: the sharded replica shows the master's next batch after replicating it"
