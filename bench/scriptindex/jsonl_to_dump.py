#!/usr/bin/env python3
"""Post JSONL -> scriptindex dump file (field=value lines, a blank line between
records, continuation lines of multi-line values start with '=').

    jsonl_to_dump.py < posts.jsonl > posts.dump
"""
import json
import sys

FIELDS = ("id", "title", "question", "answer", "category", "expert", "asker", "url",
          "asked_on", "answered_on")


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        post = json.loads(line)
        for name in FIELDS:
            value = post.get(name)
            if value:
                out.write(name + "=" + str(value).replace("\n", "\n=") + "\n")
        for tag in post.get("tags", []):
            out.write("tags=" + tag.replace("\n", " ") + "\n")
        out.write("\n")


if __name__ == "__main__":
    main()
