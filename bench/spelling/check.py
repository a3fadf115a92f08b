#!/usr/bin/env python3
"""How guru-server corrects single typed words, against a list of them.

  check.py --query GURU_QUERY --server HOST:PORT --words WORDS.tsv

WORDS.tsv: one word a line, as typed, a tab, the word meant (the same word
when it is spelled right). Each word is searched alone; the correction
guru-server reports for it (the interpretation's corrections) is compared
with the word meant, by stem, so "tablet" for "tablets" is right, and with
British digraphs read as American ones, so "anemia" for "anaemia" is right
(guru-server files British spellings under the American). Prints a
Markdown table of outcomes, then every word that did not come out right.
Standard library and python3-xapian (Debian) only.
"""
import argparse
import collections
import json
import subprocess
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import xapian  # noqa: E402  (Debian's python3-xapian, for the English stemmer)


def american(word):
    """`word` with the British digraphs ae and oe read as e."""
    return word.replace("ae", "e").replace("oe", "e")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--words", required=True)
    args = parser.parse_args()
    stem = xapian.Stem("english")

    def same(corrected, meant):
        return any(stem(a.encode()) == stem(b.encode())
                   for a, b in ((corrected, meant), (american(corrected), american(meant))))

    outcomes = collections.Counter()
    misses = []
    for number, line in enumerate(open(args.words, encoding="utf-8"), 1):
        fields = line.rstrip("\n").split("\t")
        if len(fields) != 2 or not fields[0].strip():
            sys.exit(f"{args.words}:{number}: want 'typed<TAB>meant'")
        typed, meant = fields[0].strip().lower(), fields[1].strip().lower()
        out = subprocess.run([args.query, "--server", args.server, "--json", "--limit", "1",
                              "--", typed], capture_output=True, text=True, check=True).stdout
        interpretation = json.loads(out.splitlines()[0]).get("interpretation", {})
        corrected = {c["original"]: c["corrected"]
                     for c in interpretation.get("corrections", [])}.get(typed, typed)
        right = same(corrected, meant)
        kind = "spelled right" if typed == meant else "misspelled"
        outcome = "right" if right else ("left as typed" if corrected == typed else "wrong word")
        outcomes[(kind, outcome)] += 1
        if not right:
            misses.append(f"| {kind} | {typed} | {meant} | {corrected} |")
    print("| words | searched as the word meant | left as typed | another word |")
    print("|---|---|---|---|")
    for kind in ("misspelled", "spelled right"):
        total = sum(v for (k, _), v in outcomes.items() if k == kind)
        cells = [outcomes[(kind, o)] for o in ("right", "left as typed", "wrong word")]
        print(f"| {kind} ({total}) | " + " | ".join(str(c) for c in cells) + " |")
    print()
    print("| words | typed | meant | searched as |")
    print("|---|---|---|---|")
    print("\n".join(misses))


if __name__ == "__main__":
    main()
