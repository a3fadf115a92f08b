#!/usr/bin/python3
"""The peers of the relevance benchmark, run on the same corpus and questions.

  xapian  Xapian as its documentation shows it: TermGenerator with the English
          stemmer over title + question + answer as one text, QueryParser with
          default settings (English stemmer, STEM_SOME, default flags), BM25 with
          default parameters. A question the parser rejects gets no answers.
  fts5    SQLite FTS5: porter tokenizer over title, question and answer,
          bm25() ranking, the question's words OR-ed (each quoted, so no word
          is read as syntax).
  sphinx  Sphinx Search 2.2.11 (Debian's sphinxsearch), with --sphinx PORT: a
          searchd that bench/sphinx/lib.sh set up (stem_en, a stopword list,
          fields title, question, answer). The question matched as any word
          (quorum "w1 w2 ..."/1, every special character escaped), ranked by
          BM25F (the expression ranker's bm25f(k1, b, {field weights})), over
          SphinxQL (python3-pymysql). Two runs: "sphinx_textbook", k1 1.2,
          b 0.75, every field at weight 1; and "sphinx_tuned", the best by
          nDCG@10 on --qrels of a grid over k1, b, the title and question
          weights and the conversational stoplist (DIR/sphinx-grid.tsv holds
          every configuration's figures).

  peers.py --corpus CORPUS.jsonl[.gz] --questions QUESTIONS.tsv --work DIR
           [--sphinx PORT --qrels QRELS]
Writes DIR/<peer>.trec and prints one JSON line per run with its latencies
(and, where the run has one, the label of its row).
"""
import argparse
import gzip
import itertools
import json
import os
import re
import sqlite3
import statistics
import sys
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


# The grid tuned on the development questions (issue 17): Sphinx's own
# defaults are k1 1.2, b 0.75 and weight 1 for every field. k1 8 and 12 and
# the weight 32 extend the grid first planned (k1 up to 5, weights up to 16),
# whose best lay on its edge (k1 5, title x16).
SPHINX_GRID = {
    "k1": (0.8, 1.2, 2, 3, 5, 8, 12),
    "b": (0.3, 0.5, 0.75, 0.9),
    "title": (1, 4, 16, 32),
    "question": (1, 4, 16, 32),
    "index": ("medquad", "medquad_conv"),  # without / with the conversational stoplist
}


def sphinx_label(config, tuned):
    stoplist = "on" if config["index"] == "medquad_conv" else "off"
    if not tuned:
        return ("Sphinx 2.2.11 textbook BM25F (k1 1.2, b 0.75, fields at weight 1; "
                "over SphinxQL)")
    return (f"Sphinx 2.2.11 BM25F tuned on dev (k1 {config['k1']}, b {config['b']}, "
            f"title x{config['title']}, question x{config['question']}, answer x1, "
            f"conversational stoplist {stoplist}; over SphinxQL)")


def run_sphinx(questions, port, qrels_path, work, full_grid=False):
    import pymysql  # Debian's python3-pymysql; only this peer needs it

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sphinx"))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import score  # bench/relevance/score.py
    import sphinxql  # bench/sphinx/sphinxql.py

    con = pymysql.connect(host="127.0.0.1", port=port, user="", password="", autocommit=True)
    cursor = con.cursor()

    def searcher(config):
        def search(text):
            cursor.execute(sphinxql.search(config["index"], text, config["k1"], config["b"],
                                           config["title"], config["question"], limit=LIMIT))
            return [(docno, weight / 1e8) for _, docno, weight in cursor.fetchall()]
        return search

    with open(qrels_path) as qrels_file:
        qrels = score.read_qrels(qrels_file)
    textbook = {"k1": 1.2, "b": 0.75, "title": 1, "question": 1, "index": "medquad"}
    evaluated = {}  # configuration (as a tuple of values) -> (nDCG@10, metrics)

    def evaluate(config):
        key = tuple(config[name] for name in SPHINX_GRID)
        if key not in evaluated:
            run_questions(questions, searcher(config), f"{work}/sphinx-grid.trec", "sphinx",
                          pymysql.MySQLError)
            with open(f"{work}/sphinx-grid.trec") as run:
                metrics = score.score(qrels, score.read_run(run))
            evaluated[key] = (metrics["ndcg_cut_10"], metrics)
        return evaluated[key][0]

    def best_of(configs):
        # The best nDCG@10; among equals, the first in grid order.
        return max(configs, key=evaluate)

    def grid(names, around):
        """Every configuration that varies `names` over the grid, the rest as in `around`."""
        return [dict(around, **dict(zip(names, values)))
                for values in itertools.product(*(SPHINX_GRID[name] for name in names))]

    grid_start = time.perf_counter()
    if full_grid:
        best = best_of(grid(list(SPHINX_GRID), textbook))
    else:
        # Coordinate search over the same grid: the fields' weights and the
        # stoplist (32 configurations) with k1 and b fixed, then k1 and b (28)
        # with those fixed, and again until neither step changes the best.
        best = textbook
        steps = (("title", "question", "index"), ("k1", "b"))
        unchanged = 0
        while unchanged < len(steps):
            for names in steps:
                # Among equals the current best stays, so the search cannot cycle.
                found = max(grid(names, best), key=lambda c: (evaluate(c), c == best))
                unchanged = unchanged + 1 if found == best else 1
                best = found
                if unchanged >= len(steps):
                    break
    grid_seconds = time.perf_counter() - grid_start
    scored = [(ndcg, dict(zip(SPHINX_GRID, key)), metrics)
              for key, (ndcg, metrics) in evaluated.items()]
    with open(f"{work}/sphinx-grid.tsv", "w") as out:
        out.write("ndcg_cut_10\tmrr\tP_1\tk1\tb\ttitle\tquestion\tconversational_stoplist\n")
        for ndcg, config, metrics in sorted(scored, key=lambda s: -s[0]):
            out.write(f"{ndcg:.4f}\t{metrics['recip_rank']:.4f}\t{metrics['P_1']:.4f}\t"
                      f"{config['k1']}\t{config['b']}\t{config['title']}\t{config['question']}\t"
                      f"{'on' if config['index'] == 'medquad_conv' else 'off'}\n")
    results = []
    for name, config, tuned in (("sphinx_textbook", textbook, False), ("sphinx_tuned", best, True)):
        summary = run_questions(questions, searcher(config), f"{work}/{name}.trec", name,
                                pymysql.MySQLError)
        summary["system"] = name
        summary["label"] = sphinx_label(config, tuned)
        summary["config"] = config
        if tuned:
            summary["grid_configs"] = len(scored)
            summary["grid"] = "full" if full_grid else "coordinate"
            summary["grid_seconds"] = round(grid_seconds, 1)
        results.append(summary)
    con.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--sphinx", type=int, metavar="PORT",
                        help="also run Sphinx: searchd's SphinxQL port on 127.0.0.1")
    parser.add_argument("--qrels", help="judgments the Sphinx grid is tuned on")
    parser.add_argument("--sphinx-full-grid", action="store_true",
                        help="try every configuration of the grid (896; about 45 minutes), "
                        "not the coordinate search through it")
    args = parser.parse_args()
    if args.sphinx and not args.qrels:
        parser.error("--sphinx needs --qrels")
    questions = list(read_questions(args.questions))
    for peer in (run_xapian, run_fts5):
        print(json.dumps(peer(args.corpus, questions, args.work)), flush=True)
    if args.sphinx:
        for summary in run_sphinx(questions, args.sphinx, args.qrels, args.work,
                                  args.sphinx_full_grid):
            print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
