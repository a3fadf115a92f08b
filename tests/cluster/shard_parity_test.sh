#!/usr/bin/env bash
# Shard parity: the medquad-liveqa corpus indexed once into one index and once
# into three shards (guru-indexer --shards 3); the three shards served by
# three xapian-tcpsrv processes on loopback and reached through a stub of
# `remote` lines (plus the local side database of synonyms and spelling data,
# which the remote backend cannot serve); guru-server over each, spelling
# correction on, and over the local shards once more with `--shard-processes
# 2` (two xapian-progsrv children per searcher serve the three shards). The relevance benchmark's 70 development questions must be
# corrected alike and return the same post ids in the same order, 10 per
# question, from the single index, from the local shards and from the remote
# shards; and so must the conversation benchmark's development conversations.
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

# The conversation benchmark's development conversations: the last turn, then
# the earlier turns newest first, as guru-query --batch takes them.
/usr/bin/python3 - "$SOURCE_DIR/bench/conversation/dev.jsonl" >"$WORK/conversations.tsv" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    conversation = json.loads(line)
    turns = conversation["turns"]
    print("\t".join([conversation["id"], turns[-1], *reversed(turns[:-1])]))
PY

# Spelling correction is on, as deployed: the shards' spelling data lives in
# the side database, which the remote stub lists locally like the synonyms.
declare -A runs=([one]="$WORK/one" [local]="$WORK/three" [remote]="$WORK/remote.stub"
  [processes]="$WORK/three --shard-processes 2")
for name in one local remote processes; do
  SECONDS=0
  # shellcheck disable=SC2086  # the run's flags are split on purpose
  start_server "server-$name" --db ${runs[$name]}
  run_questions "$SERVER_PORT" "$WORK/$name.trec"
  "$BUILD/tools/guru-query" --server "127.0.0.1:$SERVER_PORT" --limit 10 \
    --batch "$WORK/conversations.tsv" --trec "$WORK/$name.conversations.trec" 2>/dev/null
  # What each question was corrected to ("did you mean"), one line each.
  cut -f2 "$SOURCE_DIR/data/medquad-liveqa/test-questions-dev.tsv" | while IFS= read -r text; do
    "$BUILD/tools/guru-query" --server "127.0.0.1:$SERVER_PORT" --json --limit 1 -- "$text" |
      /usr/bin/python3 -c 'import json, sys
print(json.loads(sys.stdin.readline()).get("interpretation", {}).get("didYouMean", ""))'
  done >"$WORK/$name.corrected"
  echo "$name: questions and conversations answered in ${SECONDS}s"
  if [[ $name == processes ]]; then
    # The children serve, and take SIGTERM (the server blocks it for sigwait).
    children=$(awk -v parent="${CLUSTER_PIDS[-1]}" \
      '$2 == "(xapian-progsrv)" && $4 == parent {print $1}' /proc/[0-9]*/stat 2>/dev/null || true)
    if [[ -z $children ]]; then
      echo "FAIL: guru-server --shard-processes started no xapian-progsrv" >&2
      exit 1
    fi
    for child in $children; do
      if [[ $(awk '/^SigBlk/{print $2}' "/proc/$child/status") != 0000000000000000 ]]; then
        echo "FAIL: xapian-progsrv $child inherited blocked signals" >&2
        exit 1
      fi
    done
  fi
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
# The comparison below proves spelling parity only if words were corrected.
corrected=$(grep -c . "$WORK/one.corrected" || true)
if ((corrected < 5)); then
  echo "FAIL: the single index corrected the spelling of only $corrected questions" >&2
  exit 1
fi
conversations=$(wc -l <"$WORK/conversations.tsv")
status=0
# same_results NAME RUN WHAT: whether shards NAME's RUN file lists the same
# qid, post id and rank as the single index's, and scores to 4 places.
same_results() {
  if diff <(awk '{printf "%s %s %s %.4f\n", $1, $3, $4, $5}' "$WORK/one.$2") \
    <(awk '{printf "%s %s %s %.4f\n", $1, $3, $4, $5}' "$WORK/$1.$2") >"$WORK/$1.$2.diff"; then
    echo "ok: $1 shards: $(wc -l <"$WORK/one.$2") results for $3, same ids, order and scores"
  else
    echo "FAIL: $1 shards differ from the single index on $3 (< single, > shards):" >&2
    head -40 "$WORK/$1.$2.diff" >&2
    status=1
  fi
}
for name in local remote processes; do
  if diff "$WORK/one.corrected" "$WORK/$name.corrected" >"$WORK/$name.spelling.diff"; then
    echo "ok: $name shards: the same spelling corrections in the $corrected corrected questions"
  else
    echo "FAIL: $name shards correct spelling differently (< single, > shards):" >&2
    cat "$WORK/$name.spelling.diff" >&2
    status=1
  fi
  same_results "$name" trec "$questions questions"
  same_results "$name" conversations.trec "$conversations conversations"
done
exit "$status"
