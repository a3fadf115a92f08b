// The seed post parses to exactly its parts; formatting noise (CRLF, BOM,
// blank lines, trailing spaces) changes nothing; bad input is rejected with a
// location.
#include "core/page_text_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "core/text.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::ReadFile;
using ::guru::testing::SourcePath;
using ::testing::Each;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kSeedPrefix[] = "knee-pain-post-marathon-";

std::string SeedText() {
  const std::string text =
      ReadFile(SourcePath("data/sample/knees/knee-pain-post-marathon.txt"));
  EXPECT_FALSE(text.empty()) << "seed post not found in data/sample/knees/";
  return text;
}

ParsedPage ParseOk(const std::string& text) {
  absl::StatusOr<ParsedPage> page = ParsePageText(text);
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? *std::move(page) : ParsedPage();
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

TEST(PageTextParserTest, SeedParsesToExactlyItsParts) {
  const ParsedPage page = ParseOk(SeedText());
  const v1::Post& post = page.post;
  EXPECT_EQ(post.title(), "Knee pain post marathon");
  EXPECT_EQ(post.asked_on(), "2019-05-20");
  EXPECT_EQ(post.answered_on(), "2019-05-20");
  EXPECT_EQ(post.asker(), "Beth");
  EXPECT_EQ(post.expert(), "The Guru");
  EXPECT_EQ(
      post.question(),
      "Since running the marathon last month, I\xE2\x80\x99ve been having some "
      "trouble with my left knee. It is completely fine in every day life, it only "
      "hurts when I try and run for more than 5 minutes. Is there anything I can do "
      "to help this?");
  EXPECT_THAT(page.warnings, IsEmpty());
  EXPECT_TRUE(post.category().empty());
  EXPECT_TRUE(post.url().empty());
}

TEST(PageTextParserTest, SeedAnswerHasNoGreetingSignOffOrFooter) {
  const std::string answer = ParseOk(SeedText()).post.answer();
  EXPECT_THAT(answer, StartsWith("well done on running the marathon, it\xE2\x80\x99s no "
                                 "mean feat.\n\nOne of the skills"));
  EXPECT_THAT(answer, EndsWith("then slowly start to increase the time from the next "
                               "time out."));
  for (const char* footer : {"Want to find out more?", "What they say about us",
                             "Based on reviews", "Hi Beth", "The Guru"}) {
    EXPECT_THAT(answer, Not(HasSubstr(footer))) << footer;
  }
  // Nine reply paragraphs in the file, each on one line, separated by "\n\n".
  const std::vector<std::string> paragraphs = absl::StrSplit(answer, "\n\n");
  EXPECT_THAT(paragraphs, SizeIs(9));
  for (const std::string& p : paragraphs) {
    EXPECT_FALSE(p.empty());
    EXPECT_THAT(p, Not(HasSubstr("\n")));
    EXPECT_TRUE(p.front() != ' ' && p.back() != ' ') << p;
  }
  EXPECT_EQ(paragraphs[5], "You can tape your knee");
}

TEST(PageTextParserTest, SeedIdIsStableSlugPlusHash) {
  const std::string text = SeedText();
  const std::string id = ParseOk(text).post.id();
  EXPECT_EQ(ParseOk(text).post.id(), id);
  ASSERT_THAT(id, StartsWith(kSeedPrefix));
  const std::string_view hex = std::string_view(id).substr(sizeof(kSeedPrefix) - 1);
  EXPECT_EQ(hex.size(), 16u) << id;
  EXPECT_TRUE(IsLowerHex(hex)) << id;
}

TEST(PageTextParserTest, FormattingNoiseYieldsTheSamePostAndId) {
  const std::string text = SeedText();
  const ParsedPage original = ParseOk(text);
  const std::string crlf = absl::StrReplaceAll(text, {{"\n", "\r\n"}});
  const std::string bom = "\xEF\xBB\xBF" + text;
  const std::string noisy = absl::StrReplaceAll(text, {{"\n", "  \t\n\n\n"}});
  const std::string nbsp = absl::StrReplaceAll(text, {{"\n", "\xC2\xA0\n"}});
  const std::string cr = absl::StrReplaceAll(text, {{"\n", "\r"}});
  for (const std::string& variant : {crlf, bom, "\xEF\xBB\xBF" + crlf, noisy, nbsp, cr}) {
    const ParsedPage page = ParseOk(variant);
    EXPECT_EQ(page.post.SerializeAsString(), original.post.SerializeAsString())
        << page.post.DebugString();
    EXPECT_EQ(page.post.id(), original.post.id());
  }
}

TEST(PageTextParserTest, IdDoesNotDependOnTheAnswer) {
  const std::string text = SeedText();
  const std::string edited =
      absl::StrReplaceAll(text, {{"no mean feat", "no small feat at all"}});
  ASSERT_NE(edited, text);
  const ParsedPage page = ParseOk(edited);
  EXPECT_THAT(page.post.answer(), HasSubstr("no small feat at all"));
  EXPECT_EQ(page.post.id(), ParseOk(text).post.id());
}

TEST(PageTextParserTest, ChangingTheQuestionOrTheDateMakesANewId) {
  const std::string text = SeedText();
  const ParsedPage original = ParseOk(text);
  // Another question under the same title and date.
  const std::string question = absl::StrReplaceAll(
      text, {{"Is there anything I can do to help this?", "Should I stop running?"}});
  ASSERT_NE(question, text);
  const ParsedPage asked_otherwise = ParseOk(question);
  EXPECT_THAT(asked_otherwise.post.question(), HasSubstr("Should I stop running?"));
  EXPECT_NE(asked_otherwise.post.id(), original.post.id());
  // The same question asked on another day (the first date is the asking).
  std::string dated = text;
  const std::size_t at = dated.find("May 20th, 2019");
  ASSERT_NE(at, std::string::npos);
  dated.replace(at, std::string_view("May 20th, 2019").size(), "May 21st, 2019");
  const ParsedPage asked_later = ParseOk(dated);
  EXPECT_EQ(asked_later.post.asked_on(), "2019-05-21");
  EXPECT_NE(asked_later.post.id(), original.post.id());
  // Both keep the title's slug: only the hash tells them apart.
  EXPECT_THAT(asked_otherwise.post.id(), StartsWith(kSeedPrefix));
  EXPECT_THAT(asked_later.post.id(), StartsWith(kSeedPrefix));
}

void ExpectInvalid(std::string_view text, std::string_view fragment) {
  absl::StatusOr<ParsedPage> page = ParsePageText(text);
  ASSERT_FALSE(page.ok()) << text;
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(page.status().message()), HasSubstr(std::string(fragment)));
}

