// Best passages: whole sentences, the window with the query's words, and
// highlight offsets in characters of the whole answer.
#include "core/passage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/text.h"

namespace guru {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// A query of exact lower-case words, each weighing 1.
WordWeight Words(const std::set<std::string>& words) {
  std::map<std::string, WordMatch, std::less<>> matches;
  for (const std::string& word : words) matches[word] = {word, 1.0};
  return [matches = std::move(matches)](const std::string& word) -> const WordMatch* {
    const auto it = matches.find(word);
    return it == matches.end() ? nullptr : &it->second;
  };
}

// The characters [span.begin, span.end) of `text`.
std::string CharSubstr(std::string_view text, CharSpan span) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 0;
    DecodeUtf8(text, i, length);
    if (chars >= span.begin && chars < span.end) out.append(text.substr(i, length));
    ++chars;
    i += length;
  }
  return out;
}

TEST(SplitSentencesTest, EndsAtFullStopsNotAtAbbreviationsOrInitials) {
  const std::string text =
      "See Dr. Smith, e.g. next week. Ice it 3.5 times a day! Why? "
      "Because (it works.) Rest.";
  std::vector<std::string> sentences;
  for (const auto& [begin, end] : internal::SplitSentences(text)) {
    sentences.push_back(text.substr(begin, end - begin));
  }
  EXPECT_THAT(sentences,
              ElementsAre("See Dr. Smith, e.g. next week.", "Ice it 3.5 times a day!",
                          "Why?", "Because (it works.)", "Rest."));
}

TEST(SplitSentencesTest, BlankLinesAndListItemsEndSentencesHardWrapsDoNot) {
  const std::string text =
      "Try these\n- heel drops\n- calf raises\n\nThe tendon\nneeds time";
  EXPECT_THAT(internal::SplitSentences(text),
              ElementsAre(Pair(0, 9), Pair(10, 22), Pair(23, 36), Pair(38, 59)));
}

// The sentences of `text` as strings.
std::vector<std::string> Units(const std::string& text) {
  std::vector<std::string> units;
  for (const auto& [begin, end] : internal::SplitSentences(text)) {
    units.push_back(text.substr(begin, end - begin));
  }
  return units;
}

TEST(SplitSentencesTest, ListItemsWithoutFullStopsAreWholeUnits) {
  // Items on their own lines, none ending in a full stop; a heading line.
  EXPECT_THAT(
      Units("When to call\nCall 911 if your child:\n- Cannot walk\n- Has a seizure\n"
            "Seems confused\nAnd more text here."),
      ElementsAre("When to call", "Call 911 if your child:", "- Cannot walk",
                  "- Has a seizure", "Seems confused", "And more text here."));
  // Numbered and bulleted items.
  EXPECT_THAT(Units("Steps:\n1. Rest\n2) Ice\n\xE2\x80\xA2 Compress it"),
              ElementsAre("Steps:", "1. Rest", "2) Ice", "\xE2\x80\xA2 Compress it"));
}

TEST(SplitSentencesTest, ListsWrittenOnOneLineAreSplitIntoItems) {
  // MedQuAD flattens lists: " - " after the colon that introduces the list,
  // then between the items (with or without final punctuation).
  EXPECT_THAT(
      Units("Call 911 if your child has a fever and: - Is crying (children) - Cannot "
            "walk - Has a stiff neck. - Has a seizure"),
      ElementsAre("Call 911 if your child has a fever and:", "- Is crying (children)",
                  "- Cannot walk", "- Has a stiff neck.", "- Has a seizure"));
  // Lower-case items joined by "or".
  EXPECT_THAT(Units("Cancer is found: - in one group of lymph nodes; or - in one area."),
              ElementsAre("Cancer is found:", "- in one group of lymph nodes; or",
                          "- in one area."));
  // An item after a sentence's full stop starts a list too.
  EXPECT_THAT(Units("It may cause: - Fever. - Pain - Rash"),
              ElementsAre("It may cause:", "- Fever.", "- Pain", "- Rash"));
}

TEST(SplitSentencesTest, DashesInProseAndRangesAreNotItems) {
  EXPECT_THAT(Units("Rest it - especially after runs - and ice it. Then jog."),
              ElementsAre("Rest it - especially after runs - and ice it.", "Then jog."));
  EXPECT_THAT(Units("Recovery: - Takes 2 - 3 days"),
              ElementsAre("Recovery:", "- Takes 2 - 3 days"));
  // A hard-wrapped sentence goes on in lower case or after a comma.
  EXPECT_THAT(Units("The tendon needs\ntime, and rest,\nIce helps."),
              ElementsAre("The tendon needs\ntime, and rest,\nIce helps."));
}

