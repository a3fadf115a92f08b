// Every known layout of the Guru's pages parses to exactly its parts. The
// fixtures in tests/fixtures/layouts/ were written for these tests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/page_html.h"
#include "core/page_text_parser.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::ReadFile;
using ::guru::testing::SourcePath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

v1::Post ParseFixture(const std::string& name) {
  const std::string text = ReadFile(SourcePath("tests/fixtures/layouts/" + name));
  EXPECT_FALSE(text.empty()) << name;
  absl::StatusOr<ParsedPage> page = ParsePageText(text);
  EXPECT_TRUE(page.ok()) << name << ": " << page.status();
  return page.ok() ? page->post : v1::Post();
}

TEST(PageLayoutsTest, Layout2AskedLineNoTitleAbbreviatedDates) {
  const v1::Post post = ParseFixture("layout2-asked-no-title.txt");
  EXPECT_EQ(post.asker(), "Dave");
  EXPECT_EQ(post.asked_on(), "2014-01-11");
  EXPECT_EQ(post.answered_on(), "2014-01-13");
  EXPECT_EQ(
      post.question(),
      "I have been getting a sharp pain at the front of my ankle every time I lunge "
      "during squash. It started after I went over on it in a match before "
      "Christmas. The swelling has gone but the pinch is still there when I bend "
      "deeply.");
  // No title line: a short title from the question's first sentence.
  EXPECT_EQ(post.title(),
            "I have been getting a sharp pain at the front of my ankle every time I "
            "lunge...");
  EXPECT_EQ(
      post.answer(),
      "a pinch at the front of the ankle when you lunge after a sprain is often "
      "anterior ankle impingement.\n\n"
      "Scar tissue from the sprain can crowd the front of the joint, so deep bending "
      "squeezes it.\n\n"
      "Work on ankle mobility with knee-to-wall stretches, 3 sets of 10 each day, "
      "and ease back into lunges over two weeks.\n\n"
      "If it is still catching after a month, see a physio for a proper "
      "assessment.");
  EXPECT_EQ(post.expert(), "The Guru");
}

TEST(PageLayoutsTest, Layout3EmailedNoDates) {
  absl::StatusOr<ParsedPage> page =
      ParsePageText(ReadFile(SourcePath("tests/fixtures/layouts/layout3-emailed.txt")));
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::Post& post = page->post;
  EXPECT_EQ(post.title(), "Calf cramps late in long runs");
  EXPECT_EQ(post.asker(), "Sarah");
  EXPECT_EQ(post.asked_on(), "");
  EXPECT_EQ(post.answered_on(), "");
  EXPECT_EQ(post.question(),
            "Every time I run longer than 40 minutes my right calf gets tight and then "
            "cramps near the end. I drink plenty and stretch before I go out. Is it my "
            "shoes?");
  EXPECT_THAT(post.answer(),
              ::testing::StartsWith("cramp late in a run is rarely about shoes"));
  EXPECT_THAT(post.answer(), ::testing::EndsWith("while the calf catches up."));
  EXPECT_THAT(page->warnings, ElementsAre("no dates found; indexed without dates"));
}

TEST(PageLayoutsTest, Layout4NoMarkerDearGuruThanks) {
  const v1::Post post = ParseFixture("layout4-no-marker.txt");
  EXPECT_EQ(post.title(), "Sore elbow from tennis");
  EXPECT_EQ(post.asker(), "Mark");
  EXPECT_EQ(post.asked_on(), "2014-01-12");
  EXPECT_EQ(post.answered_on(), "2014-01-14");
  EXPECT_EQ(
      post.question(),
      "For six weeks the outside of my elbow has ached after tennis and now it "
      "hurts to lift the kettle. I play three times a week and have just changed to "
      "a heavier racket.");
  EXPECT_EQ(
      post.answer(),
      "This sounds like lateral elbow tendinopathy, often called tennis elbow.\n\n"
      "The heavier racket is a likely trigger, so go back to your old one while the "
      "tendon settles.\n\n"
      "Start isometric wrist extension holds, 5 holds of 45 seconds twice a day, "
      "then progress to slow eccentrics.");
}

TEST(PageLayoutsTest, Layout4BestNameSignOffAndNoSignature) {
  const v1::Post post = ParseFixture("layout4-best-name.txt");
  EXPECT_EQ(post.asker(), "Julia");
  EXPECT_EQ(
      post.question(),
      "My heel hurts on the stairs at work and first thing in the morning. I walk my "
      "dog for an hour every day.");
  EXPECT_EQ(
      post.answer(),
      "morning heel pain that eases as you move is typical of plantar heel pain.\n\n"
      "Roll the sole over a frozen bottle and do calf stretches three times a day.");
  EXPECT_EQ(post.expert(), "The Guru");
}

TEST(PageLayoutsTest, Layout5SentenceTitleRelatedInjuriesNoBlankLines) {
  const v1::Post post = ParseFixture("layout5-sentence-title.txt");
  EXPECT_EQ(post.title(),
            "Ken asked the Guru about pain in his lower back and a numb foot");
  EXPECT_EQ(post.asker(), "Ken");
  EXPECT_EQ(post.category(), "back");
  EXPECT_THAT(post.tags(), ElementsAre("back"));
  EXPECT_EQ(post.asked_on(), "2015-06-02");
  EXPECT_EQ(post.answered_on(), "2015-06-04");
  EXPECT_EQ(post.question(),
            "Since lifting a heavy box at work my lower back aches and the outside of my "
            "foot feels numb.\n\nIt gets worse when I sit for long.");
  EXPECT_EQ(post.answer(),
            "numbness in the foot with back pain suggests an irritated nerve root, often "
            "from a disc.\n\n"
            "Keep moving with short walks every hour and avoid long sitting for a few "
            "weeks.\n\n"
            "If the numbness spreads, or you notice weakness or changes in bladder "
            "control, see a doctor the same day.");
}

