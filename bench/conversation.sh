#!/usr/bin/env bash
# The conversation benchmark, one command: checks the development set
# (bench/conversation/dev.jsonl) and derives its judgments from the corpus
# (bench/conversation/prepare.py), indexes the medquad-liveqa corpus with the
# lay <-> clinical vocabulary, serves it with guru-server and searches each
# conversation's last turn four ways with `guru-query --batch`: (a) with its
# context (the earlier turns, newest first), (b) alone, (c) as the standalone
# rewrite, (d) in a longer chat (five context turns: its own, then those of
# the conversations before it); then the latency of the (d) requests and of
# the last turns alone. With BASELINE_BUILD_DIR (binaries of the code before the change) it
# indexes with that build's indexer, serves with its server and runs the same
# four batches through this build's guru-query (the wire protocol is the
# same). The same four ways for the sets written blind to the code and to
# the development set (bench/conversation/holdout.jsonl, blind2.jsonl,
# blind3.jsonl ... blind9.jsonl), which are the fair measure. Scores per kind (bench/conversation/report.py, on
# bench/relevance/score.py) and writes docs/CONVERSATION.md.
#   bench/conversation.sh [BUILD_DIR] [BASELINE_BUILD_DIR]   (default build-rel)
# CONVERSATION_OUT=DIR keeps the run files, qrels and logs in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
base=${2:-}
data=data/medquad-liveqa
for dir in "$build" ${base:+"$base"}; do
  for bin in indexer/guru-indexer src/server/guru-server tools/guru-query; do
    [[ -x $dir/$bin ]] || {
      echo "conversation: $dir/$bin missing; build first:" \
        "scripts/build.sh $dir -DCMAKE_BUILD_TYPE=Release -DGURU_BUILD_TESTS=OFF" >&2
      exit 2
    }
  done
done

source scripts/lib/guru_server.sh
if [[ -n ${CONVERSATION_OUT:-} ]]; then
  work=$CONVERSATION_OUT
  mkdir -p "$work"
  trap 'guru_server_stop; rm -rf "$work/db" "$work/db-base"' EXIT
else
  work=$(mktemp -d)
  trap 'guru_server_stop; rm -rf "$work"' EXIT
fi
query=$build/tools/guru-query

echo "conversation: the set and its judgments"
/usr/bin/python3 bench/conversation/prepare.py --corpus "$data/corpus.jsonl.gz" \
  --dev bench/conversation/dev.jsonl --out "$work"
# Sets written later by people who saw neither the code nor the development
# set (HOLDOUT.md, BLIND2.md ... BLIND9.md): the same four runs,
# reported beside it.
others=(holdout blind2 blind3 blind4 blind5 blind6 blind7 blind8 blind9)
for set in "${others[@]}"; do
  mkdir -p "$work/$set"
  /usr/bin/python3 bench/conversation/prepare.py --corpus "$data/corpus.jsonl.gz" \
    --dev "bench/conversation/$set.jsonl" --out "$work/$set" 2>/dev/null
done

index() {  # BUILD DB
  rm -rf "$2"
  zcat "$data/corpus.jsonl.gz" | "$1/indexer/guru-indexer" --db "$2" \
    --synonyms data/synonyms/lay-clinical.txt - >/dev/null 2>&1
}

four_ways() {  # PORT DIR PREFIX: (a), (b), (c) and (d) of one set
  batch "$1" "$2/with-context.tsv" "$2/${3}context"
  batch "$1" "$2/alone.tsv" "$2/${3}alone"
  batch "$1" "$2/standalone.tsv" "$2/${3}standalone"
  batch "$1" "$2/context5.tsv" "$2/${3}context5"
}

batch() {  # PORT FILE TAG  -> $work/TAG.trec, $work/TAG.log
  "$query" --server "127.0.0.1:$1" --batch "$work/$2" --trec "$work/$3.trec" --limit 10 \
    --tag "$3" 2>"$work/$3.log" || {
    cat "$work/$3.log" >&2
    echo "conversation: guru-query --batch $2 failed" >&2
    exit 1
  }
}

echo "conversation: indexing the corpus ($build)"
index "$build" "$work/db"
guru_server_start "$build" "$work/server.log" --db "$work/db"
port=$GURU_SERVER_PORT
echo "conversation: searching ($build)"
batch "$port" with-context.tsv warm  # warms the caches; not scored
four_ways "$port" . ""
for set in "${others[@]}"; do four_ways "$port" "$set" ""; done
echo "conversation: latency, five context turns vs alone ($build)"
# Alternating passes, so that both see the same load on a shared machine.
context5_logs=() alone_logs=()
for pass in 1 2 3; do
  batch "$port" context5.tsv "lat-context5-$pass"
  batch "$port" alone.tsv "lat-alone-$pass"
  context5_logs+=("$work/lat-context5-$pass.log")
  alone_logs+=("$work/lat-alone-$pass.log")
done
guru_server_stop

runs=(--run "context=$work/context.trec" --run "alone=$work/alone.trec"
  --run "standalone=$work/standalone.trec" --run "context5=$work/context5.trec")
if [[ -n $base ]]; then
  echo "conversation: indexing the corpus ($base)"
  index "$base" "$work/db-base"
  guru_server_start "$base" "$work/server-base.log" --db "$work/db-base"
  port=$GURU_SERVER_PORT
  echo "conversation: searching ($base)"
  batch "$port" with-context.tsv warm-base
  four_ways "$port" . base_
  for set in "${others[@]}"; do four_ways "$port" "$set" base_; done
  guru_server_stop
  runs+=(--run "base_context=$work/base_context.trec" --run "base_alone=$work/base_alone.trec"
    --run "base_standalone=$work/base_standalone.trec"
    --run "base_context5=$work/base_context5.trec")
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | head -1)
machine="$(date -u +%Y-%m-%d) at commit \`$commit\`${dirty:+ (with uncommitted changes)}"
machine="$machine; machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
machine="$machine; load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)."
/usr/bin/python3 bench/conversation/report.py --dev bench/conversation/dev.jsonl \
  --qrels "$work/qrels.txt" --corpus "$data/corpus.jsonl.gz" "${runs[@]}" \
  --latency "context5=$(IFS=,; echo "${context5_logs[*]}")" \
  --latency "alone=$(IFS=,; echo "${alone_logs[*]}")" \
  --machine "$machine" >"$work/CONVERSATION.md"
for set in "${others[@]}"; do
  set_runs=()
  for run in context alone standalone context5 \
    ${base:+base_context base_alone base_standalone base_context5}; do
    set_runs+=(--run "$run=$work/$set/$run.trec")
  done
  echo >>"$work/CONVERSATION.md"
  /usr/bin/python3 bench/conversation/report.py --dev "bench/conversation/$set.jsonl" \
    --qrels "$work/$set/qrels.txt" --corpus "$data/corpus.jsonl.gz" "${set_runs[@]}" \
    --section "Set \`$set\` (how it was written: bench/conversation/${set^^}.md)" \
    >>"$work/CONVERSATION.md"
done
cp "$work/CONVERSATION.md" docs/CONVERSATION.md
sed -n '/^| run /,/^$/p;/^## Against/,/^$/p;/^| target/,/^$/p' docs/CONVERSATION.md
echo "conversation: wrote docs/CONVERSATION.md"
