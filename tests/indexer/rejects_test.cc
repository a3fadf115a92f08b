// guru-indexer --rejects through the real binary: a rejects path over an
// input or the index is refused (exit 2) before anything is read or written,
// and the rejects file is appended to, never truncated.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::ReadFile;
using ::guru::testing::RunIndexer;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;

const std::string kGood = R"({"id":"p1","title":"Shin pain","answer":"Rest a week."})";
const std::string kBad = R"({"id":"p2","title":"No answer"})";

TEST(RejectsTest, RejectsFileThatIsTheInputIsRefusedUntouched) {
  TempDir dir;
  const std::string batch = dir.WriteFile("op.jsonl", kGood + "\n" + kBad + "\n");
  const auto result =
      RunIndexer({"--db", dir.Sub("db"), "--rejects", batch, dir.Sub("op.jsonl")});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err, HasSubstr("is the input"));
  EXPECT_EQ(ReadFile(batch), kGood + "\n" + kBad + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("db")));
}

TEST(RejectsTest, RejectsFileThatIsASynonymsFileIsRefusedUntouched) {
  TempDir dir;
  const std::string table = "version 1\n\nkneecap | knee cap | patella\n";
  const std::string synonyms = dir.WriteFile("synonyms.txt", table);
  const std::string batch = dir.WriteFile("op.jsonl", kGood + "\n" + kBad + "\n");
  // By the same name, by another name for it, and through a symbolic link.
  std::filesystem::create_symlink(synonyms, dir.Sub("link.txt"));
  std::filesystem::create_directories(dir.Sub("sub"));
  for (const std::string& rejects :
       {synonyms, dir.Sub("sub/../synonyms.txt"), dir.Sub("link.txt")}) {
    SCOPED_TRACE(rejects);
    const auto result = RunIndexer(
        {"--db", dir.Sub("db"), "--synonyms", synonyms, "--rejects", rejects, batch});
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_THAT(result.err, HasSubstr("--rejects " + rejects));
    EXPECT_THAT(result.err, HasSubstr("is the input " + synonyms));
    EXPECT_EQ(ReadFile(synonyms), table);
    EXPECT_FALSE(std::filesystem::exists(dir.Sub("db")));
  }
}

TEST(RejectsTest, RejectsFileInsideTheIndexIsRefusedAndTheIndexStaysReadable) {
  TempDir dir;
  const std::string batch = dir.WriteFile("op.jsonl", kGood + "\n");
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db"), batch}).exit_code, 0);
  const std::string glass = dir.Sub("db/postlist.glass");
  const std::string before = ReadFile(glass);
  ASSERT_FALSE(before.empty());

  const std::string more = dir.WriteFile("more.jsonl", kBad + "\n");
  const auto result = RunIndexer({"--db", dir.Sub("db"), "--rejects", glass, more});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err, HasSubstr("inside the index"));
  EXPECT_TRUE(ReadFile(glass) == before) << "postlist.glass changed";
  const auto stats = RunIndexer({"stats", "--db", dir.Sub("db")});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("posts 1\n"));
}

TEST(RejectsTest, RejectsAreAppendedToAnExistingFile) {
  TempDir dir;
  const std::string rejects = dir.WriteFile("rejects.jsonl", "from yesterday\n");
  const std::string batch = dir.WriteFile("op.jsonl", kGood + "\n" + kBad + "\n");
  EXPECT_EQ(RunIndexer({"--db", dir.Sub("db"), "--rejects", rejects, batch}).exit_code,
            1);
  EXPECT_EQ(ReadFile(rejects), "from yesterday\n" + kBad + "\n");
}

}  // namespace
}  // namespace guru
