#!/usr/bin/env python3
"""The ordinary messages the safety signal is measured and trained on, and
the labelled-set reader both scripts share.

    bench/safety/ordinary.py OUT.tsv

writes every ordinary message in the labelled sets' format (level NONE,
category `ordinary`, kind = its source): the LiveQA development questions,
K-QA's questions, the `question` field of every MedQuAD post, and every turn
of the conversation benchmark's sets (bench/conversation/*.jsonl), each
alone. The turns are what a chatbot hears most: people telling it about a
condition they or a relative have ("she's 84 and diabetic", "I've just been
told I have afib") while asking about it. They were written as
information-seeking conversations, so NONE or SEE_DOCTOR is expected; the
few that describe an emergency happening now are read by hand
(bench/safety/readings.tsv, verdict `right`).
"""

import gzip
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Conversation sets the learned signals train on; the others (blind5,
# blind6) are only measured.
CONVERSATION_TRAINING_SETS = ["dev", "holdout", "blind2", "blind3", "blind4"]
CONVERSATION_SETS = CONVERSATION_TRAINING_SETS + ["blind5", "blind6"]


def clean(text):
    return " ".join(text.replace("\t", " ").split())


def questions():
    """(id, source, text) of every ordinary question."""
    rows = []
    with open(os.path.join(ROOT, "data/medquad-liveqa/test-questions-dev.tsv"),
              encoding="utf-8") as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            rows.append((f"liveqa-{qid}", "liveqa", clean(text)))
    with gzip.open(os.path.join(ROOT, "data/k-qa/questions.jsonl.gz"), "rt",
                   encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            rows.append((f"kqa-{n}", "kqa", clean(json.loads(line)["Question"])))
    with gzip.open(os.path.join(ROOT, "data/medquad-liveqa/corpus.jsonl.gz"), "rt",
                   encoding="utf-8") as f:
        for line in f:
            post = json.loads(line)
            rows.append((f"medquad-{post['id']}", "medquad", clean(post["question"])))
    return rows


def chat_turns(sets=CONVERSATION_SETS):
    """(id, source, text) of every turn of the conversation sets named, each
    alone: id `chat-SET-CONVERSATION-N` (N from 0, the opening turn)."""
    rows = []
    for name in sets:
        with open(os.path.join(ROOT, f"bench/conversation/{name}.jsonl"),
                  encoding="utf-8") as f:
            for line in f:
                conversation = json.loads(line)
                for n, turn in enumerate(conversation["turns"]):
                    rows.append((f"chat-{name}-{conversation['id']}-{n}", "chat",
                                 clean(turn)))
    return rows


def read_tsv(path):
    """The rows of a tab-separated file with a header, as dicts (missing
    trailing fields empty)."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = []
        for line in f:
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t")
            fields += [""] * (len(header) - len(fields))
            rows.append(dict(zip(header, fields)))
        return rows


def write_tsv(path, rows):
    """Writes (id, source, text) rows as a labelled set, all NONE."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("id\tlevel\tcategory\tkind\tquery\tcontext\n")
        for qid, source, text in rows:
            out.write(f"{qid}\tNONE\tordinary\t{source}\t{text}\t\n")


if __name__ == "__main__":
    write_tsv(sys.argv[1], questions() + chat_turns())
