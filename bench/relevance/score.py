#!/usr/bin/env python3
"""Scores a TREC run file against graded judgments, as trec_eval does.

Metrics (shared/data/README.md), over the questions that have judgments:
  ndcg_cut_10  gain = grade - 1 (0..3), discount log2(rank + 1), ideal from
               all judged answers of the question; 0 when the ideal is 0
  map_cut_10   sum of precision at each relevant rank <= 10, divided by the
               number of relevant answers (grade 3 or 4)
  recip_rank   1 / rank of the first relevant answer in the top 10, else 0
  P_1          1 if the first answer is relevant
MAP, MRR and P@1 leave out questions with no relevant answer. Unjudged
answers count as not relevant. A pair judged twice keeps the higher grade.
Ties in a run are broken as trec_eval does: score descending, then docno
descending.

  score.py --qrels QRELS [--qrels MORE ...] --run RUN [--json]
  score.py --qrels QRELS --run RUN --row LABEL --median-ms M --p99-ms P
           [--completed QRELS]
      (one Markdown table row: label, the four metrics, the latencies; with
      --completed, then nDCG@10, MRR@10 and P@1 on QRELS and the completed
      judgments together)
Several --qrels files are read as one (a completed judgments file adds
pairs the official one lacks).
"""
import argparse
import collections
import json
import math
import sys

RELEVANT_GRADE = 3
CUTOFF = 10


def read_qrels(lines):
    """{qid: {docno: grade}} from 'qid grade docno' lines ('4-Excellent' or '4');
    lines starting with '#' are comments."""
    qrels = collections.defaultdict(dict)
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or parts[0].startswith("#"):
            continue
        qid, grade, docno = parts[0], int(parts[1].split("-")[0]), parts[2]
        qrels[qid][docno] = max(grade, qrels[qid].get(docno, 0))
    return dict(qrels)


def read_run(lines):
    """{qid: [docno, ...]} ranked as trec_eval ranks them."""
    scored = collections.defaultdict(list)
    for line in lines:
        parts = line.split()
        if len(parts) < 6:
            continue
        scored[parts[0]].append((float(parts[4]), parts[2]))
    return {qid: [doc for _, doc in sorted(docs, key=lambda d: (-d[0], _desc(d[1])))]
            for qid, docs in scored.items()}


def _desc(docno):
    """Sort key that orders strings descending inside an ascending sort."""
    return [-ord(c) for c in docno] + [1]


def ndcg(ranked, judged, cutoff=CUTOFF):
    gains = [max(judged.get(doc, 0) - 1, 0) for doc in ranked[:cutoff]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((max(g - 1, 0) for g in judged.values()), reverse=True)[:cutoff]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def average_precision(ranked, judged, cutoff=CUTOFF):
    relevant = sum(1 for g in judged.values() if g >= RELEVANT_GRADE)
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:cutoff]):
        if judged.get(doc, 0) >= RELEVANT_GRADE:
            hits += 1
            total += hits / (i + 1)
    return total / relevant if relevant else 0.0


def reciprocal_rank(ranked, judged, cutoff=CUTOFF):
    for i, doc in enumerate(ranked[:cutoff]):
        if judged.get(doc, 0) >= RELEVANT_GRADE:
            return 1.0 / (i + 1)
    return 0.0


def read_qrels_files(paths):
    """read_qrels over several files as one."""
    qrels = {}
    for path in paths:
        with open(path) as f:
            for qid, docs in read_qrels(f).items():
                merged = qrels.setdefault(qid, {})
                for docno, grade in docs.items():
                    merged[docno] = max(grade, merged.get(docno, 0))
    return qrels


def score(qrels, run):
    """Mean metrics, and how many questions each was averaged over."""
    ndcgs, aps, rrs, p1s = [], [], [], []
    for qid, judged in qrels.items():
        ranked = run.get(qid, [])
        ndcgs.append(ndcg(ranked, judged))
        if not any(g >= RELEVANT_GRADE for g in judged.values()):
            continue
        aps.append(average_precision(ranked, judged))
        rrs.append(reciprocal_rank(ranked, judged))
        p1s.append(1.0 if ranked and judged.get(ranked[0], 0) >= RELEVANT_GRADE else 0.0)
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0
    return {"ndcg_cut_10": mean(ndcgs), "map_cut_10": mean(aps), "recip_rank": mean(rrs),
            "P_1": mean(p1s), "questions": len(ndcgs), "questions_with_relevant": len(aps)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qrels", action="append", required=True)
    parser.add_argument("--completed", metavar="QRELS")
    parser.add_argument("--run", required=True)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--row", metavar="LABEL")
    parser.add_argument("--median-ms", type=float, default=0.0)
    parser.add_argument("--p99-ms", type=float, default=0.0)
    args = parser.parse_args()
    with open(args.run) as r:
        run = read_run(r)
    result = score(read_qrels_files(args.qrels), run)
    if args.row:
        row = (f"| {args.row} | {result['ndcg_cut_10']:.4f} | {result['map_cut_10']:.4f} | "
               f"{result['recip_rank']:.4f} | {result['P_1']:.4f} | {args.median_ms:.2f} | "
               f"{args.p99_ms:.2f} |")
        if args.completed:
            full = score(read_qrels_files(args.qrels + [args.completed]), run)
            row += (f" {full['ndcg_cut_10']:.4f} | {full['recip_rank']:.4f} | "
                    f"{full['P_1']:.4f} |")
        print(row)
    elif args.json:
        print(json.dumps(result))
    else:
        for name, value in result.items():
            print(f"{name}\t{value:.4f}" if isinstance(value, float) else f"{name}\t{value}")


if __name__ == "__main__":
    sys.exit(main())
