// The table of query terms that BuildQuery fills and ranking, passages and
// the interpretation read: roles, weights, IDF, expansions and the
// conversation's topic, on a small index with a vocabulary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/synonyms.h"
#include "index/index_writer.h"
#include "index/query_builder.h"
#include "index/schema.h"
#include "index/small_index.h"
#include "support/temp_dir.h"

namespace guru::internal {
namespace {

using ::testing::ElementsAre;

// Two posts on one thing in other words, which the vocabulary joins, and one
// on another.
constexpr guru::testing::PostText kPosts[] = {
    {"clinical", "Patella pain", "", "The patella tracks in its groove."},
    {"lay", "Kneecap pain", "", "Your kneecap tracks in its groove."},
    {"wrist", "Wrist pain", "", "Rest the wrist."},
};

class QueryTermsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::Open(dir_.Sub("db"));
    ASSERT_TRUE(writer.ok());
    for (const guru::testing::PostText& post : kPosts) {
      ASSERT_TRUE((*writer)->Upsert(guru::testing::MakePost(post)).ok());
    }
    absl::StatusOr<SynonymFile> file = ParseSynonymFile("version 1\nkneecap | patella\n");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*writer)->SetSynonyms(*file).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  BuiltQuery Build(const std::string& text, const std::vector<std::string>& context = {},
                   const RankingOptions& ranking = {}) {
    const Xapian::Database db(dir_.Sub("db"));
    const Xapian::Stem stemmer{std::string(schema::kLanguage)};
    return BuildQuery(db, stemmer, nullptr, text, context, ranking);
  }

  guru::testing::TempDir dir_;
};

// The terms of `query` with `role`, as "stem@weight".
std::vector<std::string> TermsOf(const BuiltQuery& query, TermRole role) {
  std::vector<std::string> terms;
  for (const QueryTerm& term : query.terms.all()) {
    if (term.role == role) terms.push_back(term.stem + "@" + std::to_string(term.weight));
  }
  return terms;
}

TEST_F(QueryTermsTest, TheMessagesWordsAreOwnOrChattyAndStopwordsAreLeftOut) {
  const BuiltQuery query = Build("please help, my kneecap hurts");
  EXPECT_THAT(TermsOf(query, TermRole::kChatty),
              ElementsAre("pleas@0.300000", "help@0.300000"));
  EXPECT_THAT(TermsOf(query, TermRole::kOwn),
              ElementsAre("kneecap@1.000000", "hurt@1.000000"));
  EXPECT_THAT(query.interpretation.terms(),
              ElementsAre("please", "help", "kneecap", "hurts"));
  EXPECT_THAT(query.interpretation.down_weighted(), ElementsAre("please", "help"));
  EXPECT_THAT(query.interpretation.ignored(), ElementsAre("my"));
}

TEST_F(QueryTermsTest, ExpansionsSayWhatTheyExpandAndWeighLess) {
  const BuiltQuery query = Build("kneecap");
  EXPECT_THAT(TermsOf(query, TermRole::kExpansion), ElementsAre("patella@0.250000"));
  EXPECT_EQ(query.terms.all().back().origin, "kneecap");
  ASSERT_NE(query.terms.WeightOf("patella"), nullptr);
  EXPECT_EQ(*query.terms.WeightOf("patella"), 0.25);
  EXPECT_EQ(*query.terms.WeightOf("kneecap"), 1);
  EXPECT_EQ(query.terms.WeightOf("wrist"), nullptr);
  ASSERT_EQ(query.interpretation.expansions_size(), 1);
  EXPECT_EQ(query.interpretation.expansions(0).phrase(), "kneecap");
  EXPECT_THAT(query.interpretation.expansions(0).expanded_to(), ElementsAre("patella"));
}

TEST_F(QueryTermsTest, AStemThePersonSaysWeighsWhatTheySayEvenWhenAlsoExpandedTo) {
  const BuiltQuery query = Build("kneecap patella");
  EXPECT_EQ(*query.terms.WeightOf("patella"), 1);
  EXPECT_FALSE(TermsOf(query, TermRole::kExpansion).empty());
}

TEST_F(QueryTermsTest, AWordSaidTwiceIsTwoTermsButOneStemForTheIdfMass) {
  const BuiltQuery query = Build("wrist pain wrist");
  EXPECT_THAT(TermsOf(query, TermRole::kOwn),
              ElementsAre("wrist@1.000000", "pain@1.000000", "wrist@1.000000"));
  std::vector<std::string> distinct;
  query.terms.ForEachDistinct(
      [&](const QueryTerm& term) { distinct.push_back(term.stem); });
  EXPECT_THAT(distinct, ElementsAre("wrist", "pain"));
}

