#!/usr/bin/env bash
# The safety classifier's measurement, one command: runs guru-safety-eval on
# the labelled development set (bench/safety/dev.tsv), the held-out set
# (bench/safety/holdout.tsv), the third, fourth and fifth sets
# (bench/safety/blind3.tsv, blind4.tsv, blind5.tsv) and every ordinary
# question we have (LiveQA dev, K-QA, MedQuAD; all expected NONE or
# SEE_DOCTOR), then writes docs/SAFETY.md (bench/safety/report.py).
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

# One set through guru-safety-eval: LABEL TSV NAME PASSES; predictions in
# $work/NAME.out, timing in $work/NAME.timing.
measure() {
  echo "safety: $1"
  "$eval_bin" --rules data/safety/rules.txt --tsv "$2" --out "$work/$3.out" \
    --passes "$4" >"$work/$3.timing"
  cat "$work/$3.timing"
}
measure "development set" bench/safety/dev.tsv dev 20
measure "ordinary questions" "$work/ordinary.tsv" ordinary 3
# The held-out set was written blind to the rules (bench/safety/README.md);
# the third set blind to rules version 2026-12-01.3, the fourth to
# version 2026-12-02.1 and the fifth to 2026-12-03.1, each measured once
# after those were frozen. The training set of the learned signal
# (bench/safety/train_crisis.py) and train2.tsv are the development sets of
# rules version 2026-12-03.1, the third and fourth sets those of
# 2026-12-03.2; only the fifth is still blind.
measure "held-out set" bench/safety/holdout.tsv holdout 20
measure "third set" bench/safety/blind3.tsv blind3 20
measure "fourth set" bench/safety/blind4.tsv blind4 20
measure "fifth set" bench/safety/blind5.tsv blind5 20
measure "training set" bench/safety/train.tsv train 3
measure "second training set" bench/safety/train2.tsv train2 3

/usr/bin/python3 bench/safety/report.py --dev bench/safety/dev.tsv --dev-out "$work/dev.out" \
  --dev-timing "$work/dev.timing" --holdout bench/safety/holdout.tsv \
  --holdout-out "$work/holdout.out" --holdout-timing "$work/holdout.timing" \
  --ordinary "$work/ordinary.tsv" --ordinary-out "$work/ordinary.out" \
  --ordinary-timing "$work/ordinary.timing" --blind3 bench/safety/blind3.tsv \
  --blind3-out "$work/blind3.out" --blind3-timing "$work/blind3.timing" \
  --blind4 bench/safety/blind4.tsv --blind4-out "$work/blind4.out" \
  --blind4-timing "$work/blind4.timing" \
  --blind5 bench/safety/blind5.tsv --blind5-out "$work/blind5.out" \
  --blind5-timing "$work/blind5.timing" \
  --train bench/safety/train.tsv --train-out "$work/train.out" \
  --train2 bench/safety/train2.tsv --train2-out "$work/train2.out" \
  --rules data/safety/rules.txt --readings bench/safety/readings.tsv --out docs/SAFETY.md
echo "safety: wrote docs/SAFETY.md"
