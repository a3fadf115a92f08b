// guru-indexer end to end: exit codes, the summary line, rejects, upsert and
// delete, through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/page_html.h"
#include "index/searcher.h"
#include "indexer/index_checks.h"
#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::ReadFile;
using ::guru::testing::RunIndexer;
using ::guru::testing::SearchIds;
using ::guru::testing::SourcePath;
using ::guru::testing::StatsLine;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Summary(int added, int replaced, int unchanged, int deleted, int rejected) {
  return "added " + std::to_string(added) + ", replaced " + std::to_string(replaced) +
         ", unchanged " + std::to_string(unchanged) + ", deleted " +
         std::to_string(deleted) + ", rejected " + std::to_string(rejected) + "\n";
}

int CountSamplePosts() {
  int n = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(SourcePath("data/sample"))) {
    if (entry.path().extension() == ".txt") ++n;
  }
  return n;
}

const std::string kGood1 = R"({"id":"p1","title":"Shin pain","answer":"Rest a week."})";
const std::string kGood2 =
    R"({"id":"p2","question":"Sore heel?","answer":"Stretch calves."})";
const std::string kNoAnswer = R"({"id":"p3","title":"No reply yet"})";
const std::string kBroken = R"({"id":"p4","answer":)";

TEST(IndexerCliTest, SamplePostsIndexOnceThenAreUnchanged) {
  TempDir dir;
  const int posts = CountSamplePosts();
  ASSERT_GE(posts, 31);
  const auto first = RunIndexer({"--db", dir.Sub("db"), SourcePath("data/sample")});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, Summary(posts, 0, 0, 0, 0));
  const auto second = RunIndexer({"--db", dir.Sub("db"), SourcePath("data/sample")});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, Summary(0, 0, posts, 0, 0));
}

TEST(IndexerCliTest, ChangedPostIsReplacedAndDeleteRemovesIt) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, "-"}, kGood1 + "\n" + kGood2 + "\n").out,
            Summary(2, 0, 0, 0, 0));
  const std::string changed =
      R"({"id":"p1","title":"Shin pain","answer":"Rest two weeks."})";
  const auto replaced = RunIndexer({"--db", db, "-"}, changed + "\n" + kGood2 + "\n");
  EXPECT_EQ(replaced.exit_code, 0);
  EXPECT_EQ(replaced.out, Summary(0, 1, 1, 0, 0));

  // A dry run says what it would delete and deletes nothing.
  const auto dry = RunIndexer({"--db", db, "--dry-run", "--delete", "p1", "missing"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "dry run: would delete 1\n");
  EXPECT_THAT(dry.err, HasSubstr("missing"));
  EXPECT_THAT(guru::testing::Run({GURU_INDEXER_BIN, "stats", "--db", db}).out,
              HasSubstr("posts 2\n"));

  const auto deleted = RunIndexer({"--db", db, "--delete", "p1", "missing"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, Summary(0, 0, 0, 1, 0));
  EXPECT_THAT(deleted.err, HasSubstr("missing"));
  const auto again = RunIndexer({"--db", db, "-"}, kGood2 + "\n");
  EXPECT_EQ(again.out, Summary(0, 0, 1, 0, 0));
}

TEST(IndexerCliTest, SomeRejectedExitsOneAndKeepsTheRest) {
  TempDir dir;
  const std::string input = dir.WriteFile(
      "posts.jsonl", kGood1 + "\n" + kNoAnswer + "\n" + kGood2 + "\n" + kBroken + "\n");
  const std::string rejects = dir.Sub("rejects.jsonl");
  const auto result = RunIndexer({"--db", dir.Sub("db"), "--rejects", rejects, input});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, Summary(2, 0, 0, 0, 2));
  EXPECT_THAT(result.err, HasSubstr(input + ":2"));
  EXPECT_THAT(result.err, HasSubstr("answer"));
  EXPECT_THAT(result.err, HasSubstr(input + ":4"));
  EXPECT_EQ(ReadFile(rejects), kNoAnswer + "\n" + kBroken + "\n");
}

