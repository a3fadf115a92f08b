#!/usr/bin/python3
"""Converts the medquad-liveqa corpus (ingest JSONL) to Sphinx's xmlpipe2.

  to_xmlpipe2.py CORPUS.jsonl[.gz] > corpus.xml

Each post becomes one document: Sphinx's document id is the post's line number
(1-based; Sphinx wants a number), the full-text fields are title, question and
answer, and the post's own id is a string attribute (postid) so that results
come back by name. title and answer are also stored as string attributes
(xmlpipe_field_string): SNIPPET() needs the answer's text at search time, and
Sphinx 2.2 keeps no document text of its own. The schema is declared in
sphinx.conf (bench/sphinx/lib.sh), not here. Standard library only.
"""
import gzip
import json
import re
import sys
from xml.sax.saxutils import escape

# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value):
    return escape(_NOT_XML.sub(" ", value or ""))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: to_xmlpipe2.py CORPUS.jsonl[.gz]")
    path = sys.argv[1]
    opener = gzip.open if path.endswith(".gz") else open
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<sphinx:docset>\n')
    docs = 0
    with opener(path, "rt", encoding="utf-8") as corpus:
        for line in corpus:
            if not line.strip():
                continue
            post = json.loads(line)
            docs += 1
            out.write(f'<sphinx:document id="{docs}">'
                      f"<postid>{text(post['id'])}</postid>"
                      f"<title>{text(post.get('title'))}</title>"
                      f"<question>{text(post.get('question'))}</question>"
                      f"<answer>{text(post.get('answer'))}</answer>"
                      "</sphinx:document>\n")
    out.write("</sphinx:docset>\n")
    print(f"to_xmlpipe2: {docs} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
