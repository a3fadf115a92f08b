#!/usr/bin/env python3
"""Build the "medquad-liveqa" benchmark corpus as Post JSONL.

Every MedQuAD XML QA pair with answer text becomes one post, followed by every
answer of the LiveQA judged-answers CSV whose id is not among them. Output is
protobuf's JSON mapping of guru.v1.Post (snake_case names), one post a line.
See shared/data/README.md and bench/README.md.

Answer ids are `<SOURCE>_<docid>_Sec<n>.txt`. By default <n> is the 1-based
position of the QAPair in its document: that is what the CSV and the qrels
use (every CSV id then names an XML pair with the same question, and every
CSV text that is also in the XML is identical). `--sec pid` uses the QAPair
pid attribute instead, which differs from the position in ~1,900 documents.
"""
import argparse
import collections
import csv
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

SOURCES = {  # collection folder -> SOURCE, in collection order
    "1_CancerGov_QA": "CancerGov", "2_GARD_QA": "GARD", "3_GHR_QA": "GHR",
    "4_MPlus_Health_Topics_QA": "MPlusHealthTopics", "5_NIDDK_QA": "NIDDK",
    "6_NINDS_QA": "NINDS", "7_SeniorHealth_QA": "NIHSeniorHealth",
    "8_NHLBI_QA_XML": "NHLBI", "9_CDC_QA": "CDC", "10_MPlus_ADAM_QA": "ADAM",
    "11_MPlusDrugs_QA": "MPlusDrugs",
    "12_MPlusHerbsSupplements_QA": "MPlusHerbsSuppls",
}
JUDGED_DIR = "QA-TestSet-LiveQA-Med-Qrels-2479-Answers"
CSV_NAME = "All-2479-Answers-retrieved-from-MedQuAD.csv"
QRELS_NAME = "qrels-dev.txt"
FIELDS = ("id", "title", "question", "answer", "category", "expert", "url",
          "tags")


def normalize(text):
    """Strip and collapse blanks inside lines; lines are joined with "\\n",
    and each run of blank lines becomes one paragraph break "\\n\\n"."""
    paragraphs, lines = [], []
    for line in (text or "").splitlines() + [""]:
        line = re.sub(r"[^\S\n]+", " ", line).strip()
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("\n".join(lines))
            lines = []
    return "\n\n".join(paragraphs)


def make_post(**fields):
    """Return a post dict in Post field order, leaving out empty values."""
    return {k: fields[k] for k in FIELDS if fields.get(k)}


def read_documents(medquad, sec):
    """Yield (id prefix, source, doc, pairs) for every XML document.

    doc holds the post fields shared by its pairs (title, url, tags); pairs
    maps the Sec number to (question, qtype, answer), in document order.
    """
    for folder, source in SOURCES.items():
        for path in sorted((medquad / folder).glob("*.xml")):
            root = ET.parse(path).getroot()
            doc = {"title": normalize(root.findtext("Focus")),
                   "url": (root.get("url") or "").strip(),
                   "tags": [t for t in (normalize(s.text)
                                        for s in root.iter("Synonym")) if t]}
            pairs = {}
            for pos, pair in enumerate(root.iter("QAPair"), 1):
                q = pair.find("Question")
                q = q if q is not None else ET.Element("Question")
                n = str(pos) if sec == "position" else pair.get("pid", "")
                pairs[n] = (normalize(q.text), (q.get("qtype") or "").strip(),
                            normalize(pair.findtext("Answer")))
            yield f"{source}_{path.stem}", source, doc, pairs


def xml_posts(medquad, sec, stats, docs, emitted):
    """Yield a post for every XML QA pair with answer text.

    Records every document in docs (id prefix -> (doc, pairs)) for the CSV
    pass, and every emitted id in emitted.
    """
    for prefix, source, doc, pairs in read_documents(medquad, sec):
        docs[prefix] = (doc, pairs)
        for n, (question, qtype, answer) in pairs.items():
            post_id = f"{prefix}_Sec{n}.txt"
            if not answer:
                stats["skipped: XML pair without answer"] += 1
            elif post_id in emitted:
                stats["skipped: duplicate id"] += 1
            else:
                emitted.add(post_id)
                stats["posts from XML"] += 1
                yield make_post(id=post_id, question=question, answer=answer,
                                category=qtype, expert=source, **doc)


