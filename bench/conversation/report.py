#!/usr/bin/env python3
"""Scores the conversation benchmark's runs per kind and writes its report.

  report.py --dev dev.jsonl --qrels QRELS --corpus CORPUS.jsonl.gz
            --run NAME=TREC ... [--latency NAME=LOG ...] [--machine TEXT]
            [--json] > docs/CONVERSATION.md

Run names: `context`, `alone`, `standalone`, `context5` (this build: (a) the
last turn with its context, (b) the last turn alone, (c) the standalone
rewrite, (d) the last turn with five context turns, its own and then those of
the conversations before it, as in a longer chat), and `base_context`,
`base_alone`, `base_standalone`, `base_context5` (the baseline build, same
four). Latency names: `context5` and `alone`, each one or more guru-query
stderr logs (comma-separated); the median of the passes' medians and p99s
is reported.

Metrics per kind: nDCG@10 and MRR@10 as bench/relevance/score.py computes them
(its functions are imported), and topic@1: the share of conversations whose
first result is about the conversation's focus at all (any question type),
which says whether the topic was carried, whatever the type.
"""
import argparse
import collections
import gzip
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "relevance"))
import score  # noqa: E402  bench/relevance/score.py

KINDS = ("follow_up", "drill_down", "topic_switch", "self_contained")
RUNS = ("context", "alone", "standalone", "context5", "base_context", "base_alone",
        "base_standalone", "base_context5")
LABELS = {
    "context": "(a) with context",
    "alone": "(b) last turn alone",
    "standalone": "(c) standalone rewrite",
    "context5": "(d) in a longer chat",
    "base_context": "baseline (a) with context",
    "base_alone": "baseline (b) last turn alone",
    "base_standalone": "baseline (c) standalone rewrite",
    "base_context5": "baseline (d) in a longer chat",
}
LATENCY_RE = re.compile(r"latency ms: median ([0-9.]+) p90 [0-9.]+ p99 ([0-9.]+)")


def pairs(values):
    out = {}
    for v in values or []:
        name, _, path = v.partition("=")
        out[name] = path
    return out


def per_query(qrels, run):
    """{qid: (ndcg, rr, topic_at_1)}."""
    out = {}
    for qid, judged in qrels.items():
        ranked = run.get(qid, [])
        out[qid] = (score.ndcg(ranked, judged), score.reciprocal_rank(ranked, judged),
                    1.0 if ranked and ranked[0] in judged else 0.0)
    return out


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def latency(paths):
    medians, p99s = [], []
    for path in paths.split(","):
        with open(path, encoding="utf-8", errors="replace") as f:
            m = LATENCY_RE.search(f.read())
        if m:
            medians.append(float(m.group(1)))
            p99s.append(float(m.group(2)))
    if not medians:
        return None
    return statistics.median(medians), statistics.median(p99s), len(medians)


def ratio(x, y):
    return f"{x / y:.2f}x" if y else "n/a"


def verdict(ok):
    return "met" if ok else "**not met**"


