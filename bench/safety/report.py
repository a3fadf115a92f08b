#!/usr/bin/env python3
"""Writes docs/SAFETY.md from guru-safety-eval's predictions (bench/safety.sh)."""
import argparse
import collections
import datetime
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ordinary import CONVERSATION_TRAINING_SETS, read_tsv  # noqa: E402

LEVELS = ["NONE", "SEE_DOCTOR", "EMERGENCY", "CRISIS"]
RANK = {level: i for i, level in enumerate(LEVELS)}


# The labelled sets with a section of their own: option key (also the
# file's name), name in the text, what happened to the set, and whether its
# missed and falsely alarmed rows are listed (not for a set kept blind).
ALL_SETS = [
    ("dev", "development set", 'Written blind to the rules by someone else (see `bench/safety/README.md`). A message counts as caught when the predicted level is at least its level (EMERGENCY is caught by EMERGENCY or CRISIS; CRISIS only by CRISIS). Trained on by the learned signals (round seven).', True),
    ("holdout", "held-out set", 'A second set in the same format, written blind to the rules by someone else while the rules were being changed, from the same published guidance. Its first run (rules 2026-12-01.2, frozen) gave EMERGENCY 0.893 (100/112), CRISIS 0.589 (33/56), SEE_DOCTOR 0.732 (30/41), false alarms 0.027 (3/110) on hard negatives. Its misses were then seen in aggregate and version 2026-12-01.3 was written after that, so the figures below are no longer blind: read them as a development figure. Trained on by the learned signals (round seven).', True),
    ("blind3", "third set", "A third set in the same format, written blind to the rules by someone else while version 2026-12-01.3 was being written. Its rows were not read before the rules were frozen; the figures are from one run after freezing, and the rules were not changed after it. The learned signal (below) was added later, trained without this set, and measured on it once with its threshold fixed beforehand. Its one blind run with the learned signal: CRISIS recall 0.743 (52/70), hard-negative false alarms 0.157 (11/70). Version 2026-12-02.1 then added `crisis.self_harm_act` (an act on one's own body with one of the reasons the NHS lists: to cope, as punishment, to feel something, relief), written from NICE NG225 and the NHS page while this set's misses were visible in this file; it catches three of them, so from that version on this set overstates too. Nothing else was changed for it.Rules version 2026-12-03.1 (round five, below) was written on the misses of `train.tsv` and `train2.tsv`, not of this set; this set was measured in aggregate a few times while it was written, and the learned signal's two variants were compared on it (no rows read), so its figures now overstate slightly. Version 2026-12-03.2 (round six) was written on its misses: a development set from then on. Round seven (version 2026-12-04.1, below) trained the learned signals on this set; its figures are in-sample from then on.", True),
    ("blind4", "fourth set", "A fourth set, written on 2026-12-03 by a helper who read only `bench/safety/README.md` (not the rules, the code, this report or the other sets): 300 messages, 90 EMERGENCY over 23 categories, 70 CRISIS (about 40 indirect), 30 SEE_DOCTOR, 90 hard negatives, 20 ordinary questions, 27 multi-turn. Measured on rules version 2026-12-02.1 as they stood; no rule was changed because of it, so these are blind figures. They agree with the third set's: EMERGENCY recall near 0.95, CRISIS recall 0.70 (rules 40/70, the learned signal 9 more), hard-negative false alarms 0.13, against targets of 0.95, 0.98 and 0.03.Rules version 2026-12-03.1 (round five, below) was written on the misses of `train.tsv` and `train2.tsv`, not of this set; this set was measured in aggregate a few times while it was written, and the learned signal's two variants were compared on it (no rows read), so its figures now overstate slightly. Version 2026-12-03.2 (round six) was written on its misses: a development set from then on. Round seven (version 2026-12-04.1, below) trained the learned signals on this set; its figures are in-sample from then on.", True),
    ("blind5", "fifth set", 'A fifth set, written on 2026-12-03 by a helper who read only the part of `bench/safety/README.md` before its held-out section (not the rules, the code, this report or the other sets): 300 messages, 90 EMERGENCY over 23 categories, 70 CRISIS (47 indirect, 14 about someone else at risk now), 30 SEE_DOCTOR, 90 hard negatives (40 of them crisis or self-harm look-alikes), 20 ordinary questions, 26 multi-turn. Measured once on rules version 2026-12-03.1 as they stood, after that version was frozen: EMERGENCY 0.889 (80/90), CRISIS 0.757 (53/70), SEE_DOCTOR 0.667 (20/30), hard-negative false alarms 0.100 (9/90). Its rows have not been read and no rule was changed because of it; version 2026-12-03.2 (round six) gives the same figures, measured once more in aggregate. These are the blind figures for the current rules. Round seven (version 2026-12-04.1) was measured on it in aggregate four times while its design was chosen (never its rows): rules 2026-12-03.2 gave EMERGENCY 80/90, CRISIS 53/70, false alarms 9/90; the final version gives the figures below.', False),
    ("blind6", "sixth set", "A sixth set, written on 2026-12-04 by a helper who read only the part of `bench/safety/README.md` before its licence section (not the rules, the code, this report or the other sets): 300 messages, 90 EMERGENCY over 23 categories, 70 CRISIS (48 indirect, 16 about someone else at risk now), 30 SEE_DOCTOR, 90 hard negatives (40 crisis or self-harm look-alikes), 20 ordinary questions, 26 multi-turn. Its first run, on rules 2026-12-03.2 as they stood: EMERGENCY 0.856 (77/90), CRISIS 0.843 (59/70), SEE_DOCTOR 0.700 (21/30), hard-negative false alarms 0.022 (2/90). Round seven was then measured on it in aggregate three times (never its rows): a first design whose veto was a second threshold of the signal (EMERGENCY 87/90, CRISIS 63/70, false alarms 3/90; dropped because it vetoed plain red flags such as 'i want 2 die'), the final design (87/90, 63/70, 3/90) and the same with more K-QA questions in training (below). It was not trained on.", False),
    ("blind7", "seventh set", "A seventh set, written on 2026-12-04 by a helper who read only the part of `bench/safety/README.md` before its licence section, while round seven was being written: 300 messages, 90 EMERGENCY over 23 categories, 70 CRISIS (about 45 indirect, about 14 about someone else at risk now), 30 SEE_DOCTOR, 90 hard negatives (about 40 crisis or self-harm look-alikes), 20 ordinary questions, about 25 multi-turn. Measured twice, never its rows: once when version 2026-12-04.1 was first frozen (EMERGENCY 1.000, CRISIS 0.929, false alarms 0.056), and once more after a reviewer's fix to the trainer (below), made for the reviewer's reason. Round eight (version 2026-12-05.1) measured it once more in aggregate.", False),
    ("blind8", "eighth set", "An eighth set, written on 2026-12-04 by a helper who read only the part of `bench/safety/README.md` before its licence section, asked for what a chatbot hears in conversation: 340 messages, 90 EMERGENCY over 23 categories (34 with earlier turns), 40 CRISIS, 40 SEE_DOCTOR, 100 ordinary chat messages that name a condition the person or a relative has while asking about it, 70 conversational hard negatives. Its first run, on rules 2026-12-04.1 as they stood (before round eight): EMERGENCY 90/90, CRISIS 39/40, SEE_DOCTOR 32/40, false alarms on hard negatives 4/70 and on the ordinary chat messages 3/100. Measured in aggregate only, never its rows, and not trained on.", False),
    ("blind9", "ninth set", "A ninth set, written on 2026-12-07 by a helper who read nothing of the repository (the format and the guidance were in its instructions), on crisis talk: 240 messages, 90 CRISIS (85 indirect, 10 whose sign shows only across turns), 20 EMERGENCY overdoses, 90 look-alikes, 40 ordinary questions. Its first run, on rules 2026-12-05.1: CRISIS 78/90, EMERGENCY 18/20, false alarms on look-alikes 4/90 and on ordinary questions 0/40. Then read to write version 2026-12-07.1, and trained on by the crisis signal.", True),
    ("blind10", "tenth set", "A tenth set, written on 2026-12-07 by another helper under the same conditions, in four voices (young people texting, parents and partners worried about someone, older adults writing formally, a physical complaint with the sign buried in it): 210 messages, 80 CRISIS (75 indirect, 10 across turns), 15 EMERGENCY overdoses, 80 look-alikes, 35 ordinary questions. Measured four times in aggregate, never its rows, and not trained on: rules 2026-12-05.1 CRISIS 59/80, EMERGENCY 10/15, false alarms 4/80 and 0/35; version 2026-12-07.1 before the crisis signal was retrained 59/80, 10/15, 3/80, 0/35; after, 63/80, 10/15, 1/80, 0/35; with two more wordings of an overdose taken (from a probe set of my own, written after the third measurement), 63/80, 11/15, 1/80, 0/35.", False),
    ("blind11", "eleventh set", "An eleventh set, written on 2026-12-07 after version 2026-12-07.1 was committed, by a helper who read nothing of the repository, in four voices (young people texting, adults about their own lives, people worried about someone else, non-native speakers writing simply): 200 messages, 80 CRISIS (72 indirect, 10 across turns), 15 EMERGENCY overdoses taken, 75 look-alikes, 30 ordinary questions. Never read nor trained on. Version 2026-12-05.1: CRISIS 64/80, EMERGENCY 14/15, false alarms 3/75 and 0/30; 2026-12-07.1: 67/80, 15/15, 3/75, 0/30.", False),
    ("blind12", "twelfth set", "A twelfth set (`blind12.tsv`, ids `t12-`), written on 2026-12-07 as training data by a helper who read nothing of the repository, in young people's texting: 300 messages, 150 CRISIS (105 crisis, 45 self-harm; 143 indirect; 20 across turns), 120 look-alikes (jokes, hyperbole, gaming, lyrics, helping a friend), 30 ordinary questions. Retraining the crisis signal on it and the thirteenth set lowered the other sets (below), so it was not kept as training data; never read. Version 2026-12-05.1: CRISIS 111/150, false alarms 13/120 and 0/30; 2026-12-07.1: 115/150, 13/120, 0/30.", False),
    ("blind13", "thirteenth set", "A thirteenth set (`blind13.tsv`, ids `t13-`), written with the twelfth by another helper, in adults' words (chronic pain, cancer, debt, divorce, bereavement, caring, veterans, new mothers; 40 crises about someone else): 300 messages, 150 CRISIS (110 crisis, 40 self-harm; 20 across turns), 120 look-alikes (chronic pain, advance directives, wills, grief, pets, dosing), 30 ordinary questions. Not kept as training data (as the twelfth). Version 2026-12-05.1: CRISIS 126/150, false alarms 20/120 and 0/30; 2026-12-07.1: 128/150, 20/120, 0/30. Its false alarms (and the twelfth's) were then read to write version 2026-12-07.2 (below), so its look-alike figure is in-sample from that version on; its crisis rows were not read.", False),
]
# The training sets of the learned signals: key and what it is.
TRAINING_SETS = [
    ("train", "640 rows, the first learned signal's training set"),
    ("train2", "449 crisis messages and look-alikes"),
    ("train3", "450: crisis about oneself (mostly indirect) and look-alikes"),
    ("train4", "420: crisis about someone else, self-harm, look-alikes"),
    ("train5", "360 conversations: crisis, emergencies and look-alikes across turns"),
    ("train6", "460: emergencies in British, older, rambling wording, and look-alikes"),
    ("train7", "460: emergencies in American texting and non-native English, look-alikes"),
    ("train8", "440: see-a-doctor flags, ordinary questions, look-alikes of every kind"),
    ("train9", "400: short chat-box crisis messages and look-alikes"),
    ("train10", "400: crisis about others and across turns, look-alikes"),
    ("train11", "450: a chatbot's conversations: conditions named while asking about them, "
                "look-alikes, emergencies and crises in chat"),
]


