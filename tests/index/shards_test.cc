// Sharded indexes: routing by id, the stub, refusals of a mismatching shard
// count, that upserts and deletions reach the shard holding the post, and
// that the spelling data lives in the side database, observed through each
// shard and through the stub with real databases.
#include "index/shards.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "index/index_stats.h"
#include "index/index_writer.h"
#include "index/searcher.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::TempDir;
using ::testing::HasSubstr;

v1::Post MakePost(const std::string& id, const std::string& answer) {
  v1::Post post;
  post.set_id(id);
  post.set_title("Knee pain");
  post.set_answer(answer);
  return post;
}

std::uint64_t Posts(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(path);
  EXPECT_TRUE(searcher.ok()) << searcher.status();
  return searcher.ok() ? (*searcher)->PostCount() : 0;
}

TEST(ShardOfTest, IsFnv1aOfTheIdModuloTheCount) {
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; of "" the offset basis.
  EXPECT_EQ(ShardOf("a", 3), static_cast<int>(0xaf63dc4c8601ec8cULL % 3));
  EXPECT_EQ(ShardOf("", 7), static_cast<int>(0xcbf29ce484222325ULL % 7));
  EXPECT_EQ(ShardOf("anything", 1), 0);
  EXPECT_EQ(ShardDirName(7), "shard-007");
}

// Stub lines are split as Xapian 1.4 splits them, and every reader of a stub
// (shard count, remote detection, integrity checks) reads them this one way.
TEST(StubTest, LinesSplitAsXapianSplitsThem) {
  TempDir dir;
  const std::string stub = dir.WriteFile("XAPIANDB",
                                         "# written by hand\n"
                                         "\n"
                                         "auto shard-000\n"
                                         "auto a dir/with spaces\n"
                                         "remote :xapian-progsrv shard-001\n"
                                         "glass\n");
  absl::StatusOr<std::vector<StubLine>> lines = ReadStub(stub);
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[0].type, "auto");
  EXPECT_EQ((*lines)[0].argument, "shard-000");
  EXPECT_EQ((*lines)[1].argument, "a dir/with spaces");
  EXPECT_EQ((*lines)[2].type, "remote");
  EXPECT_EQ((*lines)[2].argument, ":xapian-progsrv shard-001");
  EXPECT_EQ((*lines)[3].type, "glass");
  EXPECT_EQ((*lines)[3].argument, "");
  EXPECT_EQ(*ShardCount(dir.path().string()), 1);
  EXPECT_TRUE(ListsRemoteDatabases(dir.path().string()));
  EXPECT_FALSE(ReadStub((dir.path() / "missing").string()).ok());
}

TEST(ShardedIndexWriterTest, RoutesUpsertsAndDeletesToTheIdsShard) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  auto writer = IndexWriter::Open(db, 3);
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_EQ((*writer)->shard_count(), 3);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE((*writer)->Upsert(MakePost("post-" + std::to_string(i), "knee")).ok());
  }
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(*(*writer)->PostCount(), 30u);

  // Each shard holds exactly the posts whose id hashes to it.
  std::uint64_t in_shard[3] = {0, 0, 0};
  for (int i = 0; i < 30; ++i) ++in_shard[ShardOf("post-" + std::to_string(i), 3)];
  for (int s = 0; s < 3; ++s) {
    EXPECT_EQ(Posts(db + "/" + ShardDirName(s)), in_shard[s]) << "shard " << s;
    EXPECT_GT(in_shard[s], 0u);
  }
  // The directory opens as one database through its stub.
  EXPECT_EQ(Posts(db), 30u);

  // A replaced post stays one post; a deleted one is gone from its shard.
  auto replaced = (*writer)->Upsert(MakePost("post-4", "ankle"));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->outcome, UpsertOutcome::kReplaced);
  EXPECT_EQ(*(*writer)->Delete("post-5"), true);
  EXPECT_EQ(*(*writer)->Delete("post-5"), false);
  ASSERT_TRUE((*writer)->Commit().ok());
  writer->reset();
  EXPECT_EQ(Posts(db), 29u);
  EXPECT_EQ(Posts(db + "/" + ShardDirName(ShardOf("post-5", 3))),
            in_shard[ShardOf("post-5", 3)] - 1);

  absl::StatusOr<IndexStats> stats = ReadIndexStats(db);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->posts, 29u);
  EXPECT_EQ(stats->shards, 3);
  EXPECT_FALSE(ListsRemoteDatabases(db));
}

