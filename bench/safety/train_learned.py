#!/usr/bin/env python3
"""Trains a level's learned signal and veto and writes them into the rules file.

    bench/safety/train_learned.py [--signal crisis|emergency]
                                  [--rules data/safety/rules.txt] [--dry-run]
                                  [--extra-set TSV]... [--reach N] [--eval BIN]

For a level (crisis, the default, or emergency) two 'model' blocks: the
signal (crisis.learned, emergency.learned), which raises the level, and the
veto (crisis.false_alarm, emergency.false_alarm), which reads the sentences
where that level's rules matched and drops their signs when a false alarm is
likely enough. --extra-set adds a labelled set
to the training data, for experiments: the shipped signals are trained on
SETS alone.

An L2-regularised logistic regression (full-batch gradient descent with
per-feature (Adagrad) step sizes; deterministic) over the features of one
sentence of a message (with --reach sentences either side). The features are
computed by the engine itself (guru-safety-eval --features, ForEachFeature
in src/core/safety.cc), so training and serving cannot drift apart: words as
the matcher normalises them (a word just after a negation marked "!"), word
pairs, character 4-grams (misspellings), a first-person marker, and the
rules' concepts switched on in the sentence (after negation, history,
someone else, figures of speech and the other cues). Because the concepts
come from the rules file, a signal is retrained whenever the rules change.
guru-safety-eval must be built first (--eval names it).

Training data: the sets in SETS. For crisis.learned, CRISIS rows and
EMERGENCY overdoses taken on purpose are positives and everything else is a
negative; for emergency.learned, EMERGENCY rows are positives, CRISIS rows
are left out (a crisis is the other signal's) and everything else is a
negative. Plus a fixed sample of the ordinary questions bench/safety.sh
reads (LiveQA, K-QA, MedQuAD; negatives) and every turn of the conversation
sets in ordinary.CONVERSATION_TRAINING_SETS (negatives, except those read
as an emergency happening now). Never blind5.tsv to blind8.tsv nor
blind10.tsv to blind13.tsv, the sets kept for blind measurement, nor the
turns of the conversation sets blind5 and blind6.

A message's signal score is its most probable sentence (in any turn, not
one the cues switch off); its veto score reads the sentences where the
level's rules matched, all together. By 5-fold cross-validation (folds by
message id) the signal's threshold is the lowest at which its out-of-fold
false alarms stay within the limits: 3% of hard negatives, both all of them
and its own look-alikes (crisis and self-harm look-alikes for crisis, the
others for emergency), 0.4% of ordinary questions and 1% of chat turns.
The veto's is MIN_VETO (see there); vetoes are not trained on chat
turns. The blocks are then trained on everything and written
into the rules file after the learned-blocks line, replacing the blocks of
the same codes, with the features whose |weight| is largest (at most
MAX_WEIGHTS lines each).
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ordinary as ordinary_messages  # noqa: E402  (bench/safety/ordinary.py)
from ordinary import read_tsv  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETS = ["bench/safety/dev.tsv", "bench/safety/holdout.tsv", "bench/safety/train.tsv",
        "bench/safety/train2.tsv", "bench/safety/blind3.tsv", "bench/safety/blind4.tsv",
        "bench/safety/blind9.tsv"] + \
    [f"bench/safety/train{n}.tsv" for n in range(3, 12)]
# What each signal is: its code, level, description and reach (chosen by
# cross-validation: crisis talk spreads over sentences, an emergency's signs
# sit close together).
SIGNALS = {
    "crisis": ("crisis.learned", "crisis",
               "words that often come with thoughts of suicide or self-harm", 3),
    "emergency": ("emergency.learned", "emergency",
                  "words that often come with an emergency happening now", 1),
}
VETO_DESCRIPTIONS = {
    "crisis": "crisis words said in jest, about the past, about someone else or in a story",
    "emergency": "emergency words said in jest, about the past, about someone else or in a "
                 "story",
}
BLOCK_ORDER = ["crisis.learned", "crisis.false_alarm", "emergency.learned",
               "emergency.false_alarm"]
MAX_WEIGHTS = int(os.environ.get("MAX_WEIGHTS", "6000"))
MIN_MESSAGES = 2  # A feature must be seen in this many training messages.
L2 = float(os.environ.get("L2", "1e-3"))
EPOCHS = int(os.environ.get("EPOCHS", "300"))
STEP = 0.5
FOLDS = 5
# Hard negatives ("this heat is killing me") count this many times over.
HARD_WEIGHT = float(os.environ.get("HARD_WEIGHT", "3"))
# A veto drops a rule's sign when the words say a false alarm is at least
# this likely.
MIN_VETO = float(os.environ.get("MIN_VETO", "0.8"))
# Limits out of fold: hard negatives at the target, ordinary questions with a
# margin.
HARD_LIMIT = 0.03
ORDINARY_LIMIT = 0.004
# Chat turns (a condition named while asking about it) are the commonest
# thing a chatbot hears: at most 1% out of fold, half the 2% target.
CHAT_LIMIT = 0.01

# Overdoses taken on purpose (EMERGENCY rows that are crisis-like).
INTENT = re.compile(r"on purpose|deliberate|to die|kill (my|him|her)self|end (it|my life)|"
                    r"suicid|meant to|wanted to|want to|not wake|wake up|self.harm|"
                    r"didn't want|didnt want|intentional|wanted it|all to stop|make it stop", re.I)


def read_features(path):
    """{id: {turn: {sentence: (guarded, set(features))}}} from guru-safety-eval
    --features."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            mid, turn, sentence, guarded, feats = line.rstrip("\n").split("\t")
            out.setdefault(mid, {}).setdefault(int(turn), {})[int(sentence)] = (
                guarded == "1", set(feats.split()))
    return out


