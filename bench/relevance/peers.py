#!/usr/bin/python3
"""The two peers of the relevance benchmark, run on the same corpus and questions.

  xapian  Xapian as its documentation shows it: TermGenerator with the English
          stemmer over title + question + answer as one text, QueryParser with
          default settings (English stemmer, STEM_SOME, default flags), BM25 with
          default parameters. A question the parser rejects gets no answers.
  fts5    SQLite FTS5: porter tokenizer over title, question and answer,
          bm25() ranking, the question's words OR-ed (each quoted, so no word
          is read as syntax).

  peers.py --corpus CORPUS.jsonl[.gz] --questions QUESTIONS.tsv --work DIR
Writes DIR/<peer>.trec and prints one JSON line per peer with its latencies.
"""
import argparse
import gzip
import json
import re
import sqlite3
import statistics
import time

import xapian  # Debian's python3-xapian

LIMIT = 10


def read_posts(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as corpus:
        for line in corpus:
            if line.strip():
                yield json.loads(line)


def read_questions(path):
    with open(path, encoding="utf-8") as questions:
        for line in questions:
            qid, _, text = line.rstrip("\n").partition("\t")
            if qid and text:
                yield qid, text


def run_questions(questions, search, run_path, tag, errors):
    """Times `search(text) -> [(docno, score)]` on every question, writes the
    TREC run, and counts the questions whose search raised one of `errors`."""
    times, failures = [], 0
    with open(run_path, "w") as run:
        for qid, text in questions:
            start = time.perf_counter()
            try:
                matches = search(text)
            except errors:
                failures += 1
                matches = []
            times.append(time.perf_counter() - start)
            for rank, (docno, weight) in enumerate(matches, 1):
                run.write(f"{qid} Q0 {docno} {rank} {weight:.6f} {tag}\n")
    return latency_summary(tag, times, failures)


def latency_summary(name, seconds, failures):
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(round(0.99 * (len(ms) - 1))))]
    return {"system": name, "median_ms": statistics.median(ms), "p99_ms": p99,
            "queries": len(ms), "failed": failures}


def run_xapian(corpus, questions, work):
    db = xapian.WritableDatabase(f"{work}/xapian-peer", xapian.DB_CREATE_OR_OVERWRITE)
    generator = xapian.TermGenerator()
    generator.set_stemmer(xapian.Stem("english"))
    for post in read_posts(corpus):
        doc = xapian.Document()
        generator.set_document(doc)
        generator.index_text("\n".join(post.get(f, "") for f in ("title", "question", "answer")))
        doc.set_data(post["id"])
        id_term = "Q" + post["id"]
        doc.add_boolean_term(id_term)
        db.replace_document(id_term, doc)
    db.commit()
    parser = xapian.QueryParser()
    parser.set_stemmer(xapian.Stem("english"))
    parser.set_database(db)
    parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    enquire = xapian.Enquire(db)

    def search(text):
        enquire.set_query(parser.parse_query(text))
        return [(m.document.get_data().decode(), m.weight) for m in enquire.get_mset(0, LIMIT)]

    return run_questions(questions, search, f"{work}/xapian.trec", "xapian",
                         xapian.QueryParserError)


def run_fts5(corpus, questions, work):
    con = sqlite3.connect(f"{work}/fts5-peer.sqlite")
    con.execute("DROP TABLE IF EXISTS posts")
    con.execute("CREATE VIRTUAL TABLE posts USING fts5("
                "id UNINDEXED, title, question, answer, tokenize='porter')")
    con.executemany("INSERT INTO posts VALUES (?, ?, ?, ?)",
                    ((p["id"], p.get("title", ""), p.get("question", ""), p.get("answer", ""))
                     for p in read_posts(corpus)))
    con.commit()

    def search(text):
        match = " OR ".join(f'"{w}"' for w in re.findall(r"\w+", text.lower()))
        return con.execute("SELECT id, -bm25(posts) FROM posts WHERE posts MATCH ? "
                           "ORDER BY bm25(posts) LIMIT ?", (match, LIMIT)).fetchall()

    return run_questions(questions, search, f"{work}/fts5.trec", "fts5", sqlite3.Error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    questions = list(read_questions(args.questions))
    for peer in (run_xapian, run_fts5):
        print(json.dumps(peer(args.corpus, questions, args.work)), flush=True)


if __name__ == "__main__":
    main()