TEST(ShardedIndexWriterTest, ReopensWithItsOwnCountAndRefusesAnother) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_TRUE(IndexWriter::Open(db, 3).ok());
  auto same = IndexWriter::Open(db, 0);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ((*same)->shard_count(), 3);
  same->reset();

  auto other = IndexWriter::Open(db, 4);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr("split into 3 shards, not 4"));
  EXPECT_EQ(*ShardCount(db), 3);
}

TEST(ShardedIndexWriterTest, RefusesToShardAPlainIndex) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  {
    auto plain = IndexWriter::Open(db, 0);
    ASSERT_TRUE(plain.ok()) << plain.status();
    EXPECT_EQ((*plain)->shard_count(), 0);
    ASSERT_TRUE((*plain)->Upsert(MakePost("a", "knee")).ok());
    ASSERT_TRUE((*plain)->Commit().ok());
  }
  auto sharded = IndexWriter::Open(db, 2);
  ASSERT_FALSE(sharded.ok());
  EXPECT_EQ(sharded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(sharded.status().message(), HasSubstr("not sharded"));
  EXPECT_EQ(Posts(db), 1u);
}

// A shard lost from a sharded index used to be created again, empty, by the
// next run: its posts vanished from every search without a word (issue 14).
TEST(ShardedIndexWriterTest, AMissingShardIsRefusedNamingItAndNeverCreatedAgain) {
  namespace fs = std::filesystem;
  TempDir dir;
  const std::string db = dir.Sub("db");
  {
    auto writer = IndexWriter::Open(db, 3);
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (int i = 0; i < 9; ++i) {
      ASSERT_TRUE((*writer)->Upsert(MakePost("post-" + std::to_string(i), "knee")).ok());
    }
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  const std::string shard = db + "/" + ShardDirName(1);
  ASSERT_TRUE(fs::remove_all(shard) > 0);
  for (const int shards : {0, 3}) {
    auto reopened = IndexWriter::Open(db, shards);
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(reopened.status().message(), HasSubstr("missing its database shard-001"));
    EXPECT_FALSE(fs::exists(shard));
  }
  // Emptied is missing too.
  ASSERT_TRUE(fs::create_directory(shard));
  EXPECT_THAT(IndexWriter::Open(db, 0).status().message(),
              HasSubstr("missing its database shard-001"));
  EXPECT_TRUE(fs::is_empty(shard));
  // Restored (here: an empty database in its place), it opens; without the
  // synonyms database the stub lists, it does not.
  fs::remove(shard);
  ASSERT_TRUE(IndexWriter::Open(shard).ok());
  ASSERT_TRUE(IndexWriter::Open(db, 0).ok());
  fs::remove_all(db + "/synonyms");
  EXPECT_THAT(IndexWriter::Open(db, 0).status().message(),
              HasSubstr("missing its database synonyms"));
  EXPECT_FALSE(fs::exists(db + "/synonyms"));
}

// The stub is written last: a directory of shards without one is a creation
// cut short, which a run with --shards completes and a run without refuses.
TEST(ShardedIndexWriterTest, ACreationCutShortIsCompletedByTheNextRunWithShards) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_TRUE(IndexWriter::Open(db + "/" + ShardDirName(0)).ok());
  auto plain = IndexWriter::Open(db, 0);
  ASSERT_FALSE(plain.ok());
  EXPECT_THAT(plain.status().message(), HasSubstr("cut short"));
  auto sharded = IndexWriter::Open(db, 2);
  ASSERT_TRUE(sharded.ok()) << sharded.status();
  EXPECT_EQ((*sharded)->shard_count(), 2);
  sharded->reset();
  EXPECT_EQ(*ShardCount(db), 2);
  EXPECT_EQ(Posts(db), 0u);
}

// Word -> frequency of the spelling data stored in the database at `path`.
std::map<std::string, Xapian::doccount> StoredSpelling(const std::string& path) {
  std::map<std::string, Xapian::doccount> words;
  Xapian::Database db(path);
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) {
    words[*it] = it.get_termfreq();
  }
  return words;
}