def write_tables(w, convs, table, lat, heading="##"):
    """The per-kind table of every run, then the issue's targets."""
    counts = collections.Counter(c["kind"] for c in convs)
    w("| run | kind | n | nDCG@10 | MRR@10 | topic@1 |")
    w("|---|---|---|---|---|---|")
    for kind in KINDS + ("all",):
        n = len(convs) if kind == "all" else counts[kind]
        if n == 0:
            continue  # A set may leave a kind out (blind9 has no self-contained turns).
        for name in RUNS:
            if (name, kind) in table:
                v = table[(name, kind)]
                w(f"| {LABELS[name]} | {kind} | {n} | {v[0]:.4f} | {v[1]:.4f} | {v[2]:.3f} |")
    w("")

    w(f"{heading} Against the issue's targets")
    w("")
    w("| target | measured | |")
    w("|---|---|---|")
    def at_least(kind, factor, other, label):
        """Rows for (a) >= factor x `other` run of `kind`, nDCG@10 and MRR@10."""
        if ("context", kind) not in table or (other, kind) not in table:
            return
        a, b = table[("context", kind)], table[(other, kind)]
        for i, metric in enumerate(("nDCG@10", "MRR@10")):
            w(f"| {kind}: (a) >= {factor:g}x {label}, {metric} | {a[i]:.4f} / {b[i]:.4f} = "
              f"{ratio(a[i], b[i])} | {verdict(a[i] >= factor * b[i])} |")

    for kind in ("follow_up", "drill_down"):
        at_least(kind, 0.85, "standalone", "(c)")
        at_least(kind, 2, "base_context", "baseline (a)")
    at_least("topic_switch", 0.95, "alone", "(b)")
    if ("context5", "all") in table and ("context", "all") in table:
        for kind in ("follow_up", "drill_down"):
            d, a = table[("context5", kind)][0], table[("context", kind)][0]
            w(f"| {kind}: (d) in a longer chat, nDCG@10 (not an issue target) | {d:.4f} / "
              f"{a:.4f} = {ratio(d, a)} of (a) | - |")
    if lat.get("context5") and lat.get("alone"):
        c5, al = lat["context5"], lat["alone"]
        w(f"| latency, 5 context turns <= 1.5x alone, median | {c5[0]:.2f} / {al[0]:.2f} ms = "
          f"{ratio(c5[0], al[0])} | {verdict(c5[0] <= 1.5 * al[0])} |")
        w(f"| latency, 5 context turns <= 1.5x alone, p99 | {c5[1]:.2f} / {al[1]:.2f} ms = "
          f"{ratio(c5[1], al[1])} | {verdict(c5[1] <= 1.5 * al[1])} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", required=True)
    parser.add_argument("--qrels", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--run", action="append", help="NAME=TREC file")
    parser.add_argument("--latency", action="append", help="NAME=LOG[,LOG...]")
    parser.add_argument("--machine", default="")
    parser.add_argument("--worst", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="the figures as JSON instead")
    parser.add_argument("--section", help="only the tables, as a section with this title"
                        " (for sets other than the development set)")
    args = parser.parse_args()

    with open(args.dev, encoding="utf-8") as f:
        convs = [json.loads(line) for line in f if line.strip()]
    with open(args.qrels) as f:
        qrels = score.read_qrels(f)
    runs, per = {}, {}
    for name, path in pairs(args.run).items():
        with open(path) as f:
            runs[name] = score.read_run(f)
        per[name] = per_query(qrels, runs[name])
    by_kind = collections.defaultdict(list)
    for c in convs:
        by_kind[c["kind"]].append(c["id"])
    table = {}  # (run, kind) -> (ndcg, mrr, topic)
    for name in runs:
        for kind in KINDS + ("all",):
            ids = [c["id"] for c in convs] if kind == "all" else by_kind[kind]
            vals = [per[name][q] for q in ids]
            table[(name, kind)] = tuple(mean([v[i] for v in vals]) for i in range(3))
    lat = {name: latency(paths) for name, paths in pairs(args.latency).items()}

    if args.json:
        print(json.dumps({
            "metrics": {f"{r}/{k}": {"ndcg_cut_10": v[0], "recip_rank": v[1], "topic_at_1": v[2]}
                        for (r, k), v in table.items()},
            "latency": {n: {"median_ms": v[0], "p99_ms": v[1], "passes": v[2]}
                        for n, v in lat.items() if v}}, indent=1))
        return 0

    if args.section:
        out = [f"## {args.section}", ""]
        counts = collections.Counter(c["kind"] for c in convs)
        out.append(f"`{args.dev}`: {len(convs)} conversations about "
                   f"{len({c['focus'].lower() for c in convs})} foci: "
                   + ", ".join(f"{counts[k]} {k}" for k in KINDS) + ".")
        out.append("")
        write_tables(out.append, convs, table, lat, heading="###")
        print("\n".join(out))
        return 0

    titles = {}
    opener = gzip.open if args.corpus.endswith(".gz") else open
    with opener(args.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            titles[p["id"]] = (p.get("title", ""), p.get("category", ""))

    out = []
    w = out.append
    w("# Conversations: follow-up turns with the topic in the context")
    w("")
    w(f"Generated by `bench/conversation.sh`; {args.machine}")
    w("")
    counts = collections.Counter(c["kind"] for c in convs)
    qtypes = collections.Counter(c["qtype"] for c in convs)
    w(f"Set: `bench/conversation/dev.jsonl`, {len(convs)} conversations about "
      f"{len({c['focus'].lower() for c in convs})} MedQuAD foci: "
      + ", ".join(f"{counts[k]} {k}" for k in KINDS) + ". Asked-for question types: "
      + ", ".join(f"{q} {n}" for q, n in sorted(qtypes.items(), key=lambda x: (-x[1], x[0]))) + ".")
    w("Corpus: medquad-liveqa (`data/medquad-liveqa/corpus.jsonl.gz`, 17,896 posts),"
      " indexed with `data/synonyms/lay-clinical.txt`.")
    w("Judgments (`bench/conversation/prepare.py`, from the corpus alone): a post whose title"
      " is the conversation's focus and whose category is the asked-for type is grade 3; the"
      " focus's other posts are grade 1, which `bench/relevance/score.py` (gain = grade - 1)"
      " judges but does not reward. nDCG@10 and MRR@10 as `score.py` computes them; **topic@1**:"
      " share of conversations whose first result is about the focus at all (any type).")
    w("")
    w("Each last turn is searched four ways: **(a)** with its context (`SearchRequest.context`,"
      " the earlier turns newest first), **(b)** alone, **(c)** as the standalone rewrite that"
      " names the topic (the ceiling a perfect rewrite would reach), **(d)** in a longer chat:"
      " with exactly five context turns, its own and then the turns of the conversations before"
      " it in the set, which talked about other subjects (the requests of the latency"
      " measurement below). (d) asks whether an earlier subject leaks into a later one; (a) is"
      " its ceiling. The baseline, when the run"
      " has one, is the build given as `BASELINE_BUILD_DIR` (for the issue's \"today's"
      " handling\": commit 474cbfa, before conversations were handled) serving an index built by"
      " its own indexer; the requests come from this build's `guru-query --batch`.")
    w("")
    write_tables(w, convs, table, lat)
    w("")
    if lat:
        w("## Latency")
        w("")
        w("The same last turns (all conversations) sent with exactly five context turns (their"
          " own, then the turns of the conversations before them in the file) and alone,"
          " through `guru-query --batch` over gRPC on loopback, 10 results; passes alternate"
          " after a warm-up pass, and the median of the passes' medians and p99s is shown."
          " The server remembers how it read each turn (`TurnMemo`), as it would in a real"
          " chat, where every turn is sent again with the next messages; since these requests"
          " slide over the conversations, one cold pass recalls about 82% of the turns it"
          " reads, and a turn never seen before costs a full reading.")
        w("")
        w("| requests | passes | median ms | p99 ms |")
        w("|---|---|---|---|")
        for name, label in (("context5", "last turn + 5 context turns"), ("alone", "last turn alone")):
            if lat.get(name):
                v = lat[name]
                w(f"| {label} | {v[2]} | {v[0]:.2f} | {v[1]:.2f} |")
        w("")

    if "context" in runs:
        w("## What ranked first with context")
        w("")
        w("The first result of (a), per kind: about the focus and of the asked-for type; about the"
          " focus, another type (the topic was carried, the type was missed); for topic switches,"
          " about the earlier topic (the context won over the new topic); another topic; nothing.")
        w("")
        w("| kind | right topic and type | right topic, other type | earlier topic | other topic | nothing |")
        w("|---|---|---|---|---|---|")
        for kind in KINDS:
            if not any(c["kind"] == kind for c in convs):
                continue
            n = collections.Counter()
            for c in convs:
                if c["kind"] != kind:
                    continue
                ranked = runs["context"].get(c["id"], [])
                if not ranked:
                    n["none"] += 1
                    continue
                title, category = titles.get(ranked[0], ("", ""))
                if title.lower() == c["focus"].lower():
                    n["type" if category.lower() == c["qtype"] else "topic"] += 1
                elif title.lower() == c.get("context_focus", "").lower():
                    n["old"] += 1
                else:
                    n["other"] += 1
            w(f"| {kind} | {n['type']} | {n['topic']} | {n['old'] if kind == 'topic_switch' else '-'}"
              f" | {n['other']} | {n['none']} |")
        w("")

    if "context" in per:
        w(f"## The {args.worst} worst follow-ups with context")
        w("")
        w("Lowest nDCG@10 for (a), ties by the standalone's (c) nDCG@10 (highest first: the"
          " rewrite finds them, the context did not); the first result's title and category.")
        w("")
        w("| id | turns (oldest first) | focus / type | (a) | (c) | first result with context |")
        w("|---|---|---|---|---|---|")
        fus = [c for c in convs if c["kind"] == "follow_up"]
        fus.sort(key=lambda c: (per["context"][c["id"]][0],
                                -per.get("standalone", per["context"])[c["id"]][0], c["id"]))
        for c in fus[:args.worst]:
            ranked = runs["context"].get(c["id"], [])
            first = titles.get(ranked[0], ("?", "?")) if ranked else ("(nothing)", "")
            turns = " / ".join(f"\"{t}\"" for t in c["turns"])
            cn = per.get("standalone", per["context"])[c["id"]][0]
            w(f"| {c['id']} | {turns} | {c['focus']} / {c['qtype']} | "
              f"{per['context'][c['id']][0]:.3f} | {cn:.3f} | {first[0]} / {first[1]} |")
        w("")
    w("## Reading these figures")
    w("")
    w("- (c) is a ceiling, and a high one: the rewrites name the focus as MedQuAD titles it and ask"
      " in words close to MedQuAD's own question forms (\"How is X treated?\"), which the"
      " question-type re-ranking recognises. The ratio (a)/(c) therefore measures both halves of"
      " a follow-up: carrying the topic from the context and recognising the asked-for type in"
      " lay words (\"can he pass it on to his kids?\", \"is anybody working on a cure\").")
    w("- Judgments follow titles exactly (case aside). The same condition is sometimes titled"
      " twice (\"Parkinson disease\" by GHR and GARD, \"Parkinson's Disease\" by MedlinePlus,"
      " NINDS and NIHSeniorHealth; likewise Alzheimer, Huntington, Crohn, Graves, Peyronie,"
      " Klinefelter): 25 conversations have such a twin, whose posts count as unjudged, the same"
      " for every run.")
    w("- Grade 1 (the focus, another type) earns no gain under `score.py`; topic@1 is there to show"
      " whether the topic itself was carried.")
    w("- The development set's phrasings were written for it and its misses were read while the"
      " rules were written, so its figures overstate. The sets below it are the fair measure:"
      " `holdout` and `blind2` were written by people who saw neither the code nor this set"
      " (`bench/conversation/HOLDOUT.md`, `BLIND2.md`). `holdout`'s misses were read after its"
      " first run, so it is a second development set now. `blind2` was run once blind on"
      " 2026-12-02 (nDCG@10 with context: follow-ups 0.478, drill-downs 0.525; the code of"
      " commit afb7f5c: 0.487 and 0.279); one setting (`kNewSubjectFraction`) was chosen after"
      " reading that run, so its figures overstate a little too. A check on phrasings nobody"
      " here has seen will land near `blind2`, not near the development set.")
    w("- (d) was first measured on 2026-12-03, when the earlier subjects of a longer chat were"
      " found to leak into its last turn: an earlier turn changed the subject only when it"
      " named one 1.5 times as strong, and a word as common as \"disease\" or \"syndrome\" made"
      " any two subjects look discussed together, so topics piled up (\"rabies alzheimer's"
      " disease fragile x — treatment\"). The code of commit b9a94fe, (d) nDCG@10 of follow-ups /"
      " drill-downs: 0.478 / 0.498 (development set), 0.357 / 0.408 (`holdout`), 0.263 / 0.333"
      " (`blind2`), 0.392 / 0.519 (`blind3`). The rules that fixed it (a subject of its own"
      " that posts do not discuss with the current one moves the conversation on, unless the"
      " turn opens on someone already spoken of; posts discuss two words together only above"
      " chance) were written on (d) of the development set and on the misses they caused in"
      " (a) of `blind2` and `blind3` (\"he's 5 and falls a lot\", \"I'm in shock\"), so those"
      " figures overstate. The same day `blind2`'s worst follow-ups showed spelling correction"
      " turning \"started meds last week\" into a turn about MDS; the question types' own"
      " words are no longer corrected. Later the same day two more leaks were closed, again"
      " written on misses of (d) and of (a) in `blind3`: a kind of the subject must be discussed"
      " with the words that name it, not with a generic word of its name (\"copd\" was a kind"
      " of \"alzheimer's disease\" for both being diseases), and a turn that tells of a"
      " diagnosis names the subject however it opens (\"she's been diagnosed with Rett\").")
    w("- Since 2026-12-05 a learned model reads which aspect a follow-up asks"
      " (`data/aspects/model.txt`, `bench/conversation/train_aspects.py`), trained on the last"
      " turns of the development set, `holdout`, `blind2`, `blind3` and `blind4`: their (a) and"
      " (d) figures are in-sample from then on. `blind5` and `blind6` were never trained on"
      " and their rows never read; they are the fair measure of what it generalises. Before"
      " it, nDCG@10 with context of follow-ups / drill-downs was 0.566 / 0.405 (`blind5`) and"
      " 0.559 / 0.597 (`blind6`), topic switches 0.789 and 0.858.")
    w("- Also since 2026-12-05 a page for the people a message names is lifted (\"and in"
      " kids?\" finds \"Juvenile Huntington disease\"; `population_boost`, 0.5, the same as the"
      " question-type boost). Drill-downs with context before it: 0.424 (`blind5`), 0.636"
      " (`blind6`), 0.700 (`blind2`), 0.811 (`blind3`), 0.639 (`blind4`), 0.711 (`holdout`)."
      " Four boosts (0.3, 0.5, 0.75, 1) were compared on every set, `blind5` and `blind6` in"
      " aggregate; 0.5 was kept as the question-type boost's equal, not the best of them on"
      " those sets (0.75 and 1 gave the same there). The judgments follow MedQuAD's foci, so"
      " a page for the people asked about that is another focus (\"Depression - older"
      " adults\" for \"depression in older people\") counts as wrong.")
    w("- Two more sets were written blind on 2026-12-05 (`BLIND7.md`, `BLIND8.md`), in voices"
      " the others lack: `blind7` texted on a phone, often by people whose first language is"
      " not English (\"wat medicin she shud take pls\"); `blind8` long, rambling messages of"
      " older people and carers. Both were first run on the code of commit 2cfd420: (a)"
      " nDCG@10 of follow-ups / drill-downs / topic switches 0.522 / 0.463 / 0.636 (`blind7`),"
      " 0.540 / 0.552 / 0.722 (`blind8`). `blind7`'s misses were then read, so it is a"
      " development set: texted function words (\"cant\" found Cant syndrome, \"pls\""
      " Primary Lateral Sclerosis) are now stopwords or courtesy words, and the vocabulary"
      " lists abbreviations the stemmer took for plurals by their letters (\"EDS\" had"
      " found Erectile Dysfunction, as ED's plural). `blind8`'s rows were never read; it"
      " is, with `blind5` and `blind6`, the fair measure, and it did not move. A third set,"
      " `blind9` (`BLIND9.md`), was written in `blind8`'s voice to be read instead of it:"
      " long first turns that list the conditions a person lives with before the one a"
      " doctor named. Rules written on its misses (the topic words after a naming cue such as"
      " \"the cardiologist said\") raised its follow-ups from 0.571 to 0.612 and left `blind8`"
      " where it was, so they were not kept (`BLIND9.md` lists them).")
    w("- Later on 2026-12-05, for drill-downs, which `holdout` and `blind2` still miss: a"
      " topic keeps apart the subjects its turns joined (\"high blood pressure\", then"
      " \"kidneys\"), and a post whose title names a share s of them has its score"
      " multiplied by 1 + 0.25 s (`topic_parts_boost`), so \"High Blood Pressure and Kidney"
      " Disease\" comes before \"High Blood Pressure\"; and a child's age in an earlier turn"
      " (\"my 4 year old snores\", now also \"he's 6\", \"who is 11\") makes the follow-up"
      " ask for children's pages, as the same words in the message did. (a) nDCG@10 of"
      " follow-ups / drill-downs before them: 0.915 / 0.711 (`holdout`), 0.859 / 0.740"
      " (`blind2`), 0.893 / 0.864 (`blind3`), 0.822 / 0.689 (`blind4`), 0.665 / 0.472"
      " (`blind5`), 0.678 / 0.648 (`blind6`), 0.537 / 0.477 (`blind7`), 0.540 / 0.552"
      " (`blind8`), 0.571 / 0.293 (`blind9`), 0.929 / 0.879 (development set). Boosts of 0.25,"
      " 0.5 and 1 were compared on every set (`blind5`, `blind6` and `blind8` in aggregate);"
      " 0.5 and 1 cost `blind3`'s drill-downs 0.02, so 0.25 was chosen on these figures,"
      " `blind5`, `blind6` and `blind8` included: they are not blind to it. Not kept: the population words of earlier"
      " turns, which are as often someone's offspring (\"we want kids\", \"I never had"
      " children\") and lifted \"Juvenile Huntington disease\" over \"Huntington disease\""
      " (`blind2` and `blind4` follow-ups -0.004 and -0.008); leaving out of the parts a"
      " subject that only names people (\"kids\"), or a weak detail of the subject, each of"
      " which moved a few conversations both ways. `blind4`'s follow-ups fell by 0.003 (one"
      " conversation: \"womb cancer\", then \"I never had children\", now finds \"Uterine"
      " Cancer\" before \"Endometrial Cancer\"), which puts them just under 0.85x of the"
      " rewrites.")
    w("- 2026-12-05, from the misses of `holdout`, `blind4` and `blind7` (read), three ways a"
      " turn's subject was misread: (1) a message whose subject only names people (\"does"
      " the childhood type run in families?\" after arthritis) was its own topic, since"
      " many titles start with \"childhood\"; it is now always a kind of the conversation's."
      " (2) \"type\", \"form\" or \"kind\" without a designation (\"type 2\", \"the B"
      " type\") named a subject of its own (\"the type babies get\" found \"Brachydactyly type"
      " B\"). (3) A word titled only inside a longer name the turn does not say replaced the"
      " subject: \"he's stable on the ward now\" found Romano-Ward syndrome instead of the"
      " stroke of the turn before, \"my calves hurt\" Legg-Calv-Perthes disease (so spelt in MedQuAD); such a word"
      " is in exactly the titles of another word of the name. (a)"
      " nDCG@10 of follow-ups / drill-downs before them: 0.920 / 0.757 (`holdout`), 0.859 /"
      " 0.763 (`blind2`), 0.898 / 0.863 (`blind3`), 0.819 / 0.689 (`blind4`), 0.665 / 0.472"
      " (`blind5`), 0.678 / 0.660 (`blind6`), 0.537 / 0.465 (`blind7`), 0.542 / 0.560"
      " (`blind8`), 0.573 / 0.309 (`blind9`), 0.928 / 0.879 (development set); no set lost on"
      " either, and topic switches did not move. The one conversation that lost: \"I'm 38 and"
      " pregnant, worried about down's syndrome\" / \"what tests can be done during"
      " pregnancy\" now ranks a glucose test in pregnancy above Down syndrome's tests."
      " `blind5`, `blind6` and `blind8` were run, in aggregate, after each step. Not kept,"
      " both for the same losses (`blind7` follow-ups -0.013, `blind9` -0.007): reporting"
      " verbs (\"says\", \"told\") as courtesy words, and (3) widened to a word each of"
      " whose titles has a word no title has without it (the \"say\" of"
      " Say-Barber-Biesecker-Young-Simpson and Say-Field-Coldwell syndromes). Dropping"
      " \"say\" from \"test say G6PD def\" makes the turn join \"baby turn yellow\" instead"
      " of replacing it, as the stronger \"say\" did by accident. A review then found four"
      " wrong readings, now mended, each with a test: a subject that only names people"
      " joins only when a title names the subject for them (\"what about childhood\" after"
      " gout asks about childhood); a name's designation is no word of it (the \"b\" of"
      " \"Brachydactyly type B\" had hidden \"brachydactyly\"); after \"type\", \"a\" is an"
      " article and \"I\" before a verb a pronoun; courtesy words are not spelling-corrected"
      " (\"maam\" had become \"maat\"). The development set's follow-ups gained 0.002 from"
      " them, no set lost. Limiting the name-part rule to dictionary words, so that"
      " \"perthes\" alone still names Legg-Calv-Perthes disease, lost `blind7` follow-ups"
      " 0.013 and `blind8` drill-downs 0.013 (\"calcitonin\" then named its subject, and a"
      " message naming only \"calcitonin\" is refused: its page, \"Calcitonin Salmon Nasal"
      " Spray\", has a title the message covers a quarter of), so it was not kept.")
    w(
      "- Later on 2026-12-05, tried and not kept: the topic from retrieval. The first result of a"
      " search for the earlier turns joined is on the focus about as often as the first result"
      " with context (follow-ups: 0.786 against 0.762 on `blind5`, 0.725 / 0.675 `blind6`, 0.600"
      " / 0.525 `blind8`, 0.851 / 0.928 the development set), and the two are right on different"
      " conversations (one right and the other wrong, each way, on 9% to 24% of the follow-ups"
      " of the three fair sets), so combined they could do better than either. Lifting the posts"
      " titled as that first result (score x1.3) in the ranked 100 raised follow-ups by 0.018"
      " (`blind5`), 0.033 (`blind6`) and 0.025 (`blind8`), and lost 0.007 on `holdout`;"
      " drill-downs lost on every set, since the first result names the broader subject. But the"
      " search for the joined turns is a long message and costs more than the request it would"
      " serve (2.7 s against 2.1 s for the 455 requests of the three fair sets, one stream),"
      " which the latency target does not leave room for, and searching only the titles found"
      " the focus half as often. The figures are aggregate, from `guru-query` runs over the"
      " sets' request files.")
    w(
      "- 2026-12-06, for drill-downs: a message whose own subject is a whole title was always a"
      " new question, searched alone, even when it points back before naming it (\"and how do"
      " you fix it, just iron tablets?\" after \"what causes anemia\"). It is now a kind of the"
      " conversation's subject when some title names the two together (\"Iron deficiency"
      " anemia\"). The development set's drill-downs went from 0.879 to 0.888 (that one"
      " conversation, 0 -> 0.43); no other conversation of any set moved, in (a) or (d)."
      " A first version also counted a demonstrative after the subject (\"mine is from kidney"
      " disease apparently, why does that happen?\", a `blind2` miss, read): `blind2`"
      " drill-downs 0.766 -> 0.806, topic switches `blind5` 0.803 -> 0.818 and `blind8` 0.722"
      " -> 0.749. A reviewer showed that a demonstrative after the subject is as often the"
      " subject itself or a relative \"that\" (\"what causes kidney disease? my dad has that\","
      " \"is kidney disease something that runs in families?\"); limited to one after a"
      " question's auxiliary (\"why does that happen\") it kept the `blind2` gain, lost the"
      " `blind5` and `blind8` ones and still lost a `blind8` topic switch (1 -> 0.63; aggregate"
      " 0.722 -> 0.707): the gains on the fair sets had come from misreadings, so only the"
      " pointer before the subject was kept. Also not kept: a `topic_parts_boost` of 0.5 or 1"
      " (again: `holdout` drill-downs +0.001 and +0.007, `blind3` -0.022); children and"
      " newborns as two populations, so that \"the kind kids get\" does not lift neonatal"
      " diabetes (one `blind8` drill-down moved); \"ladies\" as a word for women (nothing"
      " moved); \"meds\" as a vocabulary abbreviation (it still matches the five posts on MED,"
      " multiple epiphyseal dysplasia, by its stem). Vocabulary version 9 (`blind4`'s"
      " \"could a baby have a urine infection\", read): \"urine infection\", \"water"
      " infection\" and \"bladder infection\" name a UTI; drill-downs `blind6` 0.664 -> 0.691"
      " and `blind8` 0.573 -> 0.589 (one conversation each), `blind3` follow-ups 0.898 ->"
      " 0.904, `blind4` drill-downs 0.689 -> 0.696, no conversation lost. Not kept: 149 more"
      " groups and 65 extensions written by a helper blind to the sets, which moved"
      " conversations both ways on every set (`blind8`: 1 better, 12 worse; drill-downs 0.589"
      " -> 0.520). Version 10 keeps ten of them, those whose conversations (each changed"
      " conversation counted for the groups whose words it holds) gained and none lost:"
      " \"nits\", \"glucophage\", \"blood pressure tablets\", \"dry eyes\", \"cataract"
      " operation\", \"low iron\", \"b12\", \"change of life\", \"gall stones\", \"weak"
      " bladder\". Chosen on these sets, the fair ones' sums included, so their figures for"
      " it are in-sample: follow-ups `blind4` 0.831 -> 0.843, `blind5` 0.665 -> 0.677,"
      " `blind6` 0.697 -> 0.717, `blind8` 0.550 -> 0.563; drill-downs `blind6` 0.691 ->"
      " 0.697, `blind9` 0.309 -> 0.359, `blind7` 0.496 -> 0.491; topic switches `holdout`"
      " 0.732 -> 0.752, `blind7` 0.636 -> 0.653.")
    w(
      "- Later on 2026-12-06, four rules, each measured alone per conversation on all ten"
      " sets ((a) and (d); `blind5`, `blind6`, `blind8` in aggregate only), each with a test"
      " that fails without it, then narrowed after a review. (1) What an earlier turn adds in"
      " passing is beside the subject: a clause with \"also\" (not opening the turn), or"
      " ending in \"too\" or \"as well\" (not \"hasn't been as well\"), that does not"
      " ask (\"she is 78, also diabetic\", \"I also have hypothyroidism\") names no topic"
      " when the turn names another, and a turn whose only subject is in one leaves the"
      " subject as it was. First measured: `blind9` 11 up / 1 down, `blind8` 5 up / 0,"
      " `blind4` 1 up, `blind7` 3 / 3 (two losses had been right by accident: \"cold"
      " children\" and \"type medicine\" as topics). (2) Words that report (\"says\","
      " \"told\", \"mentioned\") name no topic (the chatbot was shown \"searching for:"
      " says high blood pressure\"); unlike the courtesy-word version tried on 2026-12-05"
      " they are still searched. `blind7` 2 up / 1 down (the G6PD conversation above), (d)"
      " development 1 down (1.00 -> 0.92). (3) A message naming the conversation's subject"
      " again (\"what would make someone anaemic, I eat ok\" after \"I'm anaemic\") follows"
      " up on it, with its own aspect, instead of being searched alone: self-contained messages"
      " with context, development 0.911 -> 0.938, `holdout` 0.820 -> 0.869, `blind8` 0.897 ->"
      " 0.935 (alone: 0.911, 0.797, 0.816). (4) A message that points at something said and"
      " names a subject posts only describe does not take over from one they answer questions"
      " about (\"am I more likely to have it because both my parents do?\" after high blood"
      " pressure): 1 up on `holdout` and `blind2`, 2 on `blind4`, 4 on `blind5`. A reviewer"
      " (a helper running servers of this build and of the one before the four rules) then"
      " showed misreadings the sets do not hold, mended in 79e29ee: without the pointer"
      " condition, (4) turned \"what are the warning signs of suicide?\" and \"what are the"
      " symptoms of sepsis?\" after \"my son has asthma\" into follow-ups on asthma;"
      " \"also\" opening a turn opens a new subject; a dash or line break ends a clause;"
      " in the message what is said in passing is what it asks about (\"she also has a heart"
      " murmur, is that linked?\"); a subject named again no longer carries the earlier"
      " turn's aspect (\"what is lupus?\" after its symptoms) or people; a title naming"
      " both no longer lets a turn said in passing join (\"Diabetes, Heart Disease, and"
      " Stroke\" put diabetes first after \"she is 78, also diabetic\"). The mends cost"
      " 1 `blind4`, 1 `blind5`, 1 `blind7` and 2 `blind8` conversations and gained 1 on the"
      " development set. Together, (a) nDCG@10 follow-ups / drill-downs from the session's"
      " start: development 0.933 / 0.888 -> 0.939 / 0.888, `holdout` 0.920 / 0.787 -> 0.938 /"
      " 0.787, `blind2` 0.860 -> 0.871 follow-ups, `blind3` 0.919 -> 0.914 drill-downs,"
      " `blind4` 0.843 / 0.696 -> 0.847 / 0.738, `blind5` 0.677 / 0.527 -> 0.681 / 0.577,"
      " `blind6` unmoved, `blind7` 0.564 / 0.491 -> 0.548 / 0.483, `blind8` 0.563 / 0.589 ->"
      " 0.571 / 0.581, `blind9` 0.596 / 0.359 -> 0.623 / 0.397; self-contained `blind8` 0.897"
      " -> 0.935; topic switches `blind8` 0.722 -> 0.779, `blind9` 0.800 -> 0.900, `blind7`"
      " 0.653 -> 0.633. Tried and not kept: (i) the subject of a turn naming several chosen by"
      " the turn's own search (the subject whose word titles most of the first ten posts the"
      " whole turn finds): `blind9` 17 up / 7 down, `blind8` 12 up / 19 down, and short turns"
      " lost (\"my uncle never smoked but he has lung cancer\" chose smoking); limited to"
      " turns of 25 or 40 words it still lost `blind8` follow-ups 0.563 -> 0.494-0.508. (ii)"
      " A subject told as a diagnosis held against later turns that neither ask nor tell one:"
      " no change with context, and in (d) 14 development conversations lost, since the next"
      " conversation's opening (\"my husband has parkinsons\") could no longer move the"
      " subject on. (iii) The turns' rare words (NamedByPosts) in place of a topic weaker than"
      " a fifth of the strongest possible: nothing moved (common subjects, \"heart"
      " disease\", are as weak as wrong ones, \"morning\"). (iv) Again, simulated with"
      " `guru-query` runs: where the rules' topic is in none of the first three titles a"
      " search for the turns joined finds, the first of those titles with the last turn,"
      " searched alone: lower on every set but `blind8`, `blind9` and `blind7`'s"
      " drill-downs. (v) The describing-page rule for messages that point back before naming"
      " (RefersBack) rather than anywhere: lost 3 `blind2`/`blind4` and 3 `blind5`"
      " conversations.")
    w("- Later on 2026-12-06, the learned aspect guess was trained on more voices. Seven"
      " helpers, each alone and blind to the code and the sets, wrote 1,830 follow-ups for"
      " training (`bench/conversation/aspects-train/`, its README says who and how): parents"
      " texting, older carers in British English, terse young Americans, English as a second"
      " language, informed patients, a mixed voice, and follow-ups about a medicine (use,"
      " side effects, missed dose, overdose, precautions, storage). Out of fold (leave one"
      " set or file out) the guess's accuracy on the conversation sets' last turns rose:"
      " development 0.885 -> 0.939, `holdout` 0.789 -> 0.877, `blind2` 0.795 -> 0.864,"
      " `blind3` 0.894 -> 0.954, `blind4` 0.806 -> 0.903; and on the sets never trained on"
      " (`blind5` to `blind9`, in aggregate), its best class is the relevant posts' type for"
      " 451 instead of 427 of 534 follow-ups and drill-downs. Its probabilities fell where"
      " the sets' habits had made them ('and in children?' 0.51 -> 0.28), and the guess is"
      " now taken from 0.5 rather than 0.6: 0.5 was better on the development sets (pooled"
      " follow-ups and drill-downs with context 0.875 at 0.6, 0.883 at 0.5; the fair sets,"
      " measured too, 0.619 and 0.626). Against the model before, pooled over `blind5` to"
      " `blind9`, follow-ups and drill-downs with context 0.610 -> 0.626 (23 conversations up,"
      " 10 down), with five context turns 0.506 -> 0.518; `blind5` follow-ups 0.681 -> 0.712,"
      " `blind9` 0.623 -> 0.675, `blind8` 0.571 -> 0.596 (drill-downs 0.581 -> 0.529, 3"
      " down), `blind6` 0.717 -> 0.713; `blind8`'s topic switches 0.779 -> 0.760 (1 up, 1"
      " down) and self-contained messages 0.935 -> 0.868 (1 down), messages read as"
      " follow-ups whose guessed aspect changed. The development sets, in-sample before and after but"
      " now a third of the training data, lost a little: pooled 0.889 -> 0.883 with context"
      " (7 conversations down, none up); `blind3` is unmoved. A reviewer (a helper running"
      " servers of the model before and after side by side on 158 two-turn conversations of"
      " its own) found 1 of its first 80 read differently (better); sought out with a copy of"
      " the classifier, 37 of 78 more differed, 16 better and 19 worse: an infection caught"
      " from someone (\"can my wife catch it from me\" after hepatitis B) read as"
      " inheritance at 0.56-0.67, bringing in pages on unrelated inherited diseases; a worry"
      " told rather than asked (\"he keeps asking me if he will be ok\") as symptoms;"
      " \"will I be able to breastfeed\" as outlook; six of the 19 only from the 0.5"
      " threshold. Tried and not kept: 200 more written follow-ups of those kinds (catching an"
      " infection, everyday life, worries, how long to take a medicine, chat) mended most of"
      " them but lowered the fair sets' pooled figure 0.626 -> 0.619 (`blind9` lost a"
      " missed dose and a question about tests) and a development self-contained message:"
      " whether \"can my kids get it\" asks about genes or catching it depends on the"
      " subject, which the guess does not see; the pages the subject has (an inheritance"
      " page or none) would tell."
      " A guessed aspect is now taken only where a post on the topic (titled by"
      " all its words) answers it, or where the index cannot tell (no post so titled asks"
      " anything recognised): \"can my wife catch it from me?\" after hepatitis B or"
      " tuberculosis is prevention again, \"can he still go to school\" after measles and"
      " \"will I be able to breastfeed\" after a medicine ask nothing; 5 of the"
      " reviewer's 19. On the sets: `blind5` 1 follow-up down, `blind2` 1 self-contained"
      " message (\"can rickets cause lasting problems ...\" after \"rickets from low"
      " vitamin D\": a page titled by all three words, \"Vitamin D-dependent rickets\","
      " answers no complications), nothing else moved. Two narrower variants lost more and"
      " kept the hepatitis B misreading: posts titled by the topic's words and no others"
      " (5 conversations down, 1 up), or also by its strongest word (23 down, 2 up).")
    w("- Later on 2026-12-06, in a longer chat (d), where each conversation's opening turn"
      " followed another conversation's: an earlier subject piled up under the next one"
      " when the next one's name was common words (\"what are the signs of heart disease\""
      " after kidney stones in children; \"I get hives whenever I touch cold water,"
      " apparently it's called cold urticaria\" after achalasia), and the follow-up then"
      " searched for both. An earlier turn now replaces the subject when it asks about what"
      " a post's title names and points at nothing said before (64cea9f), or when it tells"
      " of a title's whole name of several words, as said, that posts do not discuss with"
      " the subject, and speaks of no he or she, someone the story already has (\"she's"
      " super sociable but has a heart murmur\" after williams syndrome). (d) nDCG@10 over"
      " both: development 0.8004 -> 0.8301, `holdout` 0.7181 -> 0.7332, `blind2` 0.7722 ->"
      " 0.7775, `blind3` +0.007, `blind4` +0.007, `blind5` +0.014, `blind8` +0.007, the"
      " others unmoved; (a) unmoved in every set. The telling rule's first version (2cb3496)"
      " took any topic of several words; a reviewer (a helper probing 253 chats of its own,"
      " `bench/conversation/PROBES.md`) found it worse than before in 15 of them and better"
      " in 2: symptom words that titles use apart (\"pain in the toe every morning\" after"
      " gout read as \"pain\" and \"morning\") replaced the condition. It had also gained"
      " more in (d) (development 0.8333, up to +0.031 on other sets), partly from such"
      " readings, and cost `blind5` 0.004 in (a); the final version differs from before in"
      " one of the 253 chats, better. Without the he/she condition (a) fell on five sets"
      " (0.002 to 0.007). Tried and not kept: the same for a name of one word (\"I have"
      " psoriasis\" after asthma), which gained (d) on seven sets but took \"shock\" from"
      " \"I'm in shock\" after biliary atresia (`blind2` -0.003 and `blind8` -0.006 with"
      " context); keeping only the two newest subjects a topic joined ((a) fell on six"
      " sets, up to 0.029); filtering a follow-up to posts with the topic's naming words"
      " only (12% less CPU in a longer chat, but \"colon cancer\" lost the posts that say"
      " \"colorectal cancer\"). Five-turn searches still cost more than the message alone"
      " for three reasons a profile of every third development follow-up shows (callgrind,"
      " 11.6 M instructions a search with five turns, 6.0 M alone): the message alone often"
      " finds fewer than ten posts (5.7 on average), so it decodes and reads passages for"
      " fewer; a topic that piled up anyway (\"blood clot in her lung\", then \"peripheral"
      " artery disease\", both discussed in posts with the heart's valves) is a longer"
      " query; and reading the turns and the topic costs 1.0 M instructions (0.1 M alone).")
    w("- Later on 2026-12-06, spelling (`docs/RELEVANCE.md`): a word split in two with only"
      " spaces between is read as the one word posts write (\"gall bladder\", \"chicken"
      " pox\", \"hanta virus\"), in the message and in every earlier turn: three"
      " conversations gained (`blind4` follow-ups 0.847 -> 0.851, `blind7` follow-ups 0.565"
      " -> 0.569 and topic switches 0.633 -> 0.650), none lost. A correction no longer"
      " changes a short word's first letter (\"eliquis\" is not \"liquid\", \"keppra\" not"
      " \"septra\") unless the word lost a silent first letter or starts with one that sounds"
      " alike: no nDCG@10 moved. Tried and not kept the same day, on all ten sets: an"
      " earlier turn's rare words at a fifth or less of a topic word's weight (no gain, a"
      " wrong topic's posts are all an all-aspect follow-up searches); a single word no"
      " title is (\"morning\", \"crying\") replacing the subject only when at least as"
      " strong ((a) +0.006 to +0.034 on three sets, (d) -0.02 to -0.06 on five: a new"
      " conversation's opening is often such a word); the subject named by the first"
      " result of a search for the turn (symptom words find symptom pages, not the"
      " condition: 1 of 8 openers); and every word of a title's whole name naming its"
      " subject (one `blind4` drill-down 0.32 -> 1.00, one `blind5` drill-down lost).")
    w("- Later on 2026-12-06 (from commit 6659cd5), what a turn names and asks. (1) A word"
      " that one page's whole title is (\"Biopsy\", \"Seizures\", \"Surgery\": MedlinePlus"
      " pages of one post) named a subject as strongly as its IDF, though hundreds of posts"
      " mention it in passing: \"the biopsy confirmed womb cancer\" piled \"biopsy\" onto"
      " the subject, \"heart failure because his ankles are swollen\" searched \"swollen\""
      " alone, and \"people whose seizures don't respond to the meds\" after epilepsy was a"
      " new subject. Such a word now names one in proportion to its title share below 3%"
      " (9e4f499). (a) nDCG@10 follow-ups / drill-downs: `blind5` 0.709 / 0.602 -> 0.710 /"
      " 0.643, `blind6` 0.713 / 0.681 -> 0.716 / 0.714, `blind8` 0.596 / 0.529 -> 0.615 /"
      " 0.563, `blind7` 0.569 / 0.483 -> 0.577 / 0.516, `blind4` follow-ups 0.851 -> 0.861,"
      " development 0.936 / 0.872 -> 0.942 / 0.893; `blind9` follow-ups 0.675 -> 0.670. A"
      " reviewer (a helper, blind to which server was which, 172 conversations of its own,"
      " `bench/conversation/REVIEW-2026-12-06-titles.md`) found it a wash: 150 identical,"
      " 8 better (a condition with a symptom word: \"gout, my big toe is swollen\" no"
      " longer brings Swollen lymph nodes), 9 worse, where the symptom or test was the"
      " subject and a word for the person or a body part took it (\"my toddler is"
      " constipated\" searched \"toddler\", \"a biopsy on my breast lump\" \"breast\")."
      " Tried and not kept: people's words naming a telling turn's subject only when"
      " nothing else does mended four of those nine, but lost three conversations of the"
      " fair sets (`blind6` drill-downs -0.027) for three gained on read ones; zero"
      " strength instead of a proportion (\"my baby has jaundice\" lost its subject). (2) A"
      " possessive pronoun points back (\"mine is from kidney disease\" after \"what"
      " causes anemia\": `blind2` drill-downs 0.751 -> 0.776), and \"mine\", \"your\","
      " \"us\" and the like are stopwords. (3) \"passed\" alone no longer asks about"
      " inheritance (\"my 8 year old just passed one\" after kidney stones: `holdout`"
      " drill-downs 0.766 -> 0.787), and \"diagnosed with\" tells rather than asks how a"
      " thing is diagnosed. Also tried and not kept: negated words naming no topic (\"my"
      " uncle never smoked but he has lung cancer\"; `blind5` +0.012 but `blind6` lost a"
      " follow-up and a topic switch), and a follow-up's topic words weighed by their IDF"
      " against the topic's rarest (gains on `blind6`, `blind8`, `blind9`, losses on"
      " `blind5`, `holdout`, the development set).")
    w("- Later on 2026-12-06, drill-downs to people (5146a0a, 2fee831). A message naming only"
      " people (\"and in toddlers?\", \"what about in pregnancy?\") joined the subject only"
      " when a title names the subject for them; without one, and asking nothing of its own,"
      " it now asks about the subject for them (\"eczema toddlers\", not Toddler Health); a"
      " message that asks something (\"what screening does a newborn get?\" after diabetes)"
      " still needs such a title. No ranking of the ten sets moved. Then a topic's word for"
      " people weighs half the subject's words, and the population re-ranking no longer"
      " counts an aspect's word as what a title names for them (\"Treatment for childhood"
      " cancer\"): \"and in children?\" after depression had listed pages on childhood"
      " cancer and nephrotic syndrome first. (a) 12 conversations up and 2 down on the ten"
      " sets; drill-downs `blind2` 0.776 -> 0.816, `blind5` 0.643 -> 0.661, `blind6` 0.714"
      " -> 0.718, `blind7` 0.516 -> 0.528, `holdout` 0.787 -> 0.776, `blind8` 0.563 ->"
      " 0.560. A second blind review (`bench/conversation/REVIEW-2026-12-06-people.md`, 214"
      " conversations of a helper's own, the builds before 9e4f499 and after 2fee831) found"
      " these better on drill-downs to people (15 to 2) and worse where a symptom said with a"
      " person is the subject (\"my toddler is constipated\" keeps \"toddler\"; 7 to 2),"
      " the same elsewhere.")
    w("- 2026-12-07, a longer chat's subjects (451a58d). In (d), 101 of the development"
      " set's 312 requests read another topic than with their own turns alone, mostly an"
      " earlier conversation's subject joined to the newest (\"copd diabetes\" for \"what"
      " are the signs?\" after \"my doctor thinks I might have diabetis\"): a condition"
      " that posts discuss with the subject, about as strong, was taken as a kind of it."
      " Once a turn has asked about the subject, a condition told after it is now a kind of"
      " it only when a title names one of its new words with the subject (\"frontotemporal"
      " dementia\"), and a turn opening with \"I\" may start another story (\"I've got"
      " shingles on my back\" after questions about mum's COPD); before any question, the"
      " story is still being told and both stay as they were (\"the doctor thinks it could"
      " be asthma\" after wheezing; \"I'm in shock\"). The conversation also keeps whom"
      " the turn that set the subject told it of and the subject it replaced: a message"
      " asking about someone by a pronoun (\"can he still do sports?\" after \"my son has"
      " asthma\" and \"I've got eczema\") goes back to that subject when it was told of"
      " this person and the newest of someone else, and no turn since spoke of such a"
      " person. Then (a later commit the same day) the kind's title must name the new word"
      " with the subject's strongest stem, not with any stem that names it: \"Kidney"
      " cancer\" had made a kidney stone a kind of lung cancer, \"Pulmonary hypertension\""
      " hypertension. (a) is unchanged on every set but one `blind8` drill-down (0.560 ->"
      " 0.594). (d) follow-ups / drill-downs: development 0.780 / 0.891 -> 0.908 / 0.893,"
      " `holdout` 0.736 / 0.673 -> 0.881 / 0.688, `blind2` 0.738 -> 0.826, `blind3` 0.831 /"
      " 0.851 -> 0.869 / 0.882, `blind4` 0.745 / 0.658 -> 0.821 / 0.682, `blind5` 0.619 /"
      " 0.548 -> 0.686 / 0.566, `blind6` 0.604 / 0.551 -> 0.649 / 0.626, `blind7` 0.507 ->"
      " 0.537, `blind8` 0.510 / 0.511 -> 0.531 / 0.570, `blind9` 0.490 / 0.423 -> 0.604 /"
      " 0.433 (155 conversations up, 17 down). Shorter topics are shorter"
      " searches: the five-turn latency fell from 1.56x to 1.43x-1.45x the message alone"
      " (median; p99 1.98x -> 1.64x-1.70x). Tried and not kept: a title naming both for"
      " every kind, question or not ((a) fell on every set: wheezing then asthma, a PSA then"
      " prostate cancer join without one); \"I\" never going on with the story (lost \"I"
      " barely even drink\" after gout); a first-person turn that points anywhere going on"
      " with it (\"I'm depressed about it\"; lost `blind9` narratives whose \"this year\""
      " points at nothing). A reviewer (a helper blind to the code and the sets, 218 chats"
      " of its own, `bench/conversation/REVIEW-2026-12-07-longer-chats.md`) found the first"
      " two rules better in 25 and worse in none of the 151 it wrote first; of 67 it wrote"
      " afterwards to find losses, 14 were worse, half of them a pronoun for the earlier"
      " person, which the third rule then mended. A second reviewer"
      " (`bench/conversation/REVIEW-2026-12-07-pronouns.md`, 158 chats of its own) found"
      " the pronoun rule better in 9 and worse in none of the 128 it wrote first, and worse"
      " in 2 of 30 written to find losses, where the message speaks of the speaker too"
      " (\"can she catch it if I kiss her?\" after \"I've got a cold sore\"); keeping the"
      " newest subject then mended those two but lost two of the nine and a `blind8`"
      " drill-down, and was not kept. Left: the speaker's own feeling after"
      " questions about the speaker's condition (\"I get so tired and depressed\" is read"
      " as depression), a cause named as the subject (\"it was caused by lots of small"
      " strokes\" after dementia), and an earlier conversation's question still counting"
      " when the next conversation's opening named no stronger subject (`holdout`'s \"our"
      " son was born at 29 weeks\" before RDS, in (d)).")
    w("- 2026-12-07, tried and not kept: a body part that a later turn adds to the subject"
      " (\"my sister has lupus\", then \"it's affecting her kidneys now\") searched also as"
      " the words of the part's medical root that some post's whole title joins to the"
      " subject (\"nephritis\": \"Lupus Nephritis\"; roots such as nephr-, hepat-, arthr-,"
      " retin-, neur-), since pages on a condition in an organ are named so, not by the lay"
      " word. A whole title of the two, because the long names of rare syndromes join many a"
      " condition to many a root (\"Cataract and cardiomyopathy\" had put cardiomyopathy"
      " pages into a (d) request about heart failure). It moved two drill-downs and no other"
      " conversation of any set, in (a) and (d): `holdout` 0.776 -> 0.793 (the lupus one),"
      " `blind5` 0.661 -> 0.683, and (d) 0.688 -> 0.706 and 0.566 -> 0.589. A reviewer (a"
      " helper blind to the code and to which server was which,"
      " `bench/conversation/REVIEW-2026-12-07-body-parts.md`, 60 chats of its own and 39"
      " probes) found it firing only for lupus and the kidneys in this index: better in 3,"
      " worse in 4 where the kidneys were fine or someone else's (\"they checked my kidneys"
      " and they're normal\", \"her sister has kidney problems\"), which the topic had"
      " already taken in and the rule made count more. The reviewer also found the body part"
      " left out of the topic in most chats where the rule would matter (\"the optician says"
      " it's getting into the back of my eyes\" after diabetes searches \"type 2 diabetes\""
      " alone), so \"Diabetic Retinopathy\" and \"Diabetic Neuropathy\" are not reached"
      " either way: a detail's place in the topic, and its negation, come first.")
    w("- 2026-12-07, kinds (`RankingOptions::kinds`): after \"I was just diagnosed with"
      " type 2 diabetes\", \"how is it treated?\" ranked \"type 1 diabetes\" (treatment)"
      " first, since the corpus has no treatment page for type 2 and the aspect's"
      " re-ranking lifted type 1's; after \"my wife has neurofibromatosis type 2\" the"
      " symptoms of type 1 came first. Now the kinds that \"type\" and the word after it"
      " designate in the message and in the turn a follow-up's topic comes from (\"2\","
      " \"II\", \"2A\", \"2B2\"; a topic's name often leaves the number out: \"gaucher"
      " disease type\") keep a post whose title designates only other kinds from being"
      " re-ranked up; a title's kind counts as covered when it is the kind asked, however"
      " written (\"III\" for \"3\"), and \"type\" with a kind counts towards title"
      " coverage only with a word of the subject (\"Pseudohypoaldosteronism type 2\" had"
      " come first for type 2 diabetes, \"Mucopolysaccharidosis type II\" for \"what is"
      " type II diabetes\"). On the sets it moved five conversations: `holdout` (a) +1"
      " (a follow-up after \"type 2 sugar diabetes\", 0.431 -> 0.500) and (d) -1 (a topic"
      " taken from another conversation's type 1 diabetes, which now keeps type 2's page"
      " down), `blind5` (d) +1, `blind7` (a) -2 (0.500 -> 0.431, 0.500 -> 0.387: topics"
      " that lost their subject, \"type\" and \"tumor type\", where only \"type 2\""
      " matched the right title) and (d) -1; no standalone rewrite (c) moved. LiveQA"
      " (`bench/relevance.sh`): one question reordered, 0.5420 -> 0.5435 official,"
      " 0.6983 -> 0.6980 completed. A reviewer blind to the code, the rule and which server"
      " was which (`bench/conversation/REVIEW-2026-12-07-kinds.md`, 50 conversations of its"
      " own on typed conditions and controls) found the new server better in 20, the old in"
      " none, 28 identical (all 12 controls); two refinements after it (a kind written"
      " differently, subtypes kept apart) improved six more of its conversations and worsened"
      " none. A topic's name that takes \"type\" along now shows the kind said after it"
      " (\"searching for: usher syndrome type 2 — frequency\", not \"usher syndrome type\")."
      " Cost: 0.3% more instructions a search (callgrind, every 12th K-QA question).")
    w("- 2026-12-07 (session 38), a kind said in words that complete a title with the"
      " subject. \"now they've said it's the small cell type, what's the usual plan for that"
      " one?\" after \"they found a shadow on his lung, it's cancer\" searched \"lung"
      " cancer\" alone: \"small\" and \"cell\" are in thousands of posts and name no"
      " subject of their own (`blind4` b4-dd-018, read). Now the longest run of up to three"
      " of a follow-up's content words that, with the words that name the subject as said,"
      " is some post's whole title (its `XT` title key: \"Small cell lung cancer\") joins"
      " the subject as a kind of it (`KindCompletingTitle`). Not words for people"
      " (\"children\" of \"Asthma in children\", which the population re-ranking serves),"
      " nor a run whose every word titles more than 100 posts (\"disease\" of \"Sickle cell"
      " disease\"). (a) nDCG@10: `blind4` drill-downs 0.7375 -> 0.7417 (that conversation"
      " 0.30 -> 0.43: \"Small Cell Lung Cancer\" fourth, the parts re-ranking lifts it only"
      " x1.25 against x1.125 for \"Lung Cancer\"); no other conversation of any set moved"
      " in (a) or (d), and the rankings of only four other requests of all ten sets changed"
      " at all. Tried the same day and not kept: the aspect guess retrained with 610 more"
      " written follow-ups in two new voices (texted shorthand with English as a second"
      " language, 305; articulate, indirect and anxious adults, 305; written by helpers who"
      " read nothing of the repository): over the ten sets' follow-ups and drill-downs 8"
      " conversations gained and 13 lost (the development set's self-contained messages"
      " with context 0.938 -> 0.898), and with the texted voice alone 4 gained and 7 lost"
      " (`blind7`, the texted set, +1).")
    w("")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
