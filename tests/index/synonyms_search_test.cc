// Synonyms bridge a person's words and an expert's, and never outrank the
// person's own words.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/synonyms.h"
#include "index/index_writer.h"
#include "index/searcher.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

v1::Post MakePost(const std::string& id, const std::string& title,
                  const std::string& answer) {
  v1::Post post;
  post.set_id(id);
  post.set_title(title);
  post.set_answer(answer);
  return post;
}

// The ids of the posts a search of `db` finds for `query`, best first.
std::vector<std::string> Ids(const std::string& db, const std::string& query,
                             RankingOptions ranking = {}) {
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(db, {nullptr, ranking});
  EXPECT_TRUE(searcher.ok());
  SearchParams params;
  params.query = query;
  absl::StatusOr<SearchPage> page = (*searcher)->Search(params);
  EXPECT_TRUE(page.ok());
  std::vector<std::string> ids;
  for (const v1::SearchResult& hit : page->response.results())
    ids.push_back(hit.post().id());
  return ids;
}

class SynonymSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::Open(dir_.Sub("db"));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)
                    ->Upsert(MakePost("clinical", "Patella pain",
                                      "The patella tracks in its groove."))
                    .ok());
    ASSERT_TRUE((*writer)
                    ->Upsert(MakePost("lay", "Kneecap pain",
                                      "Your kneecap tracks in its groove."))
                    .ok());
    ASSERT_TRUE((*writer)
                    ->Upsert(MakePost("itb", "Outer knee pain",
                                      "Foam roll the iliotibial band gently."))
                    .ok());
    ASSERT_TRUE(
        (*writer)->Upsert(MakePost("other", "Wrist pain", "Rest the wrist.")).ok());
    absl::StatusOr<SynonymFile> file = ParseSynonymFile(
        "version 1\nkneecap | patella\nitb | it band | iliotibial band\n");
    ASSERT_TRUE(file.ok());
    absl::StatusOr<bool> changed = (*writer)->SetSynonyms(*file);
    ASSERT_TRUE(changed.ok() && *changed);
    // The same vocabulary again changes nothing.
    changed = (*writer)->SetSynonyms(*file);
    ASSERT_TRUE(changed.ok());
    EXPECT_FALSE(*changed);
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  std::vector<std::string> Ids(const std::string& query, RankingOptions ranking = {}) {
    return guru::Ids(dir_.Sub("db"), query, ranking);
  }

  guru::testing::TempDir dir_;
};

TEST_F(SynonymSearchTest, LayWordFindsClinicalPostButExactMatchComesFirst) {
  EXPECT_THAT(Ids("my kneecap hurts"), ::testing::ElementsAre("lay", "clinical"));
  EXPECT_THAT(Ids("sore patella"), ::testing::ElementsAre("clinical", "lay"));
}

TEST_F(SynonymSearchTest, MultiWordSynonymsAndAbbreviations) {
  EXPECT_THAT(Ids("tight ITB after cycling"), ::testing::Contains("itb"));
  EXPECT_THAT(Ids("my IT band"), ::testing::Contains("itb"));
}

// "EDS" stems to "ed", ED's stem: written in capitals in the vocabulary, an
// abbreviation is looked up by its letters, so neither takes the other's
// expansion (and "pot" no longer expands to POTS).
TEST(AbbreviationSearchTest, AnAbbreviationInCapitalsIsNotReadAsAPlural) {
  guru::testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::Open(dir.Sub("db"));
    ASSERT_TRUE(writer.ok());
    for (const v1::Post& post :
         {MakePost("eds", "Ehlers-Danlos syndrome",
                   "Ehlers-Danlos syndrome is a group of disorders of the connective "
                   "tissue: loose joints and stretchy skin."),
          MakePost("ed", "Erectile dysfunction",
                   "Erectile dysfunction is common in older men; ED can be treated."),
          MakePost("pots", "Postural orthostatic tachycardia syndrome",
                   "Postural orthostatic tachycardia syndrome makes the heart race "
                   "on standing."),
          MakePost("smoking", "Smoking", "Smoking harms the lungs and the heart.")}) {
      ASSERT_TRUE((*writer)->Upsert(post).ok());
    }
    absl::StatusOr<SynonymFile> file = ParseSynonymFile(
        "version 1\nEDS | ehlers-danlos syndrome\ned | erectile dysfunction\n"
        "POTS | postural orthostatic tachycardia syndrome\n");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*writer)->SetSynonyms(*file).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  const auto ids = [&](const std::string& query) { return Ids(dir.Sub("db"), query); };
  // ED's post says "ED", which the index holds as "EDS" is held: as "ed".
  EXPECT_THAT(ids("what is EDS"), ::testing::ElementsAre("eds", "ed"));
  EXPECT_THAT(ids("what is eds"), ::testing::ElementsAre("eds", "ed"));
  EXPECT_THAT(ids("what is ED"), ::testing::ElementsAre("ed"));
  EXPECT_THAT(ids("what is POTS"), ::testing::ElementsAre("pots"));
  EXPECT_THAT(ids("does smoking pot harm the lungs"), ::testing::ElementsAre("smoking"));
}

TEST_F(SynonymSearchTest, SynonymsCanBeSwitchedOff) {
  RankingOptions off;
  off.synonym_weight = 0;
  EXPECT_THAT(Ids("my kneecap hurts", off), ::testing::ElementsAre("lay"));
}

}  // namespace
}  // namespace guru
