// Best passages: whole sentences, the window with the query's words, and
// highlight offsets in characters of the whole answer.
#include "core/passage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/text.h"

namespace guru {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// A query of exact lower-case words, each weighing 1.
WordWeight Words(std::set<std::string> words) {
  return [words = std::move(words)](const std::string& word) -> WordMatch {
    if (!words.contains(word)) return {};
    return {word, 1.0};
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
  for (const auto& [begin, end] : SplitSentences(text)) {
    sentences.push_back(text.substr(begin, end - begin));
  }
  EXPECT_THAT(sentences,
              ElementsAre("See Dr. Smith, e.g. next week.", "Ice it 3.5 times a day!",
                          "Why?", "Because (it works.)", "Rest."));
}

TEST(SplitSentencesTest, BlankLinesAndListItemsEndSentencesHardWrapsDoNot) {
  const std::string text =
      "Try these\n- heel drops\n- calf raises\n\nThe tendon\nneeds time";
  EXPECT_THAT(SplitSentences(text),
              ElementsAre(Pair(0, 9), Pair(10, 22), Pair(23, 36), Pair(38, 59)));
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
