// When a page answers the question: the thresholds of DecideAnswerStatus
// (src/index/confidence_model.h) on hand-made candidates.
#include <gtest/gtest.h>

#include <vector>

#include "index/ranking.h"

namespace guru::internal {
namespace {

// A candidate as the re-ranking leaves it.
RankedCandidate Candidate(double confidence, double title_coverage, double idf_matched,
                          bool titled = true) {
  RankedCandidate candidate;
  candidate.titled = titled;
  candidate.confidence = confidence;
  candidate.features.title_coverage = title_coverage;
  candidate.features.idf_matched = idf_matched;
  return candidate;
}

v1::AnswerStatus Status(const std::vector<RankedCandidate>& ranked,
                        std::uint64_t posts = 20000) {
  BuiltQuery query;
  query.post_count = posts;
  return DecideAnswerStatus(ranked, query);
}

TEST(AnswerStatusTest, ConfidenceThresholds) {
  EXPECT_EQ(Status({}), v1::NO_MATCH);
  EXPECT_EQ(Status({Candidate(0.45, 1.0, 0.4)}), v1::ANSWERED);
  EXPECT_EQ(Status({Candidate(0.3, 1.0, 0.4)}), v1::LOW_CONFIDENCE);
  EXPECT_EQ(Status({Candidate(0.15, 1.0, 0.4)}), v1::NO_MATCH);
}

TEST(AnswerStatusTest, NoTitleAboutTheQuestionIsNoMatchHoweverManyWordsMatch) {
  // "best recipe for chocolate cake": a diet post whose answer mentions cake.
  std::vector<RankedCandidate> ranked = {Candidate(0.34, 0.0, 0.87)};
  for (int i = 0; i < 9; ++i) ranked.push_back(Candidate(0.1, 0.25, 0.3));
  EXPECT_EQ(Status(ranked), v1::NO_MATCH);
  // One post among the first ten about what was asked is enough.
  ranked[9].features.title_coverage = 0.34;
  EXPECT_EQ(Status(ranked), v1::LOW_CONFIDENCE);
  // ...but not the eleventh.
  ranked[9].features.title_coverage = 0.25;
  ranked.push_back(Candidate(0.1, 1.0, 0.3));
  EXPECT_EQ(Status(ranked), v1::NO_MATCH);
}

TEST(AnswerStatusTest, ATitleHoldingTheNamingWordIsAboutTheQuestion) {
  // "what is trypanosomiasis": "Parasites - African Trypanosomiasis (also
  // known as Sleeping Sickness)" is covered an eighth.
  std::vector<RankedCandidate> ranked = {Candidate(0.34, 0.125, 0.9)};
  EXPECT_EQ(Status(ranked), v1::NO_MATCH);
  ranked[0].titles_naming_word = true;
  EXPECT_EQ(Status(ranked), v1::LOW_CONFIDENCE);
}

TEST(AnswerStatusTest, WithoutATitleTheShareOfTheMessageDecides) {
  EXPECT_EQ(Status({Candidate(0.34, 0.0, 0.87, /*titled=*/false)}), v1::LOW_CONFIDENCE);
  EXPECT_EQ(Status({Candidate(0.34, 0.0, 0.3, /*titled=*/false)}), v1::NO_MATCH);
}

TEST(AnswerStatusTest, SmallIndexesOnlyRefuseWhenNothingMatched) {
  EXPECT_EQ(Status({Candidate(0.34, 0.0, 0.87)}, 33), v1::LOW_CONFIDENCE);
  EXPECT_EQ(Status({Candidate(0.05, 0.0, 0.1)}, 33), v1::LOW_CONFIDENCE);
  EXPECT_EQ(Status({}, 33), v1::NO_MATCH);
}

}  // namespace
}  // namespace guru::internal
