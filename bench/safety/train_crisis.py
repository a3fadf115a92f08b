#!/usr/bin/env python3
"""Trains the learned CRISIS signal and writes it into the rules file.

    bench/safety/train_crisis.py [--rules data/safety/rules.txt] [--dry-run]
                                 [--extra-set TSV]...

--extra-set adds a labelled set to the training data, for experiments: the
shipped signal is trained on SETS alone.

An L2-regularised logistic regression (full-batch gradient descent with
per-feature (Adagrad) step sizes; deterministic) over the words of one
sentence of a message: lower-cased words as the engine normalises them
(contractions, spoken forms, suffix stripping, any word with a digit as
"#"), a word within three words after a negation in its clause marked "!"
("I don't think I need antibiotics": !think !i !need), word bigrams,
character 4-grams of each word (misspellings), and a first-person marker.
Words of @_figure phrases ("killing me") are hidden, as the engine hides
them. The features must stay those of ModelWords() and LearnedProbability()
in src/core/safety.cc.

Training data: bench/safety/dev.tsv, holdout.tsv, train.tsv and train2.tsv
(CRISIS, and EMERGENCY overdoses taken on purpose, as positives; everything
else as negatives) and a fixed sample of the ordinary questions
bench/safety.sh reads (LiveQA, K-QA, MedQuAD; negatives). Never blind3.tsv
or blind4.tsv.

A message's score is its most probable sentence (in the newest message and
the turn before it). The threshold is chosen by 5-fold cross-validation (folds
by message id) as the lowest at which the out-of-fold false alarms stay within
the limits: hard negatives <= 3% and ordinary questions <= 0.5% (with a
margin). The model is then trained on everything and written into the rules
file as a 'model crisis.learned crisis' block (replacing any there), keeping
the features whose |weight| is largest (at most MAX_WEIGHTS lines).
"""

import argparse
import gzip
import json
import math
import os
import re
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETS = ["bench/safety/dev.tsv", "bench/safety/holdout.tsv", "bench/safety/train.tsv",
        "bench/safety/train2.tsv"]
MAX_WEIGHTS = 2500
MIN_MESSAGES = 2  # A feature must be seen in this many training messages.
L2 = 1e-3
EPOCHS = 120
STEP = 0.5
FOLDS = 5
# Hard negatives ("this heat is killing me") count this many times over.
HARD_WEIGHT = float(os.environ.get("HARD_WEIGHT", "3"))
CHAR_GRAMS = os.environ.get("CHAR_GRAMS", "1") == "1"
LEARNED_TURNS = 2  # kLearnedTurns in safety.cc.
# Limits with a margin, out of fold.
HARD_LIMIT = 0.025
ORDINARY_LIMIT = 0.004

CONTRACTIONS = {
    "cant": "can't", "cannot": "can't", "dont": "don't", "doesnt": "doesn't",
    "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't", "havent": "haven't",
    "hasnt": "hasn't", "wont": "won't", "im": "i'm", "ive": "i've",
    "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't",
    "arent": "aren't", "werent": "weren't", "hes": "he's", "shes": "she's",
    "whats": "what's", "thats": "that's", "theres": "there's", "youre": "you're",
    "theyre": "they're", "didn't": "didn't", "ain't": "isn't", "aint": "isn't"}
SPOKEN = {"wanna": ("want", "to"), "gonna": ("going", "to"), "gotta": ("got", "to"),
          "wana": ("want", "to"), "gona": ("going", "to"), "hafta": ("have", "to"),
          "tryna": ("trying", "to")}
FIRST_PERSON = {"i", "me", "my", "myself", "mine", "i'm", "i've", "i'd", "i'll"}
# Overdoses taken on purpose (EMERGENCY rows that are crisis-like).
INTENT = re.compile(r"on purpose|deliberate|to die|kill (my|him|her)self|end (it|my life)|"
                    r"suicid|meant to|wanted to|want to|not wake|wake up|self.harm|"
                    r"didn't want|didnt want|intentional|wanted it|all to stop|make it stop", re.I)


def char_class(ch):
    cp = ord(ch)
    if ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("0" <= ch <= "9"):
        return "word"
    if ch == "'" or cp == 0x2019:
        return "apostrophe"
    if (cp < 0x80 or cp == 0xA0 or cp == 0xFFFD or 0x2000 <= cp <= 0x206F
            or 0x3000 <= cp <= 0x303F or 0xA1 <= cp <= 0xBF or cp in (0xD7, 0xF7)):
        return "sep"
    return "word"


