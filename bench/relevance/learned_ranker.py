#!/usr/bin/env python3
"""Issue 17, item 3: does a learned ranker (LambdaMART) beat Guru's hand-set ranking?

Candidates are Guru's top 100 per development question (guru-features
--limit 100: every result of the re-ranked head, in Guru's order, with the
features the searcher computes). The baseline is Guru's own order, i.e. the
hand-set multipliers of src/index/ranking.cc. The model re-ranks the same
candidates with xgboost's LambdaMART (objective rank:ndcg), trained and
evaluated by 5-fold cross-validation over questions: a question's candidates
are only ever scored by a model that never saw that question. The folds are
drawn from a seed; the whole cross-validation is repeated for several seeds
and reported as mean and spread (sd over seeds). Hyperparameters are fixed
in advance (PARAMS below); with --inner-cv they are instead chosen per outer
fold by an inner 4-fold cross-validation over the training questions only,
from a small grid (GRID). No figure comes from a training question.

Two feature sets:
  guru   the searcher's own features: Guru's rank and confidence,
         idf_matched, title_coverage, relative_score, reciprocal_rank,
         type_match;
  all    guru + features computed here from the corpus: BM25 of the question
         against the post's title, templated question and answer separately
         and all together, the share of the question's IDF mass each field
         covers, answer length, the post's source collection, the aspect its
         templated question answers (treatment, symptoms, cause, ...), and
         whether a cue word of the question asks for that aspect.

Labels: grade - 1 clipped to 0..3 (unjudged = 0), the gain of nDCG. Metrics
(score.py's ndcg and reciprocal_rank, relevant = grade >= 3): nDCG@10 over
every judged question, MRR@10 and P@1 over the questions that have a relevant
answer. Everything is done twice: trained and scored on the official +
completed judgments, and trained and scored on the official ones alone.
Per question, the model's nDCG@10 (mean over seeds) is compared with the
baseline's: wins / ties / losses and a two-sided paired randomisation test.

One command (from the repository root; bench/relevance/learned_ranker.sh
installs python3-xgboost, builds the index and the features in a temp dir
and runs this):
  /usr/bin/python3 bench/relevance/learned_ranker.py --features FEATURES.TSV \
      [--seeds 1,2,3,4,5] [--inner-cv] [--judgments both|completed|official]
      [--variants both|guru|all] [--report FILE.md]
FEATURES.TSV: build-rel/bench/relevance/guru-features --db DB
  --questions data/medquad-liveqa/test-questions-dev.tsv --out FEATURES.TSV --limit 100
"""
import argparse
import collections
import csv
import gzip
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import xgboost as xgb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUESTIONS = "data/medquad-liveqa/test-questions-dev.tsv"
CORPUS = "data/medquad-liveqa/corpus.jsonl.gz"
OFFICIAL = "data/medquad-liveqa/qrels-dev.txt"
COMPLETED = "bench/relevance/qrels-dev-completed.txt"
FOLDS = 5
INNER_FOLDS = 4
CUTOFF = 10

# Fixed in advance (not tuned on these questions).
PARAMS = {"objective": "rank:ndcg", "eta": 0.05, "max_depth": 3, "min_child_weight": 1.0,
          "subsample": 0.8, "colsample_bytree": 0.8, "lambda": 1.0, "nthread": 2,
          "eval_metric": "ndcg@10"}
ROUNDS = 200
GRID = [{"max_depth": d, "rounds": r} for d in (2, 4) for r in (50, 300)]

GURU_FEATURES = ["guru_rank_log", "confidence", "idf_matched", "title_coverage",
                 "relative_score", "reciprocal_rank", "type_match"]
EXTRA_FEATURES = ["bm25_title", "bm25_question", "bm25_answer", "bm25_all",
                  "cover_title", "cover_question", "cover_answer", "answer_len_log",
                  "source", "doc_aspect", "aspect_match", "query_has_aspect"]

STOP = set("""a about above after again against all am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours ourselves
out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves please thank thanks hi hello dear
re know tell get got also im ive dont anyone""".split())