TEST(PageTextParserTest, EmptyAndBlankTextAreRejected) {
  ExpectInvalid("", "");
  ExpectInvalid(" \n\t\r\n \xC2\xA0\n", "");
  ExpectInvalid("\xEF\xBB\xBF\n\n", "");
}

TEST(PageTextParserTest, NulByteIsRejectedWithLineAndOffset) {
  const std::string text =
      std::string("Title\nMay 20th, 2019\nMy kn") + '\0' + "ee hurts.\n";
  ASSERT_EQ(text.find('\0'), 26u);
  ExpectInvalid(text, "line 3");
  ExpectInvalid(text, "byte offset 26");
}

// The parser reads lone '\r' as a line break (SplitLines), so errors count
// lines the same way.
TEST(PageTextParserTest, NulByteLineCountsCrAndCrlfLineEndings) {
  const std::string crlf =
      std::string("Title\r\nMay 20th, 2019\r\nMy kn") + '\0' + "ee hurts.\r\n";
  ExpectInvalid(crlf, "line 3");
  ExpectInvalid(crlf, "byte offset 28");
  const std::string cr =
      std::string("Title\rMay 20th, 2019\rMy kn") + '\0' + "ee hurts.\r";
  ExpectInvalid(cr, "line 3");
  ExpectInvalid(cr, "byte offset 26");
}

TEST(PageTextParserTest, InvalidUtf8IsRejectedWithOffset) {
  ExpectInvalid("Title\n\nMy knee \xC0\xAF hurts.\n\nThe Guru Responded:\n\nRest.\n",
                "byte offset 15");
  ExpectInvalid("Title\n\nMy knee \xC0\xAF hurts.\n\nThe Guru Responded:\n\nRest.\n",
                "line 3");
}

TEST(PageTextParserTest, MissingReplyMarkerIsRejectedNamingIt) {
  ExpectInvalid(
      "Knee pain\n\nGood Afternoon,\n\nMy knee hurts after running.\n\n"
      "Hi Beth- rest it.\n",
      "The Guru Responded:");
}