def featurise(eval_bin, rules, rules_only, tsv_path, work):
    """The learned signals' features of every message of a TSV, computed by the
    engine itself, and the level the rules alone give it."""
    out = os.path.join(work, "features")
    subprocess.run([eval_bin, "--rules", rules, "--tsv", tsv_path, "--features", out],
                   check=True)
    predicted = os.path.join(work, "predicted")
    subprocess.run([eval_bin, "--rules", rules_only, "--tsv", tsv_path, "--out", predicted,
                    "--passes", "0"], check=True, stdout=subprocess.DEVNULL)
    return read_features(out), {r["id"]: r for r in read_tsv(predicted)}


def rule_outcome(row, level):
    """What the rules alone (a guru-safety-eval --out row) give a message, for
    a signal of `level`: a sign of a higher level (caught whatever the signal
    says) or one of its level (its veto decides)."""
    codes = [sign.partition("@")[0] for sign in row["signs"].split(",") if sign]
    return {
        "rules_above": LEVEL_RANK[row["predicted"]] > LEVEL_RANK[level.upper()],
        "rules_at": any(RULE_LEVELS.get(c) == level for c in codes),
    }


def units(sentences, reach):
    """Feature sets of a turn, one per sentence a signal may fire on (not one
    the cues switch off), with `reach` sentences either side, guarded or not
    (as MatchModel reads them)."""
    out = []
    for s in sorted(sentences):
        if sentences[s][0]:
            continue
        feats = set()
        for k in range(s - reach, s + reach + 1):
            feats |= sentences.get(k, (False, set()))[1]
        out.append(feats)
    return out


def label(row, signal):
    """1 positive, 0 negative, None left out of this signal's training."""
    if signal == "emergency":
        if row["level"] == "CRISIS":
            return None
        return 1 if row["level"] == "EMERGENCY" else 0
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


