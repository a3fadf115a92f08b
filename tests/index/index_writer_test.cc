// Upsert/delete/commit semantics of the index writer, observed through a
// Searcher on a real on-disk database in a temporary directory.
#include "index/index_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "index/schema.h"
#include "index/searcher.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

v1::Post MakePost(std::string id, std::string answer) {
  v1::Post post;
  post.set_id(std::move(id));
  post.set_title("Knee pain post marathon");
  post.set_answer(std::move(answer));
  return post;
}

std::unique_ptr<IndexWriter> OpenWriter(const std::string& path) {
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(path);
  EXPECT_TRUE(writer.ok()) << writer.status();
  return writer.ok() ? *std::move(writer) : nullptr;
}

std::unique_ptr<Searcher> OpenSearcher(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(path);
  EXPECT_TRUE(searcher.ok()) << searcher.status();
  return searcher.ok() ? *std::move(searcher) : nullptr;
}

UpsertResult UpsertOk(IndexWriter& writer, const v1::Post& post,
                      std::string_view source = {}) {
  absl::StatusOr<UpsertResult> result = writer.Upsert(post, source);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : UpsertResult();
}

std::uint64_t CountOf(const IndexWriter& writer) {
  absl::StatusOr<std::uint64_t> count = writer.PostCount();
  EXPECT_TRUE(count.ok()) << count.status();
  return count.value_or(~0ull);
}

TEST(IndexWriterTest, UpsertReportsAddedUnchangedReplaced) {
  TempDir dir;
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  const v1::Post post = MakePost("p1", "Rest it for a week.");

  const UpsertResult added = UpsertOk(*writer, post);
  EXPECT_EQ(added.outcome, UpsertOutcome::kAdded);
  EXPECT_EQ(added.previous_fingerprint, std::nullopt);
  EXPECT_EQ(added.fingerprint.size(), 16u);

  const UpsertResult unchanged = UpsertOk(*writer, post);
  EXPECT_EQ(unchanged.outcome, UpsertOutcome::kUnchanged);
  EXPECT_EQ(unchanged.fingerprint, added.fingerprint);
  EXPECT_THAT(unchanged.previous_fingerprint, Optional(added.fingerprint));

  const UpsertResult replaced = UpsertOk(*writer, MakePost("p1", "Ice it, then rest."));
  EXPECT_EQ(replaced.outcome, UpsertOutcome::kReplaced);
  EXPECT_NE(replaced.fingerprint, added.fingerprint);
  EXPECT_THAT(replaced.previous_fingerprint, Optional(added.fingerprint));
  EXPECT_EQ(CountOf(*writer), 1u);

  EXPECT_EQ(UpsertOk(*writer, MakePost("p2", "Stretch.")).outcome, UpsertOutcome::kAdded);
  EXPECT_EQ(CountOf(*writer), 2u);
  ASSERT_TRUE(writer->Commit().ok());

  auto searcher = OpenSearcher(dir.Sub("db"));
  ASSERT_NE(searcher, nullptr);
  EXPECT_EQ(searcher->PostCount(), 2u);
  absl::StatusOr<v1::Post> stored = searcher->GetPost("p1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->answer(), "Ice it, then rest.");
}

TEST(IndexWriterTest, ADatabaseWhoseCreationWasCutShortIsCreatedAfresh) {
  TempDir dir;
  // What a writer killed inside Xapian's database creation leaves behind.
  dir.WriteFile("db/flintlock", "");
  dir.WriteFile("db/postlist.glass", "");
  dir.WriteFile("db/v.tmp", "partial");
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(dir.Sub("db"));
  ASSERT_TRUE(writer.ok()) << writer.status();
}

TEST(IndexWriterTest, AForeignDirectoryIsNeverOverwritten) {
  TempDir dir;
  dir.WriteFile("db/postlist.glass", "");
  dir.WriteFile("db/notes.txt", "mine");
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(dir.Sub("db"));
  EXPECT_FALSE(writer.ok());
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("db/notes.txt")));
}

TEST(IndexWriterTest, SamePostFromAnotherSourceIsNotUnchanged) {
  TempDir dir;
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  const v1::Post post = MakePost("p1", "Rest.");
  EXPECT_EQ(UpsertOk(*writer, post, "/data/a.jsonl").outcome, UpsertOutcome::kAdded);
  EXPECT_EQ(UpsertOk(*writer, post, "/data/a.jsonl").outcome, UpsertOutcome::kUnchanged);
  EXPECT_EQ(UpsertOk(*writer, post, "/data/b.jsonl").outcome, UpsertOutcome::kReplaced);
  EXPECT_EQ(CountOf(*writer), 1u);
}

TEST(IndexWriterTest, FingerprintSurvivesReopening) {
  TempDir dir;
  const v1::Post post = MakePost("p1", "Rest.");
  {
    auto writer = OpenWriter(dir.Sub("db"));
    ASSERT_NE(writer, nullptr);
    UpsertOk(*writer, post);
    ASSERT_TRUE(writer->Commit().ok());
  }
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(CountOf(*writer), 1u);
  EXPECT_EQ(UpsertOk(*writer, post).outcome, UpsertOutcome::kUnchanged);
}

