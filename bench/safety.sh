#!/usr/bin/env bash
# The safety classifier's measurement, one command: runs guru-safety-eval on
# every labelled set in bench/safety/ (bench/safety/README.md says what each
# is) and every ordinary message we have (LiveQA dev, K-QA and MedQuAD
# questions, the conversation benchmark's turns; all expected NONE or
# SEE_DOCTOR), each with the whole rules file and with the rules alone (no
# learned blocks); times a chat's assessments with its turns remembered, as
# guru-server does (and checks that remembering changes none); then writes
# docs/SAFETY.md (bench/safety/report.py).
#   bench/safety.sh [BUILD_DIR]     (default build-rel, a Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
eval_bin=$build/bench/safety/guru-safety-eval
[[ -x $eval_bin ]] || {
  echo "build first: cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C $build guru-safety-eval" >&2
  exit 2
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The ordinary messages (questions and the conversation benchmark's turns),
# in dev.tsv's format, labelled NONE.
/usr/bin/python3 bench/safety/ordinary.py "$work/ordinary.tsv"

# The rules without the learned blocks, to show what the blocks add.
sed '/^# -* learned$/q' data/safety/rules.txt >"$work/rules-only.txt"

# One set through guru-safety-eval: KEY TSV PASSES; predictions in
# $work/KEY.out (and $work/KEY.rules.out from the rules alone), timing in
# $work/KEY.timing when PASSES > 0.
sets=()
measure() {
  echo "safety: $1"
  "$eval_bin" --rules data/safety/rules.txt --tsv "$2" --out "$work/$1.out" \
    --passes "$3" >"$work/$1.timing"
  "$eval_bin" --rules "$work/rules-only.txt" --tsv "$2" --out "$work/$1.rules.out" \
    --passes 0 >/dev/null
  if [[ $3 -gt 0 ]]; then cat "$work/$1.timing"; else rm "$work/$1.timing"; fi
  sets+=(--set "$1=$2")
}
measure ordinary "$work/ordinary.tsv" 3
# Sets read while writing rules, or trained on by the learned signals
# (bench/safety/train_learned.py).
for key in dev holdout blind3 blind4 blind9; do measure $key bench/safety/$key.tsv 20; done
for key in train train2 train3 train4 train5 train6 train7 train8 train9 train10 train11; do
  if [[ -f bench/safety/$key.tsv ]]; then measure $key bench/safety/$key.tsv 0; fi
done
# Sets never trained on whose rows nobody writing rules reads (docs/SAFETY.md
# says how often each was measured, and when).
for key in blind5 blind6 blind7 blind8 blind10 blind11 blind12 blind13; do
  if [[ -f bench/safety/$key.tsv ]]; then measure $key bench/safety/$key.tsv 20; fi
done
# Conversations (train5's 360, each with earlier turns) with every turn read
# afresh, and with every turn already remembered (the newest too: a lower
# bound for a server, which reads each new message once).
echo "safety: conversations, read afresh and remembered"
chat() {  # MODE [--cache]
  local status=0
  "$eval_bin" --rules data/safety/rules.txt --tsv bench/safety/train5.tsv \
    --out "$work/chat-$1.out" --passes 20 "${@:2}" >"$work/chat-$1.timing" || status=$?
  cat "$work/chat-$1.timing"
  return "$status"
}
chat afresh
chat remembered --cache

/usr/bin/python3 bench/safety/report.py --work "$work" "${sets[@]}" \
  --rules data/safety/rules.txt --readings bench/safety/readings.tsv --out docs/SAFETY.md
echo "safety: wrote docs/SAFETY.md"
