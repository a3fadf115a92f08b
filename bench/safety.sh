#!/usr/bin/env bash
# The safety classifier's measurement, one command: runs guru-safety-eval on
# the labelled development set (bench/safety/dev.tsv), the held-out set
# (bench/safety/holdout.tsv, when present), the third set
# (bench/safety/blind3.tsv, when present) and every ordinary question we
# have (LiveQA dev, K-QA, MedQuAD; all expected NONE or SEE_DOCTOR), then
# writes docs/SAFETY.md (bench/safety/report.py).
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

# The ordinary questions, in dev.tsv's format, labelled NONE.
/usr/bin/python3 - "$work/ordinary.tsv" <<'PY'
import gzip, json, sys
def clean(text):
    return " ".join(text.replace("\t", " ").split())
rows = []
for line in open("data/medquad-liveqa/test-questions-dev.tsv", encoding="utf-8"):
    qid, _, text = line.rstrip("\n").partition("\t")
    rows.append((f"liveqa-{qid}", "liveqa", text))
with gzip.open("data/k-qa/questions.jsonl.gz", "rt", encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        rows.append((f"kqa-{n}", "kqa", json.loads(line)["Question"]))
with gzip.open("data/medquad-liveqa/corpus.jsonl.gz", "rt", encoding="utf-8") as f:
    for line in f:
        post = json.loads(line)
        rows.append((f"medquad-{post['id']}", "medquad", post["question"]))
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("id\tlevel\tcategory\tkind\tquery\tcontext\n")
    for qid, kind, text in rows:
        out.write(f"{qid}\tNONE\tordinary\t{kind}\t{clean(text)}\t\n")
PY

echo "safety: development set"
"$eval_bin" --rules data/safety/rules.txt --tsv bench/safety/dev.tsv --out "$work/dev.out" \
  --passes 20 >"$work/dev.timing"
cat "$work/dev.timing"
echo "safety: ordinary questions"
"$eval_bin" --rules data/safety/rules.txt --tsv "$work/ordinary.tsv" --out "$work/ordinary.out" \
  --passes 3 >"$work/ordinary.timing"
cat "$work/ordinary.timing"

# The held-out set, written blind to the rules and never used to change
# them (bench/safety/README.md); measured, not tuned on.
holdout_args=()
if [[ -f bench/safety/holdout.tsv ]]; then
  echo "safety: held-out set"
  "$eval_bin" --rules data/safety/rules.txt --tsv bench/safety/holdout.tsv \
    --out "$work/holdout.out" --passes 20 >"$work/holdout.timing"
  cat "$work/holdout.timing"
  holdout_args=(--holdout bench/safety/holdout.tsv --holdout-out "$work/holdout.out"
    --holdout-timing "$work/holdout.timing")
fi

# The third set, written blind to rules version 2026-12-01.3; measured once
# after those rules were frozen, never tuned on.
blind3_args=()
if [[ -f bench/safety/blind3.tsv ]]; then
  echo "safety: third set"
  "$eval_bin" --rules data/safety/rules.txt --tsv bench/safety/blind3.tsv \
    --out "$work/blind3.out" --passes 20 >"$work/blind3.timing"
  cat "$work/blind3.timing"
  blind3_args=(--blind3 bench/safety/blind3.tsv --blind3-out "$work/blind3.out"
    --blind3-timing "$work/blind3.timing")
fi

# The learned signal's training set (bench/safety/train_crisis.py): trained
# on, measured for the record.
train_args=()
if [[ -f bench/safety/train.tsv ]]; then
  echo "safety: training set"
  "$eval_bin" --rules data/safety/rules.txt --tsv bench/safety/train.tsv \
    --out "$work/train.out" --passes 3 >"$work/train.timing"
  cat "$work/train.timing"
  train_args=(--train bench/safety/train.tsv --train-out "$work/train.out")
fi

/usr/bin/python3 bench/safety/report.py --dev bench/safety/dev.tsv --dev-out "$work/dev.out" \
  --dev-timing "$work/dev.timing" "${holdout_args[@]}" --ordinary "$work/ordinary.tsv" \
  --ordinary-out "$work/ordinary.out" --ordinary-timing "$work/ordinary.timing" \
  "${blind3_args[@]}" "${train_args[@]}" \
  --rules data/safety/rules.txt --readings bench/safety/readings.tsv --out docs/SAFETY.md
echo "safety: wrote docs/SAFETY.md"
