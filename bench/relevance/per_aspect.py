#!/usr/bin/env python3
"""Where one system wins and loses against another, per aspect of the
question (the LiveQA annotators' question types: TREATMENT, CAUSE, ...).

  per_aspect.py --types TYPES.tsv --qrels Q [--qrels Q2 ...]
                --run NAME=RUN --run NAME=RUN
      (a Markdown table: per type, the questions of that type, each
      system's mean nDCG@10, and how many questions the first wins, ties
      and loses; a question of several types counts in each)
  per_aspect.py --extract LIVEQA.xml > TYPES.tsv
      (qid<TAB>TYPE,TYPE... from the LiveQA question XML, qid as in
      test-questions-dev.tsv: TQ12 -> 12)
"""
import argparse
import collections
import sys
import xml.etree.ElementTree as ET

from score import ndcg, read_qrels_files, read_run


def extract(xml_path):
    for question in ET.parse(xml_path).getroot():
        qid = question.get("qid", "").removeprefix("TQ")
        types = sorted({t.text.strip() for t in question.iter("TYPE") if t.text})
        if qid and types:
            print(f"{qid}\t{','.join(types)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", metavar="XML")
    parser.add_argument("--types")
    parser.add_argument("--qrels", action="append")
    parser.add_argument("--run", action="append", metavar="NAME=RUN")
    args = parser.parse_args()
    if args.extract:
        extract(args.extract)
        return 0
    if not (args.types and args.qrels and args.run and len(args.run) == 2):
        parser.error("--types, --qrels and two --run are needed")
    qrels = read_qrels_files(args.qrels)
    names, runs = [], []
    for spec in args.run:
        name, _, path = spec.partition("=")
        with open(path) as f:
            names.append(name)
            runs.append(read_run(f))
    by_type = collections.defaultdict(list)
    with open(args.types) as f:
        for line in f:
            qid, _, types = line.rstrip("\n").partition("\t")
            if qid in qrels:
                for t in types.split(","):
                    by_type[t].append(qid)
    print(f"| question type | questions | {names[0]} nDCG@10 | {names[1]} nDCG@10 | "
          f"{names[0]} wins / ties / losses |")
    print("|---|---|---|---|---|")
    for t, qids in sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0])):
        scores = [[ndcg(run.get(q, []), qrels[q]) for q in qids] for run in runs]
        wins = sum(a > b + 1e-9 for a, b in zip(*scores))
        losses = sum(b > a + 1e-9 for a, b in zip(*scores))
        mean = lambda xs: sum(xs) / len(xs)
        print(f"| {t.lower().replace('_', ' ')} | {len(qids)} | {mean(scores[0]):.3f} | "
              f"{mean(scores[1]):.3f} | {wins} / {len(qids) - wins - losses} / {losses} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
