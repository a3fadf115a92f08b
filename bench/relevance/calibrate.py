#!/usr/bin/env python3
"""Fits and reports the confidence model (src/index/confidence_model.h).

Input: guru-features' TSV (every result of every development question with
the confidence guru-server gives it and the features it is computed from),
the qrels, the same TSV for the no-match probes (gibberish, off-topic,
stopwords only) and, optionally, for the name probes (name_probes.py: a
subject's name asked alone, which the index has pages about).

The model is a logistic regression of "relevant" (grade 3 or 4; unjudged
counts as not relevant, as in the metrics) on the features, fitted by
Newton's method with a small L2 penalty over the top 10 results of every
judged question. It prints a Markdown report: the served confidence's
reliability table and Brier score, the refitted coefficients with their
leave-one-question-out Brier score, the answer status of the questions that
have an Excellent answer, and the probes' status.

  calibrate.py --features TSV --qrels QRELS --probes TSV [--name-probes TSV]
               [--write HEADER]
      --write replaces the fitted block of HEADER with the refitted model.
"""
import argparse
import csv
import math
import re
import sys

FEATURES = ["idf_matched", "title_coverage", "relative_score", "reciprocal_rank",
            "type_match"]
CONSTANTS = ["kIdfMatched", "kTitleCoverage", "kRelativeScore", "kReciprocalRank",
             "kTypeMatch"]
L2 = 0.01
RELEVANT = 3
EXCELLENT = 4


def read_qrels(path):
    qrels = {}
    for line in open(path):
        parts = line.split()
        if len(parts) >= 3:
            grade = int(parts[1].split("-")[0])
            judged = qrels.setdefault(parts[0], {})
            judged[parts[2]] = max(grade, judged.get(parts[2], 0))
    return qrels


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x > -700 else 0.0


def solve(matrix, vector):
    """Gaussian elimination with partial pivoting."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[col][col] != 0:
                factor = a[r][col] / a[col][col]
                a[r] = [x - factor * y for x, y in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] if a[i][i] else 0.0 for i in range(n)]


def fit(xs, ys):
    """Weights [intercept, w1..wk] by Newton's method with L2 on w1..wk."""
    k = len(xs[0]) + 1
    w = [0.0] * k
    for _ in range(50):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y in zip(xs, ys):
            v = [1.0] + x
            p = sigmoid(sum(a * b for a, b in zip(w, v)))
            for i in range(k):
                grad[i] += (p - y) * v[i]
                for j in range(k):
                    hess[i][j] += p * (1 - p) * v[i] * v[j]
        for i in range(1, k):
            grad[i] += L2 * len(xs) * w[i]
            hess[i][i] += L2 * len(xs)
        step = solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return w


def fit_monotone(xs, ys):
    """fit() with every feature weight >= 0, so that confidence never falls
    when a feature grows: a feature whose weight comes out negative is left
    out (weight 0) and the rest refitted."""
    kept = list(range(len(xs[0])))
    while True:
        w = fit([[x[i] for i in kept] for x in xs], ys)
        negative = [kept[j] for j, v in enumerate(w[1:]) if v < 0]
        if not negative:
            full = [w[0]] + [0.0] * len(xs[0])
            for j, i in enumerate(kept):
                full[i + 1] = w[j + 1]
            return full
        kept = [i for i in kept if i not in negative]


def predict(w, x):
    return sigmoid(w[0] + sum(a * b for a, b in zip(w[1:], x)))


