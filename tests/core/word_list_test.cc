#include "core/word_list.h"

#include <gtest/gtest.h>

namespace guru {
namespace {

TEST(WordListTest, OneWordPerLineCaseFoldedAndTrimmed) {
  const WordList list =
      WordList::Parse("\xEF\xBB\xBFWife\n  husband \r\n\n\tO'Brien\nwife's\nwife\n");
  EXPECT_EQ(list.size(), 4U);  // "Wife" and "wife" are one word.
  EXPECT_TRUE(list.Contains("wife"));
  EXPECT_TRUE(list.Contains("husband"));
  EXPECT_TRUE(list.Contains("o'brien"));
  EXPECT_TRUE(list.Contains("wife's"));
  EXPECT_FALSE(list.Contains("Wife"));  // Callers pass lower-case words.
  EXPECT_FALSE(list.Contains("tendonitus"));
  EXPECT_FALSE(list.Contains(""));
}

TEST(WordListTest, LatinCapitalsFoldAsQueriesDo) {
  const WordList list = WordList::Parse("\xC3\x85ngstr\xC3\xB6m\n\xC3\x97");
  EXPECT_TRUE(list.Contains("\xC3\xA5ngstr\xC3\xB6m"));  // ångström
  EXPECT_TRUE(list.Contains("\xC3\x97"));  // The multiplication sign has no case.
}

TEST(WordListTest, LastLineNeedsNoNewlineAndEmptyTextIsEmpty) {
  EXPECT_TRUE(WordList::Parse("knee\nankle").Contains("ankle"));
  EXPECT_EQ(WordList::Parse("").size(), 0U);
  EXPECT_EQ(WordList::Parse("\n \n\t\n").size(), 0U);
}

}  // namespace
}  // namespace guru