# Aspect a MedQuAD templated question answers (first match wins).
DOC_ASPECTS = [
    ("symptoms", r"symptom|signs"), ("treatment", r"treatment|what to do for|treated|therap"),
    ("frequency", r"how many people"), ("genetic", r"genetic changes"),
    ("inheritance", r"inherit"), ("outlook", r"outlook|prognosis"),
    ("research", r"research|clinical trial"), ("risk", r"at risk|risk factor"),
    ("cause", r"cause"), ("diagnosis", r"diagnos|exams and tests|\btests?\b"),
    ("prevention", r"prevent"), ("side_effects", r"side effect"),
    ("dosage", r"how should .* be used|dose|dosage"), ("complications", r"complication"),
    ("stages", r"stages"), ("information", r"what is \(are\)|do you have information|what is"),
]
ASPECT_CODE = {name: i + 1 for i, (name, _) in enumerate(DOC_ASPECTS)}
# Cue words in a consumer's question.
QUERY_ASPECTS = {
    "symptoms": r"symptom|\bsigns?\b",
    "treatment": r"treat|cure|therap|medication|medicine|remed|surgery|\bmanag|\bhelp\b|what to do",
    "frequency": r"how common|how many|prevalen",
    "genetic": r"\bgene|genetic|mutation",
    "inheritance": r"inherit|hereditar|passed (on|down)|run in (the )?famil",
    "outlook": r"outlook|prognos|surviv|life expectancy|recover",
    "research": r"research|clinical trial|\bstud(y|ies)\b|new treatment",
    "risk": r"\brisk",
    "cause": r"cause|\bwhy\b|reason|due to",
    "diagnosis": r"diagnos|\btest|detect",
    "prevention": r"prevent|avoid",
    "side_effects": r"side effect|adverse",
    "dosage": r"\bdose|dosage|\bmg\b|how much|how (to|should i) take",
    "complications": r"complication",
    "information": r"information|\binfo\b|what is|what are|references|literature",
}


def tokens(text):
    out = []
    for t in re.findall(r"[a-z0-9]+", text.lower()):
        if t in STOP or len(t) < 2:
            continue
        if len(t) > 3 and t.endswith("s") and not t.endswith("ss"):
            t = t[:-1]
        out.append(t)
    return out


class Field:
    """BM25 (k1 1.2, b 0.75) over one field of the corpus."""

    def __init__(self, docs):
        self.tf = {}
        self.len = {}
        df = collections.Counter()
        for doc_id, text in docs.items():
            toks = tokens(text)
            counts = collections.Counter(toks)
            self.tf[doc_id] = counts
            self.len[doc_id] = len(toks)
            df.update(counts.keys())
        n = len(docs)
        self.avg = sum(self.len.values()) / max(n, 1)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def bm25(self, query, doc_id, k1=1.2, b=0.75):
        counts = self.tf.get(doc_id, {})
        norm = k1 * (1 - b + b * self.len.get(doc_id, 0) / self.avg)
        return sum(self.idf.get(t, 0) * counts[t] * (k1 + 1) / (counts[t] + norm)
                   for t in query if t in counts)

    def cover(self, query, doc_id):
        counts = self.tf.get(doc_id, {})
        mass = sum(self.idf.get(t, 0) for t in query)
        return sum(self.idf.get(t, 0) for t in query if t in counts) / mass if mass else 0.0


def doc_aspect(question):
    q = question.lower()
    for name, pattern in DOC_ASPECTS:
        if re.search(pattern, q):
            return name
    return "other"


def query_aspects(text):
    t = text.lower()
    return {name for name, pattern in QUERY_ASPECTS.items() if re.search(pattern, t)}


def read_questions(path):
    out = {}
    for line in open(path):
        if "\t" in line:
            qid, text = line.rstrip("\n").split("\t", 1)
            out[qid] = text
    return out


