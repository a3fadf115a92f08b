// The vocabulary is on by default: guru-indexer loads the built-in lay <->
// clinical vocabulary unless told otherwise, keeps an operator's choice on
// later runs, and `stats` says which vocabulary (and version) an index has.
// Real guru-indexer binary, real indexes in temporary directories.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A post that names the kneecap only in clinical terms.
const std::string kPatellaPost =
    R"({"id":"clinical","title":"Patella pain","answer":"The patella tracks in its groove."})"
    "\n";

// The "version N" of the shipped vocabulary file.
std::string ShippedVersion() {
  const std::string text = ReadFile(SourcePath("data/synonyms/lay-clinical.txt"));
  std::smatch match;
  EXPECT_TRUE(std::regex_search(text, match, std::regex("\nversion ([^\n]+)\n")));
  return match.size() > 1 ? match[1].str() : "";
}

// The "vocabulary ..." line of `guru-indexer stats`.
std::string VocabularyLine(const std::string& db) { return StatsLine(db, "vocabulary "); }

TEST(VocabularyTest, ByDefaultTheBuiltInVocabularyIsLoadedAndStatsNamesIt) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  const auto indexed = RunIndexer({"--db", db, "-"}, kPatellaPost);
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  EXPECT_THAT(indexed.err, HasSubstr("vocabulary lay-clinical version " +
                                     ShippedVersion() + " (built in)"));
  // The lay word finds the clinical reply.
  EXPECT_THAT(SearchIds(db, "kneecap"), ElementsAre("clinical"));
  EXPECT_EQ(VocabularyLine(db),
            "vocabulary lay-clinical version " + ShippedVersion() + " (built in)");
  const auto json = RunIndexer({"stats", "--db", db, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr(R"("vocabulary":{"name":"lay-clinical","version":")" +
                                  ShippedVersion() + R"(","source":"built-in"})"));

  // A second run changes nothing, not even the revision.
  const auto before = RunIndexer({"stats", "--db", db}).out;
  const auto again = RunIndexer({"--db", db, "-"}, kPatellaPost);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, Not(HasSubstr("vocabulary")));
  EXPECT_EQ(RunIndexer({"stats", "--db", db}).out, before);
}

TEST(VocabularyTest, TheBuiltInVocabularyNeedsNoFileBesideTheBinary) {
  // A copy of the binary alone, run from an empty directory: as installed
  // from a package, with no source tree to find data/synonyms/ in.
  TempDir dir;
  const std::string binary = dir.Sub("bin/guru-indexer");
  std::filesystem::create_directories(dir.Sub("bin"));
  std::filesystem::copy_file(GURU_INDEXER_BIN, binary);
  std::filesystem::create_directories(dir.Sub("empty"));
  const std::string db = dir.Sub("db");
  const auto indexed =
      testing::Run({"/bin/sh", "-c", "cd \"$1\" && exec \"$2\" --db \"$3\" -", "sh",
                    dir.Sub("empty"), binary, db},
                   kPatellaPost);
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  EXPECT_THAT(SearchIds(db, "kneecap"), ElementsAre("clinical"));
  EXPECT_THAT(VocabularyLine(db), HasSubstr("lay-clinical version"));
}

TEST(VocabularyTest, NoneBuildsWithoutItAndLaterRunsKeepThatChoice) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, "--synonyms", "none", "-"}, kPatellaPost).exit_code,
            0);
  EXPECT_THAT(SearchIds(db, "kneecap"), IsEmpty());
  EXPECT_EQ(VocabularyLine(db), "vocabulary none (--synonyms none)");
  const auto json = RunIndexer({"stats", "--db", db, "--json"});
  EXPECT_THAT(json.out,
              HasSubstr(R"("vocabulary":{"name":"none","version":"","source":"none"})"));

  // A later run that names no vocabulary does not undo the choice.
  ASSERT_EQ(RunIndexer({"--db", db, "-"}, kPatellaPost).exit_code, 0);
  EXPECT_EQ(VocabularyLine(db), "vocabulary none (--synonyms none)");
  EXPECT_THAT(SearchIds(db, "kneecap"), IsEmpty());

  // built-in, with no INPUT, brings it back.
  const auto builtin = RunIndexer({"--db", db, "--synonyms", "built-in"});
  EXPECT_EQ(builtin.exit_code, 0) << builtin.err;
  EXPECT_THAT(VocabularyLine(db), HasSubstr("(built in)"));
  EXPECT_THAT(SearchIds(db, "kneecap"), ElementsAre("clinical"));

  // And none, with no INPUT, empties the table of an existing index.
  ASSERT_EQ(RunIndexer({"--db", db, "--synonyms", "none"}).exit_code, 0);
  EXPECT_THAT(SearchIds(db, "kneecap"), IsEmpty());
}

TEST(VocabularyTest, FilesAreRecordedByNameAndVersionAndKeptByLaterRuns) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  const std::string shin =
      dir.WriteFile("shin-words.txt", "version 7\nshinbone | tibia\n");
  const std::string extra = dir.WriteFile("extra.txt", "version 2\nkneecap | patella\n");
  ASSERT_EQ(
      RunIndexer({"--db", db, "--synonyms", shin, "--synonyms", extra, "-"}, kPatellaPost)
          .exit_code,
      0);
  EXPECT_EQ(VocabularyLine(db),
            "vocabulary shin-words+extra version 7+2 (from --synonyms files)");
  ASSERT_EQ(RunIndexer({"--db", db, "--synonyms", shin}).exit_code, 0);
  EXPECT_EQ(VocabularyLine(db),
            "vocabulary shin-words version 7 (from --synonyms files)");
  // No --synonyms: the operator's file stays; the built-in one is not loaded.
  ASSERT_EQ(RunIndexer({"--db", db, "-"}, kPatellaPost).exit_code, 0);
  EXPECT_EQ(VocabularyLine(db),
            "vocabulary shin-words version 7 (from --synonyms files)");
  EXPECT_THAT(SearchIds(db, "kneecap"), IsEmpty());
}

TEST(VocabularyTest, NoneOrBuiltInWithFilesIsAUsageError) {
  TempDir dir;
  const std::string file = dir.WriteFile("words.txt", "version 1\na b | c d\n");
  for (const char* word : {"none", "built-in"}) {
    const auto mixed =
        RunIndexer({"--db", dir.Sub("db"), "--synonyms", word, "--synonyms", file, "-"},
                   kPatellaPost);
    EXPECT_EQ(mixed.exit_code, 2) << word;
    EXPECT_THAT(mixed.err, HasSubstr("cannot be given with other files")) << word;
    EXPECT_FALSE(std::filesystem::exists(dir.Sub("db"))) << word;
  }
}

TEST(VocabularyTest, AShardedIndexRecordsItToo) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, "--shards", "2", "-"}, kPatellaPost).exit_code, 0);
  EXPECT_THAT(VocabularyLine(db), HasSubstr("lay-clinical version"));
  EXPECT_THAT(SearchIds(db, "kneecap"), ElementsAre("clinical"));
}

}  // namespace
}  // namespace guru