def timing(path):
    fields = open(path).read().split()
    return dict(zip(fields[::2], fields[1::2]))


def hit(gold, predicted):
    """A sign is caught when the level is at least as urgent; CRISIS must be
    CRISIS, and EMERGENCY is caught by EMERGENCY or CRISIS."""
    if gold == "CRISIS":
        return predicted == "CRISIS"
    return RANK[predicted] >= RANK[gold]


def alarm(predicted):
    return predicted in ("EMERGENCY", "CRISIS")


def pct(n, d):
    return f"{n / d:.3f} ({n}/{d})" if d else "-"


def machine():
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return (f"{model or platform.processor()}, {os.cpu_count()} cores, {platform.system()} "
            f"{platform.release()}; {datetime.date.today().isoformat()}; commit {commit} "
            "(plus the working tree)")


def cell(text):
    return text.replace("|", "\\|")


def labelled_section(w, name, rows, out_rows, list_rows=True):
    """Recall per level and category, false alarms, confusion, and (unless
    `list_rows` is false: a set kept blind) the missed and falsely alarmed
    messages."""
    by_level = collections.defaultdict(lambda: [0, 0])
    by_cat = collections.defaultdict(lambda: [0, 0])
    confusion = collections.Counter()
    fa = collections.defaultdict(lambda: [0, 0])
    misses, alarms = [], []
    for r in out_rows:
        gold, pred = r["gold"], r["predicted"]
        confusion[(gold, pred)] += 1
        if gold != "NONE":
            ok = hit(gold, pred)
            by_level[gold][0] += ok
            by_level[gold][1] += 1
            by_cat[(gold, r["category"])][0] += ok
            by_cat[(gold, r["category"])][1] += 1
            if not ok:
                misses.append(r)
        else:
            kind = r["kind"]
            fa[kind][0] += alarm(pred)
            fa[kind][1] += 1
            if alarm(pred):
                alarms.append(r)
    w("| level | recall | target |\n|---|---|---|")
    targets = {"EMERGENCY": ">= 0.95", "CRISIS": ">= 0.98", "SEE_DOCTOR": "-"}
    for level in ["EMERGENCY", "CRISIS", "SEE_DOCTOR"]:
        n, d = by_level[level]
        w(f"| {level} | {pct(n, d)} | {targets[level]} |")
    w("")
    w("False alarms (EMERGENCY or CRISIS given to a NONE message):\n")
    w("| NONE messages | false-alarm rate | target |\n|---|---|---|")
    for kind, label in [("hard_negative", "hard negatives"), ("positive", "ordinary questions in the set")]:
        n, d = fa[kind]
        w(f"| {label} | {pct(n, d)} | {'<= 0.03' if kind == 'hard_negative' else '-'} |")
    w("")
    w("Confusion (rows: gold, columns: predicted):\n")
    w("| gold \\ predicted | " + " | ".join(LEVELS) + " |")
    w("|---|" + "---|" * len(LEVELS))
    for gold in LEVELS:
        w(f"| {gold} | " + " | ".join(str(confusion[(gold, p)]) for p in LEVELS) + " |")
    w("")
    w("Recall per category:\n")
    w("| level | category | recall |\n|---|---|---|")
    for (level, cat), (n, d) in sorted(by_cat.items(), key=lambda kv: (-RANK[kv[0][0]], kv[0][1])):
        w(f"| {level} | {cat} | {pct(n, d)} |")
    w("")
    if not list_rows:
        w(f"The {len(misses)} misses and {len(alarms)} false alarms of this set are not "
          "listed, so that it stays blind: nobody writing rules reads them.\n")
        return
    w(f"### Missed ({name})\n")
    w("| id | gold | predicted | message (context) |\n|---|---|---|---|")
    for r in misses:
        d = rows[r["id"]]
        ctx = f" ({d['context']})" if d.get("context") else ""
        w(f"| {r['id']} | {r['gold']} | {r['predicted']} | {cell(d['query'] + ctx)} |")
    w("")
    w(f"### False alarms on NONE ({name})\n")
    w("| id | kind | predicted | signs | message |\n|---|---|---|---|---|")
    for r in alarms:
        d = rows[r["id"]]
        w(f"| {r['id']} | {r['kind']} | {r['predicted']} | {r['signs']} | {cell(d['query'])} |")
    w("")