def build_table(features_path):
    """{qid: [row dict with 'id', 'guru_rank' and every feature]} in Guru's order."""
    questions = read_questions(os.path.join(ROOT, QUESTIONS))
    with open(features_path, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["id"] != "-"]
    corpus = {}
    with gzip.open(os.path.join(ROOT, CORPUS), "rt") as f:
        for line in f:
            d = json.loads(line)
            corpus[d["id"]] = d
    fields = {name: Field({i: d.get(name, "") or "" for i, d in corpus.items()})
              for name in ("title", "question", "answer")}
    fields["all"] = Field({i: " ".join((d.get("title") or "", d.get("question") or "",
                                        d.get("answer") or "")) for i, d in corpus.items()})
    sources = sorted({i.split("_")[0] for i in corpus})
    source_code = {s: k + 1 for k, s in enumerate(sources)}
    table = collections.defaultdict(list)
    qcache = {}
    for r in rows:
        qid, doc = r["qid"], r["id"]
        if qid not in qcache:
            text = questions.get(qid, "")
            qcache[qid] = (tokens(text), query_aspects(text))
        qtok, qasp = qcache[qid]
        d = corpus.get(doc, {})
        asp = doc_aspect(d.get("question") or "")
        row = {"id": doc, "guru_rank": int(r["rank"]),
               "guru_rank_log": math.log(int(r["rank"])),
               "confidence": float(r["confidence"]), "idf_matched": float(r["idf_matched"]),
               "title_coverage": float(r["title_coverage"]),
               "relative_score": float(r["relative_score"]),
               "reciprocal_rank": float(r["reciprocal_rank"]),
               "type_match": float(r["type_match"])}
        for name in ("title", "question", "answer", "all"):
            row["bm25_" + name] = fields[name].bm25(qtok, doc)
        for name in ("title", "question", "answer"):
            row["cover_" + name] = fields[name].cover(qtok, doc)
        row["answer_len_log"] = math.log(1 + fields["answer"].len.get(doc, 0))
        row["source"] = source_code.get(doc.split("_")[0], 0)
        row["doc_aspect"] = ASPECT_CODE.get(asp, 0)
        row["aspect_match"] = 1.0 if asp in qasp else 0.0
        row["query_has_aspect"] = 1.0 if qasp - {"information"} else 0.0
        table[qid].append(row)
    for qid in table:
        table[qid].sort(key=lambda x: x["guru_rank"])
    return dict(table)


def label(grade):
    return max(min(grade - 1, 3), 0)


def matrix(table, qids, names, qrels):
    xs, ys, groups = [], [], []
    for qid in qids:
        cands = table.get(qid, [])
        if not cands:
            continue
        judged = qrels.get(qid, {})
        for c in cands:
            xs.append([c[n] for n in names])
            ys.append(label(judged.get(c["id"], 0)))
        groups.append(len(cands))
    return np.array(xs, dtype=float), np.array(ys, dtype=float), groups


def train(table, qids, names, qrels, seed, max_depth, rounds):
    x, y, groups = matrix(table, qids, names, qrels)
    dtrain = xgb.DMatrix(x, label=y)
    dtrain.set_group(groups)
    params = dict(PARAMS, max_depth=max_depth, seed=seed)
    return xgb.train(params, dtrain, num_boost_round=rounds)


def rerank(model, table, qids, names):
    out = {}
    for qid in qids:
        cands = table.get(qid, [])
        if not cands:
            out[qid] = []
            continue
        pred = model.predict(xgb.DMatrix(np.array([[c[n] for n in names] for c in cands])))
        order = sorted(range(len(cands)), key=lambda i: (-pred[i], cands[i]["guru_rank"]))
        out[qid] = [cands[i]["id"] for i in order]
    return out


def folds_of(qids, k, seed):
    shuffled = sorted(qids)
    random.Random(seed).shuffle(shuffled)
    return [shuffled[i::k] for i in range(k)]


def per_question(ranked, judged):
    has_rel = any(g >= score.RELEVANT_GRADE for g in judged.values())
    top = ranked[:CUTOFF]
    return {"judged": sum(1 for d in top if d in judged) / len(top) if top else None,
            "ndcg": score.ndcg(ranked, judged, CUTOFF),
            # Condensed list (Sakai): unjudged posts removed before cutting at 10.
            "cond": score.ndcg([d for d in ranked if d in judged], judged, CUTOFF),
            "rr": score.reciprocal_rank(ranked, judged, CUTOFF) if has_rel else None,
            "p1": (1.0 if ranked and judged.get(ranked[0], 0) >= score.RELEVANT_GRADE else 0.0)
            if has_rel else None}


