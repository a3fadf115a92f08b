#!/usr/bin/env python3
"""Writes docs/SAFETY.md from guru-safety-eval's predictions (bench/safety.sh)."""
import argparse
import collections
import datetime
import os
import platform
import subprocess

LEVELS = ["NONE", "SEE_DOCTOR", "EMERGENCY", "CRISIS"]
RANK = {level: i for i, level in enumerate(LEVELS)}


# The sets written blind to the rules, measured as they were frozen: option
# name (also the file's), name in the text, what happened to the set, and
# whether its missed and falsely alarmed rows are listed (not for a set that
# is still blind).
BLIND_SETS = [
    ("blind3", "third set",
     "A third set in the same format, written blind to the rules by someone else while "
     "version 2026-12-01.3 was being written. Its rows were not read before the rules "
     "were frozen; the figures are from one run after freezing, and the rules were not "
     "changed after it. The learned signal (below) was added later, trained without "
     "this set, and measured on it once with its threshold fixed beforehand. Its "
     "one blind run with the learned signal: CRISIS recall 0.743 (52/70), hard-negative "
     "false alarms 0.157 (11/70). Version 2026-12-02.1 then added "
     "`crisis.self_harm_act` (an act on one's own body with one of the reasons the NHS "
     "lists: to cope, as punishment, to feel something, relief), written from NICE "
     "NG225 and the NHS page while this set's misses were visible in this file; it "
     "catches three of them, so from that version on this set overstates too. Nothing "
     "else was changed for it." "Rules version 2026-12-03.1 (round five, below) was written on the misses of "
     "`train.tsv` and `train2.tsv`, not of this set; this set was measured in aggregate a few "
     "times while it was written, and the learned signal's two variants were compared "
     "on it (no rows read), so its figures now overstate slightly. Version 2026-12-03.2 "
     "(round six) was written on its misses: a development set from then on.", True),
    ("blind4", "fourth set",
     "A fourth set, written on 2026-12-03 by a helper who read only "
     "`bench/safety/README.md` (not the rules, the code, this report or the other sets): "
     "300 messages, 90 EMERGENCY over 23 categories, 70 CRISIS (about 40 indirect), 30 "
     "SEE_DOCTOR, 90 hard negatives, 20 ordinary questions, 27 multi-turn. Measured on "
     "rules version 2026-12-02.1 as they stood; no rule was changed because of it, so "
     "these are blind figures. They agree with the third set's: EMERGENCY recall near "
     "0.95, CRISIS recall 0.70 (rules 40/70, the learned signal 9 more), hard-negative "
     "false alarms 0.13, against targets of 0.95, 0.98 and 0.03." "Rules version 2026-12-03.1 (round five, below) was written on the misses of "
     "`train.tsv` and `train2.tsv`, not of this set; this set was measured in aggregate a few "
     "times while it was written, and the learned signal's two variants were compared "
     "on it (no rows read), so its figures now overstate slightly. Version 2026-12-03.2 "
     "(round six) was written on its misses: a development set from then on.", True),
    ("blind5", "fifth set",
     "A fifth set, written on 2026-12-03 by a helper who read only the part of "
     "`bench/safety/README.md` before its held-out section (not the rules, the code, this "
     "report or the other sets): 300 messages, 90 EMERGENCY over 23 categories, 70 CRISIS "
     "(47 indirect, 14 about someone else at risk now), 30 SEE_DOCTOR, 90 hard negatives "
     "(40 of them crisis or self-harm look-alikes), 20 ordinary questions, 26 multi-turn. "
     "Measured once on rules version 2026-12-03.1 as they stood, after that version was "
     "frozen: EMERGENCY 0.889 (80/90), CRISIS 0.757 (53/70), SEE_DOCTOR 0.667 (20/30), "
     "hard-negative false alarms 0.100 (9/90). Its rows have not been read and no rule was "
     "changed because of it; version 2026-12-03.2 (round six) gives the same figures, "
     "measured once more in aggregate. These are the blind figures for the current rules.",
     False),
]


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = []
        for line in f:
            line = line.rstrip("\n").rstrip("\r")
            if not line:
                continue
            fields = line.split("\t")
            fields += [""] * (len(header) - len(fields))
            rows.append(dict(zip(header, fields)))
        return rows


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


