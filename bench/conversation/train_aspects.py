#!/usr/bin/env python3
"""Trains the learned aspect guess (data/aspects/model.txt).

    bench/conversation/train_aspects.py [--out data/aspects/model.txt]
                                        [--cross-validate] [--l2 X]

What a follow-up asks about its subject ("what can he do so there isn't a
second one" asks for prevention) is first read from the cue words and
phrases of QuestionTypes() (src/core/query_text.cc). People ask in more ways
than any list holds, so a follow-up in which no cue is found falls back on
this model's guess (AspectModel in src/core/aspect_model.h).

A multinomial logistic regression (L2, full-batch gradient descent with
per-feature Adagrad steps; deterministic) over the words of the message:
lower-cased words, adjacent pairs, the first word, and the first five
letters of longer ASCII words (a stand-in for stems: "treated",
"treatment").
The features are computed as AspectModel::Features computes them; the model
file ends with check lines (messages and the probability this script gives
their best class), which tests/core/aspect_model_test.cc makes the C++ side
reproduce, so the two cannot drift apart.

Training data: the last turns of the conversation sets in SETS, each
labelled by the MedQuAD question type its relevant posts answer, mapped to
Guru's aspect names (QTYPE_TO_ASPECT; "information" and types without an
aspect are the class "none"), and the follow-ups written for training in
aspects-train/ (1,830 in seven voices; aspects-train/README.md). Never
blind5 to blind9: they are kept for measuring what the model generalises
(docs/CONVERSATION.md).

--cross-validate reports leave-one-set-out accuracy per set and for each
confidence threshold, the share of guesses made and how many were right.
"""

import argparse
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SETS = ["dev", "holdout", "blind2", "blind3", "blind4"]
# Follow-ups written only to train this model, in voices the sets lack
# (aspects-train/README.md says who wrote them and how).
TRAINING_DIR = os.path.join(HERE, "aspects-train")
FOLLOW_UP_FILES = sorted(f[:-len(".jsonl")] for f in os.listdir(TRAINING_DIR)
                         if f.endswith(".jsonl"))
QTYPE_TO_ASPECT = {
    "treatment": "treatment",
    "symptoms": "symptoms",
    "causes": "causes",
    "prevention": "prevention",
    "exams and tests": "diagnosis",
    "outlook": "outlook",
    "inheritance": "inheritance",
    "genetic changes": "genetic changes",
    "complications": "complications",
    "susceptibility": "risk",
    "research": "research",
    "frequency": "frequency",
    "stages": "stages",
    "side effects": "side effects",
    "forget a dose": "missed dose",
    "emergency or overdose": "overdose",
    "usage": "dosage",
}
NONE = "none"
PREFIX = 5
EPOCHS = 300
RATE = 0.5
MIN_COUNT = 2


def words(text):
    """Lower-cased runs of ASCII letters and digits and non-ASCII bytes."""
    out, cur = [], bytearray()
    for b in text.encode("utf-8"):
        if (48 <= b <= 57) or (97 <= b <= 122) or b >= 128:
            cur.append(b)
        elif 65 <= b <= 90:
            cur.append(b + 32)
        elif cur:
            out.append(cur.decode("utf-8", "replace"))
            cur = bytearray()
    if cur:
        out.append(cur.decode("utf-8", "replace"))
    return out


def features(text):
    """As AspectModel::Features: a set, order irrelevant."""
    ws = words(text)
    out = set()
    for i, w in enumerate(ws):
        out.add("w:" + w)
        if len(w) > PREFIX and w.isascii():
            out.add("p:" + w[:PREFIX])
        if i + 1 < len(ws):
            out.add("b:" + w + " " + ws[i + 1])
    if ws:
        out.add("s:" + ws[0])
    return sorted(out)


