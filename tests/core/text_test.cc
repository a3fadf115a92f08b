// UTF-8 checks, whitespace and line handling, slugs, hashes and StrCat.
#include "core/text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "core/str_cat.h"

namespace guru {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(Utf8PrefixTest, NeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("abc", 5), "abc");
  EXPECT_EQ(Utf8Prefix("abc", 2), "ab");
  EXPECT_EQ(Utf8Prefix("", 0), "");
  // Two-, three- and four-byte characters cut at each of their bytes.
  for (const std::string character : {"\xC3\xA9", "\xE2\x80\x99", "\xF0\x9F\x98\x80"}) {
    const std::string text = std::string(199, 'a') + character + "z";
    for (std::size_t max = 199; max < 199 + character.size(); ++max) {
      EXPECT_EQ(Utf8Prefix(text, max), std::string(199, 'a')) << max;
    }
    EXPECT_EQ(Utf8Prefix(text, 199 + character.size()),
              std::string(199, 'a') + character);
  }
  // Every prefix of valid text is valid.
  const std::string mixed = "caf\xC3\xA9 it\xE2\x80\x99s \xF0\x9F\x98\x80!";
  for (std::size_t max = 0; max <= mixed.size(); ++max) {
    EXPECT_EQ(FindInvalidUtf8(Utf8Prefix(mixed, max)), std::nullopt) << max;
    EXPECT_GE(Utf8Prefix(mixed, max).size() + 3, std::min(max, mixed.size())) << max;
  }
}

TEST(FindInvalidUtf8Test, AcceptsValidText) {
  EXPECT_EQ(FindInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("plain ASCII\n"), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 it\xE2\x80\x99s \xF0\x9F\x98\x80"),
            std::nullopt);
  // The edges of the valid ranges.
  EXPECT_EQ(FindInvalidUtf8("\xC2\x80\xDF\xBF"), std::nullopt);          // U+0080 U+07FF
  EXPECT_EQ(FindInvalidUtf8("\xE0\xA0\x80\xED\x9F\xBF"), std::nullopt);  // U+0800 U+D7FF
  EXPECT_EQ(FindInvalidUtf8("\xEE\x80\x80\xEF\xBF\xBF"), std::nullopt);  // U+E000 U+FFFF
  EXPECT_EQ(FindInvalidUtf8("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"), std::nullopt);
}

TEST(FindInvalidUtf8Test, ReportsTheOffsetOfTheFirstBadSequence) {
  EXPECT_EQ(FindInvalidUtf8("ab\xC0\xAF"), 2u);        // Overlong '/'.
  EXPECT_EQ(FindInvalidUtf8("\xC1\xBF"), 0u);          // Overlong.
  EXPECT_EQ(FindInvalidUtf8("x\xE0\x80\xAF"), 1u);     // Overlong, 3 bytes.
  EXPECT_EQ(FindInvalidUtf8("\xF0\x8F\xBF\xBF"), 0u);  // Overlong, 4 bytes.
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);     // Surrogate U+D800.
  EXPECT_EQ(FindInvalidUtf8("x\xED\xBF\xBF"), 1u);     // Surrogate U+DFFF.
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // Above U+10FFFF.
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("abc\xE2\x80"), 3u);  // Truncated at end.
  EXPECT_EQ(FindInvalidUtf8("abc\xF0\x9F\x98"), 3u);
  EXPECT_EQ(FindInvalidUtf8("a\xE2\x80"
                            "b"),
            1u);                                   // Truncated mid-text.
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9\x80"), 2u);  // Stray continuation.
  EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
  EXPECT_EQ(FindInvalidUtf8("ok\xC3\xA9\xC3(\xC3\xA9"), 4u);
}

TEST(TrimTest, RemovesAsciiSpaceAndNoBreakSpace) {
  EXPECT_EQ(Trim("  hi \t\r\n"), "hi");
  EXPECT_EQ(Trim("\xC2\xA0 hi there\xC2\xA0\xC2\xA0 "), "hi there");
  EXPECT_EQ(Trim("\xC2\xA0"), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("a\xC2\xA0"
                 "b"),
            "a\xC2\xA0"
            "b");
  // A letter ending in byte 0xA0 (U+00E0) is not a no-break space.
  EXPECT_EQ(Trim("voil\xC3\xA0 "), "voil\xC3\xA0");
}

TEST(TrimTest, AllUnicodeSpacesAndInvisibleMarksAreBlank) {
  // U+3000 ideographic space, U+2009 thin space, U+200B zero-width space,
  // U+FEFF byte-order mark, U+00A0 no-break space.
  EXPECT_EQ(Trim("\u3000\u2009\u200B\uFEFF\u00A0"), "");
  EXPECT_EQ(Trim("\u3000knee pain\u3000\u2009"), "knee pain");
  EXPECT_EQ(Trim("caf\u00E9 \u00E9t\u00E9"), "caf\u00E9 \u00E9t\u00E9");
  EXPECT_EQ(CollapseWhitespace("knee\u3000\u2009pain"), "knee pain");
}

