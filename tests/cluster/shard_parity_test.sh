#!/usr/bin/env bash
# Shard parity: the medquad-liveqa corpus indexed once into one index and once
# into three shards (guru-indexer --shards 3); the three shards served by
# three xapian-tcpsrv processes on loopback and reached through a stub of
# `remote` lines (plus the local synonyms database, which the remote backend
# cannot serve); guru-server over each. The relevance benchmark's 70
# development questions must return the same post ids in the same order, 10
# per question, from the single index, from the local shards and from the
# remote shards.
#   tests/cluster/shard_parity_test.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
source "$SOURCE_DIR/tests/cluster/cluster_lib.sh"
trap cluster_cleanup EXIT

corpus=$SOURCE_DIR/data/medquad-liveqa/corpus.jsonl.gz
synonyms=$SOURCE_DIR/data/synonyms/lay-clinical.txt
index() {  # DB [--shards N]
  zcat "$corpus" | "$BUILD/indexer/guru-indexer" --db "$@" --synonyms "$synonyms" - >/dev/null
}
SECONDS=0
index "$WORK/one" &
one=$!
index "$WORK/three" --shards 3
wait "$one"
echo "indexed twice in ${SECONDS}s"

ports=()
for i in 0 1 2; do
  start_tcpsrv "tcpsrv-$i" "$WORK/three/shard-00$i"
  ports+=("$TCPSRV_PORT")
done
{
  for port in "${ports[@]}"; do echo "remote 127.0.0.1:$port"; done
  echo "auto $WORK/three/synonyms"
} >"$WORK/remote.stub"

# Spelling correction is off here: Xapian 1.4 takes spelling suggestions from
# one sub-database of a stub (and none over remote), so a sharded index may
# correct a misspelt word differently (docs/SCALING.md). Everything else of
# the ranking must agree.
declare -A runs=([one]="$WORK/one" [local]="$WORK/three" [remote]="$WORK/remote.stub")
for name in one local remote; do
  SECONDS=0
  start_server "server-$name" --db "${runs[$name]}" --ranking spelling=0
  run_questions "$SERVER_PORT" "$WORK/$name.trec"
  echo "$name: questions answered in ${SECONDS}s"
done

# qid, post id, rank: what must agree. Scores are compared too, to 4 places.
questions=$(wc -l <"$SOURCE_DIR/data/medquad-liveqa/test-questions-dev.tsv")
lines=$(wc -l <"$WORK/one.trec")
# Questions judged NO_MATCH get no results; most must get a full page, or the
# comparison below would prove little.
if ((lines < questions * 5)); then
  echo "FAIL: the single index answered only $lines results for $questions questions" >&2
  exit 1
fi
status=0
for name in local remote; do
  if diff <(awk '{printf "%s %s %s %.4f\n", $1, $3, $4, $5}' "$WORK/one.trec") \
    <(awk '{printf "%s %s %s %.4f\n", $1, $3, $4, $5}' "$WORK/$name.trec") >"$WORK/$name.diff"; then
    echo "ok: $name shards: $lines results for $questions questions, same ids, order and scores"
  else
    echo "FAIL: $name shards differ from the single index (< single, > shards):" >&2
    head -40 "$WORK/$name.diff" >&2
    status=1
  fi
done
exit "$status"