def brier(pairs):
    return sum((p - y) ** 2 for p, y in pairs) / len(pairs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", required=True)
    parser.add_argument("--qrels", required=True)
    parser.add_argument("--probes", required=True)
    parser.add_argument("--name-probes")
    parser.add_argument("--write")
    args = parser.parse_args()
    qrels = read_qrels(args.qrels)
    rows = [r for r in read_rows(args.features) if r["qid"] in qrels]
    results = [r for r in rows if r["id"] != "-"]
    xs = [[float(r[f]) for f in FEATURES] for r in results]
    ys = [1 if qrels[r["qid"]].get(r["id"], 0) >= RELEVANT else 0 for r in results]
    served = [(float(r["confidence"]), y) for r, y in zip(results, ys)]
    w = fit_monotone(xs, ys)

    # Leave one question out: the Brier score a refit would have on unseen
    # questions.
    held_out = []
    for qid in sorted({r["qid"] for r in results}):
        train = [(x, y) for r, x, y in zip(results, xs, ys) if r["qid"] != qid]
        wq = fit_monotone([x for x, _ in train], [y for _, y in train])
        held_out += [(predict(wq, x), y) for r, x, y in zip(results, xs, ys)
                     if r["qid"] == qid]

    out = []
    out.append("## Confidence calibration\n")
    out.append(f"Each result's `confidence` is a logistic regression over {len(FEATURES)} "
               "features (`ConfidenceFeatures`: share of the message's IDF mass in the "
               "post, title coverage, score relative to the first, 1/(1+rank), "
               "question-type match), fitted by `bench/relevance/calibrate.py` on the "
               f"top 10 of the {len({r['qid'] for r in results})} judged development "
               "questions (relevant = grade 3 or 4). Reliability of the confidence "
               "guru-server gives (this run):\n")
    out.append("| confidence | results | mean confidence | share relevant |")
    out.append("|---|---|---|---|")
    edges = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0001]
    for lo, hi in zip(edges, edges[1:]):
        cell = [(p, y) for p, y in served if lo <= p < hi]
        if cell:
            out.append(f"| {lo:.1f}-{min(hi, 1):.1f} | {len(cell)} | "
                       f"{sum(p for p, _ in cell) / len(cell):.3f} | "
                       f"{sum(y for _, y in cell) / len(cell):.3f} |")
    base = sum(ys) / len(ys)
    out.append("")
    out.append(f"Brier score {brier(served):.4f} over {len(served)} results (a constant "
               f"{base:.3f}, the share relevant, scores {brier([(base, y) for y in ys]):.4f}); "
               f"refitted with each question left out in turn, {brier(held_out):.4f}.")
    out.append("Refitted coefficients (this run): intercept "
               f"{w[0]:.2f}, " + ", ".join(f"{f} {c:.2f}" for f, c in zip(FEATURES, w[1:]))
               + ".\n")

    tops = {}
    for r in rows:
        if r["rank"] in ("0", "1"):
            tops[r["qid"]] = r
    excellent = [q for q in tops if any(g >= EXCELLENT for g in qrels[q].values())]
    statuses = {}
    for q in excellent:
        statuses[tops[q]["status"]] = statuses.get(tops[q]["status"], 0) + 1
    lowest = min(float(tops[q]["confidence"]) for q in excellent)
    out.append(f"Answer status of the {len(excellent)} questions with an Excellent "
               "(grade 4) answer in the corpus: "
               + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items()))
               + f" (lowest first-result confidence {lowest:.3f}). All 69 judged "
               "questions: " + ", ".join(
                   f"{s} {n}" for s, n in sorted(
                       {s: sum(1 for t in tops.values() if t['status'] == s)
                        for s in {t['status'] for t in tops.values()}}.items())) + ".\n")
    out.append("`answer_status` (`src/index/confidence_model.h`): NO_MATCH when the first "
               "result's confidence is below 0.2, or when no post among the first 10 has "
               "a title the query covers at least 0.3 or that holds the message's naming "
               "word (its rarest word, in at most 2% of the posts and at least half of its "
               "IDF, as written and in no dictionary: \"trypanosomiasis\", not "
               "\"compress\") (the index has no post about it; "
               "when the first post has no title, only if it also holds less than half "
               "of the message's IDF mass); both only in indexes of 1,000 posts or more; "
               "ANSWERED from "
               "0.4; LOW_CONFIDENCE between.\n")
    probe_text = {}
    for line in open(args.probes.replace(".features.tsv", ".tsv")):
        if "\t" in line:
            qid, text = line.rstrip("\n").split("\t", 1)
            probe_text[qid] = text
    firsts = [r for r in read_rows(args.probes) if r["rank"] in ("0", "1")]
    refused = sum(1 for r in firsts if r["status"] == "NO_MATCH")
    out.append(f"Probes that are not health questions (`bench/relevance/no_match_probes.tsv`): "
               f"NO_MATCH {refused} of {len(firsts)}; the others:\n")
    out.append("| probe (not a health question) | first-result confidence | status |")
    out.append("|---|---|---|")
    for r in firsts:
        if r["status"] != "NO_MATCH":
            out.append(f"| {probe_text.get(r['qid'], r['qid'])} | {float(r['confidence']):.3f} | "
                       f"{r['status']} |")
    if args.name_probes:
        names = [r for r in read_rows(args.name_probes) if r["rank"] in ("0", "1")]
        out.append("")
        out.append(f"Name probes (`bench/relevance/name_probes.py`: \"what is W\" for the rarest "
                   "word W, not in the system word list, of every 10th title of three words or "
                   "more): NO_MATCH "
                   f"{sum(1 for r in names if r['status'] == 'NO_MATCH')} of {len(names)}, "
                   f"ANSWERED {sum(1 for r in names if r['status'] == 'ANSWERED')}.")
    print("\n".join(out))

    if args.write:
        text = open(args.write).read()
        block = "".join(f"inline constexpr double {c} = {v:.3f};\n" for c, v in
                        zip(["kIntercept"] + CONSTANTS, w))
        text, n = re.subn(r"(// BEGIN FITTED[^\n]*\n).*?(// END FITTED)",
                          lambda m: m.group(1) + block + m.group(2), text, flags=re.S)
        if n != 1:
            sys.exit(f"calibrate.py: no fitted block in {args.write}")
        open(args.write, "w").write(text)


if __name__ == "__main__":
    main()
