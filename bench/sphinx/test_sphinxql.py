#!/usr/bin/python3
"""Checks bench/sphinx/sphinxql.py's escaping (no searchd needed):
  python3 bench/sphinx/test_sphinxql.py"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sphinxql  # noqa: E402


class QuorumTest(unittest.TestCase):
    def test_plain_words(self):
        self.assertEqual(sphinxql.quorum("how is asthma diagnosed"),
                         '"how is asthma diagnosed"/1')

    def test_every_special_character_escaped(self):
        for c in '\\()|-!@~"&/^$=<*?%':
            self.assertEqual(sphinxql.quorum(f"a{c}b"), f'"a\\{c}b"/1', c)

    def test_whitespace_and_controls_become_one_space(self):
        self.assertEqual(sphinxql.quorum(" a\t\nb\x00 c "), '"a b c"/1')


class LiteralTest(unittest.TestCase):
    def test_quote_and_backslash(self):
        self.assertEqual(sphinxql.literal("it's a\\b"), "'it\\'s a\\\\b'")

    def test_quorum_in_literal(self):
        # The query syntax's escape survives SQL's: \( becomes \\( in the literal.
        self.assertEqual(sphinxql.literal(sphinxql.quorum("(x)")), "'\"\\\\(x\\\\)\"/1'")


class SearchTest(unittest.TestCase):
    def test_statement(self):
        sql = sphinxql.search("medquad", "asthma?", 1.2, 0.75, 16, 4)
        self.assertEqual(
            sql, "SELECT id, postid, WEIGHT() AS w FROM medquad WHERE MATCH('\"asthma\\\\?\"/1') "
            "LIMIT 10 OPTION ranker=expr('100000000*bm25f(1.2,0.75,"
            "{title=16,question=4,answer=1})')")

    def test_snippets(self):
        sql = sphinxql.search("medquad", "it's", 1.2, 0.75, 1, 1, snippets=True)
        self.assertIn("SNIPPET(answer, 'it\\'s') AS s", sql)


if __name__ == "__main__":
    unittest.main()
