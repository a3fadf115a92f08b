#!/usr/bin/env python3
"""The judging pool: every (question, post) pair that some run ranks in its
top 10 and no qrels file judges, blinded and shuffled for assessors.

Assessors see the question and the post only (bench/relevance/JUDGING.md):
no system, no rank, no score. Each pair is written once however many runs
found it, in an order shuffled with a fixed seed, so that neither the order
nor the file reveals which system found it.

  pool.py --qrels Q [--qrels Q2 ...] --questions TSV --corpus JSONL.GZ
          --out POOL.jsonl [--batch-size N] RUN [RUN ...]
  (--batch-size: also POOL-1.txt, POOL-2.txt, ...: the pairs as plain text
  in batches of N, one per assessor)
  (prints the pool's size and, per run, how many of its top-10 pairs were
  unjudged)
"""
import argparse
import gzip
import json
import random
import sys

from score import CUTOFF, read_qrels_files, read_run


# Longer answers are shown cut (the assessor is told): what a post answers
# shows in its title, its question and its first paragraphs.
SHOWN_CHARS = 3000


def shown(answer):
    if len(answer) <= SHOWN_CHARS:
        return answer
    return f"{answer[:SHOWN_CHARS]} [... {len(answer) - SHOWN_CHARS} more characters]"


def write_batches(pool_path, size):
    """The pool as plain text for assessors, `size` pairs a file."""
    with open(pool_path) as f:
        pairs = [json.loads(line) for line in f]
    stem = pool_path.rsplit(".", 1)[0]
    for start in range(0, len(pairs), size):
        with open(f"{stem}-{start // size + 1}.txt", "w") as out:
            for p in pairs[start:start + size]:
                out.write(f"=== qid {p['qid']} docno {p['docno']}\n"
                          f"QUESTION: {p['question']}\n"
                          f"POST TITLE: {p['post_title']}\n"
                          f"POST QUESTION: {p['post_question']}\n"
                          f"POST ANSWER: {shown(p['post_answer'])}\n\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qrels", action="append", required=True)
    parser.add_argument("--questions", required=True, help="qid<TAB>question lines")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--batch-size", type=int, default=0)
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args()

    judged = read_qrels_files(args.qrels)
    questions = {}
    with open(args.questions) as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            if text:
                questions[qid] = text
    unjudged = set()
    for path in args.runs:
        with open(path) as f:
            run = read_run(f)
        missing = 0
        for qid, ranked in run.items():
            # Only questions that have judgments are scored (score.py).
            if qid not in judged:
                continue
            for docno in ranked[:CUTOFF]:
                if docno not in judged[qid]:
                    unjudged.add((qid, docno))
                    missing += 1
        print(f"{path}: {missing} unjudged pairs in the top {CUTOFF}", file=sys.stderr)

    wanted = {docno for _, docno in unjudged}
    posts = {}
    with gzip.open(args.corpus, "rt") as f:
        for line in f:
            post = json.loads(line)
            if post["id"] in wanted:
                posts[post["id"]] = post
    pairs = sorted(unjudged)
    random.Random(args.seed).shuffle(pairs)
    with open(args.out, "w") as out:
        for n, (qid, docno) in enumerate(pairs, 1):
            post = posts.get(docno, {})
            out.write(json.dumps({
                "pair": n, "qid": qid, "question": questions.get(qid, ""),
                "docno": docno, "post_title": post.get("title", ""),
                "post_question": post.get("question", ""),
                "post_answer": post.get("answer", "")}) + "\n")
    if args.batch_size > 0:
        write_batches(args.out, args.batch_size)
    print(f"pool: {len(pairs)} unjudged pairs over {len({q for q, _ in pairs})} questions "
          f"-> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