def build(messages, balance=True):
    """Examples from messages (each: its units, y, weight). With `balance`
    both classes weigh the same in all; without, the model keeps the base
    rate (a veto then trusts the rules unless the words say otherwise)."""
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
        c = (0.5 / pos if m["y"] else 0.5 / neg) * len(messages) if balance else 1.0
        c *= m.get("weight", 1.0)
        k = len(m["units"])
        for feats in m["units"]:
            examples.append((sorted(index[f] for f in feats if f in index), m["y"], c / k))
    return examples, names


def fit(messages, balance=True):
    examples, names = build(messages, balance)
    bias, w = train(examples)
    return prune(bias, w, names)


CRISIS_CATEGORIES = {"crisis", "self_harm"}
LEVEL_RANK = {"NONE": 0, "SEE_DOCTOR": 1, "EMERGENCY": 2, "CRISIS": 3}
RULE_LEVELS = {}  # Rule code -> level name, read from the rules file.


def rates(messages, scores, t, signal):
    def frac(sel):
        d = [s for m, s in zip(messages, scores) if sel(m)]
        return (sum(1 for s in d if s >= t), len(d))

    def own(m):
        """A look-alike of this signal's messages: the hardest negatives."""
        return (m["category"] in CRISIS_CATEGORIES) == (signal == "crisis")
    return {
        "positive": frac(lambda m: m["y"] == 1),
        "hard": frac(lambda m: m["kind"] == "hard_negative"),
        "own_hard": frac(lambda m: m["kind"] == "hard_negative" and own(m)),
        "ordinary": frac(lambda m: m["kind"] == "ordinary"),
        "chat": frac(lambda m: m["kind"] == "chat"),
        "other_neg": frac(lambda m: m["y"] == 0 and m["kind"] == "positive"),
    }


def veto_unit(turns, level, reach):
    """The features a veto reads: those of the sentences where the rules of
    `level` matched (an r: feature), with `reach` sentences either side, in
    every turn together (as Vetoes() in safety.cc reads them)."""
    feats = set()
    for sentences in turns.values():
        for s, (_, fs) in sentences.items():
            if any(f.startswith("r:") and RULE_LEVELS.get(f[2:]) == level for f in fs):
                for k in range(s - reach, s + reach + 1):
                    feats |= sentences.get(k, (False, set()))[1]
    return feats


def cross_validate(messages, folds, score_of, balance=True):
    """Out-of-fold scores of the messages (those without units score 0)."""
    oof = [0.0] * len(messages)
    for k in range(FOLDS):
        model = fit([m for m, f in zip(messages, folds) if f != k and m["units"]], balance)
        for i, m in enumerate(messages):
            if folds[i] == k and m["units"]:
                oof[i] = score_of(model, m)
    return oof


