#!/usr/bin/env python3
"""Writes the name probes: questions that name a subject only long titles hold.

A person who types the name of a condition, a drug or a test ("what is
trypanosomiasis") asks about the pages that name it, even when their titles
say much more ("Parasites - African Trypanosomiasis (also known as Sleeping
Sickness)"). For every title of at least three words, its rarest word (fewest
posts, then alphabetical) of at least six letters that the system word list
does not hold, asked as "what is WORD"; one probe per word, every STEP-th of
them in alphabetical order. Deterministic for the same corpus and word list.
A probe answered NO_MATCH is a name the index holds pages about and refused.

  name_probes.py --corpus CORPUS.jsonl.gz [--words /usr/share/dict/words]
                 [--step 10] > probes.tsv        (qid<TAB>question)
Standard library only.
"""
import argparse
import collections
import gzip
import json
import re

WORD = re.compile(r"[a-z]+")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--words", default="/usr/share/dict/words")
    parser.add_argument("--step", type=int, default=10)
    args = parser.parse_args()

    with open(args.words, encoding="utf-8", errors="replace") as f:
        dictionary = {line.strip().lower() for line in f}
    posts_with = collections.Counter()
    titles = set()
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            post = json.loads(line)
            text = " ".join(post.get(k, "") for k in ("title", "question", "answer"))
            posts_with.update(set(WORD.findall(text.lower())))
            if post.get("title"):
                titles.add(post["title"])
    names = set()
    for title in titles:
        words = WORD.findall(title.lower())
        candidates = [w for w in words if len(w) >= 6 and w not in dictionary]
        if len(words) >= 3 and candidates:
            names.add(min(candidates, key=lambda w: (posts_with[w], w)))
    for n, name in enumerate(sorted(names)[::args.step]):
        print(f"n{n + 1}\twhat is {name}")


if __name__ == "__main__":
    main()