TEST(PageLayoutsTest, CrlfHardWrapNoBreakSpaceAndDashes) {
  const v1::Post post = ParseFixture("crlf-wrapped-nbsp.txt");
  EXPECT_EQ(post.title(), "Stiff neck at the desk");
  EXPECT_EQ(post.asker(), "Omar");
  EXPECT_EQ(post.question(),
            "My neck gets stiff by the afternoon when I work at my laptop.");
  EXPECT_EQ(
      post.answer(),
      "raise the screen to eye level and take a short break every half hour to turn "
      "your head side to side \xE2\x80\x93 it helps a lot\xE2\x80\xA6");
}

TEST(PageLayoutsTest, APageUrlIsAnAbsoluteHttpLinkOrNone) {
  // A relative canonical link names no page by itself, and a "javascript:"
  // one is none; og:url is then the page's address.
  std::string html = ReadFile(SourcePath("tests/fixtures/layouts/seed-layout.html"));
  const std::string canonical = "https://example.org/hips/hip-flexor-pain-on-hills";
  const std::size_t at = html.find(canonical);
  ASSERT_NE(at, std::string::npos);
  for (const char* href : {"javascript:alert(1)", "/hips/hip-flexor"}) {
    std::string page_html = html;
    page_html.replace(at, canonical.size(), href);
    absl::StatusOr<ParsedPage> page = ParsePageHtml(page_html);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->post.url(), "") << href;
  }
}

TEST(PageLayoutsTest, HtmlPageParsesLikeItsText) {
  absl::StatusOr<ParsedPage> page =
      ParsePageHtml(ReadFile(SourcePath("tests/fixtures/layouts/seed-layout.html")));
  ASSERT_TRUE(page.ok()) << page.status();
  const v1::Post& post = page->post;
  EXPECT_EQ(post.title(), "Hip flexor pain on hills");
  EXPECT_EQ(post.url(), "https://example.org/hips/hip-flexor-pain-on-hills");
  EXPECT_EQ(post.asker(), "Noor");
  EXPECT_EQ(post.asked_on(), "2021-08-09");
  EXPECT_EQ(post.answered_on(), "2021-08-10");
  EXPECT_EQ(post.question(),
            "When I run up steep hills I get a deep ache at the front of my right hip, "
            "just below the crease. It goes once I am back on the flat.");
  EXPECT_EQ(
      post.answer(),
      "that ache is usually a busy hip flexor rather than the joint itself.\n\n"
      "- Shorten your stride on climbs.\n\n"
      "- Add hip flexor strength work, 3 sets of 10 slow knee lifts.\n\n"
      "Build the hills back in over \xE2\x80\x9Cthree\xE2\x80\x9D weeks\xE2\x80\xA6");
  // Script, style and navigation text never reach the post.
  EXPECT_THAT(post.answer(), ::testing::Not(HasSubstr("tracking")));
  EXPECT_THAT(post.question(), ::testing::Not(HasSubstr("Home")));
}

TEST(PageLayoutsTest, HtmlDetection) {
  EXPECT_TRUE(LooksLikeHtml("<!DOCTYPE html><html>"));
  EXPECT_TRUE(LooksLikeHtml("\n  <HTML lang=en>"));
  EXPECT_FALSE(LooksLikeHtml("Knee pain post marathon\n\nMay 20th, 2019\n"));
}

TEST(PageLayoutsTest, MalformedHtmlRecoversOrFailsCleanly) {
  absl::StatusOr<ParsedPage> page = ParsePageHtml(
      "<html><body><p>Title<p>May 1st, 2020<p>My toe hurts.<div>The Guru Responded:"
      "<p>Hi Al- rest it.<b><i>unclosed");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->post.question(), "My toe hurts.");
  EXPECT_EQ(page->post.answer(), "rest it.unclosed");  // Inline tags join.
  EXPECT_FALSE(ParsePageHtml("").ok());
  EXPECT_FALSE(ParsePageHtml("<html><body><p>no reply here</p></body></html>").ok());
}

TEST(PageLayoutsTest, NoReplyIsRejectedNamingWhatIsMissing) {
  absl::StatusOr<ParsedPage> page =
      ParsePageText("Title\n\nMay 1st, 2020\n\nDear Guru,\n\nMy toe hurts.\n");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(page.status().message(), HasSubstr("The Guru Responded:"));
  EXPECT_THAT(page.status().message(), HasSubstr("answer date"));
}

TEST(PageLayoutsTest, QuestionDateAloneIsNotTakenForAnAnswerDate) {
  absl::StatusOr<ParsedPage> page = ParsePageText(
      "Title\nMay 1st, 2020\nMy toe hurts.\nThe Guru Responded:\nHi Al- rest it.\n");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->post.asked_on(), "2020-05-01");
  EXPECT_EQ(page->post.answered_on(), "");
  EXPECT_THAT(page->warnings, IsEmpty());
  EXPECT_THAT(page->post.id(), MatchesRegex("title-[0-9a-f]{16}"));
}

}  // namespace
}  // namespace guru