def block(code, level, veto, description, source, reach, bias, threshold, weights):
    lines = [f"model {code} {level}" + (" veto" if veto else ""),
             f"  description {description}", f"  source {source}", f"  reach {reach}",
             f"  bias {bias:.4f}", f"  threshold {threshold:.2f}"]
    for name, v in sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0])):
        lines.append(f"  weight {name} {v:.4f}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--signal", choices=sorted(SIGNALS), default="crisis")
    ap.add_argument("--rules", default="data/safety/rules.txt")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--extra-set", action="append", default=[],
                    help="another labelled TSV to train on (experiments)")
    ap.add_argument("--reach", type=int, help="sentences either side (default: the signal's)")
    ap.add_argument("--eval", default="build-rel/bench/safety/guru-safety-eval",
                    help="guru-safety-eval, which computes the features")
    args = ap.parse_args()
    code, level, description, reach = SIGNALS[args.signal]
    if args.reach is not None:
        reach = args.reach
    rules_path = os.path.join(ROOT, args.rules)
    rules_text = open(rules_path, encoding="utf-8").read()
    eval_bin = os.path.join(ROOT, args.eval)
    work = tempfile.mkdtemp()
    # The learned blocks follow this line, one per code, in BLOCK_ORDER.
    begin = "# ---------------------------------------------------------------- learned"
    rules_only = os.path.join(work, "rules-only.txt")
    with open(rules_only, "w", encoding="utf-8") as f:
        f.write(rules_text.partition(begin)[0])
    # Each rule's level, from its 'rule CODE LEVEL' line.
    RULE_LEVELS.update(re.findall(r"^rule (\S+) (\S+)", rules_text, re.M))

    def add(mid, row_features, rules_row, **fields):
        turns = row_features or {}
        outcome = rule_outcome(rules_row, level)
        messages.append(dict(
            id=mid, units=[u for t in sorted(turns) for u in units(turns[t], reach)],
            # Empty when no sign of the level is in a word the signals read:
            # no veto then (Vetoes() in safety.cc).
            veto_units=[u for u in [veto_unit(turns, level, reach)] if u]
            if outcome["rules_at"] else [],
            **outcome, **fields))

    messages = []
    used = []
    for path in SETS + args.extra_set:
        if not os.path.exists(os.path.join(ROOT, path)):
            print(f"train_learned: {path} missing, skipped", file=sys.stderr)
            continue
        used.append(path)
        feats, rows = featurise(eval_bin, rules_path, rules_only, os.path.join(ROOT, path), work)
        for r in read_tsv(path):
            y = label(r, args.signal)
            if y is None:
                continue
            add(path + ":" + r["id"], feats.get(r["id"]), rows[r["id"]], y=y, kind=r["kind"],
                category=r["category"],
                weight=HARD_WEIGHT if r["kind"] == "hard_negative" else 1.0)
    ordinary = ordinary_messages.questions()
    # A fixed sample: every 20th question (by position) is trained on, and
    # every 4th K-QA question (follow-up questions to a doctor, the closest
    # to what a chatbot hears).
    sample = [q for n, q in enumerate(ordinary)
              if n % 20 == 0 or (q[0].startswith("kqa-") and n % 4 == 0)]
    # And every turn of the conversation sets kept for training, except
    # those read as an emergency happening now (readings.tsv).
    right = {r["id"] for r in read_tsv("bench/safety/readings.tsv") if r["verdict"] == "right"}
    chat = [t for t in ordinary_messages.chat_turns(ordinary_messages.CONVERSATION_TRAINING_SETS)
            if t[0] not in right]
    sample_path = os.path.join(work, "ordinary.tsv")
    ordinary_messages.write_tsv(sample_path, sample + chat)
    feats, rows = featurise(eval_bin, rules_path, rules_only, sample_path, work)
    shutil.rmtree(work)
    for qid, source, _ in sample + chat:
        kind = "chat" if source == "chat" else "ordinary"
        add(qid, feats.get(qid), rows[qid], y=0, kind=kind, category=kind)
    print(f"train_learned: {len(messages)} messages ({sum(m['y'] for m in messages)} "
          f"{args.signal}), {len(sample)} ordinary of {len(ordinary)}, {len(chat)} chat turns",
          file=sys.stderr)

    # The signal learns who is at `level`; the veto, among the messages the
    # rules of `level` flag, which are false alarms.
    # Not on chat turns: most of those the rules flag tell of a relative's
    # past or treated emergency ("my dad had a stroke on Tuesday"), and a veto
    # that learned them vetoed plain red flags ("my dad is having a stroke").
    vetoable = [dict(m, units=m["veto_units"], y=1 - m["y"], weight=1.0)
                for m in messages if m["veto_units"] and m["kind"] != "chat"]
    folds = [zlib.crc32(m["id"].encode()) % FOLDS for m in messages]
    oof = cross_validate(messages, folds, lambda model, m: score(model, m["units"]))
    veto_oof = dict(zip(
        (m["id"] for m in vetoable),
        cross_validate(vetoable, [zlib.crc32(m["id"].encode()) % FOLDS for m in vetoable],
                       lambda model, m: score(model, m["units"]), balance=False)))

    # The thresholds. The signal's: the lowest at which its own false alarms
    # (out of fold) stay within the limits. The veto's: MIN_VETO, where a
    # false alarm is more likely than not; the cross-validation would veto
    # far more (a bag of words scores a plain red flag low for want of
    # context), and no plain red flag may be lost that way. Ordinary
    # questions not in the sample are measured by bench/safety.sh instead.
    def outcome(t, v):
        flags = [1.0 if s >= t or (m["rules_at"] and veto_oof.get(m["id"], 0.0) < v) else 0.0
                 for m, s in zip(messages, oof)]
        r = rates(messages, flags, 0.5, args.signal)
        # A positive is also caught by a higher level from the rules.
        caught = [1.0 if m["rules_above"] else f for m, f in zip(messages, flags)]
        r["positive"] = rates(messages, caught, 0.5, args.signal)["positive"]
        return r

    def within(r):
        return all(v[0] <= limit * v[1] for v, limit in
                   [(r["hard"], HARD_LIMIT), (r["own_hard"], HARD_LIMIT),
                    (r["ordinary"], ORDINARY_LIMIT), (r["chat"], CHAT_LIMIT)])

    threshold = next((t / 100 for t in range(5, 100)
                      if within(rates(messages, oof, t / 100, args.signal))), 1.0)
    veto_threshold = MIN_VETO

    def show(label, t, v):
        print(f"train_learned: {label} (signal {t:.2f}, veto {v:.2f}): " + ", ".join(
            f"{k} {n}/{d} ({n / max(d, 1):.3f})" for k, (n, d) in outcome(t, v).items()),
            file=sys.stderr)
    show("cv, the rules alone", 1.0, 1.0)
    show("cv, the rules and the signal", threshold, 1.0)
    show("cv, the rules, the signal and the veto", threshold, veto_threshold)
    cv = outcome(threshold, veto_threshold)
    signal = fit(messages)
    veto = fit(vetoable, balance=False)
    print(f"train_learned: threshold {threshold:.2f} ({len(signal[1])} weights), veto "
          f"{veto_threshold:.2f} ({len(veto[1])} weights)", file=sys.stderr)
    if args.dry_run:
        return

    def fmt(v):
        return f"{v[0]}/{v[1]}"
    source = ("learned from " + ", ".join(used) + ", a sample of ordinary questions (LiveQA,"
              " K-QA, MedQuAD) and the turns of the conversation sets "
              + ", ".join(ordinary_messages.CONVERSATION_TRAINING_SETS)
              + " by bench/safety/train_learned.py: logistic regression; with the"
              f" other block, cross-validated: {args.signal} recall {fmt(cv['positive'])},"
              f" hard-negative false alarms {fmt(cv['hard'])}, ordinary {fmt(cv['ordinary'])},"
              f" chat turns {fmt(cv['chat'])}")
    veto_code = code.replace(".learned", ".false_alarm")
    new_blocks = {
        code: block(code, level, False, description, source, reach, signal[0], threshold,
                    signal[1]),
        veto_code: block(veto_code, level, True, VETO_DESCRIPTIONS[args.signal], source, reach,
                         veto[0], veto_threshold, veto[1]),
    }
    head, _, learned = rules_text.partition(begin)
    blocks = {}
    for chunk in re.split(r"\n(?=model )", "\n" + learned):
        chunk = chunk.strip("\n")
        if chunk.startswith("model "):
            blocks[chunk.split()[1]] = chunk
    blocks.update(new_blocks)
    text = head.rstrip("\n") + "\n\n" + begin + "\n\n" + "\n\n".join(
        blocks[c] for c in sorted(blocks, key=lambda c: (BLOCK_ORDER.index(c)
                                                          if c in BLOCK_ORDER else 99, c))) + "\n"
    with open(rules_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"train_learned: wrote {args.rules}", file=sys.stderr)


if __name__ == "__main__":
    main()