// Writes 12 posts, then replaces one and deletes another, into the index at
// `path` (`shards` 0: a plain one).
void WriteSpellingCorpus(const std::string& path, int shards) {
  auto writer = IndexWriter::Open(path, shards);
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(
        (*writer)
            ->Upsert(MakePost("post-" + std::to_string(i),
                              i % 2 ? "olecranon bursitis" : "patellar tendinopathy"))
            .ok());
  }
  ASSERT_TRUE((*writer)->Commit().ok());
  ASSERT_TRUE((*writer)->Upsert(MakePost("post-3", "sciatica")).ok());
  ASSERT_TRUE((*writer)->Delete("post-4").ok());
  ASSERT_TRUE((*writer)->Commit().ok());
}

// One spelling table for all shards, in the side database, which a stub of
// remote shards lists locally: it holds what one index of the same posts
// holds, and the shards hold none.
TEST(ShardedIndexWriterTest, TheSpellingDataIsTheSideDatabasesAndAsOneIndexHasIt) {
  TempDir dir;
  WriteSpellingCorpus(dir.Sub("one"), 0);
  WriteSpellingCorpus(dir.Sub("three"), 3);
  const auto one = StoredSpelling(dir.Sub("one"));
  EXPECT_EQ(one.at("knee"), 11u);
  EXPECT_EQ(one.at("bursitis"), 5u);
  EXPECT_EQ(one.at("sciatica"), 1u);
  EXPECT_EQ(StoredSpelling(dir.Sub("three/synonyms")), one);
  for (int s = 0; s < 3; ++s) {
    EXPECT_THAT(StoredSpelling(dir.Sub("three/" + ShardDirName(s))), ::testing::IsEmpty())
        << "shard " << s;
  }
  EXPECT_EQ(Xapian::Database(dir.Sub("three")).get_spelling_suggestion("olecranom", 1),
            "olecranon");
}