TEST(IndexWriterTest, DeleteReportsWhetherThePostExisted) {
  TempDir dir;
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  UpsertOk(*writer, MakePost("p1", "Rest."));
  UpsertOk(*writer, MakePost("p2", "Ice."));
  ASSERT_TRUE(writer->Commit().ok());

  EXPECT_EQ(writer->Delete("p1").value_or(false), true);
  EXPECT_EQ(writer->Delete("p1").value_or(true), false);
  EXPECT_EQ(writer->Delete("missing").value_or(true), false);
  EXPECT_EQ(CountOf(*writer), 1u);
  ASSERT_TRUE(writer->Commit().ok());

  auto searcher = OpenSearcher(dir.Sub("db"));
  ASSERT_NE(searcher, nullptr);
  EXPECT_EQ(searcher->GetPost("p1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(searcher->GetPost("p2").ok());
}

TEST(IndexWriterTest, ChangesWithoutCommitAreDiscarded) {
  TempDir dir;
  {
    auto writer = OpenWriter(dir.Sub("db"));
    ASSERT_NE(writer, nullptr);
    UpsertOk(*writer, MakePost("kept", "Rest."));
    ASSERT_TRUE(writer->Commit().ok());
    UpsertOk(*writer, MakePost("lost", "Ice."));
    ASSERT_EQ(writer->Delete("kept").value_or(false), true);
    EXPECT_EQ(CountOf(*writer), 1u);
  }  // Destroyed without Commit().
  auto searcher = OpenSearcher(dir.Sub("db"));
  ASSERT_NE(searcher, nullptr);
  EXPECT_EQ(searcher->PostCount(), 1u);
  EXPECT_TRUE(searcher->GetPost("kept").ok());
  EXPECT_EQ(searcher->GetPost("lost").status().code(), absl::StatusCode::kNotFound);
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(CountOf(*writer), 1u);
}

TEST(IndexWriterTest, SearcherSeesNewCommitsAfterRefresh) {
  TempDir dir;
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  auto searcher = OpenSearcher(dir.Sub("db"));  // Open() created an empty index.
  ASSERT_NE(searcher, nullptr);
  EXPECT_EQ(searcher->PostCount(), 0u);

  UpsertOk(*writer, MakePost("p1", "Rest."));
  ASSERT_TRUE(searcher->Refresh().ok());
  EXPECT_EQ(searcher->GetPost("p1").status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(searcher->PostCount(), 0u);  // Still the revision it opened.
  ASSERT_TRUE(searcher->Refresh().ok());
  EXPECT_EQ(searcher->PostCount(), 1u);
  absl::StatusOr<v1::Post> post = searcher->GetPost("p1");
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->answer(), "Rest.");
}

// The ids of the posts a search for `query` finds.
std::vector<std::string> Found(Searcher& searcher, const std::string& query) {
  SearchParams params;
  params.query = query;
  absl::StatusOr<SearchPage> page = searcher.Search(params);
  EXPECT_TRUE(page.ok()) << page.status();
  std::vector<std::string> ids;
  if (page.ok()) {
    for (const auto& result : page->response.results()) ids.push_back(result.post().id());
  }
  return ids;
}

TEST(IndexWriterTest, PostsPreparedOnAnotherThreadAreWrittenAsUpsertWritesThem) {
  TempDir dir;
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  const std::string source = "/in/posts.jsonl";
  const v1::Post rest = MakePost("p1", "Rest it for a week.");
  ASSERT_EQ(UpsertOk(*writer, rest, source).outcome, UpsertOutcome::kAdded);
  ASSERT_TRUE(writer->Commit().ok());
  // Changed since the commit the preparer reads, so the preparer, finding
  // p1 unchanged there, leaves out the document the writer now needs.
  ASSERT_EQ(UpsertOk(*writer, MakePost("p1", "Ice it, then rest."), source).outcome,
            UpsertOutcome::kReplaced);

  std::unique_ptr<PostPreparer> preparer = writer->NewPreparer();
  std::vector<PreparedPost> prepared;
  std::thread([&] {
    prepared.push_back(preparer->Prepare(rest, source));
    prepared.push_back(
        preparer->Prepare(MakePost("p2", "Stretch the hamstrings."), source));
    prepared.push_back(
        preparer->Prepare(MakePost("p2", "Stretch the hamstrings."), source));
  }).join();
  ASSERT_EQ(prepared.size(), 3u);
  EXPECT_EQ(prepared[1].post().id(), "p2");

  absl::StatusOr<UpsertResult> back = writer->Upsert(std::move(prepared[0]));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->outcome, UpsertOutcome::kReplaced);
  absl::StatusOr<UpsertResult> added = writer->Upsert(std::move(prepared[1]));
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->outcome, UpsertOutcome::kAdded);
  absl::StatusOr<UpsertResult> again = writer->Upsert(std::move(prepared[2]));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->outcome, UpsertOutcome::kUnchanged);
  ASSERT_TRUE(writer->Commit().ok());

  auto searcher = OpenSearcher(dir.Sub("db"));
  ASSERT_NE(searcher, nullptr);
  EXPECT_EQ(searcher->PostCount(), 2u);
  absl::StatusOr<v1::Post> p1 = searcher->GetPost("p1");
  ASSERT_TRUE(p1.ok()) << p1.status();
  EXPECT_EQ(p1->answer(), "Rest it for a week.");
  EXPECT_THAT(Found(*searcher, "week"), ::testing::ElementsAre("p1"));
  EXPECT_THAT(Found(*searcher, "ice"), ::testing::IsEmpty());
  EXPECT_THAT(Found(*searcher, "hamstrings"), ::testing::ElementsAre("p2"));
}

