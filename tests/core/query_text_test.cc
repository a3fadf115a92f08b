#include "core/query_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace guru {
namespace {

using ::testing::Contains;
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

// Each word as ForEachWord gives it, with its span in bytes and characters.
struct SeenWord {
  std::string word;
  std::size_t byte_begin, byte_end, char_begin, char_end;
  bool operator==(const SeenWord&) const = default;
  friend void PrintTo(const SeenWord& w, std::ostream* os) {
    *os << '"' << w.word << "\" bytes [" << w.byte_begin << ", " << w.byte_end
        << ") chars [" << w.char_begin << ", " << w.char_end << ")";
  }
};

std::vector<SeenWord> WordsOf(std::string_view text) {
  std::vector<SeenWord> words;
  ForEachWord(text, [&](const WordSpan& span, const std::string& word) {
    words.push_back(
        {word, span.byte_begin, span.byte_end, span.char_begin, span.char_end});
  });
  return words;
}

TEST(ForEachWordTest, SpansCountBytesAndCharactersAcrossScriptsAndApostrophes) {
  // "Naïve café’s dogs' 'tis X2": a word may mix ASCII runs with other
  // letters and a typographic apostrophe (kept as '), and neither a leading
  // nor a trailing apostrophe is part of a word or its span.
  EXPECT_THAT(
      WordsOf("Na\xC3\xAFve caf\xC3\xA9\xE2\x80\x99s dogs' 'tis X2"),
      ElementsAre(SeenWord{"na\xC3\xAFve", 0, 6, 0, 5},
                  SeenWord{"caf\xC3\xA9's", 7, 16, 6, 12},
                  SeenWord{"dogs", 17, 21, 13, 17}, SeenWord{"tis", 24, 27, 20, 23},
                  SeenWord{"x2", 28, 30, 24, 26}));
  EXPECT_THAT(WordsOf("it's\xFFok"),
              ElementsAre(SeenWord{"it's", 0, 4, 0, 4}, SeenWord{"ok", 5, 7, 5, 7}));
  EXPECT_THAT(WordsOf(" \t'' - "), IsEmpty());
}

TEST(IsStopwordTest, FunctionWordsOnly) {
  EXPECT_TRUE(IsStopword("the"));
  EXPECT_TRUE(IsStopword("my"));
  EXPECT_FALSE(IsStopword("knee"));
  EXPECT_FALSE(IsStopword("pain"));
  // Pronouns an index would otherwise match as rare words ("mine" finds
  // posts on coal mines).
  EXPECT_THAT(QueryWords("mine is worse than yours, we cannot sleep because of it"),
              ElementsAre("worse", "sleep"));
}

TEST(IsStopwordTest, FunctionWordsAsTextedAreStopwordsToo) {
  // Without its apostrophe "cant" would search for Cant syndrome.
  EXPECT_THAT(QueryWords("my son cant tell red from green, u know wat i mean"),
              ElementsAre("son", "tell", "red", "green", "know", "mean"));
  // But not the letters that name a vitamin, a hepatitis or a chromosome.
  for (const char* letter : {"a", "b", "c", "d", "e", "k", "x", "y"}) {
    EXPECT_EQ(IsStopword(letter), std::string_view(letter) == "a") << letter;
  }
  EXPECT_TRUE(IsChattyWord("pls"));  // Not PLS, primary lateral sclerosis.
  EXPECT_FALSE(IsChattyWord("als"));
}

TEST(AmericanSpellingsTest, BritishSpellingsOfMedicalWordsHaveTheirAmericanOnes) {
  EXPECT_THAT(AmericanSpellings("haemophilia"), Contains("hemophilia"));
  EXPECT_THAT(AmericanSpellings("anaemic"), Contains("anemic"));
  EXPECT_THAT(AmericanSpellings("oesophagus"), Contains("esophagus"));
  EXPECT_THAT(AmericanSpellings("diarrhoea"), Contains("diarrhea"));
  EXPECT_THAT(AmericanSpellings("tumour"), Contains("tumor"));
  EXPECT_THAT(AmericanSpellings("centre"), Contains("center"));
  EXPECT_THAT(AmericanSpellings("paralysed"), Contains("paralyzed"));
  EXPECT_THAT(AmericanSpellings("immunisation"), Contains("immunization"));
}

TEST(AmericanSpellingsTest, WordsWithoutABritishPatternHaveNone) {
  EXPECT_THAT(AmericanSpellings("knee"), IsEmpty());
  EXPECT_THAT(AmericanSpellings("heroes"), IsEmpty());   // "oe" + plural ending
  EXPECT_THAT(AmericanSpellings("aerobic"), IsEmpty());  // a leading "ae"
  EXPECT_THAT(AmericanSpellings("four"), IsEmpty());     // too short for -our
  EXPECT_THAT(AmericanSpellings(""), IsEmpty());
}

TEST(ConditionNounsTest, WordsForPeopleLeadToTheirCondition) {
  EXPECT_THAT(ConditionNouns("autistic"), Contains("autism"));
  EXPECT_THAT(ConditionNouns("anemic"), Contains("anemia"));
  EXPECT_THAT(ConditionNouns("diabetic"), Contains("diabetes"));
  EXPECT_THAT(ConditionNouns("epileptic"), Contains("epilepsy"));
  EXPECT_THAT(ConditionNouns("arthritic"), Contains("arthritis"));
  EXPECT_THAT(ConditionNouns("psychotic"), Contains("psychosis"));
  EXPECT_THAT(ConditionNouns("hemophiliac"), Contains("hemophilia"));
  EXPECT_THAT(ConditionNouns("asthmatic"), Contains("asthma"));
  EXPECT_THAT(ConditionNouns("cancerous"), Contains("cancer"));
  EXPECT_THAT(ConditionNouns("knee"), IsEmpty());
  EXPECT_THAT(ConditionNouns("ic"), IsEmpty());  // no stem left
}

TEST(QuestionTypeWordTest, WordsOfCuesAndPhrasesAreKnownOthersAreNot) {
  for (const char* word :
       {"meds", "chemo", "physio", "pills", "treated", "rid", "look"}) {
    EXPECT_TRUE(IsQuestionTypeWord(word)) << word;
  }
  for (const char* word : {"mds", "tendonitis", "", "get rid"}) {
    EXPECT_FALSE(IsQuestionTypeWord(word)) << word;
  }
}

TEST(PopulationsTest, ChildrenComeFirst) {
  ASSERT_FALSE(Populations().empty());
  EXPECT_EQ(Populations()[kChildrenPopulation].name, "children");
}

TEST(PopulationsTest, AChildsAgeIsAnAgeUnderEighteen) {
  const auto says = [](std::vector<std::string_view> words) {
    return SaysChildsAge(words);
  };
  EXPECT_TRUE(says({"my", "3", "year", "old"}));
  EXPECT_TRUE(says({"she", "is", "14", "years", "old"}));
  EXPECT_TRUE(says({"a", "5yo"}));
  EXPECT_TRUE(says({"our", "7", "yo"}));
  EXPECT_TRUE(says({"at", "18", "months", "old"}));
  EXPECT_FALSE(says({"i", "am", "44", "years", "old"}));
  EXPECT_FALSE(says({"18", "year", "old", "student"}));
  // Durations, not ages.
  EXPECT_FALSE(says({"for", "3", "months"}));
  EXPECT_FALSE(says({"2", "years", "ago"}));
  EXPECT_FALSE(says({"3", "weeks"}));
  EXPECT_FALSE(says({}));
}

TEST(PopulationsTest, AnAgeSaidOfSomeoneNeedsNoYearsOld) {
  const auto says = [](std::vector<std::string_view> words) {
    return SaysChildsAge(words);
  };
  EXPECT_TRUE(says({"at", "his", "age", "he's", "6"}));
  EXPECT_TRUE(says({"our", "son", "who", "is", "11", "has", "asthma"}));
  EXPECT_TRUE(says({"she's", "only", "9"}));
  EXPECT_TRUE(says({"i'm", "15", "and", "get", "headaches"}));
  EXPECT_TRUE(says({"aged", "7"}));
  EXPECT_TRUE(says({"age", "12", "months"}));
  EXPECT_TRUE(says({"she's", "9", "months", "and", "teething"}));
  EXPECT_FALSE(says({"he's", "58"}));
  EXPECT_FALSE(says({"who", "is", "44"}));
  // A measure, a count, a time since something or a pregnancy, not an age.
  EXPECT_FALSE(says({"she's", "5", "foot", "2"}));
  EXPECT_FALSE(says({"i'm", "5", "10"}));
  EXPECT_FALSE(says({"i'm", "1", "of", "4"}));
  EXPECT_FALSE(says({"i'm", "3", "years", "out", "from", "surgery"}));
  EXPECT_FALSE(says({"he's", "5", "yrs", "clean"}));
  EXPECT_FALSE(says({"i'm", "12", "weeks", "pregnant"}));
  EXPECT_FALSE(says({"i'm", "6", "wks"}));
  EXPECT_FALSE(says({"i'm", "4", "and", "a", "half", "months", "pregnant"}));
  EXPECT_FALSE(says({"it's", "3", "cm"}));
  EXPECT_FALSE(says({"it", "is", "6"}));
  EXPECT_FALSE(says({"it", "turns", "3", "colours"}));
  EXPECT_FALSE(says({"eczema", "since", "age", "5"}));
  EXPECT_FALSE(says({"there", "are", "4", "of", "us"}));
}

TEST(KindDesignatorTest, NumbersRomanNumeralsAndSubtypesDesignateAKind) {
  EXPECT_EQ(KindDesignator("2"), "2");
  EXPECT_EQ(KindDesignator("02"), "2");
  EXPECT_EQ(KindDesignator("ii"), "2");
  EXPECT_EQ(KindDesignator("iv"), "4");
  EXPECT_EQ(KindDesignator("x"), "10");
  EXPECT_EQ(KindDesignator("2f"), "2f");
  EXPECT_EQ(KindDesignator("iif"), "2f");
  EXPECT_EQ(KindDesignator("ie"), "1e");
  EXPECT_EQ(KindDesignator("12"), "12");
  EXPECT_EQ(KindDesignator("2b2"), "2b2");
}

TEST(KindDesignatorTest, AKindIsTheSameAsItsSubtypes) {
  EXPECT_TRUE(SameKind("1", "1"));
  EXPECT_TRUE(SameKind("1", "1a"));
  EXPECT_TRUE(SameKind("1a", "1"));
  EXPECT_TRUE(SameKind("1a", "1a"));
  EXPECT_FALSE(SameKind("1a", "1d"));
  EXPECT_FALSE(SameKind("1", "12"));
  EXPECT_FALSE(SameKind("2", "1"));
  EXPECT_TRUE(SameKind("2b2", "2b"));
  EXPECT_TRUE(SameKind("2", "2b2"));
  EXPECT_FALSE(SameKind("2b1", "2b2"));
}

TEST(KindDesignatorTest, KindsAreTheWordsAfterType) {
  std::vector<std::string> kinds;
  AddKindsDesignated("Type 2 diabetes, and types IV and 2a of something else", kinds);
  EXPECT_THAT(kinds, ElementsAre("2", "4"));
  AddKindsDesignated("my son has type-1 diabetes, type 2 too", kinds);
  EXPECT_THAT(kinds, ElementsAre("2", "4", "1"));
}

TEST(KindDesignatorTest, IAfterTypeIsAPronounBeforeAStopword) {
  std::vector<std::string> kinds;
  AddKindsDesignated("is the type I have passed on? what about the types a baby gets",
                     kinds);
  EXPECT_THAT(kinds, IsEmpty());
  AddKindsDesignated("she has glycogen storage disease type I", kinds);
  EXPECT_THAT(kinds, ElementsAre("1"));
}

TEST(KindDesignatorTest, OtherWordsDesignateNone) {
  for (const char* word :
       {"", "a", "adult", "b12", "123", "2ff", "2b22", "6q24", "2-", "xi"}) {
    EXPECT_EQ(KindDesignator(word), "") << word;
  }
}

}  // namespace
}  // namespace guru