def means(perq):
    agg = {}
    for m in ("ndcg", "rr", "p1", "judged", "cond"):
        vals = [v[m] for v in perq.values() if v[m] is not None]
        agg[m] = sum(vals) / len(vals) if vals else 0.0
    return agg


def choose(table, train_qids, names, qrels, seed):
    """Inner CV over the training questions only: the GRID point with the best nDCG@10."""
    best, best_score = None, -1.0
    for point in GRID:
        total, n = 0.0, 0
        for inner in folds_of(train_qids, INNER_FOLDS, seed + 1000):
            fit = [q for q in train_qids if q not in set(inner)]
            model = train(table, fit, names, qrels, seed, point["max_depth"], point["rounds"])
            for qid, ranked in rerank(model, table, inner, names).items():
                total += score.ndcg(ranked, qrels.get(qid, {}), CUTOFF)
                n += 1
        if total / n > best_score:
            best, best_score = point, total / n
    return best


def cross_validate(table, qids, names, qrels, seed, inner_cv):
    run, chosen = {}, []
    for test in folds_of(qids, FOLDS, seed):
        fit = [q for q in qids if q not in set(test)]
        if inner_cv:
            point = choose(table, fit, names, qrels, seed)
        else:
            point = {"max_depth": PARAMS["max_depth"], "rounds": ROUNDS}
        chosen.append(point)
        model = train(table, fit, names, qrels, seed, point["max_depth"], point["rounds"])
        run.update(rerank(model, table, test, names))
    return run, chosen


def randomisation_p(diffs, trials=20000, seed=7):
    rng = random.Random(seed)
    observed = abs(sum(diffs))
    hits = 0
    for _ in range(trials):
        if abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed - 1e-12:
            hits += 1
    return (hits + 1) / (trials + 1)