TEST(IndexWriterTest, LongIdsRoundTripAndStayDistinct) {
  TempDir dir;
  auto writer = OpenWriter(dir.Sub("db"));
  ASSERT_NE(writer, nullptr);
  const std::string prefix(230, 'k');
  const std::string max_id = std::string(256, 'm');
  const std::string long_a = prefix + std::string(26, 'a');
  const std::string long_b = prefix + std::string(26, 'b');
  const std::string verbatim(schema::kMaxVerbatimIdBytes, 'v');
  const std::string just_over = verbatim + "v";
  for (const std::string* id : {&max_id, &long_a, &long_b, &verbatim, &just_over}) {
    EXPECT_EQ(UpsertOk(*writer, MakePost(*id, "answer for " + id->substr(id->size() - 3)))
                  .outcome,
              UpsertOutcome::kAdded)
        << id->size();
  }
  EXPECT_EQ(CountOf(*writer), 5u);
  ASSERT_TRUE(writer->Commit().ok());

  auto searcher = OpenSearcher(dir.Sub("db"));
  ASSERT_NE(searcher, nullptr);
  for (const std::string* id : {&max_id, &long_a, &long_b, &verbatim, &just_over}) {
    absl::StatusOr<v1::Post> post = searcher->GetPost(*id);
    ASSERT_TRUE(post.ok()) << id->size() << ": " << post.status();
    EXPECT_EQ(post->id(), *id);
    EXPECT_EQ(post->answer(), "answer for " + id->substr(id->size() - 3));
  }
  EXPECT_EQ(searcher->GetPost(prefix + std::string(26, 'c')).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(writer->Delete(long_a).value_or(false), true);
  EXPECT_EQ(CountOf(*writer), 4u);
}

TEST(IndexWriterTest, SecondWriterIsRefusedWhileTheFirstHoldsTheLock) {
  TempDir dir;
  auto first = OpenWriter(dir.Sub("db"));
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<IndexWriter>> second = IndexWriter::Open(dir.Sub("db"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("locked"));
  EXPECT_TRUE(IsLockedByAnotherWriter(second.status()));
  first.reset();
  EXPECT_NE(OpenWriter(dir.Sub("db")), nullptr);
}

TEST(IndexWriterTest, OpenCreatesMissingParentsAndFailsWhereItCannot) {
  TempDir dir;
  EXPECT_NE(OpenWriter(dir.Sub("a/b/c/db")), nullptr);
  EXPECT_TRUE(std::filesystem::is_directory(dir.Sub("a/b/c/db")));
  const std::string file = dir.WriteFile("not-a-dir", "x");
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(file + "/db");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kUnavailable);
}

// An index that could not be created used to leave its directory, and the
// parents made for it, behind (issue 14).
TEST(IndexWriterTest, AFailedCreationLeavesNoDirectoryBehind) {
  namespace fs = std::filesystem;
  TempDir dir;
  // A directory that cannot be made: a name longer than file systems allow.
  const std::string too_long(300, 'n');
  EXPECT_FALSE(IndexWriter::Open(dir.Sub("new/parents/" + too_long)).ok());
  EXPECT_FALSE(fs::exists(dir.Sub("new")));
  // Directories that existed before stay.
  ASSERT_TRUE(fs::create_directory(dir.Sub("kept")));
  EXPECT_FALSE(IndexWriter::Open(dir.Sub("kept/" + too_long)).ok());
  EXPECT_TRUE(fs::is_directory(dir.Sub("kept")));

  // Directories that can be made, holding a database that cannot: at 4,083
  // bytes the path leaves room for Xapian's lock file but not for its tables
  // (Linux refuses paths over 4,095 bytes).
  std::string deep = dir.Sub("deep");
  constexpr std::size_t kDeepBytes = 4083;
  while (deep.size() + 1 + 200 < kDeepBytes) deep += "/" + std::string(200, 'd');
  deep += "/" + std::string(kDeepBytes - deep.size() - 1, 'd');
  ASSERT_EQ(deep.size(), kDeepBytes);
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(deep);
  ASSERT_FALSE(writer.ok());
  EXPECT_THAT(std::string(writer.status().message()),
              Not(HasSubstr("cannot create index directory")));
  EXPECT_FALSE(fs::exists(dir.Sub("deep")));
}

}  // namespace
}  // namespace guru