def read_set(name):
    rows = []
    with open(os.path.join(HERE, name + ".jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            rows.append((d["turns"][-1], QTYPE_TO_ASPECT.get(d["qtype"], NONE), name))
    return rows


def read_follow_ups(name):
    """A file of TRAINING_DIR: written follow-ups, {"message", "qtype"} a line."""
    rows = []
    with open(os.path.join(TRAINING_DIR, name + ".jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            rows.append((d["message"], QTYPE_TO_ASPECT.get(d["qtype"], NONE), name))
    return rows


def training_rows():
    rows = [r for s in SETS for r in read_set(s)]
    return rows + [r for name in FOLLOW_UP_FILES for r in read_follow_ups(name)]


def train(rows, classes, l2, epochs=EPOCHS):
    index = {c: i for i, c in enumerate(classes)}
    counts = {}
    for text, _, _ in rows:
        for f in features(text):
            counts[f] = counts.get(f, 0) + 1
    names = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    fid = {f: i for i, f in enumerate(names)}
    data = [([fid[f] for f in features(t) if f in fid], index[c]) for t, c, _ in rows]
    k = len(classes)
    weights = [[0.0] * k for _ in names]
    bias = [0.0] * k
    g2w = [[1e-8] * k for _ in names]
    g2b = [1e-8] * k
    n = len(data)
    for _ in range(epochs):
        gw = {}
        gb = [0.0] * k
        for feats, y in data:
            p = probabilities(bias, weights, feats)
            for c in range(k):
                d = p[c] - (1.0 if c == y else 0.0)
                gb[c] += d
                for f in feats:
                    row = gw.setdefault(f, [0.0] * k)
                    row[c] += d
        for c in range(k):
            g = gb[c] / n
            g2b[c] += g * g
            bias[c] -= RATE * g / math.sqrt(g2b[c])
        for f in range(len(names)):
            row = gw.get(f)
            for c in range(k):
                g = (row[c] if row else 0.0) / n + l2 * weights[f][c]
                if g == 0.0:
                    continue
                g2w[f][c] += g * g
                weights[f][c] -= RATE * g / math.sqrt(g2w[f][c])
    return bias, dict(zip(names, weights))


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def scores(bias, rows):
    """The bias plus each row of weights (one row per feature present)."""
    z = list(bias)
    for w in rows:
        for c in range(len(z)):
            z[c] += w[c]
    return z


def probabilities(bias, weights, feats):
    return softmax(scores(bias, (weights[f] for f in feats)))


def predict(model, text):
    bias, weights = model
    return softmax(scores(bias, (weights[f] for f in features(text) if f in weights)))


def cross_validate(rows, classes, l2):
    results = []  # (set, truth, guess, probability)
    for held in SETS + FOLLOW_UP_FILES:
        model = train([r for r in rows if r[2] != held], classes, l2)
        for text, truth, name in rows:
            if name != held:
                continue
            p = predict(model, text)
            best = max(range(len(classes)), key=lambda c: p[c])
            results.append((name, truth, classes[best], p[best]))
    for held in SETS + FOLLOW_UP_FILES:
        sub = [r for r in results if r[0] == held]
        right = sum(1 for r in sub if r[1] == r[2])
        print("%-8s accuracy %.3f (%d/%d)" % (held, right / len(sub), right, len(sub)))
    print("threshold  guessed(not none)  right among them")
    for t in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        made = [r for r in results if r[2] != NONE and r[3] >= t]
        right = sum(1 for r in made if r[1] == r[2])
        print("%.1f        %4d / %d          %.3f" % (t, len(made), len(results),
                                                     right / max(1, len(made))))


def write(path, classes, model, l2, rows, checks):
    bias, weights = model
    with open(path, "w", encoding="utf-8") as f:
        f.write("# The learned aspect guess: which question type a follow-up asks\n")
        f.write("# when none of its words is a cue (src/core/aspect_model.h).\n")
        f.write("# Written by bench/conversation/train_aspects.py; do not edit.\n")
        f.write("# Trained on the last turns of bench/conversation/{%s}.jsonl\n" %
                ",".join(SETS))
        f.write("# and the follow-ups of bench/conversation/aspects-train/{%s}.jsonl\n" %
                ",".join(FOLLOW_UP_FILES))
        f.write("# (%d messages), multinomial logistic regression, L2 %g, %d epochs.\n" %
                (len(rows), l2, EPOCHS))
        f.write("# Lines: 'class NAME' in order; 'bias W...'; 'feature NAME\\tW...';\n")
        f.write("# 'check PROBABILITY\\tCLASS\\tMESSAGE' (tests reproduce them).\n")
        for c in classes:
            f.write("class %s\n" % c)
        f.write("bias %s\n" % " ".join("%.5f" % w for w in bias))
        for name in sorted(weights):
            w = weights[name]
            if max(abs(v) for v in w) < 1e-3:
                continue
            f.write("feature %s\t%s\n" % (name, " ".join("%.5f" % v for v in w)))
        # Checks are scored with the rounded weights, as the C++ side reads them.
        rounded = ([float("%.5f" % b) for b in bias],
                   {n: [float("%.5f" % v) for v in w] for n, w in weights.items()
                    if max(abs(v) for v in w) >= 1e-3})
        for text in checks:
            p = predict(rounded, text)
            best = max(range(len(classes)), key=lambda c: p[c])
            f.write("check %.6f\t%s\t%s\n" % (p[best], classes[best], text))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "aspects", "model.txt"))
    ap.add_argument("--cross-validate", action="store_true")
    ap.add_argument("--l2", type=float, default=1e-3)
    args = ap.parse_args()
    rows = training_rows()
    classes = sorted({r[1] for r in rows} - {NONE}) + [NONE]
    if args.cross_validate:
        cross_validate(rows, classes, args.l2)
        return
    model = train(rows, classes, args.l2)
    checks = [r[0] for r in rows[::97]] + ["What can he do so there isn't a second one?",
                                           "naïve question: is it catching?", ""]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    write(args.out, classes, model, args.l2, rows, checks)
    print("wrote %s: %d classes, %d features" % (args.out, len(classes), len(model[1])),
          file=sys.stderr)


if __name__ == "__main__":
    main()
