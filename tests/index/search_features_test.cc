// What a search returns besides the ranking: passages, filters, facets,
// stable paging, and "more like this", over a small index on disk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "index/index_writer.h"
#include "index/searcher.h"
#include "index/small_index.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

struct Fixture {
  const char* id;
  const char* category;
  const char* expert;
  const char* asked_on;
  const char* answered_on;
  const char* title;
  const char* answer;
};

constexpr Fixture kPosts[] = {
    {"knee-1", "Knees", "The Guru", "2019-05-20", "", "Knee pain after a marathon",
     "Well done on the race. The underside of your kneecap has taken a pounding on the "
     "downhills. Tape the kneecap and rest for a week. Then build your running back up."},
    {"knee-2", "knees", "Dr Ann", "2021-03-02", "", "Knee swelling after football",
     "Swelling after a twist needs a scan. Ice the knee and keep it raised. See a "
     "physio if the swelling stays."},
    {"knee-3", "Running", "The Guru", "", "2020-08-01", "Knee clicks on stairs",
     "Clicking without pain is harmless. Strengthen the quads so the kneecap tracks "
     "well."},
    {"shin-1", "Running", "Dr Ann", "2018-01-10", "", "Shin splints in new runners",
     "Shin splints come from doing too much too soon. Run on grass and cut the "
     "mileage."},
    {"back-1", "Back", "The Guru", "", "", "Lower back ache after deadlifts",
     "A strained muscle in the lower back settles with walking. Avoid heavy lifting."},
};

class SearchFeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<v1::Post> posts;
    for (const Fixture& f : kPosts) {
      v1::Post& post = posts.emplace_back();
      post.set_id(f.id);
      post.set_category(f.category);
      post.set_expert(f.expert);
      post.set_asked_on(f.asked_on);
      post.set_answered_on(f.answered_on);
      post.set_title(f.title);
      post.set_answer(f.answer);
    }
    searcher_ = guru::testing::IndexAndOpen(dir_.Sub("db"), posts);
    ASSERT_NE(searcher_, nullptr);
  }

  SearchPage Search(const SearchParams& params) {
    absl::StatusOr<SearchPage> page = searcher_->Search(params);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *std::move(page) : SearchPage();
  }

  static SearchParams Query(const std::string& query) {
    SearchParams params;
    params.query = query;
    return params;
  }

  static std::set<std::string> Ids(const SearchPage& page) {
    std::set<std::string> ids;
    for (const v1::SearchResult& hit : page.response.results())
      ids.insert(hit.post().id());
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SearchFeaturesTest, EachHitHasAPassageFromItsAnswer) {
  const SearchPage page = Search(Query("my kneecap hurts after the downhills"));
  ASSERT_THAT(page.response.results(), Not(IsEmpty()));
  const v1::SearchResult& top = page.response.results(0);
  EXPECT_EQ(top.post().id(), "knee-1");
  EXPECT_EQ(top.passage().text(),
            "The underside of your kneecap has taken a pounding on the downhills.");
  const std::string& answer = top.post().answer();  // ASCII: characters = bytes.
  EXPECT_EQ(answer.substr(top.passage().span().start(),
                          top.passage().span().end() - top.passage().span().start()),
            top.passage().text());
  std::vector<std::string> marked;
  for (const v1::TextSpan& span : top.passage().highlights()) {
    marked.push_back(answer.substr(span.start(), span.end() - span.start()));
  }
  EXPECT_THAT(marked, ElementsAre("kneecap", "downhills"));
}

TEST_F(SearchFeaturesTest, FiltersByCategoryIgnoringCase) {
  SearchParams params = Query("knee");
  params.filter.categories = {"KNEES"};
  EXPECT_EQ(Ids(Search(params)), (std::set<std::string>{"knee-1", "knee-2"}));
  params.filter.categories = {"knees", "running"};
  EXPECT_EQ(Ids(Search(params)), (std::set<std::string>{"knee-1", "knee-2", "knee-3"}));
}