def model_section(w, args, dev, dev_out, ordinary_out):
    """The learned CRISIS signal: its block in the rules file, and what it adds."""
    block = {}
    weights = 0
    in_model = False
    for line in open(args.rules, encoding="utf-8"):
        line = line.strip()
        if line.startswith("model "):
            in_model = True
            block["model"] = line.split(None, 1)[1]
        elif in_model and line.startswith("weight "):
            weights += 1
        elif in_model and line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            block[key] = value
    if not block:
        return
    w("## Learned CRISIS signal (`crisis.learned`)\n")
    w("Phrase rules do not generalise to indirect suicidal messages, so a logistic "
      "regression (`bench/safety/train_crisis.py`, Python standard library, deterministic) "
      "scores each sentence of the newest message and of the turn before it. Features: "
      "lower-cased words normalised as the matcher reads them (contractions, spoken forms, "
      "suffix stripping, any word with a digit as `#`; a word up to three words after a "
      "negation in its clause marked `!`, so \"I don't think I need antibiotics\" is not "
      "read as despair), word bigrams, character 4-grams of "
      "each word (misspellings) and a first-person marker; words of `@_figure` phrases are "
      "hidden. Training data: `dev.tsv`, `holdout.tsv`, `train.tsv` and `train2.tsv` (CRISIS and overdoses "
      "taken on purpose as positives, everything else, hard negatives counted 3 times, as "
      "negatives) and every 20th ordinary question (LiveQA, K-QA, MedQuAD); never "
      "`blind3.tsv` or `blind4.tsv`. L2 1e-3, 120 full-batch gradient-descent steps (Adagrad step sizes), "
      "features seen in at least 2 messages, the 2,500 largest |weights| kept. The threshold "
      "is the lowest at which 5-fold cross-validated false alarms of the signal alone stay "
      "within 2.5% of hard negatives and 0.4% of ordinary questions (limits 3% and 0.5%, "
      "with a margin). The sign is not raised for a sentence the cues switch off as a "
      "whole (`@_benign`, `@_information_topic`, `@_information` framing its first "
      "clause).\n")
    w(f"- Block: `model {block['model']}`, bias {block.get('bias')}, threshold "
      f"{block.get('threshold')} (1 would be off), reach {block.get('reach', '0')}, "
      f"{weights} weights.")
    w(f"- Source line: {block.get('source', '-')}.\n")
    sets = [("development set (trained on)", dev, dev_out)]
    if args.holdout:
        sets.append(("held-out set (trained on)", {r["id"]: r for r in read_tsv(args.holdout)},
                     read_tsv(args.holdout_out)))
    if args.train:
        sets.append(("training set `train.tsv` (trained on)",
                     {r["id"]: r for r in read_tsv(args.train)}, read_tsv(args.train_out)))
    if args.train2:
        sets.append(("training set `train2.tsv` (trained on)",
                     {r["id"]: r for r in read_tsv(args.train2)}, read_tsv(args.train2_out)))
    for key, name, *_ in BLIND_SETS:
        if getattr(args, key):
            sets.append((f"{name} (never trained on)",
                         {r["id"]: r for r in read_tsv(getattr(args, key))},
                         read_tsv(getattr(args, key + "_out"))))
    w("What the signal adds, per set. `rules only` counts a CRISIS message caught by a "
      "`crisis.*` rule; `with learned` by either. False alarms: hard negatives (gold not "
      "CRISIS) on which the learned sign fires, and all hard-negative EMERGENCY/CRISIS "
      "predictions with it.\n")
    w("| set | CRISIS recall, rules only | with learned | learned sign on hard negatives "
      "| hard-negative false alarms, all |\n|---|---|---|---|---|")

    def codes(r):
        return [sign.split("@")[0] for sign in r["signs"].split(",") if sign]
    for name, gold, out in sets:
        crisis = [r for r in out if r["gold"] == "CRISIS"]
        rules_only = sum(1 for r in crisis
                         if any(c.startswith("crisis.") and c != "crisis.learned"
                                for c in codes(r)))
        with_learned = sum(1 for r in crisis if r["predicted"] == "CRISIS")
        hard = [r for r in out if r["kind"] == "hard_negative"]
        learned_hard = sum(1 for r in hard
                           if r["gold"] != "CRISIS" and "crisis.learned" in codes(r))
        all_hard = sum(1 for r in hard if alarm(r["predicted"]))
        w(f"| {name} | {pct(rules_only, len(crisis))} | {pct(with_learned, len(crisis))} "
          f"| {pct(learned_hard, len(hard))} | {pct(all_hard, len(hard))} |")
    fired = sum(1 for r in ordinary_out if "crisis.learned" in codes(r))
    w(f"| ordinary questions (1 in 20 trained on) | - | - | - | learned sign on "
      f"{pct(fired, len(ordinary_out))} |")
    w("\nWeaknesses: the training rows were written by few people in the same style as "
      "the sets it is measured on, so the third and fourth sets' figures are the only fair "
      "ones (70 CRISIS messages each: wide error bars); bag-of-words features miss negation and who a sentence "
      "is about beyond the first-person marker; the threshold was set out of fold without "
      "the cues, so the shipped signal is slightly more cautious than cross-validation "
      "says.\n")
    w("More training data, tried twice. `bench/safety/train2.tsv`, 449 messages written "
      "blind to everything here (200 CRISIS, 138 of them indirect; 249 crisis look-alikes), "
      "added to the training sets on rules 2026-12-02.1 with the features as they were: "
      "the third set's CRISIS recall rose from 0.786 to 0.814 and the fourth's from 0.700 "
      "to 0.729, but K-QA questions flagged CRISIS went from 2 to 8 of 1,212, all wrong "
      "(\"You don't think I need antibiotics?\"): the model read a negated first-person "
      "question as despair, and it was not kept. On 2026-12-03 the features gained the "
      "negation mark and the signal was retrained with `train2.tsv` (rules 2026-12-03.1): "
      "with the rules, the third set's CRISIS recall went from 0.829 to 0.900 and the "
      "fourth's from 0.743 to 0.771, hard-negative false alarms 10 to 11 of 70 and 12 of 90 "
      "unchanged, K-QA questions flagged by the signal 1 to 5 (read: all wrong, information "
      "questions such as \"So I can get GERD even though I dont get heartburn?\"; 7 of "
      "1,212 K-QA questions flagged in all, against a limit of 2%). It was kept: CRISIS "
      "recall is the target furthest from met, and a crisis line shown above a medication "
      "answer costs less than a missed crisis. A variant that also trained on every 4th "
      "K-QA question flagged 2 K-QA questions but gained less on the blind sets (0.857, "
      "0.743); both variants were compared on the blind sets, so from this version on their "
      "CRISIS figures overstate a little. What would do better still is a model that sees "
      "who a clause is about.\n")