TEST(FindBestPassageTest, NeverCutsAListItem) {
  // The MedQuAD answer that used to be cut at 1,200 characters mid-item
  // ("...- Cannot walk - Has"): one run of items with no full stop.
  std::string answer = "Call a doctor right away if your child: ";
  for (int i = 0; i < 30; ++i) {
    answer += "- Has a symptom number " + std::to_string(i) + " that lasts a long time ";
  }
  answer +=
      "Call 911 if you or your child has a fever and: - Is crying and cannot be calmed "
      "(children) - Cannot be awakened easily or at all - Seems confused - Cannot walk - "
      "Has "
      "difficulty breathing, even after the nose is cleared - Has a seizure";
  const BestPassage passage = FindBestPassage(answer, Words({"awakened", "calmed"}));
  EXPECT_EQ(passage.text,
            "- Is crying and cannot be calmed (children) - Cannot be awakened easily or "
            "at all");
  EXPECT_EQ(CharSubstr(answer, passage.span), passage.text);
  const BestPassage walk = FindBestPassage(answer, Words({"walk"}));
  EXPECT_EQ(walk.text,
            "- Cannot walk - Has difficulty breathing, even after the nose is cleared");
  EXPECT_EQ(CharSubstr(answer, walk.span), walk.text);
}

TEST(FindBestPassageTest, ListItemsKeepTheirLineBreaks) {
  const std::string answer =
      "Rest first.\nSee a doctor if you:\n- cannot walk\n- have a fever\n- feel "
      "numb\nThen more.";
  const BestPassage passage = FindBestPassage(answer, Words({"walk", "fever"}));
  // Short, so the next item joins it.
  EXPECT_EQ(passage.text, "- cannot walk\n- have a fever\n- feel numb");
  EXPECT_EQ(CharSubstr(answer, passage.span), passage.text);
}

TEST(FindBestPassageTest, AListIntroductionTakesItsItems) {
  const std::string answer =
      "Leukemia is rare. Possible risk factors for leukemia include the following: - "
      "Being male. "
      "- Being exposed to radiation - Smoking\n\nOther text.";
  const BestPassage passage = FindBestPassage(answer, Words({"risk", "leukemia"}));
  EXPECT_EQ(
      passage.text,
      "Possible risk factors for leukemia include the following: - Being male. - Being "
      "exposed to radiation");
  EXPECT_EQ(CharSubstr(answer, passage.span), passage.text);
  // At most three units: the first makes room for the item.
  const BestPassage three = FindBestPassage(
      "Risk one. Risk two. Risk three: - Item A\n- Item B", Words({"risk"}));
  EXPECT_EQ(three.text, "Risk two. Risk three: - Item A");
}

TEST(FindBestPassageTest, PicksTheSentencesWithTheMostQueryWords) {
  const std::string answer =
      "Well done on finishing. Your kneecap took a pounding on the downhill. "
      "Tape the kneecap and rest for a week. Then build your running back up.";
  const BestPassage passage = FindBestPassage(answer, Words({"kneecap", "downhill"}));
  EXPECT_EQ(passage.text, "Your kneecap took a pounding on the downhill.");
  EXPECT_EQ(CharSubstr(answer, passage.span), passage.text);
  ASSERT_EQ(passage.highlights.size(), 2U);
  EXPECT_EQ(CharSubstr(answer, passage.highlights[0]), "kneecap");
  EXPECT_EQ(CharSubstr(answer, passage.highlights[1]), "downhill");
}

TEST(FindBestPassageTest, JoinsSentencesWhenEachHoldsADifferentWord) {
  const std::string answer =
      "Nothing here at all, just words to fill a first sentence up. "
      "The knee is sore after running. The swelling goes with ice. Unrelated end.";
  const BestPassage passage = FindBestPassage(answer, Words({"knee", "swelling"}));
  EXPECT_EQ(passage.text, "The knee is sore after running. The swelling goes with ice.");
}