def fmt(values):
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", required=True, help="guru-features TSV (--limit 100)")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--inner-cv", action="store_true",
                        help="choose max_depth and rounds by inner CV per outer fold")
    parser.add_argument("--judgments", choices=["both", "completed", "official"],
                        default="both", help="which judgments to train and score on")
    parser.add_argument("--variants", choices=["both", "guru", "all"], default="both",
                        help="which feature sets")
    parser.add_argument("--report", help="write the Markdown tables here (default: stdout)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    started = time.time()
    table = build_table(args.features)
    qrel_sets = {
        "official + completed": score.read_qrels_files(
            [os.path.join(ROOT, OFFICIAL), os.path.join(ROOT, COMPLETED)]),
        "official": score.read_qrels_files([os.path.join(ROOT, OFFICIAL)]),
    }
    variants = {"LambdaMART, Guru's features": GURU_FEATURES,
                "LambdaMART, Guru's + BM25/field, coverage, aspect": GURU_FEATURES + EXTRA_FEATURES}
    if args.judgments != "both":
        qrel_sets = {k: v for k, v in qrel_sets.items()
                     if (k == "official") == (args.judgments == "official")}
    if args.variants != "both":
        variants = {k: v for k, v in variants.items() if ("BM25" in k) == (args.variants == "all")}
    lines = []
    emit = lines.append
    emit(f"Candidates: Guru's top 100 for each of the {len(table)} development questions "
         f"({sum(len(v) for v in table.values())} question-post pairs). "
         f"{FOLDS}-fold cross-validation by question, seeds {args.seeds}; "
         + ("hyperparameters chosen per outer fold by inner "
            f"{INNER_FOLDS}-fold CV over {GRID}" if args.inner_cv else
            f"hyperparameters fixed in advance: {PARAMS}, {ROUNDS} rounds") + ".")
    emit("")
    for qname, qrels in qrel_sets.items():
        qids = sorted(qrels, key=lambda q: int(q) if q.isdigit() else q)
        qids_cv = [q for q in qids if q in table]
        base_run = {q: [c["id"] for c in table.get(q, [])] for q in qids}
        base_pq = {q: per_question(base_run[q], qrels[q]) for q in qids}
        base = means(base_pq)
        n_rel = sum(1 for v in base_pq.values() if v["rr"] is not None)
        emit(f"### Judgments: {qname} ({len(qids)} questions judged, {n_rel} with a relevant "
             f"answer; trained and scored on these)")
        emit("")
        emit("| Ranking | nDCG@10 | MRR@10 | P@1 | nDCG@10 per question vs hand-set: "
             "wins / ties / losses | paired randomisation p (nDCG@10) | judged share of top 10 | nDCG@10, judged posts only |")
        emit("|---|---|---|---|---|---|---|---|")
        emit(f"| Hand-set (Guru's order) | {base['ndcg']:.4f} | {base['rr']:.4f} | "
             f"{base['p1']:.4f} | | | {base['judged']:.3f} | {base['cond']:.4f} |")
        for vname, names in variants.items():
            per_seed = {"ndcg": [], "rr": [], "p1": [], "judged": [], "cond": []}
            q_ndcg = collections.defaultdict(list)
            chosen_all = []
            for seed in seeds:
                run, chosen = cross_validate(table, qids_cv, names, qrels, seed, args.inner_cv)
                chosen_all += chosen
                pq = {q: per_question(run.get(q, []), qrels[q]) for q in qids}
                agg = means(pq)
                for m in per_seed:
                    per_seed[m].append(agg[m])
                for q in qids:
                    q_ndcg[q].append(pq[q]["ndcg"])
            diffs = [statistics.mean(q_ndcg[q]) - base_pq[q]["ndcg"] for q in qids]
            wins = sum(1 for d in diffs if d > 1e-9)
            losses = sum(1 for d in diffs if d < -1e-9)
            ties = len(diffs) - wins - losses
            p = randomisation_p(diffs)
            emit(f"| {vname} | {fmt(per_seed['ndcg'])} | {fmt(per_seed['rr'])} | "
                 f"{fmt(per_seed['p1'])} | {wins} / {ties} / {losses} | {p:.3f} | "
                 f"{statistics.mean(per_seed['judged']):.3f} | {fmt(per_seed['cond'])} |")
            if args.inner_cv:
                counts = collections.Counter(f"depth {c['max_depth']}, {c['rounds']} rounds"
                                             for c in chosen_all)
                emit(f"|  (inner CV chose: {dict(counts)}) | | | | | | | |")
        emit("")
    emit("Model figures are the mean ± sd over the seeds of the mean over held-out questions; "
         "wins/ties/losses compare each question's nDCG@10 (mean over seeds) with the "
         "hand-set ranking's. Judged share: the share of the top 10 that has a judgment "
         "(unjudged posts count as not relevant); the last column removes unjudged posts "
         "from each ranking before cutting at 10 (a check on the bias against a ranking "
         "that surfaces posts no pooled system found).")
    emit("")
    # Which features the model leans on (a model fitted on all questions; descriptive only,
    # no effectiveness figure comes from it).
    qrels = next(iter(qrel_sets.values()))
    names = GURU_FEATURES + EXTRA_FEATURES
    model = train(table, [q for q in qrels if q in table], names, qrels, seeds[0],
                  PARAMS["max_depth"], ROUNDS)
    gain = model.get_score(importance_type="total_gain")
    total = sum(gain.values()) or 1.0
    ranked = sorted(((gain.get(f"f{i}", 0.0) / total, n) for i, n in enumerate(names)),
                    reverse=True)
    emit("Feature share of total gain (all-features model fitted on every judged question, "
         "first judgments above; descriptive only): "
         + ", ".join(f"{n} {g:.2f}" for g, n in ranked if g > 0.005) + ".")
    emit("")
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model_name = re.search(r"Model name:\s*(.*)", cpu).group(1).strip()
    except Exception:  # noqa: BLE001
        model_name = platform.processor()
    emit(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {model_name}, "
         f"{os.cpu_count()} cores, Python {platform.python_version()}, xgboost "
         f"{xgb.__version__}; {time.time() - started:.0f} s.")
    text = "\n".join(lines) + "\n"
    if args.report:
        with open(args.report, "w") as f:
            f.write(text)
    print(text, end="")


if __name__ == "__main__":
    sys.exit(main())