def words_of(text):
    """(word, gap before it) as ForEachWord splits them."""
    out = []
    word, gap, last_end, start = [], [], 0, 0
    i = 0

    def flush(end):
        w = "".join(word).rstrip("'")
        if w:
            out.append((w, start, end))
    word_end = 0
    for i, ch in enumerate(text):
        c = char_class(ch)
        if c == "sep" or (c == "apostrophe" and not word):
            if word:
                flush(word_end)
            word = []
        else:
            if not word:
                start = i
            word.append("'" if c == "apostrophe" else (ch.lower() if ch < "\x80" else ch))
            if c == "word":
                word_end = i + 1
    if word:
        flush(word_end)
    result = []
    prev_end = 0
    for w, b, e in out:
        result.append((w, text[prev_end:b]))
        prev_end = e
    return result


def sentence_gap(gap, digits_around):
    for ch in gap:
        if ch in "!?\n" or (ch == "." and not (digits_around and gap == ".")):
            return True
    return False


def stem(s):
    def strip(s, n):
        s = s[:-n]
        k = len(s)
        if k >= 4 and s[-1] == s[-2] and s[-1] not in "aeious" and s[-1] != "l":
            s = s[:-1]
        return s
    if len(s) >= 6 and s.endswith("ies"):
        s = s[:-3] + "y"
    elif len(s) >= 6 and s.endswith("ing"):
        s = strip(s, 3)
    elif len(s) >= 5 and s.endswith("ed"):
        s = strip(s, 2)
    elif len(s) >= 5 and (s.endswith("ches") or s.endswith("shes") or s.endswith("xes")
                          or s.endswith("sses")):
        s = s[:-2]
    elif len(s) >= 4 and s.endswith("s") and not (s.endswith("ss") or s.endswith("us")
                                                  or s.endswith("is")):
        s = s[:-1]
    if len(s) >= 5 and s.endswith("e"):
        s = s[:-1]
    return s


def utf8_len(s):
    return len(s.encode("utf-8"))


NEGATIONS = {"not", "no", "never", "don't", "doesn't", "didn't", "isn't", "aren't",
             "wasn't", "weren't", "haven't", "hasn't", "nothing", "nobody"}
NEGATION_REACH = 3  # kModelNegationReach in safety.cc.


def model_words(text, figures):
    """[(form, sentence)], figure words left out; a word within NEGATION_REACH
    words after a negation in its clause is marked "!"."""
    forms = []
    sentence = 0
    prev_last = " "
    raw = words_of(text)
    scope = 0
    for n, (w, gap) in enumerate(raw):
        if n and sentence_gap(gap, prev_last.isdigit() and prev_last < "\x80"
                              and w[0].isdigit() and w[0] < "\x80"):
            sentence += 1
        if any(ch in ",;:.!?()\n" for ch in gap):
            scope = 0
        prev_last = w[-1]
        neg = "!" if scope > 0 else ""
        scope = max(scope - 1, 0)
        if w in SPOKEN:
            forms.extend((neg + f, sentence, n) for f in SPOKEN[w])
        elif any("0" <= c <= "9" for c in w):
            forms.append(("#", sentence, n))
        else:
            form = CONTRACTIONS.get(w, w)
            if form in NEGATIONS:
                scope = NEGATION_REACH
            forms.append((neg + stem(form), sentence, n))
    # Figures of speech: hide their words (matched on the raw words).
    lower = [CONTRACTIONS.get(w, w) for w, _ in raw]
    hidden = set()
    for phrase in figures:
        k = len(phrase)
        for i in range(len(lower) - k + 1):
            if all(p == "*" or stem(lower[i + j]) == stem(p) for j, p in enumerate(phrase)):
                hidden.update(range(i, i + k))
    return [(f, s) for f, s, n in forms if n not in hidden]


def features(words, lo, hi):
    feats = set()
    prev = None
    for form, s in words:
        if s < lo or s > hi:
            continue
        feats.add("w:" + form)
        if prev is not None and prev[1] == s:
            feats.add("b:" + prev[0] + "_" + form)
        prev = (form, s)
        if form in FIRST_PERSON:
            feats.add("p:i")
        bare = form.lstrip("!")
        if not CHAR_GRAMS or bare == "#" or any(ord(c) >= 0x80 for c in bare):
            continue
        marked = "<" + bare + ">"
        for i in range(len(marked) - 3):
            feats.add("c:" + marked[i:i + 4])
    return feats


def units(text, figures, reach):
    """Feature sets, one per sentence."""
    words = model_words(text, figures)
    if not words:
        return []
    n = words[-1][1] + 1
    out = []
    for s in range(n):
        if any(w[1] == s for w in words):
            out.append(features(words, s - reach, s + reach))
    return out