def parse_csv_answer(cell):
    """Split a CSV cell "Question: …\\nURL: …\\nAnswer: …)" into
    (question, synonyms, url, answer), or None if it has another shape.

    The question may end in "(Also called: a; b)", returned as synonyms. The
    cell's final ")" is an export artefact: without it the texts that are
    also in the XML match exactly.
    """
    m = re.match(r"Question:(.*?)\nURL:(.*?)\nAnswer:(.*)", cell.strip(), re.S)
    if not m:
        return None
    question, url, answer = (g.strip() for g in m.groups())
    synonyms = []
    also = re.search(r"\s*\(Also called:(.*)\)$", question)
    if also:
        synonyms = [s.strip() for s in also.group(1).split(";") if s.strip()]
        question = question[:also.start()]
    if answer.endswith(")"):
        answer = answer[:-1]
    return normalize(question), synonyms, url, normalize(answer)


def title_from_question(question):
    """Derive a title from a template question, e.g. "What is (are) X ?"."""
    title = re.sub(r"^(What is \(are\)|Do you have information about)\s+", "",
                   question)
    return re.sub(r"[\s?]+$", "", title) or question


def csv_posts(csv_path, stats, docs, emitted):
    """Yield a post for every CSV answer whose id was not emitted yet,
    taking title, category and tags from the XML document when it exists."""
    from_csv = set()
    with open(csv_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            post_id = row["AnswerID"].strip()
            parsed = parse_csv_answer(row["Answer"])
            m = re.fullmatch(r"(\w+)_Sec(\w+)\.txt", post_id)
            if post_id in emitted:
                stats["skipped: CSV row repeated" if post_id in from_csv
                      else "skipped: CSV row whose id came from XML"] += 1
                continue
            if not parsed or not parsed[3] or not m:
                stats["skipped: CSV row unparsable or empty"] += 1
                continue
            question, synonyms, url, answer = parsed
            doc, pairs = docs.get(m.group(1), ({}, {}))
            qtype = pairs.get(m.group(2), ("", "", ""))[1]
            emitted.add(post_id)
            from_csv.add(post_id)
            stats["posts from CSV"] += 1
            yield make_post(
                id=post_id, question=question, answer=answer, category=qtype,
                title=doc.get("title") or title_from_question(question),
                expert=post_id.split("_", 1)[0], url=url or doc.get("url"),
                tags=doc.get("tags") or synonyms)


def qrels_coverage(qrels_path, emitted):
    """Return (judged answer ids in the corpus, distinct judged answer ids)."""
    with open(qrels_path, encoding="utf-8") as f:
        judged = {parts[2] for parts in map(str.split, f) if len(parts) >= 3}
    return len(judged & emitted), len(judged)


def main(argv=None):
    """Parse arguments, write the JSONL and print a summary to stderr."""
    default_medquad = Path(__file__).resolve().parents[2] / "shared/data/medquad"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--medquad", type=Path, default=default_medquad,
                        help="MedQuAD folder (default: %(default)s)")
    parser.add_argument("--out", type=Path, help="output JSONL (default: stdout)")
    parser.add_argument("--sec", choices=("position", "pid"), default="position",
                        help="what Sec<n> in ids counts (default: %(default)s)")
    args = parser.parse_args(argv)

    start = time.monotonic()
    stats, docs, emitted = collections.Counter(), {}, set()
    out = (open(args.out, "w", encoding="utf-8", newline="\n") if args.out
           else open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False))
    with out:
        judged = args.medquad / JUDGED_DIR
        for posts in (xml_posts(args.medquad, args.sec, stats, docs, emitted),
                      csv_posts(judged / CSV_NAME, stats, docs, emitted)):
            for post in posts:
                out.write(json.dumps(post, ensure_ascii=False) + "\n")
    found, total = qrels_coverage(judged / QRELS_NAME, emitted)

    for key in ("posts from XML", "posts from CSV"):
        print(f"{key}: {stats.pop(key, 0)}", file=sys.stderr)
    print(f"total posts: {len(emitted)}", file=sys.stderr)
    for key, count in sorted(stats.items()):
        print(f"{key}: {count}", file=sys.stderr)
    print(f"qrels coverage: {found}/{total} judged answer ids "
          f"({100.0 * found / max(total, 1):.1f}%)", file=sys.stderr)
    print(f"time: {time.monotonic() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
