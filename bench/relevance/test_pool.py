"""The judging pool: unjudged top-10 pairs only, each once, blind."""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class PoolTest(unittest.TestCase):
    def test_pools_each_unjudged_top_ten_pair_once_without_the_system(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = lambda name: os.path.join(tmp, name)
            with open(path("qrels"), "w") as f:
                f.write("1 4-Excellent a\n2 1-Incorrect a\n")
            with open(path("completed"), "w") as f:
                f.write("# blind\n1 2 b\n")
            with open(path("questions"), "w") as f:
                f.write("1\tknee pain\n2\tback pain\n3\tunjudged question\n")
            with gzip.open(path("corpus.gz"), "wt") as f:
                for doc in "abcde":
                    f.write(json.dumps({"id": doc, "title": f"T{doc}", "question": "",
                                        "answer": "x" * 4000}) + "\n")
            # Run 1 ranks c 11th (outside the top 10); run 2 finds c and d.
            run1 = [f"1 Q0 {d} {r} {20 - r} one" for r, d in
                    enumerate(["a", "b"] + [f"z{i}" for i in range(8)] + ["c"], 1)]
            with open(path("run1"), "w") as f:
                f.write("\n".join(run1) + "\n")
            with open(path("run2"), "w") as f:
                f.write("1 Q0 c 1 3 two\n1 Q0 d 2 2 two\n2 Q0 d 1 1 two\n3 Q0 e 1 1 two\n")
            subprocess.run(
                [sys.executable, os.path.join(HERE, "pool.py"), "--qrels", path("qrels"),
                 "--qrels", path("completed"), "--questions", path("questions"),
                 "--corpus", path("corpus.gz"), "--out", path("pool.jsonl"),
                 "--batch-size", "2", path("run1"), path("run2")],
                check=True, capture_output=True)
            with open(path("pool.jsonl")) as f:
                pairs = [json.loads(line) for line in f]
            found = sorted((p["qid"], p["docno"]) for p in pairs)
            z = [("1", f"z{i}") for i in range(8)]
            # Question 3 has no judgments at all, so it is not scored.
            self.assertEqual(found, sorted([("1", "c"), ("1", "d"), ("2", "d")] + z))
            for p in pairs:
                self.assertEqual(set(p), {"pair", "qid", "question", "docno", "post_title",
                                          "post_question", "post_answer"})
            # 11 pairs in batches of 2; long answers are shown cut.
            text = ""
            for n in range(1, 7):
                with open(path(f"pool-{n}.txt")) as f:
                    text += f.read()
            self.assertEqual(text.count("=== qid"), 11)
            self.assertIn("x" * 3000 + " [... 1000 more characters]", text)


if __name__ == "__main__":
    unittest.main()
