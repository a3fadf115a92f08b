#!/usr/bin/env python3
"""How well Guru recognises what a consumer's question asks about (issue 17,
item 2): the aspects guru-server reports in
SearchResponse.interpretation.aspects (cue words and phrases per question
type, QuestionTypes() in src/core/query_text.cc), measured against the
question types the LiveQA annotators gave the TREC 2017 LiveQA Medical
training questions (data/liveqa-train/*.xml.gz, vendored; 446 questions).

Each NLM-QUESTION's text as the consumer wrote it (SUBJECT + " " + MESSAGE)
is sent once to a running guru-server with `guru-query --json`, with no
context. The question's annotated types (every SUB-QUESTION's
ANNOTATIONS/TYPE, lower-cased) are mapped to Guru's (MAPPING below; types
without a counterpart, e.g. information, person_organization, usage, are
counted and shown but not scored). Per Guru type: annotated questions,
questions Guru gave it, precision and recall; micro precision/recall over
the mapped types; the commonest confusions; example misses. Guru types that
LiveQA never annotates (research, frequency, stages) are listed apart and
left out of the micro figures. A question counts a type once however many
sub-questions have it.

The one command (indexes the vendored corpus, starts and stops a server,
writes the Markdown report to stdout):
  bench/relevance/aspects.sh [BUILD_DIR]          (default build-rel)
Against a server already running:
  bench/relevance/aspects.py --server 127.0.0.1:PORT [--guru-query BIN]
      [--responses FILE] [--examples N] [XML ...]
--responses FILE keeps each question's aspects (JSON lines) and, when FILE
exists and no --server is given, scores them again without a server.
--only-questions sends the SUBJECT and only the MESSAGE's sentences with a
"?" (the whole MESSAGE when none has one): a diagnostic of how much the
narrative around the question costs, not the measure itself.
"""
import argparse
import collections
import gzip
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_XML = [
    os.path.join(ROOT, "data", "liveqa-train", f"TREC-2017-LiveQA-Medical-Train-{i}.xml.gz")
    for i in (1, 2)
]

# LiveQA type (lower-cased, spaces as written) -> Guru aspect name.
MAPPING = {
    "treatment": "treatment",
    "cause": "causes",
    "symptom": "symptoms",
    "prevention": "prevention",
    "diagnosis": "diagnosis",
    "prognosis": "outlook",
    "inheritance": "inheritance",
    "genetic changes": "genetic changes",
    "complication": "complications",
    "dosage": "dosage",
    "susceptibility": "risk",
}
# Guru's aspects, QuestionTypes() order; the last three have no LiveQA type.
GURU_TYPES = ["treatment", "symptoms", "causes", "prevention", "diagnosis", "outlook",
              "inheritance", "genetic changes", "complications", "dosage", "risk", "research",
              "frequency", "stages"]
SCORED = sorted(set(MAPPING.values()), key=GURU_TYPES.index)
UNSCORED_GURU = [t for t in GURU_TYPES if t not in SCORED]


def question_sentences(subject, message):
    """SUBJECT and only the MESSAGE's sentences that hold a "?" (all of it
    when none does): the --only-questions variant."""
    asked = [s for s in re.split(r"(?<=[.?!])\s+|\n+", message) if "?" in s]
    return f"{subject} {' '.join(asked) if asked else message}".strip()


def read_questions(paths, only_questions=False):
    """[(id, text, [annotated types])], types lower-cased, in file order."""
    questions = []
    for n, path in enumerate(paths, 1):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            root = ET.parse(f).getroot()
        for q in root:
            qid = q.get("questionid") or q.get("qid") or str(len(questions))
            subject = (q.findtext("SUBJECT") or "").strip()
            message = (q.findtext("MESSAGE") or "").strip()
            types = []
            for t in q.iter("TYPE"):
                if t.text and t.text.strip():
                    types.append(re.sub(r"\s+", " ", t.text.strip().lower()))
            text = (question_sentences(subject, message) if only_questions
                    else f"{subject} {message}".strip())
            text = html.unescape(text)  # "&amp;quot;" in the XML
            questions.append((f"{n}:{qid}", text, types))
    return questions


