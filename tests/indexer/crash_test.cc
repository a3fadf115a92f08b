// kill -9 at random moments never breaks the index: after each kill the
// index opens and reads; running the same command again ends with exactly
// the index an uninterrupted run gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <random>
#include <thread>

#include "index/searcher.h"
#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::Child;
using ::guru::testing::RunIndexer;
using ::guru::testing::TempDir;

constexpr int kPosts = 6000;

std::string CorpusJsonl() {
  const char* kWords[] = {"knee",     "ankle", "tendon",  "pain",   "running",
                          "swelling", "rest",  "stretch", "physio", "strength",
                          "calf",     "hip",   "shin",    "load",   "recovery",
                          "ice",      "tape",  "shoulder"};
  std::mt19937 words(42);
  std::string out;
  for (int i = 0; i < kPosts; ++i) {
    std::string answer;
    for (int w = 0; w < 60; ++w) {
      answer += kWords[words() % std::size(kWords)];
      answer += ' ';
    }
    out += "{\"id\":\"post-" + std::to_string(i) + "\",\"title\":\"Question " +
           std::to_string(i) + "\",\"answer\":\"" + answer + "\"}\n";
  }
  return out;
}

TEST(IndexerCrashTest, KillNineAtRandomMomentsLosesNothing) {
  TempDir dir;
  const std::string input = dir.WriteFile("posts.jsonl", CorpusJsonl());
  const std::string reference_db = dir.Sub("reference");
  const std::string crash_db = dir.Sub("crashed");
  ASSERT_EQ(RunIndexer({"--db", reference_db, input}).exit_code, 0);

  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(5, 250);
  for (int round = 0; round < 10; ++round) {
    // Every other round commits 1500 posts at a time, more than the writer
    // holds in memory (500): kills then also land while postings move into
    // the tables inside an uncommitted transaction.
    const char* batch = round % 2 == 0 ? "150" : "1500";
    Child indexer({GURU_INDEXER_BIN, "--db", crash_db, "--commit-every", batch, input});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    indexer.Stop(SIGKILL, std::chrono::seconds(10));
    // Whatever moment it died at, the index is either not created yet or
    // opens and reads at its last commit.
    absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(crash_db);
    if (!searcher.ok()) {
      EXPECT_EQ(searcher.status().code(), absl::StatusCode::kUnavailable)
          << "round " << round << ": " << searcher.status();
      continue;
    }
    // Commits are atomic batches of 150 or 1500 (whose ends are all
    // multiples of 150): the index holds whole batches.
    const std::uint64_t posts = (*searcher)->PostCount();
    EXPECT_TRUE(posts % 150 == 0 || posts == kPosts)
        << "round " << round << ": " << posts;
    SearchParams params;
    params.query = "knee pain";
    EXPECT_TRUE((*searcher)->Search(params).ok()) << "round " << round;
  }

  const auto finished = RunIndexer({"--db", crash_db, "--commit-every", "150", input});
  ASSERT_EQ(finished.exit_code, 0) << finished.err;

  absl::StatusOr<std::unique_ptr<Searcher>> reference = Searcher::Open(reference_db);
  absl::StatusOr<std::unique_ptr<Searcher>> crashed = Searcher::Open(crash_db);
  ASSERT_TRUE(reference.ok() && crashed.ok());
  ASSERT_EQ((*crashed)->PostCount(), (*reference)->PostCount());
  for (int i = 0; i < kPosts; ++i) {
    const std::string id = "post-" + std::to_string(i);
    absl::StatusOr<v1::Post> want = (*reference)->GetPost(id);
    absl::StatusOr<v1::Post> got = (*crashed)->GetPost(id);
    ASSERT_TRUE(want.ok() && got.ok()) << id;
    EXPECT_EQ(got->SerializeAsString(), want->SerializeAsString()) << id;
  }
  // And one more run finds nothing to do.
  const auto again = RunIndexer({"--db", crash_db, input});
  EXPECT_EQ(again.out, "added 0, replaced 0, unchanged " + std::to_string(kPosts) +
                           ", deleted 0, rejected 0\n");
}

// A write that fails part way (the disk fills; here a file size limit, which
// fails writes the same way) used to end with Xapian's words, no summary and
// exit 2, as if nothing had been done (issue 14, item 16). Now: the system's
// reason, the summary of what was committed, exit 3, and an index that
// holds exactly that.
TEST(IndexerDiskFullTest, AFailedWriteSaysWhyReportsWhatWasCommittedAndExitsThree) {
  TempDir dir;
  const std::string input = dir.WriteFile("posts.jsonl", CorpusJsonl());
  const std::string db = dir.Sub("db");
  // SIGXFSZ ignored: the write fails with EFBIG instead of killing.
  const auto run = ::guru::testing::Run(
      {"/bin/bash", "-c",
       "trap '' XFSZ; ulimit -f 400; exec \"$0\" --db \"$1\" --commit-every 500 \"$2\"",
       GURU_INDEXER_BIN, db, input});
  ASSERT_EQ(run.exit_code, 3) << run.err;
  EXPECT_THAT(run.err, ::testing::HasSubstr("File too large"));
  EXPECT_THAT(run.err, ::testing::HasSubstr("stopped part way"));
  const std::size_t at = run.out.find("added ");
  ASSERT_NE(at, std::string::npos) << run.out;
  const int added = std::stoi(run.out.substr(at + 6));
  EXPECT_GT(added, 0);
  EXPECT_LT(added, kPosts);
  EXPECT_EQ(added % 500, 0);
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(db);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  EXPECT_EQ((*searcher)->PostCount(), static_cast<std::uint64_t>(added));
  // Once there is room, the same command completes the index.
  EXPECT_EQ(RunIndexer({"--db", db, input}).exit_code, 0);
}

// A feed on standard input that stays open but idle must not keep a run
// whose write failed waiting for its next line: the thread that reads
// records ahead stops with the writer. (The shell holds the FIFO open for
// writing, so the indexer never sees its end; `timeout` turns a hang into
// exit 124.)
TEST(IndexerDiskFullTest, AFailedWriteEndsTheRunWhileStandardInputStaysOpen) {
  TempDir dir;
  std::string posts;
  std::mt19937 words(7);
  for (int i = 0; i < 400; ++i) {
    std::string answer;
    for (int w = 0; w < 300; ++w) answer += "word" + std::to_string(words() % 5000) + " ";
    posts += "{\"id\":\"feed-" + std::to_string(i) + "\",\"title\":\"Question " +
             std::to_string(i) + "\",\"answer\":\"" + answer + "\"}\n";
  }
  const std::string input = dir.WriteFile("posts.jsonl", posts);
  const auto run = ::guru::testing::Run(
      {"/bin/bash", "-c",
       "trap '' XFSZ; ulimit -f 400; mkfifo \"$2\"; exec 3<>\"$2\"; cat \"$3\" >&3 & "
       "timeout 60 \"$0\" --db \"$1\" --commit-every 390 - <\"$2\"; rc=$?; "
       "kill $! 2>/dev/null; exit $rc",
       GURU_INDEXER_BIN, dir.Sub("db"), dir.Sub("feed"), input});
  EXPECT_THAT(run.exit_code, ::testing::AnyOf(2, 3)) << run.err;
  EXPECT_THAT(run.err, ::testing::HasSubstr("File too large"));
}

}  // namespace
}  // namespace guru