TEST(PageTextParserTest, MarkerWithoutReplyTextIsRejected) {
  ExpectInvalid("Knee pain\n\nMay 20th, 2019\n\nMy knee hurts.\n\nThe Guru Responded:\n",
                "line 7");
  ExpectInvalid(
      "Knee pain\n\nMy knee hurts.\n\nThe Guru Responded:\n\n\nThe Guru\n\n"
      "Want to find out more?\n",
      "no reply text");
}

TEST(PageTextParserTest, PostWithoutDatesParsesWithAWarning) {
  const ParsedPage page = ParseOk(
      "Knee pain\n\nMy knee hurts after running.\n\nThe Guru Responded:\n\n"
      "Hi Beth- rest it for a week.\n\nThen jog gently.\n\nThe Guru\n");
  EXPECT_EQ(page.post.asked_on(), "");
  EXPECT_EQ(page.post.answered_on(), "");
  EXPECT_EQ(page.post.question(), "My knee hurts after running.");
  EXPECT_EQ(page.post.answer(), "rest it for a week.\n\nThen jog gently.");
  ASSERT_THAT(page.warnings, SizeIs(1));
  EXPECT_THAT(page.warnings[0], HasSubstr("date"));
}

TEST(PageTextParserTest, PostWithoutTitleDerivesOneFromTheQuestion) {
  const ParsedPage page = ParseOk(
      "May 20th, 2019\n\nGood Afternoon,\n\nMy knee hurts after running. What can I "
      "do?\n\nMay 21st, 2019\n\nThe Guru Responded:\n\nHi Beth- rest it.\n\nThe Guru\n");
  const v1::Post& post = page.post;
  EXPECT_EQ(post.asked_on(), "2019-05-20");
  EXPECT_EQ(post.answered_on(), "2019-05-21");
  EXPECT_EQ(post.question(), "My knee hurts after running. What can I do?");
  EXPECT_THAT(post.title(), StartsWith("My knee hurts after running"));
  EXPECT_THAT(post.title(), Not(HasSubstr("What can I do")));
  EXPECT_THAT(post.id(), StartsWith("my-knee-hurts-after-running-"));
  EXPECT_EQ(post.answer(), "rest it.");
  EXPECT_EQ(post.asker(), "Beth");
  EXPECT_THAT(page.warnings, Each(Not(HasSubstr("date"))));
}

// "Hi Lena." used to name the asker "Lena." (issue 14).
TEST(PageTextParserTest, TheAskersNameEndsWithoutPunctuation) {
  const auto parse = [](const std::string& reply,
                        const std::string& question = "My knee hurts after running.") {
    return ParseOk("Knee pain\n\nMay 20th, 2019\n\n" + question +
                   "\n\nMay 21st, 2019\n\nThe Guru Responded:\n\n" + reply +
                   "\n\nThe Guru\n")
        .post;
  };
  v1::Post post = parse("Hi Lena.\n\nRest it for a week.");
  EXPECT_EQ(post.asker(), "Lena");
  EXPECT_EQ(post.answer(), "Rest it for a week.");
  post = parse("Hi Lena. Sorry to hear it, rest it for a week.");
  EXPECT_EQ(post.asker(), "Lena");
  EXPECT_EQ(post.answer(), "Sorry to hear it, rest it for a week.");
  post = parse("Hello Mary-Jane!! Rest it.");
  EXPECT_EQ(post.asker(), "Mary-Jane");
  EXPECT_EQ(post.answer(), "Rest it.");
  // A greeting to no one names no one, punctuated or not.
  EXPECT_EQ(parse("Hi there.\n\nRest it.").asker(), "");
  // Other sources of the name too: a sign-off "Best, Julia.".
  post = parse("Rest it for a week.", "Dear Guru,\n\nMy knee hurts.\n\nBest, Julia.");
  EXPECT_EQ(post.asker(), "Julia");
  EXPECT_EQ(post.question(), "My knee hurts.");
}

TEST(PageTextParserTest, DerivedTitleIsCutOnACharacterBoundary) {
  // A question with no space in its first 80 bytes: 79 ASCII bytes, then a
  // two-byte character across the cut.
  const std::string question = std::string(79, 'k') + "\xC3\xA9 and more words";
  const ParsedPage page = ParseOk(
      "May 20th, 2019\n\nGood Afternoon,\n\n" + question +
      "\n\nMay 21st, 2019\n\nThe Guru Responded:\n\nHi Beth- rest it.\n\nThe Guru\n");
  EXPECT_EQ(page.post.title(), std::string(79, 'k') + "...");
  EXPECT_EQ(FindInvalidUtf8(page.post.title()), std::nullopt);
}

}  // namespace
}  // namespace guru