def ask(guru_query, server, text):
    """Guru's aspects for `text`, or None when the call failed."""
    proc = subprocess.run([guru_query, "--server", server, "--json", "--limit", "1", "--", text],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        sys.stderr.write(f"aspects: guru-query failed ({proc.returncode}): "
                         f"{proc.stderr.strip()[:200]}\n")
        return None
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            return list(json.loads(line).get("interpretation", {}).get("aspects", []))
    return []


def excerpt(text, width=110):
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def pct(num, den):
    return f"{100 * num / den:.0f}%" if den else "–"


def report(questions, said, examples):
    out = []
    w = out.append
    n = len(questions)
    failed = sum(1 for q in questions if said.get(q[0]) is None)
    scored_qs = [q for q in questions if said.get(q[0]) is not None]
    annotated = collections.Counter()        # Guru type -> questions annotated with it
    predicted = collections.Counter()        # Guru type -> questions Guru gave it
    correct = collections.Counter()
    unmapped = collections.Counter()          # LiveQA type without counterpart -> questions
    raw = collections.Counter()               # every LiveQA type -> questions
    confusions = collections.Counter()        # (annotated, Guru said) pairs
    misses = []
    no_aspect = 0
    only_unmapped = only_unmapped_quiet = 0
    for qid, text, types in scored_qs:
        guru = set(said[qid])
        raw.update(set(types))
        gold = {MAPPING[t] for t in types if t in MAPPING}
        unmapped.update({t for t in types if t not in MAPPING})
        scored_guru = guru & set(SCORED)
        annotated.update(gold)
        predicted.update(scored_guru)
        correct.update(gold & scored_guru)
        if not guru:
            no_aspect += 1
        if not gold:
            only_unmapped += 1
            if not scored_guru:
                only_unmapped_quiet += 1
        labels = sorted(set(types), key=lambda t: (t not in MAPPING, t))
        wrong = sorted(scored_guru - gold, key=GURU_TYPES.index)
        for t in sorted(gold - scored_guru, key=GURU_TYPES.index):
            for g in wrong or ["(nothing)"]:
                confusions[(t, g)] += 1
            misses.append((qid, text, t, said[qid]))
        for g in wrong:
            left = [x for x in labels if MAPPING.get(x, x) not in guru]
            if any(MAPPING.get(x) for x in left):
                continue  # counted above, from the annotated side
            for t in left or ["(all found)"]:
                confusions[(t if t == "(all found)" else t + " †", g)] += 1

    tp = sum(correct[t] for t in SCORED)
    fp = sum(predicted[t] for t in SCORED) - tp
    fn = sum(annotated[t] for t in SCORED) - tp
    w(f"Questions: {n} ({failed} failed calls left out); with at least one type Guru "
      f"has a counterpart for: {len(scored_qs) - only_unmapped}; Guru recognised no "
      f"aspect in {no_aspect}.\n")
    w("| Guru aspect | LiveQA type(s) | annotated | Guru said | correct | precision | recall |")
    w("|---|---|---:|---:|---:|---:|---:|")
    for t in sorted(SCORED, key=lambda t: (-annotated[t], GURU_TYPES.index(t))):
        src = ", ".join(k for k, v in MAPPING.items() if v == t)
        w(f"| {t} | {src} | {annotated[t]} | {predicted[t]} | {correct[t]} | "
          f"{pct(correct[t], predicted[t])} | {pct(correct[t], annotated[t])} |")
    w(f"| **micro, mapped types** | | {tp + fn} | {tp + fp} | {tp} | "
      f"**{pct(tp, tp + fp)}** | **{pct(tp, tp + fn)}** |")
    w("")
    w("LiveQA types with no Guru counterpart (questions annotated with each; not scored): "
      + ", ".join(f"{t} {c}" for t, c in unmapped.most_common()) + ".")
    w(f"Of the {only_unmapped} questions annotated only with such types, Guru gave "
      f"{only_unmapped_quiet} no scored aspect and {only_unmapped - only_unmapped_quiet} "
      f"one or more (each counted as a false positive above).")
    guru_only = collections.Counter()
    for qid, _, _ in scored_qs:
        guru_only.update(set(said[qid]) & set(UNSCORED_GURU))
    w("Guru aspects LiveQA never annotates (not scored): "
      + ", ".join(f"{t} said {guru_only[t]} times" for t in UNSCORED_GURU) + ".\n")
    w("Commonest confusions (annotated, by its Guru name → Guru said instead; "
      "`(nothing)`: no other aspect; † a LiveQA type without a Guru counterpart; `(all found)`: Guru found "
      "every annotated type and added this one):\n")
    w("| annotated | Guru said | questions |")
    w("|---|---|---:|")
    for (a, g), c in confusions.most_common(15):
        w(f"| {a} | {g} | {c} |")
    w("")
    w(f"{examples} example misses (an annotated type Guru did not recognise), the shortest "
      "of each type in turn:\n")
    w("| question | excerpt | annotated | Guru said |")
    w("|---|---|---|---|")
    by_type = collections.defaultdict(list)
    for m in sorted(misses, key=lambda m: len(m[1])):  # shortest, clearest first
        if m[1] not in {x[1] for x in by_type[m[2]]}:  # the two files repeat some
            by_type[m[2]].append(m)
    picked = []
    while len(picked) < examples and any(by_type.values()):
        for t in sorted(by_type, key=lambda t: -annotated[t]):
            if by_type[t] and len(picked) < examples:
                picked.append(by_type[t].pop(0))
    for qid, text, t, guru in picked:
        w(f"| {qid} | {excerpt(text).replace('|', '/')} | {t} | "
          f"{', '.join(guru) or '(nothing)'} |")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xml", nargs="*", default=DEFAULT_XML)
    parser.add_argument("--server", help="guru-server HOST:PORT")
    parser.add_argument("--guru-query", default=os.path.join(ROOT, "build-rel", "tools",
                                                             "guru-query"))
    parser.add_argument("--responses", help="JSON lines of each question's aspects")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--only-questions", action="store_true",
                        help="send SUBJECT and only the MESSAGE's sentences with a '?' "
                             "(a diagnostic variant, not the measure)")
    args = parser.parse_args()
    questions = read_questions(args.xml, args.only_questions)
    said = {}
    if args.server:
        for i, (qid, text, _) in enumerate(questions, 1):
            said[qid] = ask(args.guru_query, args.server, text)
            if i % 100 == 0:
                sys.stderr.write(f"aspects: {i}/{len(questions)} questions\n")
        if args.responses:
            with open(args.responses, "w") as f:
                for qid, _, _ in questions:
                    f.write(json.dumps({"id": qid, "aspects": said[qid]}) + "\n")
    elif args.responses and os.path.exists(args.responses):
        with open(args.responses) as f:
            for line in f:
                row = json.loads(line)
                said[row["id"]] = row["aspects"]
    else:
        parser.error("--server, or --responses FILE from an earlier run, is needed")
    sys.stdout.write(report(questions, said, args.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