def figures(rows):
    """Recall per level and hard-negative false alarms of a set's predictions."""
    out = {}
    for level in ["EMERGENCY", "CRISIS", "SEE_DOCTOR"]:
        d = [r for r in rows if r["gold"] == level]
        out[level] = pct(sum(1 for r in d if hit(level, r["predicted"])), len(d)) if d else "-"
    hard = [r for r in rows if r["kind"] == "hard_negative"]
    out["hard"] = pct(sum(1 for r in hard if alarm(r["predicted"])), len(hard)) if hard else "-"
    return out


def summary(w, paths, out_rows):
    """Where the classifier stands: every labelled set in one table."""
    w("## Where it stands\n")
    w("Recall per level (EMERGENCY is caught by EMERGENCY or CRISIS) and EMERGENCY/CRISIS "
      "given to hard negatives. Targets: EMERGENCY >= 0.95, CRISIS >= 0.98, false alarms <= "
      "0.03. The blind sets are the honest measure; the others were read while writing "
      "rules or trained on.\n")
    w("| set | status | EMERGENCY | CRISIS | SEE_DOCTOR | hard-negative false alarms |")
    w("|---|---|---|---|---|---|")
    status = {"blind13": "crises blind; false alarms read (2026-12-07.2)",
              "blind12": "crises blind; false alarms read (2026-12-07.2)",
              "blind11": "blind rows, measured twice",
              "blind10": "blind rows, measured four times",
              "blind9": "read, trained on (round nine)",
              "blind8": "blind rows, seen in aggregate", "blind7": "blind rows, seen in aggregate",
              "blind6": "blind rows, seen in aggregate",
              "blind5": "blind rows, seen in aggregate"}
    for key, name, *_ in ALL_SETS:
        if key in paths:
            r = figures(out_rows[key])
            w(f"| {name} | {status.get(key, 'development, trained on')} | {r['EMERGENCY']} | "
              f"{r['CRISIS']} | {r['SEE_DOCTOR']} | {r['hard']} |")
    w("")