TEST(FindBestPassageTest, OffsetsCountCharactersNotBytes) {
  const std::string answer =
      "Caf\xC3\xA9 au lait \xE2\x80\x94 fine. Your t\xC3\xA9ndon is r\xC3\xA9"
      "ally sore after the marathon.";
  const BestPassage passage = FindBestPassage(answer, Words({"marathon", "sore"}));
  EXPECT_EQ(CharSubstr(answer, passage.span), passage.text);
  ASSERT_EQ(passage.highlights.size(), 2U);
  EXPECT_EQ(CharSubstr(answer, passage.highlights[0]), "sore");
  EXPECT_EQ(CharSubstr(answer, passage.highlights[1]), "marathon");
  // "Café au lait — fine. " is 21 characters (25 bytes).
  EXPECT_EQ(passage.span.begin, 21U);
}

TEST(FindBestPassageTest, WithoutQueryWordsTheOpeningIsReturned) {
  const std::string answer =
      "Start slowly with walking for a couple of weeks before any running. Then jog.";
  const BestPassage passage = FindBestPassage(answer, Words({"elbow"}));
  EXPECT_EQ(passage.text,
            "Start slowly with walking for a couple of weeks before any running.");
  EXPECT_THAT(passage.highlights, IsEmpty());
}

TEST(FindBestPassageTest, AShortSentenceIsExtendedWithTheNextOne) {
  const std::string answer =
      "Ice it. Keep the knee raised for twenty minutes after runs.";
  const BestPassage passage = FindBestPassage(answer, Words({"ice"}));
  EXPECT_EQ(passage.text, answer);
}

TEST(FindBestPassageTest, NeverCrossesAParagraph) {
  const std::string answer = "The knee hurts.\n\nThe ankle hurts.";
  const BestPassage passage = FindBestPassage(answer, Words({"knee", "ankle"}));
  EXPECT_EQ(passage.text, "The knee hurts.");
}

TEST(FindBestPassageTest, AnOverlongSentenceIsCutAtASpace) {
  std::string answer;
  for (int i = 0; i < 400; ++i) answer += "knee ";
  PassageOptions options;
  options.max_sentence_chars = 100;
  const BestPassage passage = FindBestPassage(answer, Words({"knee"}), options);
  EXPECT_LE(passage.text.size(), 100U);
  EXPECT_TRUE(passage.text.ends_with("knee")) << passage.text;
  EXPECT_EQ(CharSubstr(answer, passage.span), passage.text);
}

TEST(FindBestPassageTest, EmptyAnswerGivesEmptyPassage) {
  const BestPassage passage = FindBestPassage("", Words({"knee"}));
  EXPECT_EQ(passage.text, "");
  EXPECT_EQ(passage.span.end, 0U);
}

TEST(FindBestPassageTest, OnlyTheScanBoundIsExamined) {
  std::string answer = "The opening sentence is here.";
  answer += std::string(5000, ' ');
  answer += "The knee is mentioned far away.";
  PassageOptions options;
  options.max_scan_bytes = 1000;
  const BestPassage passage = FindBestPassage(answer, Words({"knee"}), options);
  EXPECT_EQ(passage.text, "The opening sentence is here.");
}

TEST(SnippetAtTest, StartsAtThePassageAndEndsAfterAWholeWord) {
  const std::string answer =
      "First part.  Then the\nbest bit of the reply, and more after it.";
  const std::size_t begin = answer.find("Then");
  EXPECT_EQ(SnippetAt(answer, begin, 22), "...Then the best bit of...");
  EXPECT_EQ(SnippetAt(answer, begin, 1000),
            "...Then the best bit of the reply, and more after it.");
  EXPECT_EQ(SnippetAt(answer, 0, 11), "First part....");
  EXPECT_EQ(SnippetAt(answer, 0, 1000),
            "First part. Then the best bit of the reply, and more after it.");
}

TEST(SnippetAtTest, CountsCharactersNotBytes) {
  // "é" and "ü" are two bytes each; offsets and lengths are in characters.
  const std::string answer = "Café über alles, très bien.";
  EXPECT_EQ(SnippetAt(answer, 5, 11), "...über alles,...");
  EXPECT_EQ(SnippetAt(answer, 0, 4), "Café...");
  // One unbroken word longer than the extract is cut where the bound falls,
  // never inside a character.
  EXPECT_EQ(SnippetAt("ééééé", 0, 2), "éé...");
}

TEST(SnippetAtTest, EmptyAndOutOfRangeGiveEmpty) {
  EXPECT_EQ(SnippetAt("", 0, 10), "");
  EXPECT_EQ(SnippetAt("short", 99, 10), "");
}

}  // namespace
}  // namespace guru
