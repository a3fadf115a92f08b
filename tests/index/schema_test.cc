// The index schema's derived terms: what a post's title key is, and that the
// writer stores it.
#include "index/schema.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <memory>
#include <string>

#include "index/index_writer.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

TEST(StemTermTest, StemsAreZPrefixedInTheFreeTextAndAfterTheFieldPrefix) {
  EXPECT_EQ(schema::StemTerm("knee"), "Zknee");
  EXPECT_EQ(schema::TitleStemTerm("knee"), "ZSknee");
  EXPECT_EQ(schema::StemPrefix(schema::kQuestionPrefix), "ZXQ");
  EXPECT_TRUE(schema::IsFreeTextStemTerm("Zknee"));
  EXPECT_FALSE(schema::IsFreeTextStemTerm("ZSknee"));
  EXPECT_FALSE(schema::IsFreeTextStemTerm("Z"));
  EXPECT_FALSE(schema::IsFreeTextStemTerm("knee"));
  EXPECT_FALSE(schema::IsFreeTextStemTerm("XCorthopaedics"));
}

TEST(TitleKeyTermTest, IsTheDistinctStemsWithoutStopwordsInOrder) {
  EXPECT_EQ(schema::TitleKeyTerm({"loss", "hear"}), "XThear loss");
  EXPECT_EQ(schema::TitleKeyTerm({"children", "in", "asthma", "asthma"}),
            "XTasthma children");
  EXPECT_EQ(schema::TitleKeyTerm({"the", "of"}), "");
  EXPECT_EQ(schema::TitleKeyTerm({}), "");
  // A key that would not fit a Xapian term is left out, not cut.
  EXPECT_EQ(schema::TitleKeyTerm({std::string(300, 'a')}), "");
}

TEST(TitleKeyTermTest, EveryPostIsIndexedWithItsTitlesKey) {
  guru::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(dir.Sub("db"));
  ASSERT_TRUE(writer.ok()) << writer.status();
  v1::Post post;
  post.set_id("p1");
  post.set_title("Hearing Loss");
  post.set_question("What causes hearing loss?");
  post.set_answer("Noise and age.");
  ASSERT_TRUE((*writer)->Upsert(post).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  writer->reset();
  const Xapian::Database db(dir.Sub("db"));
  EXPECT_TRUE(db.term_exists("XThear loss"));
  // The question's words are not part of it.
  EXPECT_FALSE(db.term_exists("XTcaus hear loss"));
}

}  // namespace
}  // namespace guru
