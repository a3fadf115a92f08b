// TurnMemo: earlier turns read once are recalled, never change what a
// query is, stay bounded, and are forgotten when the searcher moves to a
// newer revision of the index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

#include "index/index_writer.h"
#include "index/query_builder.h"
#include "index/schema.h"
#include "index/searcher.h"
#include "index/small_index.h"
#include "support/temp_dir.h"

namespace guru::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Titled by the condition and asked by the aspect, as MedQuAD's posts are.
constexpr guru::testing::PostText kPosts[] = {
    {"autism-what", "Autism", "What is (are) Autism ?",
     "A difference in how the brain develops, seen in young children."},
    {"autism-treat", "Autism", "What are the treatments for Autism ?",
     "Therapies for speech and behaviour help children most when begun early."},
    {"asthma-what", "Asthma", "What is (are) Asthma ?",
     "Long-lasting inflammation narrows the airways of adults and children."},
    {"asthma-symptoms", "Asthma", "What are the symptoms of Asthma ?",
     "A whistling breath, a cough and a tight chest are its signs."},
    {"asthma-children-symptoms", "Asthma in children",
     "What are the symptoms of Asthma in children ?",
     "Children cough at night and wheeze with every cold."},
    {"asthma-children-treat", "Asthma in children",
     "What are the treatments for Asthma in children ?",
     "Small children breathe their inhaler through a spacer."},
    {"eczema-treat", "Eczema", "What are the treatments for Eczema ?",
     "Emollients and steroid creams for adults and children."},
};

constexpr guru::testing::PostText kHemophilia = {
    "hemophilia-treat", "Hemophilia", "What are the treatments for Hemophilia ?",
    "Hemophilia is treated by replacing the missing clotting factor."};

class TurnMemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<v1::Post> posts;
    for (const guru::testing::PostText& text : kPosts) {
      posts.push_back(guru::testing::MakePost(text));
    }
    ASSERT_NE(guru::testing::IndexAndOpen(path_, posts), nullptr);
  }

  BuiltQuery Build(const std::string& text, const std::vector<std::string>& context,
                   TurnMemo* memo) {
    const Xapian::Database db(path_);
    return BuildQuery(db, stemmer_, nullptr, text, context, RankingOptions(), memo);
  }

  // What a query is, as far as anyone can tell from outside.
  static std::string Describe(const BuiltQuery& built) {
    return built.query.get_description() + "\n" + built.interpretation.DebugString();
  }

  guru::testing::TempDir dir_;
  const std::string path_ = dir_.Sub("db");
  const Xapian::Stem stemmer_{std::string(schema::kLanguage)};
};

TEST_F(TurnMemoTest, RecalledTurnsMakeTheSameQuery) {
  const std::vector<std::string> context = {"it's worse at night",
                                            "my son was just diagnosed with autism"};
  const std::string unremembered =
      Describe(Build("how is it treated?", context, nullptr));
  TurnMemo memo;
  EXPECT_EQ(Describe(Build("how is it treated?", context, &memo)), unremembered);
  EXPECT_EQ(memo.size(), 3U);  // Both turns, and the message.
  EXPECT_EQ(Describe(Build("how is it treated?", context, &memo)), unremembered);
  EXPECT_EQ(memo.size(), 3U);
}

TEST_F(TurnMemoTest, AMessageIsRecalledAsTheNextMessagesEarlierTurn) {
  // A message with a misspelt topic and an aspect: what is kept of it must be
  // what reading it as an earlier turn finds.
  TurnMemo memo;
  const std::string message = "what are the symptoms of asthmma?";
  Build(message, {"my son is 7"}, &memo);
  const std::vector<std::string> next = {message, "my son is 7"};
  const BuiltQuery recalled = Build("and in children?", next, &memo);
  EXPECT_EQ(Describe(recalled), Describe(Build("and in children?", next, nullptr)));
  EXPECT_THAT(recalled.interpretation.context_use().topic(), ElementsAre("asthma"));
  EXPECT_THAT(recalled.interpretation.aspects(), ElementsAre("symptoms"));
  EXPECT_EQ(memo.size(), 3U);  // Both messages and the first turn.
}

TEST_F(TurnMemoTest, HoldsABoundedNumberOfShortTurns) {
  TurnMemo memo;
  for (std::size_t i = 0; i < 3 * TurnMemo::kTurnsPerGeneration; ++i) {
    Build("how is it treated?", {"my son has autism, he is " + std::to_string(i)}, &memo);
  }
  EXPECT_LE(memo.size(), 2 * TurnMemo::kTurnsPerGeneration);
  EXPECT_GE(memo.size(), TurnMemo::kTurnsPerGeneration);

  memo.Clear();
  const std::string long_turn =
      "my son has autism " + std::string(TurnMemo::kMaxTurnBytes, 'a');
  const BuiltQuery built = Build("how is it treated?", {long_turn}, &memo);
  EXPECT_EQ(memo.size(), 1U);  // The message only.
  EXPECT_THAT(built.interpretation.context_use().topic(), ElementsAre("autism"));
}

TEST_F(TurnMemoTest, ASearcherForgetsTurnsReadBeforeANewerRevision) {
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(path_);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  SearchParams params;
  params.query = "how is it treated?";
  params.context = {"my son has hemophilia"};
  absl::StatusOr<SearchPage> before = (*searcher)->Search(params);
  ASSERT_TRUE(before.ok()) << before.status();
  // No post says "hemophilia" yet: the turn names nothing.
  EXPECT_THAT(before->response.interpretation().context_use().topic(), IsEmpty());

  {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Upsert(guru::testing::MakePost(kHemophilia)).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  ASSERT_TRUE((*searcher)->Refresh().ok());
  absl::StatusOr<SearchPage> after = (*searcher)->Search(params);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_THAT(after->response.interpretation().context_use().topic(),
              ElementsAre("hemophilia"));
  ASSERT_FALSE(after->response.results().empty());
  EXPECT_EQ(after->response.results(0).post().id(), "hemophilia-treat");
}

}  // namespace
}  // namespace guru::internal