TEST_F(QueryTermsTest, IdfCountsTheIndexAndAnUnknownStemAsTheRarest) {
  const BuiltQuery query = Build("wrist pain zzqx");
  const std::vector<QueryTerm>& all = query.terms.all();
  ASSERT_EQ(all.size(), 3U);
  EXPECT_TRUE(all[0].indexed);
  EXPECT_DOUBLE_EQ(all[0].idf, std::log(3.0));  // One post of three.
  EXPECT_TRUE(all[1].indexed);
  EXPECT_DOUBLE_EQ(all[1].idf, 0);  // Every post.
  EXPECT_FALSE(all[2].indexed);
  EXPECT_DOUBLE_EQ(all[2].idf, std::log(3.0));
}

TEST_F(QueryTermsTest, AFollowUpSearchesTheConversationsTopicAndTheAspectsWords) {
  const BuiltQuery query = Build("how is it treated?", {"my kneecap hurts"});
  ASSERT_EQ(query.interpretation.context_use().kind(), v1::ContextUse::FOLLOW_UP);
  // The topic first, as if the person had said it (the vocabulary's name for
  // it too), from the newest earlier turn.
  std::vector<std::string> topic;
  for (const QueryTerm& term : query.terms.all()) {
    if (term.role != TermRole::kContext) break;
    EXPECT_EQ(term.turn, 1);
    topic.push_back(term.stem);
  }
  EXPECT_THAT(topic, ::testing::UnorderedElementsAre("kneecap", "patella"));
  std::vector<std::string> aspect;
  for (const QueryTerm& term : query.terms.all()) {
    if (term.role == TermRole::kAspect) aspect.push_back(term.origin + ":" + term.text);
  }
  EXPECT_THAT(aspect, ElementsAre("treatment:treatment", "treatment:treat"));
}

TEST_F(QueryTermsTest, AnAspectsWordsAreOnlyTheAspectsUnlessThePersonSaysThem) {
  const BuiltQuery query = Build("how is it treated?", {"my kneecap hurts"});
  EXPECT_TRUE(query.terms.OnlyAspect("treatment"));
  EXPECT_FALSE(query.terms.OnlyAspect("treat"));  // "treated" is the person's.
  EXPECT_FALSE(query.terms.OnlyAspect("kneecap"));
  EXPECT_FALSE(query.terms.OnlyAspect("wrist"));  // Not searched at all.
}

TEST_F(QueryTermsTest, NothingToSearchForIsAnEmptyTableAndQuery) {
  const BuiltQuery query = Build("the and of");
  EXPECT_TRUE(query.terms.all().empty());
  EXPECT_TRUE(query.query.empty());
}

TEST(QueryTermsPeopleTest, ATopicsWordsForPeopleWeighHalf) {
  // "and in children?" after asthma asks about asthma, for children: the
  // topic's word for them says for whom, and weighs half the subject's.
  guru::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(dir.Sub("db"));
  ASSERT_TRUE(writer.ok());
  const guru::testing::PostText posts[] = {
      {"asthma", "Asthma", "What is (are) Asthma ?", "Asthma narrows the airways."},
      {"asthma-children", "Asthma in children", "What is (are) Asthma in children ?",
       "Children with asthma wheeze at night."},
      {"children", "Children's health", "What is (are) Children's health ?",
       "Children grow fast."},
  };
  for (const guru::testing::PostText& post : posts) {
    ASSERT_TRUE((*writer)->Upsert(guru::testing::MakePost(post)).ok());
  }
  for (int i = 0; i < 200; ++i) {
    const std::string id = "other-" + std::to_string(i);
    ASSERT_TRUE((*writer)
                    ->Upsert(guru::testing::MakePost({id.c_str(), "Condition number", "",
                                                      "Doctors treat it with rest."}))
                    .ok());
  }
  ASSERT_TRUE((*writer)->Commit().ok());
  const Xapian::Database db(dir.Sub("db"));
  const Xapian::Stem stemmer{std::string(schema::kLanguage)};
  const BuiltQuery query =
      BuildQuery(db, stemmer, nullptr, "and in children?", {"my son has asthma"}, {});
  ASSERT_EQ(query.interpretation.context_use().kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_THAT(TermsOf(query, TermRole::kContext),
              ::testing::IsSupersetOf({"asthma@1.000000", "children@0.500000"}));
}

}  // namespace
}  // namespace guru::internal