// An index sharded before the spelling data moved keeps it in its shards;
// the next writer moves it to the side database.
TEST(ShardedIndexWriterTest, SpellingDataInTheShardsMovesToTheSideDatabase) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  WriteSpellingCorpus(db, 3);
  const auto expected = StoredSpelling(db + "/synonyms");
  {  // As the writer of the earlier layout left it.
    Xapian::WritableDatabase side(db + "/synonyms");
    Xapian::WritableDatabase shard(db + "/" + ShardDirName(1));
    for (const auto& [word, frequency] : expected) {
      side.remove_spelling(word, frequency);
      shard.add_spelling(word, frequency);
    }
    side.commit();
    shard.commit();
  }
  ASSERT_THAT(StoredSpelling(db + "/synonyms"), ::testing::IsEmpty());
  {
    auto writer = IndexWriter::Open(db);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Upsert(MakePost("post-20", "knee")).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  auto moved = expected;  // And post-20's words: "Knee pain", "knee".
  moved["knee"] += 2;
  moved["pain"] += 1;
  EXPECT_EQ(StoredSpelling(db + "/synonyms"), moved);
  EXPECT_THAT(StoredSpelling(db + "/" + ShardDirName(1)), ::testing::IsEmpty());

  {  // As a crash after the side database's commit, before the shard's, leaves it.
    Xapian::WritableDatabase shard(db + "/" + ShardDirName(1));
    for (const auto& [word, frequency] : expected) shard.add_spelling(word, frequency);
    shard.commit();
  }
  {
    auto writer = IndexWriter::Open(db);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  // The side database's mark says it was counted: removed, not counted again.
  EXPECT_EQ(StoredSpelling(db + "/synonyms"), moved);
  EXPECT_THAT(StoredSpelling(db + "/" + ShardDirName(1)), ::testing::IsEmpty());
}

// The ids, in order, of the page `searcher` returns for `query`; with
// `scored`, each followed by its score and confidence to the last bit, and
// the page's match estimate last.
std::vector<std::string> PageIds(Searcher& searcher, const std::string& query,
                                 bool scored = false) {
  SearchParams params;
  params.query = query;
  absl::StatusOr<SearchPage> page = searcher.Search(params);
  EXPECT_TRUE(page.ok()) << page.status();
  std::vector<std::string> ids;
  if (!page.ok()) return ids;
  for (const v1::SearchResult& result : page->response.results()) {
    char figures[64];
    std::snprintf(figures, sizeof figures, " %.17g %.17g", result.score(),
                  result.confidence());
    ids.push_back(scored ? result.post().id() + figures : result.post().id());
  }
  if (scored) ids.push_back(std::to_string(page->response.total_estimate()));
  return ids;
}

// Shards served by xapian-progsrv children rank as the shards read in the
// searching thread (the same scores and confidences; posts of equal text tie
// and are ordered by id), and see a later commit once refreshed.
TEST(ShardProcessesTest, RankAsTheShardsReadHereAndSeeLaterCommits) {
  if (!LocateShardServer().ok()) GTEST_SKIP() << "no xapian-progsrv (xapian-tools)";
  TempDir dir;
  const std::string db = dir.Sub("db");
  WriteSpellingCorpus(db, 3);
  absl::StatusOr<std::unique_ptr<Searcher>> here = Searcher::Open(db);
  ASSERT_TRUE(here.ok()) << here.status();
  for (const int processes : {1, 2, 3, 8}) {
    SearcherOptions options;
    options.shard_processes = processes;
    absl::StatusOr<std::unique_ptr<Searcher>> children = Searcher::Open(db, options);
    ASSERT_TRUE(children.ok()) << children.status();
    EXPECT_EQ((*children)->PostCount(), 11u);
    for (const std::string query :
         {"olecranon bursitis", "knee tendinopathy", "sciatica", "olecranom"}) {
      const std::vector<std::string> expected = PageIds(**here, query, true);
      EXPECT_GT(expected.size(), 1u) << query;  // Results, then the estimate.
      EXPECT_EQ(PageIds(**children, query, true), expected) << query << ", " << processes;
    }
  }
  SearcherOptions options;
  options.shard_processes = 2;
  absl::StatusOr<std::unique_ptr<Searcher>> children = Searcher::Open(db, options);
  ASSERT_TRUE(children.ok()) << children.status();
  {
    auto writer = IndexWriter::Open(db);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Upsert(MakePost("post-30", "a baker's cyst")).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  EXPECT_THAT(PageIds(**children, "baker's cyst"), ::testing::IsEmpty());
  absl::StatusOr<bool> moved = (*children)->Refresh();
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_TRUE(*moved);
  EXPECT_THAT(PageIds(**children, "baker's cyst"), ::testing::ElementsAre("post-30"));
}

// A plain index has no shards to serve: it opens as it always does.
TEST(ShardProcessesTest, APlainIndexIsReadHere) {
  if (!LocateShardServer().ok()) GTEST_SKIP() << "no xapian-progsrv (xapian-tools)";
  TempDir dir;
  WriteSpellingCorpus(dir.Sub("one"), 0);
  SearcherOptions options;
  options.shard_processes = 2;
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(dir.Sub("one"), options);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  EXPECT_THAT(PageIds(**searcher, "sciatica"), ::testing::ElementsAre("post-3"));
}

// Without the program, opening says what to install rather than failing in
// a child that cannot start.
TEST(ShardProcessesTest, WithoutXapianProgsrvOpeningNamesThePackage) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  WriteSpellingCorpus(db, 2);
  const char* saved = std::getenv("PATH");
  const std::string path = saved != nullptr ? saved : "";
  ASSERT_EQ(::setenv("PATH", dir.Sub("nowhere").c_str(), 1), 0);
  SearcherOptions options;
  options.shard_processes = 2;
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(db, options);
  const absl::StatusOr<std::string> program = LocateShardServer();
  ::setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(program.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(searcher.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(searcher.status().message(), HasSubstr("xapian-tools"));
}

TEST(ShardedIndexWriterTest, AFailedCreationLeavesNoDirectoryBehind) {
  TempDir dir;
  EXPECT_FALSE(IndexWriter::Open(dir.Sub("new/") + std::string(300, 'n'), 2).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("new")));
}

TEST(ListsRemoteDatabasesTest, SeesRemoteLinesOfAStub) {
  TempDir dir;
  EXPECT_TRUE(ListsRemoteDatabases(
      dir.WriteFile("remote.stub", "# shards\nremote 127.0.0.1:1\nauto /x/synonyms\n")));
  EXPECT_FALSE(ListsRemoteDatabases(dir.WriteFile("local.stub", "auto /x/shard-000\n")));
  EXPECT_FALSE(ListsRemoteDatabases(dir.Sub("missing")));
}

}  // namespace
}  // namespace guru
