#include "core/query_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace guru {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(QueryWordsTest, KeepsContentWordsLowerCasedInOrder) {
  EXPECT_THAT(
      QueryWords("Since the marathon my LEFT knee hurts when I run for 5 minutes"),
      ElementsAre("since", "marathon", "left", "knee", "hurts", "run", "5", "minutes"));
}

TEST(QueryWordsTest, PunctuationAndOperatorsAreSeparators) {
  EXPECT_THAT(
      QueryWords("(knee AND) \"ankle\" -shin +hip knee*pain title:back"),
      ElementsAre("knee", "ankle", "shin", "hip", "knee", "pain", "title", "back"));
  EXPECT_THAT(QueryWords("knee\xE2\x80\x94pain\xE2\x80\xA6 \xE2\x80\x9Cshin\xE2\x80\x9D"),
              ElementsAre("knee", "pain", "shin"));
  EXPECT_THAT(QueryWords("knee\xC2\xA0pain"), ElementsAre("knee", "pain"));
}

TEST(QueryWordsTest, ApostrophesInsideWordsAreKept) {
  EXPECT_THAT(QueryWords("runner's knee, runner\xE2\x80\x99s knee, 'quoted'"),
              ElementsAre("runner's", "knee", "runner's", "knee", "quoted"));
}

TEST(QueryWordsTest, OnlyStopwordsOrPunctuationLeaveNothing) {
  EXPECT_THAT(QueryWords("the and of NOT OR"), IsEmpty());
  EXPECT_THAT(QueryWords("?!.,;:()[]{}\"'*~-+"), IsEmpty());
  EXPECT_THAT(QueryWords(""), IsEmpty());
}

TEST(QueryWordsTest, OtherScriptsAreWords) {
  EXPECT_THAT(QueryWords("caf\xC3\xA9 na\xC3\xAFve"),
              ElementsAre("caf\xC3\xA9", "na\xC3\xAFve"));
}

TEST(QueryWordsTest, InvalidBytesAreSeparatorsNotCrashes) {
  EXPECT_THAT(QueryWords("knee\xFF\xFEpain\xE2"), ElementsAre("knee", "pain"));
}

TEST(IsStopwordTest, FunctionWordsOnly) {
  EXPECT_TRUE(IsStopword("the"));
  EXPECT_TRUE(IsStopword("my"));
  EXPECT_FALSE(IsStopword("knee"));
  EXPECT_FALSE(IsStopword("pain"));
}

}  // namespace
}  // namespace guru