TEST(IndexerCliTest, RejectedPageIsCopiedWhole) {
  TempDir dir;
  const std::string page =
      dir.WriteFile("in/bad.txt", "Title\n\nJust a question, no reply.\n");
  const std::string good = dir.WriteFile("in/good.jsonl", kGood1 + "\n");
  const std::string rejects = dir.Sub("rejects.jsonl");
  const auto result =
      RunIndexer({"--db", dir.Sub("db"), "--rejects", rejects, dir.Sub("in")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, Summary(1, 0, 0, 0, 1));
  EXPECT_THAT(result.err, HasSubstr(page));
  EXPECT_THAT(result.err, HasSubstr("The Guru Responded:"));
  EXPECT_EQ(ReadFile(rejects + ".pages/bad.txt"), ReadFile(page));
}

TEST(IndexerCliTest, ATxtFileWhoseContentIsHtmlIsReadAsHtml) {
  TempDir dir;
  const std::string html =
      ReadFile(SourcePath("tests/fixtures/layouts/seed-layout.html"));
  ASSERT_FALSE(html.empty());
  absl::StatusOr<ParsedPage> expected = ParsePageHtml(html);
  ASSERT_TRUE(expected.ok()) << expected.status();
  // Given alone and found in a folder.
  dir.WriteFile("in/hips/hip.txt", html);
  for (const std::string& input : {dir.Sub("in/hips/hip.txt"), dir.Sub("in")}) {
    SCOPED_TRACE(input);
    std::filesystem::remove_all(dir.Sub("db"));
    const auto result = RunIndexer({"--db", dir.Sub("db"), input});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, Summary(1, 0, 0, 0, 0));
    absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir.Sub("db"));
    ASSERT_TRUE(searcher.ok()) << searcher.status();
    absl::StatusOr<v1::Post> post = (*searcher)->GetPost(expected->post.id());
    ASSERT_TRUE(post.ok()) << post.status();
    EXPECT_EQ(post->title(), "Hip flexor pain on hills");
    EXPECT_EQ(post->url(), expected->post.url());
    EXPECT_EQ(post->question(), expected->post.question());
    EXPECT_EQ(post->answer(), expected->post.answer());
    EXPECT_THAT(post->answer(), Not(HasSubstr("<")));
  }
}

// The "revision N" line of `guru-indexer stats`.
std::string Revision(const std::string& db) { return StatsLine(db, "revision "); }

TEST(IndexerCliTest, SynonymsReplaceTheTableAndTheSameFilesAgainChangeNothing) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  const std::string kneecap =
      dir.WriteFile("kneecap.txt", "version 1\nkneecap | patella\n");
  const std::string shin = dir.WriteFile("shin.txt", "version 2\nshinbone | tibia\n");
  const std::string post =
      R"({"id":"clinical","title":"Patella pain","answer":"The patella tracks in its groove."})";
  ASSERT_EQ(RunIndexer({"--db", db, "--synonyms", kneecap, "-"}, post + "\n").exit_code,
            0);
  EXPECT_THAT(SearchIds(db, "kneecap"), ::testing::ElementsAre("clinical"));
  const std::string loaded = Revision(db);
  ASSERT_THAT(loaded, HasSubstr("revision "));

  // The same file again: nothing written, not even a commit.
  const auto again = RunIndexer({"--db", db, "--synonyms", kneecap});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Revision(db), loaded);
  EXPECT_THAT(SearchIds(db, "kneecap"), ::testing::ElementsAre("clinical"));

  // Another file replaces the table: its groups only.
  const auto replaced = RunIndexer({"--db", db, "--synonyms", shin});
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_NE(Revision(db), loaded);
  EXPECT_THAT(SearchIds(db, "kneecap"), ::testing::IsEmpty());
  EXPECT_THAT(SearchIds(db, "patella"), ::testing::ElementsAre("clinical"));
}