def main():
    ap = argparse.ArgumentParser()
    for name in ["dev", "dev-out", "dev-timing", "ordinary", "ordinary-out", "ordinary-timing",
                 "rules", "readings", "out"]:
        ap.add_argument("--" + name, required=True)
    for name in ["holdout", "holdout-out", "holdout-timing", "train", "train-out", "train2",
                 "train2-out"] + [
            key + suffix for key, *_ in BLIND_SETS for suffix in ["", "-out", "-timing"]]:
        ap.add_argument("--" + name)
    args = ap.parse_args()
    dev = {r["id"]: r for r in read_tsv(args.dev)}
    dev_out = read_tsv(args.dev_out)
    ordinary = {r["id"]: r for r in read_tsv(args.ordinary)}
    ordinary_out = read_tsv(args.ordinary_out)
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
    w("How well the safety signal (`src/core/safety.h`, rules in `data/safety/rules.txt`) "
      "recognises messages that need a doctor soon, emergency services now or a crisis "
      "line, and how often it raises a false alarm. Written by `bench/safety.sh` "
      "(`bench/safety/report.py`); do not edit by hand.\n")
    w(f"- Rules: `data/safety/rules.txt` version {version}, {rules} rules.")
    w(f"- Machine: {machine()}.")
    dt, ot = timing(args.dev_timing), timing(args.ordinary_timing)
    ht = timing(args.holdout_timing) if args.holdout_timing else None
    w(f"- Cost per message: development set mean {dt['mean_us']} µs, p99 {dt['p99_us']} µs "
      f"({dt['messages']} messages x {dt['passes']} passes); ordinary questions mean "
      f"{ot['mean_us']} µs, p99 {ot['p99_us']} µs ({ot['messages']} x {ot['passes']})"
      + (f"; held-out set mean {ht['mean_us']} µs, p99 {ht['p99_us']} µs ({ht['messages']} x "
         f"{ht['passes']})" if ht else "")
      + "".join(
          f"; {name} mean {t['mean_us']} µs, p99 {t['p99_us']} µs ({t['messages']} x "
          f"{t['passes']})"
          for key, name, *_ in BLIND_SETS if getattr(args, key + "_timing")
          for t in [timing(getattr(args, key + "_timing"))])
      + ". Target: under 100 µs. Wall-clock times on a 2-core machine shared with other builds: "
      "under load they run about three times the idle figures (idle, the development set "
      "measured about 17 µs mean and 55 µs p99), and the rules of version 2026-12-01.1 timed "
      "under the same load cost the same as these.\n")

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
    w("Labels: none of the rows read while fixing misses looked mislabelled to me.\n")
    w("Known weaknesses: crisis messages that say nothing about death or harm in words "
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
    w("## Development set (`bench/safety/dev.tsv`)\n")
    w("Written blind to the rules by someone else (see `bench/safety/README.md`). A message "
      "counts as caught when the predicted level is at least its level (EMERGENCY is caught "
      "by EMERGENCY or CRISIS; CRISIS only by CRISIS).\n")
    labelled_section(w, "development set", dev, dev_out)
    if args.holdout:
        w("## Held-out set (`bench/safety/holdout.tsv`)\n")
        w("A second set in the same format, written blind to the rules by someone else while "
          "the rules were being changed, from the same published guidance. Its first run "
          "(rules 2026-12-01.2, frozen) gave EMERGENCY 0.893 (100/112), CRISIS 0.589 (33/56), "
          "SEE_DOCTOR 0.732 (30/41), false alarms 0.027 (3/110) on hard negatives. Its misses "
          "were then seen in aggregate and version 2026-12-01.3 was written after that (see "
          "above), so the figures below are no longer blind: read them as a development "
          "figure. The third set below is the blind measure.\n")
        labelled_section(w, "held-out set", {r["id"]: r for r in read_tsv(args.holdout)},
                         read_tsv(args.holdout_out))
    for key, name, history, list_rows in BLIND_SETS:
        if getattr(args, key):
            w(f"## {name[0].upper() + name[1:]} (`bench/safety/{key}.tsv`)\n")
            w(history + "\n")
            labelled_section(w, name, {r["id"]: r for r in read_tsv(getattr(args, key))},
                             read_tsv(getattr(args, key + "_out")), list_rows)
    for key, file, what in [
            ("train", "train.tsv", "The learned signal's training set (also trained on)"),
            ("train2", "train2.tsv", "449 crisis messages and look-alikes written blind "
             "on 2026-12-03 (bench/safety/README.md)")]:
        if getattr(args, key):
            w(f"## Round five development set `bench/safety/{file}`\n")
            w(f"{what}. Rules version 2026-12-03.1 was written on its misses and false "
              "alarms, so these figures overstate.\n")
            labelled_section(w, file, {r["id"]: r for r in read_tsv(getattr(args, key))},
                             read_tsv(getattr(args, key + "_out")))
    model_section(w, args, dev, dev_out, ordinary_out)
    w("## Ordinary questions\n")
    w("Every question we have: LiveQA development questions, K-QA questions and the "
      "`question` field of every MedQuAD post; all expected NONE or SEE_DOCTOR.\n")
    w("| source | questions | EMERGENCY/CRISIS | SEE_DOCTOR |\n|---|---|---|---|")
    per = collections.defaultdict(lambda: [0, 0, 0])
    flagged = []
    for r in ordinary_out:
        p = per[r["kind"]]
        p[0] += 1
        p[1] += alarm(r["predicted"])
        p[2] += r["predicted"] == "SEE_DOCTOR"
        if alarm(r["predicted"]):
            flagged.append(r)
    total = [0, 0, 0]
    for kind in ["liveqa", "kqa", "medquad"]:
        p = per[kind]
        total = [a + b for a, b in zip(total, p)]
        w(f"| {kind} | {p[0]} | {pct(p[1], p[0])} | {pct(p[2], p[0])} |")
    w(f"| all | {total[0]} | {pct(total[1], total[0])} | {pct(total[2], total[0])} |")
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
