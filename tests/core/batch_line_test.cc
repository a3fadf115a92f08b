#include "core/batch_line.h"

#include <gtest/gtest.h>

namespace guru {
namespace {

TEST(BatchLineTest, ReadsTheQidTheTextAndTheEarlierTurnsNewestFirst) {
  const auto question = ParseBatchLine("q7\thow is it treated?\tmy son has asthma\thi\r");
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(question->qid, "q7");
  EXPECT_EQ(question->text, "how is it treated?");
  EXPECT_EQ(question->context, (std::vector<std::string>{"my son has asthma", "hi"}));
}

TEST(BatchLineTest, AMessageAloneHasNoContext) {
  const auto question = ParseBatchLine("q1\tknee pain");
  ASSERT_TRUE(question.has_value());
  EXPECT_TRUE(question->context.empty());
}

TEST(BatchLineTest, ALineWithoutAQidOrATextIsNoQuestion) {
  EXPECT_FALSE(ParseBatchLine("").has_value());
  EXPECT_FALSE(ParseBatchLine("\r").has_value());
  EXPECT_FALSE(ParseBatchLine("knee pain").has_value());
  EXPECT_FALSE(ParseBatchLine("\tknee pain").has_value());
  EXPECT_FALSE(ParseBatchLine("q1\t").has_value());
  EXPECT_FALSE(ParseBatchLine("q1\t\tmy son has asthma").has_value());
}

}  // namespace
}  // namespace guru