TEST(IndexerCliTest, AnIndexThatCannotBeOpenedExitsTwoAndIsLeftAsItWas) {
  TempDir dir;
  const std::string posts = dir.WriteFile("new.jsonl", kGood1 + "\n");
  // A damaged index: its version file overwritten.
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, SourcePath("data/sample")}).exit_code, 0);
  dir.WriteFile("db/iamglass", "garbage");
  const std::string postlist = ReadFile(db + "/postlist.glass");
  ASSERT_FALSE(postlist.empty());
  const auto damaged = RunIndexer({"--db", db, posts});
  EXPECT_EQ(damaged.exit_code, 2) << damaged.err;
  EXPECT_THAT(damaged.err, HasSubstr("opening " + db));
  EXPECT_EQ(damaged.out, "");
  EXPECT_EQ(ReadFile(db + "/iamglass"), "garbage");
  EXPECT_TRUE(ReadFile(db + "/postlist.glass") == postlist) << "postlist.glass changed";

  // A --db that is a file, not a directory.
  const std::string file = dir.WriteFile("file", "mine\n");
  const auto not_a_directory = RunIndexer({"--db", file, posts});
  EXPECT_EQ(not_a_directory.exit_code, 2) << not_a_directory.err;
  EXPECT_THAT(not_a_directory.err, HasSubstr(file));
  EXPECT_EQ(ReadFile(file), "mine\n");
}

TEST(IndexerCliTest, NothingAcceptedExitsTwo) {
  TempDir dir;
  const auto result = RunIndexer({"--db", dir.Sub("db"), "-"}, kBroken + "\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, Summary(0, 0, 0, 0, 1));
}

TEST(IndexerCliTest, UsageErrorsExitTwoAndLeaveNoIndex) {
  TempDir dir;
  EXPECT_EQ(RunIndexer({}).exit_code, 2);
  EXPECT_EQ(RunIndexer({SourcePath("data/sample")}).exit_code, 2);  // No --db.
  EXPECT_EQ(RunIndexer({"--db", dir.Sub("db")}).exit_code, 2);      // No input.
  const auto missing = RunIndexer({"--db", dir.Sub("db"), dir.Sub("nope.jsonl")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope.jsonl"));
  const std::string csv = dir.WriteFile("posts.csv", "id,answer\n");
  EXPECT_EQ(RunIndexer({"--db", dir.Sub("db"), csv}).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("db")));
}

// A lost shard used to be created again, empty, by the next run: its posts
// vanished from every search without a word (issue 14).
TEST(IndexerCliTest, AMissingShardExitsTwoNamingItAndIsNotCreated) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, "--shards", "3", "-"}, kGood1 + "\n").exit_code, 0);
  ASSERT_GT(std::filesystem::remove_all(db + "/shard-001"), 0u);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--db", db, "-"},
        std::vector<std::string>{"--db", db, "--shards", "3", "-"},
        std::vector<std::string>{"--db", db, "--delete", "p1"}}) {
    const auto run = RunIndexer(args, kGood2 + "\n");
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_THAT(run.err, HasSubstr("missing its database shard-001"));
    EXPECT_FALSE(std::filesystem::exists(db + "/shard-001"));
  }
}

}  // namespace
}  // namespace guru

namespace guru {
namespace {

TEST(IndexerCliTest, PruneRemovesPostsWhoseFileIsGone) {
  TempDir dir;
  const std::string page =
      ReadFile(SourcePath("data/sample/knees/knee-pain-post-marathon.txt"));
  dir.WriteFile("in/a/one.txt", page);
  const std::string second = dir.WriteFile(
      "in/b/two.txt",
      ReadFile(SourcePath("data/sample/feet/stabbing-heel-pain-with-first-steps.txt")));
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, dir.Sub("in")}).out, Summary(2, 0, 0, 0, 0));
  std::filesystem::remove(second);
  // Without --prune nothing is removed; with it, the post of the gone file is.
  EXPECT_EQ(RunIndexer({"--db", db, dir.Sub("in")}).out, Summary(0, 0, 1, 0, 0));
  EXPECT_EQ(RunIndexer({"--db", db, "--prune", dir.Sub("in")}).out,
            Summary(0, 0, 1, 1, 0));
  EXPECT_EQ(RunIndexer({"--db", db, "--prune", dir.Sub("in")}).out,
            Summary(0, 0, 1, 0, 0));
  // Posts from elsewhere (stdin) are never pruned.
  ASSERT_EQ(RunIndexer({"--db", db, "-"}, kGood1 + "\n").out, Summary(1, 0, 0, 0, 0));
  EXPECT_EQ(RunIndexer({"--db", db, "--prune", dir.Sub("in")}).out,
            Summary(0, 0, 1, 0, 0));
  const auto stats = guru::testing::Run({GURU_INDEXER_BIN, "stats", "--db", db});
  EXPECT_THAT(stats.out, HasSubstr("posts 2\n"));
}