TEST(QuotedPrefixTest, QuotesShortValuesWholeAndLongOnesCut) {
  EXPECT_EQ(QuotedPrefix("abc"), "'abc'");
  const std::string long_id(9000, 'x');
  const std::string quoted = QuotedPrefix(long_id);
  EXPECT_LT(quoted.size(), 100U);
  EXPECT_THAT(quoted, ::testing::HasSubstr("(9000 bytes)"));
  // Never cuts a character in two.
  const std::string accented = std::string(63, 'a') + "\u00E9\u00E9";
  EXPECT_EQ(QuotedPrefix(accented), "'" + std::string(63, 'a') + "...' (67 bytes)");
}

TEST(EditDistanceTest, CountsEditsAndAdjacentSwapsAndStopsAtTheLimit) {
  EXPECT_EQ(EditDistance("auth-token-fil", "auth-token-file"), 1);
  EXPECT_EQ(EditDistance("siezure", "seizure"), 1);  // One swap.
  EXPECT_EQ(EditDistance("refresh_ms", "refresh-ms"), 1);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting", 1), 2);  // limit + 1: more than 1.
  EXPECT_EQ(EditDistance("a", "abcdef", 2), 3);
}

TEST(CollapseWhitespaceTest, OneSpaceBetweenWordsNoneAtTheEnds) {
  EXPECT_EQ(CollapseWhitespace("  a \t\n b\xC2\xA0\xC2\xA0 c\r\n"), "a b c");
  EXPECT_EQ(CollapseWhitespace("one"), "one");
  EXPECT_EQ(CollapseWhitespace(" \xC2\xA0 "), "");
  EXPECT_EQ(CollapseWhitespace("voil\xC3\xA0  x"), "voil\xC3\xA0 x");
}

TEST(AsciiLowerTest, LowersAsciiOnly) {
  EXPECT_EQ(AsciiLower("Knee PAIN \xC3\x89t\xC3\xA9"), "knee pain \xC3\x89t\xC3\xA9");
}

TEST(SplitLinesTest, HandlesAllLineEndings) {
  EXPECT_THAT(SplitLines("a\r\nb\rc\nd"), ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(SplitLines("a\n\nb\r\n\r\nc"), ElementsAre("a", "", "b", "", "c"));
  EXPECT_THAT(SplitLines("a\n"), ElementsAre("a"));
  EXPECT_THAT(SplitLines("a\r\n"), ElementsAre("a"));
  EXPECT_THAT(SplitLines("\r\r\n"), ElementsAre("", ""));
  EXPECT_THAT(SplitLines("\n\r"), ElementsAre("", ""));
  EXPECT_THAT(SplitLines(""), IsEmpty());
}

TEST(SlugifyTest, LowercaseHyphenatedAlphanumerics) {
  EXPECT_EQ(Slugify("Knee pain post marathon", 60), "knee-pain-post-marathon");
  EXPECT_EQ(Slugify("  --Hello,   World!! 2019 ", 60), "hello-world-2019");
  EXPECT_EQ(Slugify("Caf\xC3\xA9 au lait", 60), "caf-au-lait");
  EXPECT_EQ(Slugify("\xC3\x89\xC3\xA9\xC3\xA9", 60), "");
  EXPECT_EQ(Slugify("?!", 60), "");
}

TEST(SlugifyTest, RespectsMaxLengthAndNeverEndsInHyphen) {
  const std::string title = "Knee pain post marathon with a very long title indeed";
  for (std::size_t max = 0; max <= title.size() + 2; ++max) {
    const std::string slug = Slugify(title, max);
    EXPECT_LE(slug.size(), max);
    if (!slug.empty()) {
      EXPECT_NE(slug.back(), '-') << max;
      EXPECT_NE(slug.front(), '-') << max;
      EXPECT_TRUE(Slugify(title, 200).starts_with(slug)) << slug;
    }
  }
  EXPECT_EQ(Slugify("Knee pain", 4), "knee");
  EXPECT_EQ(Slugify("Knee pain", 5), "knee");
  EXPECT_EQ(Slugify("Knee pain", 0), "");
}

TEST(Fnv1a64Test, KnownVectors) {
  EXPECT_EQ(Fnv1a64(""), UINT64_C(0xcbf29ce484222325));
  EXPECT_EQ(Fnv1a64("a"), UINT64_C(0xaf63dc4c8601ec8c));
  EXPECT_EQ(Fnv1a64("foobar"), UINT64_C(0x85944171f73967e8));
  // Bytes above 0x7F hash as unsigned.
  EXPECT_NE(Fnv1a64("\xC3\xA9"), Fnv1a64("\x43\x29"));
  EXPECT_EQ(HexFingerprint(""), "cbf29ce484222325");
  EXPECT_EQ(HexFingerprint("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(HexFingerprint("foobar"), "85944171f73967e8");
}

TEST(StrCatTest, ConcatenatesMixedPieces) {
  const std::string s = "str";
  const std::string_view sv = "view";
  const absl::string_view asv = "absl";
  EXPECT_EQ(StrCat("lit-", s, '-', sv, '-', asv, '-', 42, '-', -7, '-', std::size_t{3},
                   '-', std::uint64_t{18446744073709551615u}),
            "lit-str-view-absl-42--7-3-18446744073709551615");
  EXPECT_EQ(StrCat(), "");
  const absl::Status status = absl::InvalidArgumentError("bad thing");
  EXPECT_EQ(ToStd(status.message()), "bad thing");
  EXPECT_EQ(StrCat("error: ", status.message()), "error: bad thing");
}

}  // namespace
}  // namespace guru
