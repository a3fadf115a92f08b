"""SphinxQL for the Sphinx peer: a consumer's question as a query that matches
any of its words, BM25F with field weights.

Shared by bench/relevance/peers.py; bench/sphinx/sphinx_bench.cc builds the
same statement in C++ (keep the two alike).
"""
import re

# Every character with a meaning in Sphinx's extended query syntax
# (sphinxapi's EscapeString, plus the wildcards * ? % and the backslash).
_SPECIAL = re.compile(r'([\\()|\-!@~"&/^$=<*?%])')
_SPACE = re.compile(r"[\x00-\x20\x7f]+")


def quorum(question):
    """The question as `"w1 w2 ..."/1`: any one word matches, every special
    character escaped, so no word is read as an operator."""
    return '"' + _SPECIAL.sub(r"\\\1", _SPACE.sub(" ", question).strip()) + '"/1'


def literal(text):
    """A SphinxQL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ranker(k1, b, title, question, answer):
    """Sphinx's BM25F (expression ranker) with per-field weights. bm25f()
    ignores OPTION field_weights; its third argument carries them. WEIGHT()
    is an integer, so the score (a float near 0.5-1) is scaled."""
    return (f"expr('100000000*bm25f({k1},{b},"
            f"{{title={title},question={question},answer={answer}}})')")


def search(index, question, k1, b, title, question_weight, answer=1, limit=10, snippets=False):
    """SELECT of the top `limit` posts: Sphinx's id, the post's id, the weight,
    and with `snippets` an excerpt of the answer around the question's words."""
    columns = "id, postid, WEIGHT() AS w"
    if snippets:
        columns += ", title, SNIPPET(answer, " + literal(_SPACE.sub(" ", question).strip()) + ") AS s"
    return (f"SELECT {columns} FROM {index} WHERE MATCH({literal(quorum(question))}) "
            f"LIMIT {limit} OPTION ranker={ranker(k1, b, title, question_weight, answer)}")