def read_figures(rules_text):
    members = []
    in_figure = False
    for line in rules_text.splitlines():
        line = line.strip()
        if line.startswith("@"):
            in_figure = line.startswith("@_figure ")
            body = line.partition("=")[2] if in_figure else ""
        elif line.startswith("|") and in_figure:
            body = line[1:]
        else:
            if not line.startswith("#"):
                in_figure = False
            continue
        for m in body.split("|"):
            m = m.strip().lower()
            if m:
                members.append(m.split())
    return members


def read_tsv(path):
    rows = []
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = (line.split("\t") + [""] * 6)[:6]
            rows.append(dict(zip(header, fields)))
    return rows


def ordinary_questions():
    def clean(text):
        return " ".join(text.replace("\t", " ").split())
    rows = []
    with open(os.path.join(ROOT, "data/medquad-liveqa/test-questions-dev.tsv"), encoding="utf-8") as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            rows.append(("liveqa-" + qid, clean(text)))
    with gzip.open(os.path.join(ROOT, "data/k-qa/questions.jsonl.gz"), "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            rows.append((f"kqa-{n}", clean(json.loads(line)["Question"])))
    with gzip.open(os.path.join(ROOT, "data/medquad-liveqa/corpus.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            post = json.loads(line)
            rows.append((f"medquad-{post['id']}", clean(post["question"])))
    return rows


def label(row):
    if row["level"] == "CRISIS":
        return 1
    if row["level"] == "EMERGENCY" and row["category"] == "overdose_poisoning" and \
            row["kind"] == "positive" and INTENT.search(row["query"] + " " + row["context"]):
        return 1
    return 0


def train(examples, epochs=EPOCHS):
    """examples: [(feature ids, y, weight)]. Returns (bias, weights)."""
    nfeat = 1 + max((max(f) for f, _, _ in examples if f), default=0)
    w = [0.0] * nfeat
    g2 = [1e-8] * nfeat
    b, gb2 = 0.0, 1e-8
    total = sum(c for _, _, c in examples)
    for _ in range(epochs):
        grad = [0.0] * nfeat
        gb = 0.0
        for feats, y, c in examples:
            z = b + sum(w[i] for i in feats)
            p = 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0
            d = c * (p - y) / total
            gb += d
            for i in feats:
                grad[i] += d
        for i in range(nfeat):
            gi = grad[i] + L2 * w[i]
            if gi:
                g2[i] += gi * gi
                w[i] -= STEP * gi / math.sqrt(g2[i])
        gb2 += gb * gb
        b -= STEP * gb / math.sqrt(gb2)
    return b, w


def prune(bias, weights, names):
    ranked = sorted(((abs(v), names[i], v) for i, v in enumerate(weights) if abs(v) > 1e-3),
                    key=lambda t: (-t[0], t[1]))[:MAX_WEIGHTS]
    return bias, {name: round(v, 4) for _, name, v in ranked}


def score(model, msg_units):
    bias, weights = model
    best = 0.0
    for feats in msg_units:
        z = bias + sum(weights.get(f, 0.0) for f in feats)
        best = max(best, 1.0 / (1.0 + math.exp(-z)))
    return best


def build(messages, vocab_names=None):
    """Examples from messages (each: units of its newest turn, y, class weight)."""
    counts = {}
    for m in messages:
        for f in set().union(*m["units"]) if m["units"] else ():
            counts[f] = counts.get(f, 0) + 1
    names = sorted(f for f, c in counts.items() if c >= MIN_MESSAGES)
    index = {f: i for i, f in enumerate(names)}
    pos = sum(1 for m in messages if m["y"])
    neg = len(messages) - pos
    examples = []
    for m in messages:
        c = (0.5 / pos if m["y"] else 0.5 / neg) * len(messages)
        c *= m.get("weight", 1.0)
        k = len(m["units"])
        for feats in m["units"]:
            examples.append((sorted(index[f] for f in feats if f in index), m["y"], c / k))
    return examples, names


def fit(messages):
    examples, names = build(messages)
    bias, w = train(examples)
    return prune(bias, w, names)


def rates(messages, scores, t):
    def frac(sel):
        d = [s for m, s in zip(messages, scores) if sel(m)]
        return (sum(1 for s in d if s >= t), len(d))
    return {
        "crisis": frac(lambda m: m["y"] == 1),
        "hard": frac(lambda m: m["kind"] == "hard_negative"),
        "ordinary": frac(lambda m: m["kind"] == "ordinary"),
        "other_neg": frac(lambda m: m["y"] == 0 and m["kind"] == "positive"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", default="data/safety/rules.txt")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--extra-set", action="append", default=[],
                    help="another labelled TSV to train on (experiments)")
    ap.add_argument("--reach", type=int, default=0)
    ap.add_argument("--threshold", type=float, help="write this threshold (1: off)")
    args = ap.parse_args()
    rules_path = os.path.join(ROOT, args.rules)
    rules_text = open(rules_path, encoding="utf-8").read()
    figures = read_figures(rules_text)

    messages = []
    used = []
    for path in SETS + args.extra_set:
        if not os.path.exists(os.path.join(ROOT, path)):
            print(f"train_crisis: {path} missing, skipped", file=sys.stderr)
            continue
        used.append(path)
        for r in read_tsv(path):
            turns = [r["query"]] + [t for t in r["context"].split(" ||| ") if t]
            messages.append({
                "id": path + ":" + r["id"], "y": label(r), "kind": r["kind"],
                "weight": HARD_WEIGHT if r["kind"] == "hard_negative" else 1.0,
                "units": units(r["query"], figures, args.reach),
                "context_units": [u for t in turns[1:LEARNED_TURNS]
                                  for u in units(t, figures, args.reach)],
            })
    ordinary = ordinary_questions()
    # A fixed sample: every 20th question (by position) is trained on.
    sample = [q for n, q in enumerate(ordinary) if n % 20 == 0]
    for qid, text in sample:
        messages.append({"id": qid, "y": 0, "kind": "ordinary",
                         "units": units(text, figures, args.reach), "context_units": []})
    print(f"train_crisis: {len(messages)} messages ({sum(m['y'] for m in messages)} crisis), "
          f"{len(sample)} ordinary of {len(ordinary)}", file=sys.stderr)

    # Cross-validation.
    folds = [zlib.crc32(m["id"].encode()) % FOLDS for m in messages]
    oof = [0.0] * len(messages)
    for k in range(FOLDS):
        model = fit([m for m, f in zip(messages, folds) if f != k])
        for i, m in enumerate(messages):
            if folds[i] == k:
                oof[i] = score(model, m["units"] + m["context_units"])
        print(f"train_crisis: fold {k + 1}/{FOLDS}", file=sys.stderr)
    # Ordinary questions never trained on: the rest, scored by fold models
    # would cost too much; they are measured by bench/safety.sh instead.
    threshold = 1.0
    for t in [x / 100 for x in range(5, 100)]:
        r = rates(messages, oof, t)
        h, o = r["hard"], r["ordinary"]
        if h[0] <= HARD_LIMIT * h[1] and o[0] <= ORDINARY_LIMIT * o[1]:
            threshold = t
            break
    for t in sorted({0.3, 0.5, 0.7, 0.9, threshold}):
        r = rates(messages, oof, t)
        print("train_crisis: cv threshold %.2f: " % t + ", ".join(
            f"{k} {v[0]}/{v[1]} ({v[0] / max(v[1], 1):.3f})" for k, v in r.items()),
            file=sys.stderr)
    cv = rates(messages, oof, threshold)
    if args.threshold is not None:
        threshold = args.threshold
    bias, weights = fit(messages)
    print(f"train_crisis: threshold {threshold:.2f}, {len(weights)} weights", file=sys.stderr)
    if args.dry_run:
        return

    def fmt(v):
        return f"{v[0]}/{v[1]}"
    block = [
        "model crisis.learned crisis",
        "  description words that often come with thoughts of suicide or self-harm",
        "  source learned from " + ", ".join(used) + " and a sample of ordinary questions"
        " (LiveQA, K-QA, MedQuAD) by bench/safety/train_crisis.py: logistic regression,"
        f" cross-validated at this threshold: crisis recall {fmt(cv['crisis'])}, hard-negative"
        f" false alarms {fmt(cv['hard'])}, ordinary {fmt(cv['ordinary'])}",
        f"  reach {args.reach}",
        f"  bias {bias:.4f}",
        f"  threshold {threshold:.2f}",
    ]
    for name, v in sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0])):
        block.append(f"  weight {name} {v:.4f}")
    begin = "# ---------------------------------------------------------------- learned"
    head = rules_text.split(begin)[0].rstrip("\n")
    text = head + "\n\n" + begin + "\n\n" + "\n".join(block) + "\n"
    with open(rules_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"train_crisis: wrote {args.rules}", file=sys.stderr)


if __name__ == "__main__":
    main()
