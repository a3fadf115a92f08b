"""Scoring checked against values worked out by hand."""
import math
import unittest

import score


class ScoreTest(unittest.TestCase):
    # Question 1: judged a=4 (gain 3, relevant), b=2 (gain 1), c=3 (gain 2,
    # relevant), d=1 (gain 0). Question 2: only d2=2, nothing relevant.
    QRELS = score.read_qrels([
        "1 4-Excellent a", "1 2-Related b", "1 3-Incomplete c", "1 1-Incorrect d",
        "1 2-Related c",  # judged twice: the higher grade (3) counts
        "2 2-Related d2",
    ])

    def test_read_qrels_keeps_higher_grade(self):
        self.assertEqual(self.QRELS["1"]["c"], 3)

    def test_ties_broken_by_docno_descending(self):
        run = score.read_run(["1 Q0 a 1 5.0 t", "1 Q0 b 2 5.0 t", "1 Q0 c 3 6.0 t"])
        self.assertEqual(run["1"], ["c", "b", "a"])

    def test_hand_worked_question(self):
        # Ranking: b, x (unjudged), a, c.
        ranked = ["b", "x", "a", "c"]
        judged = self.QRELS["1"]
        # DCG = 1/log2(2) + 0 + 3/log2(4) + 2/log2(5); ideal 3, 2, 1.
        dcg = 1 + 3 / 2 + 2 / math.log2(5)
        idcg = 3 + 2 / math.log2(3) + 1 / 2
        self.assertAlmostEqual(score.ndcg(ranked, judged), dcg / idcg)
        # Relevant a (rank 3) and c (rank 4): AP = (1/3 + 2/4) / 2.
        self.assertAlmostEqual(score.average_precision(ranked, judged), (1 / 3 + 2 / 4) / 2)
        self.assertAlmostEqual(score.reciprocal_rank(ranked, judged), 1 / 3)

    def test_cutoff_at_ten(self):
        ranked = [f"x{i}" for i in range(10)] + ["a"]
        self.assertEqual(score.reciprocal_rank(ranked, self.QRELS["1"]), 0.0)
        self.assertEqual(score.ndcg(ranked, self.QRELS["1"]), 0.0)

    def test_means_leave_out_questions_without_relevant_answers(self):
        run = {"1": ["a", "c"], "2": ["d2"]}
        result = score.score(self.QRELS, run)
        self.assertEqual(result["questions"], 2)
        self.assertEqual(result["questions_with_relevant"], 1)
        self.assertAlmostEqual(result["P_1"], 1.0)
        self.assertAlmostEqual(result["map_cut_10"], 1.0)
        # Question 2's ideal gain is 1 at rank 1 and it is retrieved: nDCG 1.
        ndcg1 = (3 + 2 / math.log2(3)) / (3 + 2 / math.log2(3) + 1 / 2)
        self.assertAlmostEqual(result["ndcg_cut_10"], (ndcg1 + 1.0) / 2)

    def test_question_missing_from_run_scores_zero(self):
        result = score.score(self.QRELS, {})
        self.assertEqual(result["ndcg_cut_10"], 0.0)
        self.assertEqual(result["recip_rank"], 0.0)



class CompletedJudgmentsTest(unittest.TestCase):
    def test_comment_lines_are_skipped(self):
        self.assertEqual(score.read_qrels(["# qid grade docno", "1 4 a"]), {"1": {"a": 4}})

    def test_files_are_read_as_one_keeping_the_higher_grade(self):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            official, completed = os.path.join(tmp, "o"), os.path.join(tmp, "c")
            with open(official, "w") as f:
                f.write("1 2-Related a\n")
            with open(completed, "w") as f:
                f.write("# judged blind\n1 4 b\n1 1 a\n")
            self.assertEqual(score.read_qrels_files([official, completed]),
                             {"1": {"a": 2, "b": 4}})

if __name__ == "__main__":
    unittest.main()
