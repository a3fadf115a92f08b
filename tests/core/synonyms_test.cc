#include "core/synonyms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace guru {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseSynonymFileTest, GroupsOfContentWords) {
  absl::StatusOr<SynonymFile> file = ParseSynonymFile(
      "# comment\n\nversion 3\nKneecap | knee cap | Patella\nrunner's "
      "knee|patellofemoral pain\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->version, "3");
  ASSERT_EQ(file->groups.size(), 2u);
  EXPECT_THAT(file->groups[0],
              ElementsAre(ElementsAre("kneecap"), ElementsAre("knee", "cap"),
                          ElementsAre("patella")));
  // Stopwords go, as they do from queries ("water on the knee" -> water knee).
  absl::StatusOr<SynonymFile> water =
      ParseSynonymFile("version 1\nwater on the knee | knee effusion\n");
  ASSERT_TRUE(water.ok());
  EXPECT_THAT(water->groups[0][0], ElementsAre("water", "knee"));
}

TEST(ParseSynonymFileTest, AMemberInCapitalsIsKeptAsWritten) {
  absl::StatusOr<SynonymFile> file = ParseSynonymFile(
      "version 1\nEDS | Ehlers-Danlos syndrome\nEd | erectile dysfunction\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->groups[0][0], ElementsAre("EDS"));
  EXPECT_THAT(file->groups[0][1], ElementsAre("ehlers", "danlos", "syndrome"));
  // Only a word wholly in capitals is an abbreviation.
  EXPECT_THAT(file->groups[1][0], ElementsAre("ed"));
}

TEST(InCapitalsTest, AbbreviationShapedWordsOnly) {
  EXPECT_TRUE(IsWrittenInCapitals("EDS"));
  EXPECT_TRUE(IsWrittenInCapitals("CF1"));
  EXPECT_FALSE(IsWrittenInCapitals("Eds"));
  EXPECT_FALSE(IsWrittenInCapitals("E"));
  EXPECT_FALSE(IsWrittenInCapitals("1CF"));
  EXPECT_FALSE(IsWrittenInCapitals("AB-C"));
  EXPECT_FALSE(IsWrittenInCapitals("ABCDEFGHIJK"));  // Too long for one.
  EXPECT_EQ(InCapitals("eds"), "EDS");
  EXPECT_EQ(InCapitals("pots"), "POTS");
  EXPECT_EQ(InCapitals("café"), "");
  EXPECT_EQ(InCapitals("tachycardias"), "");
}

TEST(ParseSynonymFileTest, ErrorsNameTheLine) {
  EXPECT_THAT(ParseSynonymFile("kneecap | patella\n").status().message(),
              HasSubstr("line 1: a 'version N' line must come before"));
  EXPECT_THAT(ParseSynonymFile("version 1\nkneecap\n").status().message(),
              HasSubstr("line 2: a group needs two or more members"));
  EXPECT_THAT(ParseSynonymFile("version 1\n\nthe | patella\n").status().message(),
              HasSubstr("line 3: member 'the' has no words to match"));
  EXPECT_THAT(ParseSynonymFile("# only a comment\n").status().message(),
              HasSubstr("no 'version N' line"));
}

TEST(ParseSynonymFileTest, ShippedVocabulariesParse) {
  for (const char* name :
       {"data/synonyms/lay-clinical.txt", "data/synonyms/medquad.txt"}) {
    absl::StatusOr<SynonymFile> file =
        ParseSynonymFile(guru::testing::ReadFile(guru::testing::SourcePath(name)));
    ASSERT_TRUE(file.ok()) << name << ": " << file.status();
    EXPECT_GT(file->groups.size(), 50u) << name;
  }
}

}  // namespace
}  // namespace guru
