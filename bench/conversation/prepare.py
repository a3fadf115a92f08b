#!/usr/bin/env python3
"""Checks the conversation development set and writes what the benchmark needs.

bench/conversation/dev.jsonl holds one conversation a line:
  {"id": "fu-001", "kind": "follow_up", "turns": ["oldest", ..., "last"],
   "focus": "Fragile X syndrome", "qtype": "treatment",
   "standalone": "How is fragile X syndrome treated?"}
(`context_focus` too for topic switches: what the earlier turns were about).
`turns` run oldest first; the last one is the message searched for, the ones
before it are the context, which guru-server takes newest first.

Relevance comes from the corpus alone (MedQuAD's own structure): for a
conversation about focus X whose last turn asks for question type T, a post
whose title is X (case-insensitive, any source) and whose category is T is
grade 3; a post titled X with another category is grade 1 (judged; under
score.py's gain of grade - 1 it earns nothing). Deterministic: same corpus
and set, same files, byte for byte.

  prepare.py --corpus CORPUS.jsonl.gz --dev dev.jsonl --out DIR
writes DIR/qrels.txt ('qid grade docno', sorted) and the guru-query batch
files (qid<TAB>text[<TAB>context newest first...]):
  with-context.tsv   the last turn and its context          (a)
  alone.tsv          the last turn alone                    (b)
  standalone.tsv     the standalone rewrite                 (c)
  context5.tsv       the last turn with exactly 5 context turns (latency;
                     a conversation's own turns first, then the turns of the
                     conversations before it in the file)
Counts per kind and question type go to stderr. Exits 1 on any error in the
set (unknown focus, a type the focus lacks, duplicate id, a tab in a turn...).
Standard library only.
"""
import argparse
import collections
import gzip
import json
import os
import re
import sys

KINDS = ("follow_up", "drill_down", "topic_switch", "self_contained")
LATENCY_TURNS = 5


def read_corpus(path):
    """{lowercased title: [(id, category)]} over every post of the corpus."""
    by_title = collections.defaultdict(list)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            post = json.loads(line)
            title = post.get("title", "").strip().lower()
            if title:
                by_title[title].append((post["id"], post.get("category", "").strip().lower()))
    return by_title


def read_set(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def words(text):
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def check(conversations, by_title):
    """Error messages; warnings are printed."""
    errors, seen = [], set()
    for c in conversations:
        cid = c.get("id", "?")
        where = f"{cid}:"
        for field in ("id", "kind", "turns", "focus", "qtype", "standalone"):
            if not c.get(field):
                errors.append(f"{where} '{field}' missing")
        if errors and errors[-1].startswith(where):
            continue
        if cid in seen:
            errors.append(f"{where} duplicate id")
        seen.add(cid)
        if c["kind"] not in KINDS:
            errors.append(f"{where} unknown kind {c['kind']!r}")
        if len(c["turns"]) < 2:
            errors.append(f"{where} needs at least one context turn")
        for text in c["turns"] + [c["standalone"], cid]:
            if "\t" in text or "\n" in text:
                errors.append(f"{where} a tab or line break in {text!r}")
        posts = by_title.get(c["focus"].lower())
        if not posts:
            errors.append(f"{where} no post has the title {c['focus']!r}")
            continue
        types = {cat for _, cat in posts}
        if c["qtype"] not in types:
            errors.append(f"{where} {c['focus']!r} has no {c['qtype']!r} post ({sorted(types)})")
        if len(types) < 2:
            errors.append(f"{where} {c['focus']!r} has only one question type")
        last = c["turns"][-1].lower()
        if c["kind"] in ("follow_up", "drill_down") and c["focus"].lower() in last:
            errors.append(f"{where} a {c['kind']} names its focus in the last turn")
        if c["kind"] == "topic_switch" and not c.get("context_focus"):
            errors.append(f"{where} a topic switch needs context_focus")
    return errors


def qrels_lines(conversations, by_title):
    lines = []
    for c in conversations:
        for doc, category in sorted(by_title[c["focus"].lower()]):
            grade = 3 if category == c["qtype"] else 1
            lines.append(f"{c['id']} {grade} {doc}")
    return lines


def batch_lines(conversations):
    """{file name: [line]} for the four batch files."""
    out = {"with-context.tsv": [], "alone.tsv": [], "standalone.tsv": [], "context5.tsv": []}
    for i, c in enumerate(conversations):
        last, context = c["turns"][-1], list(reversed(c["turns"][:-1]))
        out["with-context.tsv"].append("\t".join([c["id"], last] + context))
        out["alone.tsv"].append(f"{c['id']}\t{last}")
        out["standalone.tsv"].append(f"{c['id']}\t{c['standalone']}")
        # Padding: the turns of the conversations before this one (the file
        # taken as a ring), newest first, as a longer chat would have them.
        five, j = list(context), i
        while len(five) < LATENCY_TURNS:
            j = (j - 1) % len(conversations)
            five += list(reversed(conversations[j]["turns"]))
        out["context5.tsv"].append("\t".join([c["id"], last] + five[:LATENCY_TURNS]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--dev", required=True)
    parser.add_argument("--out", required=True, help="directory for qrels.txt and the batch files")
    args = parser.parse_args()
    by_title = read_corpus(args.corpus)
    conversations = read_set(args.dev)
    errors = check(conversations, by_title)
    for e in errors:
        print(f"prepare.py: {args.dev}: {e}", file=sys.stderr)
    if errors:
        return 1
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "qrels.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(qrels_lines(conversations, by_title)) + "\n")
    for name, lines in batch_lines(conversations).items():
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    kinds = collections.Counter(c["kind"] for c in conversations)
    qtypes = collections.Counter(c["qtype"] for c in conversations)
    foci = {c["focus"].lower() for c in conversations}
    turns = collections.Counter(len(c["turns"]) for c in conversations)
    print(f"prepare.py: {len(conversations)} conversations, {len(foci)} foci; "
          + ", ".join(f"{k} {kinds[k]}" for k in KINDS), file=sys.stderr)
    print("prepare.py: question types: "
          + ", ".join(f"{q} {n}" for q, n in sorted(qtypes.items(), key=lambda x: (-x[1], x[0]))),
          file=sys.stderr)
    print("prepare.py: turns per conversation: "
          + ", ".join(f"{n}: {turns[n]}" for n in sorted(turns)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