TEST(IndexerCliTest, MovedFileIsReplacedNotDuplicated) {
  TempDir dir;
  const std::string page =
      ReadFile(SourcePath("data/sample/knees/knee-pain-post-marathon.txt"));
  dir.WriteFile("in/knees/one.txt", page);
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, dir.Sub("in")}).out, Summary(1, 0, 0, 0, 0));
  std::filesystem::rename(dir.Sub("in/knees/one.txt"), dir.Sub("in/knees/renamed.txt"));
  EXPECT_EQ(RunIndexer({"--db", db, "--prune", dir.Sub("in")}).out,
            Summary(0, 1, 0, 0, 0));
}

TEST(IndexerCliTest, SecondIndexerFailsAtOnceWithLockMessage) {
  TempDir dir;
  std::string many;
  for (int i = 0; i < 20000; ++i) {
    many += R"({"id":"x)" + std::to_string(i) +
            R"(","answer":"knee pain after running"})"
            "\n";
  }
  const std::string input = dir.WriteFile("many.jsonl", many);
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, "-"}, kGood1 + "\n").exit_code, 0);
  guru::testing::Child first(
      {GURU_INDEXER_BIN, "--db", db, "--commit-every", "1000", input});
  // Once a commit of the first indexer shows, it holds the lock mid-run.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (
      std::chrono::steady_clock::now() < deadline &&
      guru::testing::Run({GURU_INDEXER_BIN, "stats", "--db", db}).out.find("posts 1\n") !=
          std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto second = RunIndexer({"--db", db, "-"}, kGood2 + "\n");
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_THAT(second.err, HasSubstr("is locked by another indexer"));
  EXPECT_EQ(second.out, "");
  // The first one is not disturbed. (Signal 0 only waits.)
  EXPECT_EQ(first.Stop(0, std::chrono::seconds(90)), 0) << first.err();
}

TEST(IndexerCliTest, DryRunWritesNothingAndJsonSummarises) {
  TempDir dir;
  const std::string input =
      dir.WriteFile("posts.jsonl", kGood1 + "\n" + kNoAnswer + "\n" + kGood2 + "\n");
  const auto dry = RunIndexer({"--db", dir.Sub("db"), "--dry-run", input});
  EXPECT_EQ(dry.exit_code, 1);
  EXPECT_EQ(dry.out, "dry run: valid 2, rejected 1\n");
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("db")));

  const auto json = RunIndexer({"--db", dir.Sub("db"), "--json", input});
  EXPECT_EQ(json.out,
            "{\"added\":2,\"replaced\":0,\"unchanged\":0,\"deleted\":0,\"rejected\":1,"
            "\"valid\":2,\"warnings\":0}\n");
  const auto stats =
      guru::testing::Run({GURU_INDEXER_BIN, "stats", "--db", dir.Sub("db"), "--json"});
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_THAT(stats.out, HasSubstr("\"posts\":2,"));
  EXPECT_THAT(stats.out, HasSubstr("\"schema_version\":\"3\""));
  const auto missing =
      guru::testing::Run({GURU_INDEXER_BIN, "stats", "--db", dir.Sub("nope")});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(IndexerCliTest, UnchangedRunDoesNotCommit) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, "-"}, kGood1 + "\n").exit_code, 0);
  const auto before = guru::testing::Run({GURU_INDEXER_BIN, "stats", "--db", db});
  ASSERT_EQ(RunIndexer({"--db", db, "-"}, kGood1 + "\n").out, Summary(0, 0, 1, 0, 0));
  const auto after = guru::testing::Run({GURU_INDEXER_BIN, "stats", "--db", db});
  EXPECT_EQ(after.out, before.out);
}

}  // namespace
}  // namespace guru