TEST_F(SearchFeaturesTest, FiltersByExpert) {
  SearchParams params = Query("knee shin");
  params.filter.experts = {"dr ann"};
  EXPECT_EQ(Ids(Search(params)), (std::set<std::string>{"knee-2", "shin-1"}));
}

TEST_F(SearchFeaturesTest, FiltersByDateUsingAnsweredOnWhenAskedOnIsMissing) {
  SearchParams params = Query("knee shin back");
  params.filter.date_from = "2019-01-01";
  EXPECT_EQ(Ids(Search(params)), (std::set<std::string>{"knee-1", "knee-2", "knee-3"}));
  params.filter.date_to = "2020-12-31";
  EXPECT_EQ(Ids(Search(params)), (std::set<std::string>{"knee-1", "knee-3"}));
  params.filter.date_from.clear();
  // Undated posts are left out once a bound is given.
  EXPECT_EQ(Ids(Search(params)), (std::set<std::string>{"knee-1", "knee-3", "shin-1"}));
}

TEST_F(SearchFeaturesTest, FacetsCountCategoriesOfMatchingPosts) {
  SearchParams params = Query("knee shin");
  EXPECT_THAT(Search(params).response.category_facets(), IsEmpty());
  params.facets = true;
  const SearchPage page = Search(params);
  std::vector<std::pair<std::string, std::int64_t>> facets;
  for (const v1::FacetCount& facet : page.response.category_facets()) {
    facets.emplace_back(facet.value(), facet.count());
  }
  EXPECT_THAT(facets, ElementsAre(std::pair<std::string, std::int64_t>{"knees", 2},
                                  std::pair<std::string, std::int64_t>{"running", 2}));
}

TEST_F(SearchFeaturesTest, PagesNeverOverlapAcrossTheRerankedHead) {
  RankingOptions ranking;
  ranking.rerank_depth = 2;  // The head ends inside the second page.
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(dir_.Sub("db"), {nullptr, ranking});
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  searcher_ = *std::move(searcher);
  SearchParams params = Query("knee kneecap shin back running swelling");
  params.limit = 5;
  const SearchPage whole = Search(params);
  std::vector<std::string> all;
  for (const v1::SearchResult& hit : whole.response.results())
    all.push_back(hit.post().id());
  ASSERT_EQ(all.size(), 5U);
  params.limit = 2;
  std::vector<std::string> paged;
  bool more = true;
  for (params.offset = 0; more; params.offset += 2) {
    const SearchPage page = Search(params);
    for (const v1::SearchResult& hit : page.response.results())
      paged.push_back(hit.post().id());
    more = page.has_more;
    ASSERT_LE(params.offset, 10);
  }
  EXPECT_EQ(paged, all);
}

TEST_F(SearchFeaturesTest, RelatedFindsSimilarPostsButNeverItself) {
  absl::StatusOr<v1::RelatedResponse> related = searcher_->Related("knee-1", 3);
  ASSERT_TRUE(related.ok()) << related.status();
  ASSERT_THAT(related->results(), Not(IsEmpty()));
  EXPECT_LE(related->results_size(), 3);
  for (const v1::SearchResult& hit : related->results())
    EXPECT_NE(hit.post().id(), "knee-1");
  EXPECT_EQ(related->results(0).post().id(), "knee-3");  // Shares "kneecap" and "knee".
}

TEST_F(SearchFeaturesTest, RelatedForAnUnknownIdIsNotFound) {
  absl::StatusOr<v1::RelatedResponse> related = searcher_->Related("nope", 3);
  ASSERT_FALSE(related.ok());
  EXPECT_EQ(related.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SearchFeaturesTest, IndexIdIsStableAcrossReopening) {
  const std::string id = searcher_->IndexId();
  EXPECT_THAT(id, Not(IsEmpty()));
  ASSERT_TRUE(searcher_->Refresh().ok());
  EXPECT_EQ(searcher_->IndexId(), id);
  absl::StatusOr<std::unique_ptr<Searcher>> again = Searcher::Open(dir_.Sub("db"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->IndexId(), id);
}

}  // namespace
}  // namespace guru