def model_section(w, args, paths, out_rows, rules_rows):
    """The learned blocks of the rules file, and what they add to the rules."""
    blocks = []
    for line in open(args.rules, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("model "):
            blocks.append({"model": line.split(None, 1)[1], "weights": 0})
        elif blocks and line.startswith("  weight "):
            blocks[-1]["weights"] += 1
        elif blocks and line.startswith("  "):
            key, _, value = line.strip().partition(" ")
            blocks[-1][key] = value
    if not blocks:
        return
    w("## Learned signals\n")
    w("Phrase rules do not generalise to indirect crisis talk, and they raise false alarms on "
      "messages that use a red flag's words without the red flag. So four logistic "
      "regressions (`bench/safety/train_learned.py`, Python standard library, deterministic) "
      "sit beside the rules, in the same file. Their features are computed by the engine "
      "itself (`guru-safety-eval --features`): words as the matcher normalises them (a word "
      "just after a negation marked `!`), word pairs, character 4-grams, a first-person "
      "marker, the rules' groups switched on in the sentence (after negation, history, "
      "someone else and the other cues), the cues found there, and the rules that matched "
      "there. Every turn is read.\n")
    w("- A signal (`crisis.learned`, `emergency.learned`) raises its level when a sentence "
      "(with `reach` sentences either side) reaches its threshold: the lowest at which its "
      "own cross-validated false alarms stay within 3% of all hard negatives and of its own "
      "look-alikes, 0.4% of ordinary questions and 1% of chat turns. Trained with both "
      "classes weighed the "
      "same, hard negatives three times.")
    w("- A veto (`crisis.false_alarm`, `emergency.false_alarm`) reads only the sentences where "
      "its level's rules matched, and drops those rules' signs when it gives a false alarm "
      "a probability of 0.8 or more. It is trained on the messages those rules flag, at their "
      "base rate, so that a plain red flag with nothing around it ('i want 2 die', 'my dad is "
      "having a stroke') keeps its sign. Cross-validation would choose a far lower threshold "
      "(it catches more of these sets by trusting the signal over the rules), but at 0.5 it "
      "vetoed plain red flags of the unit tests: a bag of words learns that hard negatives "
      "name the condition ('what are the signs of a stroke') while real emergencies "
      "describe it, and a person who names it is vetoed.\n")
    w("Training data: every labelled set but the fifth to eighth and the tenth (below; "
      "the emergency blocks, kept from version 2026-12-05.1, not the ninth either), "
      "every 20th ordinary question plus every 4th K-QA question (follow-up questions to a "
      "doctor, the closest to a chatbot's), and every turn of the conversation sets "
      f"{', '.join(CONVERSATION_TRAINING_SETS)}. L2 1e-3, 300 full-batch steps, features seen in "
      "two messages or more, the 6,000 largest weights kept per block.\n")
    w("| block | level | kind | reach | threshold | weights |\n|---|---|---|---|---|---|")
    for b in blocks:
        code, level, *veto = b["model"].split()
        w(f"| `{code}` | {level} | {'veto' if veto else 'signal'} | {b.get('reach', '0')} | "
          f"{b.get('threshold')} | {b['weights']} |")
    w("")
    w(f"Source line of the first block: {blocks[0].get('source', '-')}.\n")
    w("What the learned blocks change, per set: the rules alone (the file without its "
      "learned blocks) against the whole file.\n")
    w("| set | EMERGENCY, rules alone | with learned | CRISIS, rules alone | with learned | "
      "false alarms, rules alone | with learned |")
    w("|---|---|---|---|---|---|---|")
    names = dict((key, name) for key, name, *_ in ALL_SETS)
    names.update((key, f"`{key}.tsv`") for key, _ in TRAINING_SETS)
    for key in [k for k in names if k in paths]:
        a, b = figures(rules_rows[key]), figures(out_rows[key])
        w(f"| {names[key]} | {a['EMERGENCY']} | {b['EMERGENCY']} | {a['CRISIS']} | "
          f"{b['CRISIS']} | {a['hard']} | {b['hard']} |")
    if "ordinary" in paths:
        def flagged(rows):
            return sum(1 for r in rows if alarm(r["predicted"]))
        w(f"| ordinary questions | - | - | - | - | {flagged(rules_rows['ordinary'])} of "
          f"{len(rules_rows['ordinary'])} | {flagged(out_rows['ordinary'])} |")
    w("")


def main():
    ap = argparse.ArgumentParser()
    for name in ["work", "rules", "readings", "out"]:
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=TSV",
                    help="a labelled set measured into WORK/KEY.out, WORK/KEY.timing and "
                         "WORK/KEY.rules.out (the rules without the learned signals)")
    args = ap.parse_args()
    paths = dict(item.split("=", 1) for item in args.set)
    gold = {key: {r["id"]: r for r in read_tsv(path)} for key, path in paths.items()}
    out_rows = {key: read_tsv(os.path.join(args.work, key + ".out")) for key in paths}
    rules_rows = {key: read_tsv(os.path.join(args.work, key + ".rules.out")) for key in paths}

    def timing_of(key):
        path = os.path.join(args.work, key + ".timing")
        return timing(path) if os.path.exists(path) else None
    readings = {}
    if os.path.exists(args.readings):
        for r in read_tsv(args.readings):
            readings[r["id"]] = r
    version = next(line.split(None, 1)[1].strip() for line in open(args.rules)
                   if line.startswith("version "))
    rules = sum(1 for line in open(args.rules) if line.startswith("rule "))
    out = []
    w = out.append
    w("# Safety classifier: measured\n")
    w("How well the safety signal (`src/core/safety.h`, rules and learned signals in "
      "`data/safety/rules.txt`) recognises messages that need a doctor soon, emergency "
      "services now or a crisis line, and how often it raises a false alarm. Written by "
      "`bench/safety.sh` (`bench/safety/report.py`); do not edit by hand.\n")
    w(f"- Rules: `data/safety/rules.txt` version {version}, {rules} rules and "
      f"{sum(1 for line in open(args.rules) if line.startswith('model '))} learned blocks.")
    w(f"- Machine: {machine()}.")
    costs = [(name, t) for key, name, *_ in ALL_SETS + [("ordinary", "ordinary messages")]
             if key in paths for t in [timing_of(key)] if t]
    w("- Cost per message: " + "; ".join(
        f"{name} mean {t['mean_us']} µs, p99 {t['p99_us']} µs ({t['messages']} x "
        f"{t['passes']})" for name, t in costs)
      + ". Target: under 100 µs. Wall-clock times on a 2-core machine shared with other "
      "builds.")
    afresh, remembered = timing_of("chat-afresh"), timing_of("chat-remembered")
    if afresh and remembered:
        w(f"- A conversation (the 360 of `train5.tsv`, each with earlier turns): every turn "
          f"read afresh, mean {afresh['mean_us']} µs, p99 {afresh['p99_us']} µs; every turn "
          f"already remembered (`SafetyRules::TurnCache`, which guru-server keeps because a "
          f"chat sends every earlier turn again with each message), mean "
          f"{remembered['mean_us']} µs, p99 {remembered['p99_us']} µs, a lower bound: the "
          f"server reads each new message once, at about the single-message cost above; "
          f"{remembered['cache_mismatches']} assessments changed by remembering.")
    w("")
    summary(w, paths, out_rows)
    w("## How the rules were developed, and what the figures mean\n")
    w("The engine and a first rules file were written from the published guidance alone "
      "(NHS 999/A&E/111 lists, NICE NG12, NG51, NG143, NG232, NG225, FAST, the UK Sepsis "
      "Trust, Samaritans' warning signs), before the development set existed. Its first, "
      "blind run on `dev.tsv` gave: EMERGENCY recall 0.833 (130/156), CRISIS recall 0.542 "
      "(39/72), SEE_DOCTOR 0.603 (38/63), false alarms on hard negatives 0.109 (18/165). "
      "The misses were then read and fixed by general means, not per message: new cues "
      "(`@_benign` explanations and resolutions, `@_state`, a 6-word reach for history, "
      "clause breaks at 'and I've'), method-agnostic crisis families from the Samaritans' "
      "warning signs (goodbyes, passive wishes, method seeking, means at hand, self-harm "
      "acts), and lay phrasings of each red flag. Because the misses were read, the figures "
      "below overstate what an unseen set will show: expect the blind-run gap to shrink but "
      "not vanish. The ordinary-question false alarms were read one by one (section at the "
      "end), and fuzzy-matching mistakes found there (\"recessive\" read as \"recession\", "
      "\"drops\" as \"dropped\") were fixed with `@_not_typo` and narrower groups.\n")
    w("A second round (rules version 2026-12-01.2) aimed at generalising rather than at dev "
      "rows, without reading dev misses: 'has gone numb' (British for became numb) no longer "
      "reads as resolved (`@_became`); the matcher reads 'do not' as 'don't', 'wanna' as "
      "'want to' and numbers in words ('thirty-nine', 'a hundred and two'); crisis families "
      "written from the Samaritans, NHS, 988 Lifeline/SAMHSA, WHO and NICE NG225 warning-sign "
      "lists (being a burden, no reason to live, trapped, unbearable pain, goodbyes and "
      "letters, giving things away, researching or holding means and dwelling on them, a "
      "chosen day, sleeping and not waking, not existing, joining someone who has died, "
      "self-harm until bleeding, planned overdoses); lay wordings of emergency signs checked "
      "against my own probe messages; and fixes found there (\"fever for 2 weeks\" had "
      "been read as a baby's age; topic cues like 'training' matched 'train' by stem).\n")
    w("A third round (rules version 2026-12-01.3) followed the held-out run, whose CRISIS "
      "recall (0.589) showed that phrase lists do not generalise to indirect crisis talk. "
      "Its misses were seen in aggregate, so from this version on the held-out set is no "
      "longer blind and its figures overstate, as the development set's do. The change is a "
      "mechanism, not row fixes: a `field` statement in the rules file, a scored semantic "
      "field over a sentence and its neighbours. `crisis.risk_field` counts four fields of "
      "the Samaritans, 988/SAMHSA, NHS, WHO and NICE NG225 warning-sign lists (death, ending "
      "or not existing; hopelessness, entrapment or being a burden; a method or the means; "
      "farewells and final acts) in a sentence about the writer (I, me, my) and flags CRISIS "
      "when two are there; `crisis.stated_intent` flags a stated wish or plan to die alone; "
      "`crisis.self_harm_field` pairs a self-harm tool or act with the urge to go on. Field "
      "words keep every guard (negation, history, questions about others or in general, "
      "topics, figures of speech, benign explanations) except that a hypothetical counts "
      "(\"if I was gone\"). Ambiguous words are phrases (medication names alone are not a "
      "means: \"what tablets can I take\"). The same mechanism gives EMERGENCY a heart "
      "attack field (pain or heaviness in the arm, jaw or between the shoulder blades, "
      "sweating, breathlessness, feeling sick or faint, a sudden start: three of five) and a "
      "same-sentence testicular field, and lay wordings were added for speech (\"word "
      "salad\", \"can't find the word\"), neck stiffness (\"chin to chest\"), non-fading "
      "rashes, silent choking, stridor and not coming round. Each was checked on probe "
      "messages of my own from the published warning-sign lists, positives and look-alikes "
      "(grief, figures of speech, medication questions, fiction), a subset of which are unit "
      "tests. A fuzzy-matching side effect found on the way: \"noise\" had been read as a "
      "typo of \"noose\".\n")
    w("A fifth round (rules version 2026-12-03.1) was written on the misses and false alarms "
      "of two sets written blind by others and never used for rules before: `train.tsv` "
      "(the learned signal's 640 training rows) and `train2.tsv` (449 crisis messages and "
      "look-alikes); both are development sets from this version on (figures below). Two "
      "engine changes. A field marked `asked` is not switched off by a question: "
      "researching a method is itself a warning sign (Samaritans, NHS, 988 Lifeline), and "
      "it comes as a question (\"what is the lethal amount of ...\", \"how high does a "
      "bridge have to be so that it's certain\"); `crisis.method_research` asks for "
      "lethality or certainty words with a method or substance, said by the writer about "
      "themselves or their own means, or certainty of death with a method whoever it is "
      "about, and a topic or benign cue anywhere in those sentences (revision, the news, a "
      "patient) still switches it off. A field marked `across` adds up over turns "
      "(\"I've had enough\", then \"how long would it take\"): the risk and self-harm "
      "fields now do. The risk field also counts someone else's signs (\"she says she's a "
      "burden ... she's been visiting the bridge\"). New families, each from the published "
      "lists: hiding self-harm and its wounds (NHS signs), deliberate injury to one's own "
      "body, standard crisis phrases (\"I'm not safe right now\", \"do something "
      "stupid\", \"a permanent solution\", exit bags, ligatures), decisions and plans. "
      "False alarms were cut with general cues: professional and study framings (a patient, "
      "pharmacology, revision, the news, guidance), idioms (\"killing myself laughing\", "
      "\"throw myself into\", \"tired of living with\", \"cut down on\"), old scars and "
      "years clean as history, moving house, general anaesthetic, and questions asking why "
      "or how a thing happens. Two fixes found on the way: \"survive\" had been read as "
      "the history cue \"survived\", and the matcher lost the first \"is not\" / \"do not\" "
      "/ \"I am\" of every message (a self-move emptied the joined word). The four "
      "EMERGENCY misses of the held-out set (a development set since round three) were "
      "fixed from the NHS and NICE lists: a headache with one pupil bigger or an eyelid "
      "drooping (NICE CKS, a third nerve palsy), carbon monoxide (several people or pets "
      "unwell near a boiler, fire or engine, or the alarm going off with symptoms; naming "
      "carbon monoxide alone no longer flags), \"my voice has gone hoarse\" read as became "
      "hoarse rather than resolved, and clear watery fluid from the nose after a head "
      "injury. A joke marker (`@_joke`: lol, haha) now takes back only signs below "
      "crisis level: talk of suicide made light of is still a warning sign (Samaritans), "
      "so \"I'd be doing them a favour if I was dead lol\" is a crisis and \"having a heart "
      "attack at this bill lol\" is not an emergency. (Later the same day: the marker "
      "takes back a sign in its own sentence only. It had dropped the whole rule when the "
      "rule's newest match joked, so \"worst headache of my life lol\" after an earnest "
      "thunderclap headache in an earlier turn lost that turn's sign; now the earnest one "
      "counts. No prediction of any labelled set changed.) On these two sets "
      "CRISIS recall went from 0.544 to 0.762 and from 0.585 to 0.770, and hard-negative "
      "false alarms from 0.169 to 0.116 and from 0.209 to 0.112; the blind sets moved much "
      "less (below), which is the honest measure of what the phrase families generalise.\n")
    w("A sixth round (rules version 2026-12-03.2) was written after the fifth set "
      "(`blind5.tsv`) had been measured once on version 2026-12-03.1; it read the misses of "
      "the third and fourth sets, which are development sets from this version on, and "
      "never the fifth set's rows. Lay wordings from the NHS and BHF pages: a smile gone "
      "'wonky', 'can't hold' a cup in one hand, a chest that feels like someone is sitting "
      "on it, an indigestion-like chest feeling that then spreads to the arm or jaw, 'too "
      "puffed out to talk' and lips grey round the edges, a baby 'is 10 weeks' (not only "
      "'10 weeks old'); crisis: 'before I jump', wanting the noise or the thoughts in one's "
      "head to stop for good, sitting in a garage with the engine running, a self-harm "
      "relapse after time clean, and a new `crisis.asking_for_self`: a question about "
      "suicide or a method that the person says is for themselves ('asking for me, not a "
      "story', 'asking because I'm thinking about it'; medicines and illnesses are not "
      "among its words, so 'how much paracetamol can I take, asking for me' is not a sign). "
      "On the development sets it caught 13 more messages and lost none, and the 19,178 "
      "ordinary questions and every hard negative were unchanged; on the fifth set it "
      "changed nothing (the same 53/70 CRISIS, 80/90 EMERGENCY, 9/90 false alarms). That is "
      "the clearest measure yet that adding wordings seen in one set does not reach another "
      "set's: what would is a model of who a clause is about and whether it is happening "
      "now, not more phrases. Tried and not kept: the learned signal retrained with the "
      "third and fourth sets (cross-validated CRISIS recall at its threshold 0.48, up from "
      "0.39) caught one more fifth-set message (54/70) but flagged two more ordinary "
      "questions, both absurd ('So you would recommend me taking Benadryl everyday ...'), a "
      "sign that it learns the sets' phrasing habits.\n")
    w("A seventh round (version 2026-12-04.1) changed how the level is decided, not the "
      "phrases: no rule was added or edited. Ten helpers each wrote a set blind to "
      "everything here, in different voices: eight training sets (`train3.tsv` to "
      "`train10.tsv`, 3,390 messages) and two test sets (`blind6.tsv`, `blind7.tsv`; "
      "`bench/safety/README.md`). Measured on rules 2026-12-03.2 before anything was "
      "trained on them, the training sets showed what the blind sets had: CRISIS recall "
      "0.71, 0.62, 0.65 and 0.72 on the four crisis sets, EMERGENCY 0.82 on the texting set, "
      "false alarms on 12% to 31% of their look-alikes. The learned blocks were rebuilt on "
      "every labelled set but the fifth, sixth and seventh. Their features now come from the "
      "engine itself (`guru-safety-eval --features`; the trainer's Python copy of the "
      "tokeniser is gone) and include the rules' groups switched on in a sentence, the cues "
      "found there and the rules that matched there: cross-validated, the groups alone "
      "raised the crisis signal's recall at the same false-alarm rate from 0.57 to 0.68. "
      "There are four blocks: a signal per level (crisis, and a new one for emergencies) "
      "that raises the level, and a veto per level that drops the signs of that level's "
      "rules when the words around them say false alarm. The blocks read every turn, as "
      "the rules do (they read two before; a rule in an older turn could not be vetoed). "
      "Every 4th K-QA question joined the training data, because the crisis signal had "
      "flagged short questions to a doctor ('Do you think its contagious?'): K-QA questions "
      "flagged fell from 14 to 4 at no cost in cross-validated recall. Training runs 300 "
      "steps, not 120: at 120, the model fitted on all the data (not the folds) had not "
      "settled and flagged 51 K-QA questions where every fold's model flagged 2 to 4. "
      "A reviewer (a helper reading the diff) found that the trainer still scored sentences "
      "the engine never lets a signal fire on (those the cues switch off as a whole); the "
      "features now say which those are and the blocks were retrained. Cross-validated on "
      "the training data, the rules alone against the whole file: CRISIS recall 0.574 and "
      "0.786, EMERGENCY 0.893 and 0.980; hard negatives flagged CRISIS 8.5% and 5.9%, flagged "
      "EMERGENCY 4.7% and 3.4%.\n")
    w("On the sets never trained on, rules 2026-12-03.2 (the version before) against "
      "2026-12-04.1: the fifth set EMERGENCY 0.889 and 0.978, CRISIS 0.757 and 0.843, false "
      "alarms 0.100 and 0.044; the sixth 0.856 and 0.978, 0.843 and 0.957, 0.022 and 0.033; "
      "the seventh 0.889 and 1.000, 0.814 and 0.957, 0.067 and 0.056. Over the three, 270 "
      "emergencies, 210 crises and 270 look-alikes: EMERGENCY 0.878 and 0.985, CRISIS 0.805 "
      "and 0.919, false alarms 0.063 and 0.044. The seventh set was measured twice: on the "
      "version frozen before the review (1.000, 0.929, 0.056) and on this one, after the "
      "reviewer's fix, which was made for the reviewer's reason. The EMERGENCY target "
      "(0.95) is met on each set; CRISIS (0.98) and false alarms (0.03) are not.\n")
    w("How the design was chosen. A first design, whose veto was a second, lower threshold "
      "of the signal itself, did as well on the sets but vetoed plain red flags of the unit "
      "tests ('i want 2 die', 'my throat is closing up after eating prawns', 'my dad is "
      "having a stroke'): a short sentence scores low for want of evidence, and the sets "
      "teach that look-alikes name the condition ('what are the signs of a stroke') while "
      "real emergencies describe it. The veto is now a model of its own, trained only on "
      "the messages the rules flag, at their base rate, and its threshold (0.8) is set by "
      "that rule and not by cross-validation, which would veto far more (it would trade "
      "plain red flags for false alarms on these sets). The fifth and sixth sets were "
      "measured in aggregate while this was chosen (never their rows); the seventh once, at "
      "the end. One look-alike of the unit tests is now flagged by the crisis signal ('I "
      "wrote a letter to my GP about my pills but heard nothing back'); the tests check "
      "that no rule flags it, and this report measures the signals.\n")
    w("An eighth round (version 2026-12-05.1) was about what a chatbot hears most: people "
      "naming a condition they or a relative have while asking about it. Every turn of the "
      "conversation benchmark's sets, read alone, showed that version 2026-12-04.1 raised an "
      "alarm on 143 of 3,069 such turns, 10 of them right (an emergency now, read alone): "
      "'I think I have piles' and 'I think my teenage son might be depressed' were CRISIS, "
      "'she's 84 and diabetic' and 'he starts chemo on Monday' EMERGENCY; the labelled sets "
      "had hardly any such messages, so the learned signals had learned that any medical "
      "statement about a person is alarming. Three kinds of change. (1) Rules, written from "
      "the guidance and not from rows of a blind set: pauses in breathing while snoring "
      "asleep are sleep apnoea (NHS: see a GP), not 'not breathing'; 'electric shock' pains "
      "of neuralgia, a big toe 'on fire' (gout) and school 'PE' are figures of speech; a "
      "facial droop already diagnosed as Bell's palsy or with a stroke ruled out is "
      "explained; a drooping eyelid is not FAST's face (a headache rule reads it); and "
      "'a stroke', 'mini stroke' or 'TIA' alone no longer say a stroke is happening now "
      "('my mum had a stroke' is the past), only wordings of now or of suspicion ('is having "
      "a TIA', 'think it's a mini stroke'): on the labelled sets this took 11 false alarms "
      "away and lost one emergency to the rules alone (a TIA's signs coming back). (2) The "
      "signals train on every turn of five of the seven conversation sets (2,286 turns, "
      "those read as right left out) and a helper-written set of chat messages "
      "(`train11.tsv`, 450), with a limit of 1% of chat turns flagged out of fold beside the "
      "others. The vetoes do not: trained on chat turns, the emergency veto learned that "
      "'my dad ... stroke' is a false alarm and vetoed 'my dad is having a stroke' and 'my "
      "throat is closing up after eating prawns' (unit tests). (3) A new blind set in that "
      "voice (`blind8.tsv`), measured once before the round and once after. Cross-validated "
      "on the training data: CRISIS recall 0.802 (0.786 before, on less data), EMERGENCY "
      "0.970, hard negatives flagged CRISIS 5.8% and EMERGENCY 3.3%, chat turns 0.1% and "
      "1.2%. Turns of the two conversation sets not trained on: 54 false alarms of 778 "
      "before, 18 after; of the 2,291 trained on, 16. Those 778 turns are held out from "
      "the learned signals only: the first list of flagged turns, read before the rules "
      "were changed, covered every set, so the rule changes (snoring, neuralgia) were "
      "written having seen some of them. The eighth set (blind): EMERGENCY 90/90 "
      "and 89/90, CRISIS 39/40 and 40/40, hard-negative false alarms 4/70 and 3/70, its 100 "
      "ordinary chat messages 3 and 0. The fifth, sixth and seventh sets were measured once "
      "more in aggregate (no longer blind): EMERGENCY 87/90, 88/90, 89/90 (was 88, 88, 90), "
      "CRISIS 59/70, 66/70, 67/70 (was 59, 67, 67), false alarms 5/90, 3/90, 6/90 (was 4, "
      "3, 5): a message or two lost on each for a threefold cut in false alarms on chat "
      "turns. The false alarms left on chat turns are mostly the past told in the present "
      "('had crushing chest pain at the gym and the paramedics said possible MI'): a sign "
      "already seen by a clinician, which the cues do not read.\n")
    w("A ninth round (version 2026-12-07.1) was about indirect crisis talk, the level "
      "furthest from its target on every blind set. (1) The matcher: a part's window "
      "counted every word from its first term to the end of its last, so a term that is a "
      "long phrase had no room: 'want to' and 'go to sleep and never wake up' within 4 "
      "could never match, nor 'face' and 'dropped on one side' within 5. For terms found "
      "in the rule's order the window now runs to where the last term starts; in another "
      "order the whole span must still fit ('die lol, really need to'). Alone, on every "
      "labelled set and the ordinary messages, this changed three levels: a crisis caught "
      "(fifth set), a see-a-doctor lump caught (sixth), and one conversational "
      "look-alike of the eleventh training set now EMERGENCY (a face that dropped on one "
      "side, explained as Bell's palsy two turns later: an explanation in a later turn "
      "still does not reach an earlier one). (2) The history cue 'survived' matched "
      "'survive' (inflections are folded), so a question whether a fall or a dose would "
      "be survived was read as the past; it is now 'have/has/had survived', 'survivor' "
      "and the past of an attempt. (3) Rules written from the warning-sign lists, first "
      "on probe sets of my own (50, 32 and 20 messages, `probes-2026-12-07.tsv`) and then on the ninth set, "
      "measured once before and then read: a wish to die in more words ('pray I won't "
      "wake up', 'close my eyes and not open them again', 'no more mornings'), a date set, "
      "affairs put in order, a handgun as a means, whether a rope or knot takes a "
      "person's weight, whether a garage or a barbecue 'works first time' or painlessly, "
      "'asking because I want to', cigarette burns kept up; look-alikes: a sleep bounded "
      "by a day ('not wake up till Monday'), 'what else can I try' for pain, self-harm "
      "in schools as a topic. (4) Extra doses: 'took * twice by mistake' alone was an "
      "emergency for any medicine; now only for a medicine dangerous in excess (opioids, "
      "insulin, warfarin, lithium, tricyclics, digoxin) or with an overdose's signs (very "
      "drowsy, breathing slowly), and someone found unconscious by empty packets is one "
      "(NHS 'What should I do if I take too much of my medicine?', NHS 'Poisoning'). (5) "
      "The crisis signal and veto were retrained with the ninth set (cross-validated "
      "crisis recall 1519/1877, look-alikes flagged 5.8%, ordinary 1/1201, chat turns "
      "3/2286). The emergency blocks of 2026-12-05.1 are kept: retrained, the emergency "
      "signal's threshold fell to 0.72 and it flagged 25 more ordinary messages and 13 "
      "see-a-doctor rows of the eighth training set as emergencies. The tenth set (blind, "
      "in four voices): CRISIS 59/80 -> 63/80, EMERGENCY 10/15 -> 11/15 (10/15 until two "
      "wordings of an overdose taken, 'took double my lithium' and 'her whole dosette box', "
      "were added from a probe set of my own after its third measurement), look-alikes "
      "flagged 4/80 -> 1/80, ordinary 0/35 both. The ninth (read, trained on): CRISIS 78/90 "
      "-> 88/90, EMERGENCY 18/20 -> 20/20, look-alikes 4/90 -> 0/90. The fifth and sixth "
      "sets (aggregate, not trained on; their missed crises had been listed before this "
      "round, so the phrase rules were written having seen them): CRISIS +4 and +2, a "
      "false alarm fewer on the fifth, the sixth's lump above; on the seventh an emergency "
      "now also reads as a crisis (the retrained signal, on its first sentence), which a "
      "chatbot shows with the crisis line first. Ordinary messages flagged CRISIS: 8 -> 14 "
      "(the six new ones "
      "read: all wrong, short questions to a doctor). The tenth set says what the round did not do: "
      "a new voice still loses one crisis in five to the phrase rules and the signal "
      "together, and the rules written for the ninth set's misses moved none of the "
      "tenth's until the signal was retrained. Three more sets, written after the round "
      "was committed by helpers who read nothing of the repository (`blind11.tsv` to "
      "`blind13.tsv`, 800 messages, 380 crises), measured on both versions: CRISIS 64/80 -> "
      "67/80, 111/150 -> 115/150 and 126/150 -> 128/150 (pooled 0.792 -> 0.816), overdoses "
      "taken 14/15 -> 15/15, look-alikes flagged 3/75, 13/120 and 20/120 on both: the "
      "jokes and hyperbole of young people's texting and the chronic pain, wills and grief "
      "of adults' messages are false alarms three to six times the 3% target. Tried and "
      "not kept: the crisis signal retrained with the twelfth and thirteenth sets as "
      "training data (600 more messages in those two voices); it fitted them (47 more "
      "right) but lost right answers elsewhere (the tenth set 5 against 1 gained, the "
      "eleventh 2 against 1, the other training sets 76) at a higher threshold (0.87). Version 2026-12-07.2 then read the "
      "false alarms of the twelfth and thirteenth sets (33, not their crises) and took "
      "away those that a topic or the past explains, by general cues: an overdose's risk, "
      "a medicine's storage or disposal, a daily regimen ('eleven tablets a day'), "
      "helplines and advance decisions are topics, not an overdose taken; 'in my "
      "twenties' and the like are history; scratching with eczema is no self-harm. "
      "Thirteenth set 20 -> 14 false alarms (in-sample); no other level moved on any set "
      "or on the 22,247 ordinary messages. Left alone: jokes and hyperbole ('I want to die "
      "lmaooo' after a video game, 'my hay fever is so bad I want to die'), which the "
      "rules keep as signs on purpose (a joke marker does not take back a crisis), "
      "worries about a friend who said she wants to die (a warning sign about someone "
      "else, labelled NONE by the set's writer), and the learned signal's false alarms "
      "(17 of the 37), which rules cannot reach.\n")
    w("Version 2026-12-07.3 and the matcher after a red-team pass (a helper trying to "
      "break the server, 2026-12-07): (1) a word of a few thousand bytes with no "
      "vocabulary match took seconds, since the typo lookup listed every two-letter "
      "deletion of it; a token longer than the longest typo-indexed word plus the typos "
      "allowed is now no typo of one (3,000 x 'é': 3.4 s -> 1 ms). (2) Words written to "
      "dodge a filter were NONE: 'K I L L myself', 'k1ll mys3lf', a zero-width space "
      "inside a word, fullwidth letters. The tokeniser joins runs of three or more single "
      "letters spelled out, joins words across invisible characters and folds fullwidth "
      "ASCII; digits in a word that starts with a letter are read as the letters they "
      "stand for when that makes a vocabulary word. Every labelled set and the ordinary "
      "messages gave the same output before and after. (3) 'PE' alone was a pulmonary "
      "embolism, and as often the school subject ('my son has PE at school today' was "
      "EMERGENCY); @pe now needs 'a PE', 'suspected', 'possible' or 'another PE'. One "
      "ordinary chat message of the eighth set is no longer a false EMERGENCY, and one "
      "crisis of the tenth set (hiding scars for PE) went from EMERGENCY, matched through "
      "the school subject, to NONE: it was a miss of the crisis rules either way.\n")
    w("Labels: none of the rows read while fixing misses looked mislabelled to me.\n")
    w("Known weaknesses of the learned blocks: they are bags of words and pairs, so they "
      "learn the sets' habits as well as the signs (a look-alike that names the condition, "
      "a short question to a doctor); an explanation in a later turn ('lol it's the "
      "dentist's anaesthetic') does not reach a sign in an earlier one; every training set "
      "was written by a language model asked for close calls, so the false-alarm rate on an "
      "everyday stream of messages is measured only by the ordinary questions and the "
      "conversation turns; and reading a turn costs tens of microseconds (p99 over 100 µs "
      "on most sets), which the server pays once per turn of a chat: it remembers each "
      "turn's reading for the messages that send it again (`SafetyRules::TurnCache`).\n")
    w("Known weaknesses of the rules: crisis messages that say nothing about death or harm in words "
      "(\"I've got the tablets, I've got the whisky\") are missed; topic cues are blunt "
      "(\"songs at my funeral\" is read as talk about a song); a sign and a question in "
      "one clause with no punctuation can be switched off together; a history cue in the "
      "sentence before does not reach a sign; the 3-6 month fever threshold (39 C) is "
      "SEE_DOCTOR (NICE NG143 amber), not EMERGENCY; the crisis fields need two fields in "
      "one message, so a single indirect sign (giving possessions away and feeling calm; a "
      "text saying sorry and goodbye; researching the highest bridge 'for no reason') is "
      "missed; a joke marker ('lol') no longer switches a crisis sign off, so crisis "
      "hyperbole with one (\"want to throw myself off a cliff when I see my exam timetable "
      "lmao\") is a false alarm; a clarification "
      "in the next sentence (\"I can't do this anymore. The diet, I mean\") does not switch a "
      "sign off; the same words can count for two groups of a field; some older means "
      "phrases still fire on "
      "innocent uses ('stockpiling paracetamol because the pharmacy runs out'); the "
      "matcher knows English only.\n")
    for key, name, history, list_rows in ALL_SETS:
        if key not in paths or key == "ordinary":
            continue
        w(f"## {name[0].upper() + name[1:]} (`bench/safety/{key}.tsv`)\n")
        w(history + "\n")
        labelled_section(w, name, gold[key], out_rows[key], list_rows)
    training = [key for key, _ in TRAINING_SETS if key in paths]
    if training:
        w("## Training sets\n")
        w("Written blind to the rules and the learned signals by helpers, and trained on "
          "(`bench/safety/train_learned.py`); the rules of round five were written on the "
          "misses of the first two. These figures are in-sample: they say what the signals "
          "learned, not how they generalise.\n")
        w("| set | what | EMERGENCY | CRISIS | SEE_DOCTOR | hard-negative false alarms |")
        w("|---|---|---|---|---|---|")
        for key, what in TRAINING_SETS:
            if key in paths:
                r = figures(out_rows[key])
                w(f"| `{key}.tsv` | {what} | {r['EMERGENCY']} | {r['CRISIS']} | "
                  f"{r['SEE_DOCTOR']} | {r['hard']} |")
        w("")
    model_section(w, args, paths, out_rows, rules_rows)
    ordinary = gold.get("ordinary", {})
    ordinary_out = out_rows.get("ordinary", [])
    w("## Ordinary questions\n")
    w("Every question we have: LiveQA development questions, K-QA questions and the "
      "`question` field of every MedQuAD post; and every turn of the conversation "
      "benchmark's sets (`bench/conversation/*.jsonl`), each alone: what a chatbot hears "
      "most, people naming a condition they or a relative have while asking about it. All "
      "expected NONE or SEE_DOCTOR, but a turn read alone can describe an emergency its "
      "conversation shows was in the past (\"she can't move her left arm\" after \"mum had a "
      "stroke on Tuesday\"): such flags are read as right. The learned signals train on the "
      f"turns of {', '.join(CONVERSATION_TRAINING_SETS)} (not those read as right).\n")
    w("| source | messages | EMERGENCY/CRISIS | of which false alarms (read below) | SEE_DOCTOR |"
      "\n|---|---|---|---|---|")
    per = collections.defaultdict(lambda: [0, 0, 0, 0])
    flagged = []
    def origin(r):
        if r["kind"] != "chat":
            return r["kind"]
        trained = r["id"].split("-")[1] in CONVERSATION_TRAINING_SETS
        return "chat (trained on)" if trained else "chat (not trained on)"
    for r in ordinary_out:
        p = per[origin(r)]
        p[0] += 1
        p[1] += alarm(r["predicted"])
        p[2] += r["predicted"] == "SEE_DOCTOR"
        if alarm(r["predicted"]):
            flagged.append(r)
            p[3] += readings.get(r["id"], {}).get("verdict") != "right"
    total = [0, 0, 0, 0]
    for kind in ["liveqa", "kqa", "medquad", "chat (trained on)", "chat (not trained on)"]:
        p = per[kind]
        total = [a + b for a, b in zip(total, p)]
        w(f"| {kind} | {p[0]} | {pct(p[1], p[0])} | {pct(p[3], p[0])} | {pct(p[2], p[0])} |")
    w(f"| all | {total[0]} | {pct(total[1], total[0])} | {pct(total[3], total[0])} | "
      f"{pct(total[2], total[0])} |")
    w("\nTarget: EMERGENCY/CRISIS on at most 2% of ordinary questions.\n")
    w("### Every ordinary question flagged EMERGENCY or CRISIS, read by hand\n")
    w("`right` means a person writing this should be told to get urgent help (the flag is "
      "right even though the set's label is NONE); `wrong` is a false alarm.\n")
    w("| id | predicted | signs | question | reading |\n|---|---|---|---|---|")
    for r in flagged:
        q = ordinary[r["id"]]["query"].replace("|", "/")
        reading = readings.get(r["id"])
        note = f"{reading['verdict']}: {reading['note']}" if reading else "not read yet"
        w(f"| {r['id']} | {r['predicted']} | {r['signs']} | {q} | {note} |")
    w("")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
