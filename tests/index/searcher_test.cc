// Ranking, query robustness, paging and snippets over a small hand-written
// index of six posts, one per body part.
#include "index/searcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "core/text.h"
#include "index/index_writer.h"
#include "index/small_index.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

struct Fixture {
  const char* id;
  const char* title;
  const char* question;
  const char* answer;
};

// The shoulder answer is longer than a snippet, and holds '<' and '&'.
constexpr Fixture kPosts[] = {
    {"knee", "Knee pain post marathon",
     "Since running the marathon last month my left knee hurts when I run for more than "
     "5 minutes.",
     "Well done on the marathon. The underside of your kneecap has taken a pounding, so "
     "mobilise the kneecap, tape it, and build your running time back up slowly."},
    {"achilles", "Achilles twinge after returning to tennis",
     "The back of my heel, just above the ankle, is sore after tennis and stiff in the "
     "morning.",
     "That sounds like an irritated Achilles tendon. Do slow heel drops off a step and "
     "ease back into tennis over a few weeks."},
    {"shins", "Shin pain after increasing mileage",
     "The inside of my shins aches along the bone since I doubled my weekly mileage.",
     "This is typical of shin splints. Cut the mileage back, run on softer ground, and "
     "strengthen your calves before building up again."},
    {"back", "Lower back pain after deadlifts",
     "My lower back has ached since I lifted a heavy deadlift at the gym.",
     "A strained lower back muscle settles with gentle movement. Keep walking, avoid "
     "heavy lifting for two weeks, and work on your hip hinge technique."},
    {"shoulder", "Painful shoulder serving at tennis",
     "My shoulder hurts at the top of the serve when I reach overhead.",
     "Pain at the top of the serve often comes from the rotator cuff being pinched. Keep "
     "the load < 5 kg & rest for a week.\n\nThen strengthen the rotator cuff with "
     "external rotation using a band, three sets of fifteen, and work on the mobility of "
     "your upper back so the shoulder blade can tilt well.\n\nWhen you return to "
     "serving, "
     "start with half pace for a fortnight and build up gradually over a month."},
    {"wrist", "Wrist pain in downward dog",
     "My wrist hurts when I put weight on my hands in yoga poses.",
     "Spread your fingers wide and press through the knuckles to take load off the "
     "wrist, "
     "and strengthen your forearms with light wrist curls."},
};

class SearcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<v1::Post> posts;
    for (const Fixture& f : kPosts) {
      v1::Post& post = posts.emplace_back(
          guru::testing::MakePost({f.id, f.title, f.question, f.answer}));
      post.set_category(f.id);
    }
    searcher_ = guru::testing::IndexAndOpen(dir_.Sub("db"), posts);
    ASSERT_NE(searcher_, nullptr);
  }

  SearchPage SearchOk(const std::string& query, int limit = 10, int offset = 0) {
    SearchParams params;
    params.query = query;
    params.limit = limit;
    params.offset = offset;
    absl::StatusOr<SearchPage> page = searcher_->Search(params);
    EXPECT_TRUE(page.ok()) << query << ": " << page.status();
    return page.ok() ? *std::move(page) : SearchPage();
  }

  static std::vector<std::string> Ids(const SearchPage& page) {
    std::vector<std::string> ids;
    for (const v1::SearchResult& hit : page.response.results())
      ids.push_back(hit.post().id());
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SearcherTest, LayWordsRankTheRightPostFirst) {
  const std::pair<const char*, const char*> cases[] = {
      {"since the marathon my left knee hurts when I run", "knee"},
      {"sore heel above the ankle after playing tennis", "achilles"},
      {"my shins ache since I upped my running mileage", "shins"},
      {"backache after lifting heavy weights at the gym", "back"},
      {"it hurts to serve overhead, top of my shoulder", "shoulder"},
      {"wrists hurt in yoga when weight is on my hands", "wrist"},
  };
  for (const auto& [query, expected] : cases) {
    const SearchPage page = SearchOk(query);
    ASSERT_THAT(page.response.results(), Not(IsEmpty())) << query;
    EXPECT_EQ(page.response.results(0).post().id(), expected) << query;
    EXPECT_GE(page.response.total_estimate(), 1) << query;
    const auto& results = page.response.results();
    for (int i = 1; i < results.size(); ++i) {
      EXPECT_GE(results[i - 1].score(), results[i].score()) << query;
    }
  }
}

TEST_F(SearcherTest, HitsCarryTheWholePost) {
  const SearchPage page = SearchOk("achilles");
  ASSERT_THAT(page.response.results(), SizeIs(1));
  const v1::Post& post = page.response.results(0).post();
  EXPECT_EQ(post.title(), "Achilles twinge after returning to tennis");
  EXPECT_EQ(post.category(), "achilles");
  EXPECT_GT(page.response.results(0).score(), 0);
}

TEST_F(SearcherTest, QueriesWithNoContentWordsMatchNothing) {
  for (const char* query : {"the and of ?!", "", "   ", "?!?!", "\"\" () --", "my the"}) {
    const SearchPage page = SearchOk(query);
    EXPECT_THAT(page.response.results(), IsEmpty()) << query;
    EXPECT_EQ(page.response.total_estimate(), 0) << query;
  }
}

TEST_F(SearcherTest, QuerySyntaxIsNeverAnError) {
  for (const char* query : {"\"knee pain",
                            "knee pain\"",
                            "(knee OR ankle",
                            "knee) AND",
                            "NOT knee",
                            "knee AND NOT shin",
                            "-knee",
                            "--knee",
                            "+knee +pain",
                            "knee*",
                            "*",
                            "kne*e",
                            "title:knee",
                            "knee NEAR ankle",
                            "knee ADJ/3 pain",
                            "\"unbalanced (quotes",
                            "knee^2",
                            "~knee",
                            "[knee]",
                            "{knee}",
                            "knee || shin && back",
                            "a\\b",
                            "AND",
                            "OR OR OR",
                            "knee\xE2\x80\x99s \xE2\x80\x9Cpain\xE2\x80\x9D",
                            "ankle; DROP TABLE"}) {
    SCOPED_TRACE(query);
    SearchOk(query);
  }
  // Operators are words at most: "NOT knee" still finds the knee post.
  EXPECT_EQ(SearchOk("NOT knee").response.results(0).post().id(), "knee");
  EXPECT_EQ(SearchOk("-knee").response.results(0).post().id(), "knee");
}

TEST_F(SearcherTest, PagingReturnsDisjointConsecutiveSlices) {
  const std::string query = "pain hurts ache sore knee shoulder back wrist shin heel";
  const std::vector<std::string> all = Ids(SearchOk(query, 10, 0));
  ASSERT_GE(all.size(), 5u);
  std::vector<std::string> paged;
  for (int offset = 0; offset < static_cast<int>(all.size()); offset += 2) {
    const std::vector<std::string> slice = Ids(SearchOk(query, 2, offset));
    EXPECT_LE(slice.size(), 2u);
    paged.insert(paged.end(), slice.begin(), slice.end());
  }
  EXPECT_EQ(paged, all);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
  EXPECT_THAT(SearchOk(query, 2, static_cast<int>(all.size())).response.results(),
              IsEmpty());
}

// Posts of the same text tie, and ties are ordered by id on every page, as
// one index and its shards must agree (Xapian would order them as stored).
TEST(SearcherTiesTest, TiedPostsComeInTheOrderOfTheirIdsOnEveryPage) {
  TempDir dir;
  std::vector<v1::Post> posts;
  for (const char* id : {"tie-e", "tie-b", "tie-f", "tie-a", "tie-d", "tie-c"}) {
    posts.push_back(guru::testing::MakePost(
        {id, "Plantar fasciitis", "My heel hurts in the morning.",
         "Stretch the calf and the sole of the foot before you get up."}));
  }
  posts.push_back(guru::testing::MakePost(
      {"other", "Heel spur", "A heel spur on the x-ray.", "A spur rarely causes pain."}));
  const std::unique_ptr<Searcher> searcher =
      guru::testing::IndexAndOpen(dir.Sub("db"), posts);
  ASSERT_NE(searcher, nullptr);
  const auto page = [&](int limit, int offset) {
    SearchParams params;
    params.query = "plantar fasciitis heel morning";
    params.limit = limit;
    params.offset = offset;
    absl::StatusOr<SearchPage> found = searcher->Search(params);
    EXPECT_TRUE(found.ok()) << found.status();
    std::vector<std::string> ids;
    if (found.ok()) {
      for (const v1::SearchResult& hit : found->response.results()) {
        ids.push_back(hit.post().id());
      }
    }
    return ids;
  };
  const std::vector<std::string> tied = {"tie-a", "tie-b", "tie-c",
                                         "tie-d", "tie-e", "tie-f"};
  std::vector<std::string> all = page(10, 0);
  ASSERT_GE(all.size(), tied.size());
  all.resize(tied.size());
  EXPECT_EQ(all, tied);
  for (int limit : {1, 2, 4}) {
    std::vector<std::string> paged;
    for (int offset = 0; offset < static_cast<int>(tied.size()); offset += limit) {
      const std::vector<std::string> slice = page(limit, offset);
      paged.insert(paged.end(), slice.begin(), slice.end());
    }
    paged.resize(tied.size());
    EXPECT_EQ(paged, tied) << "pages of " << limit;
  }
}

TEST_F(SearcherTest, SnippetIsOneLineFromTheAnswer) {
  for (const char* query : {"rotator cuff serve", "kneecap marathon", "heel drops"}) {
    const SearchPage page = SearchOk(query);
    ASSERT_THAT(page.response.results(), Not(IsEmpty())) << query;
    const v1::SearchResult& hit = page.response.results(0);
    EXPECT_THAT(hit.snippet(), Not(IsEmpty())) << query;
    EXPECT_THAT(hit.snippet(), Not(HasSubstr("\n"))) << query;
    EXPECT_THAT(hit.snippet(), Not(HasSubstr("&lt;"))) << query;
    EXPECT_THAT(hit.snippet(), Not(HasSubstr("&amp;"))) << query;
    // Every piece between "..." markers is text of the answer.
    const std::string answer = CollapseWhitespace(hit.post().answer());
    const std::vector<std::string> pieces = absl::StrSplit(hit.snippet(), "...");
    for (const std::string& piece : pieces) {
      const std::string_view text = Trim(piece);
      if (!text.empty()) {
        EXPECT_THAT(answer, HasSubstr(std::string(text))) << query;
      }
    }
  }
  // The question's words are not in the snippet.
  const SearchPage page = SearchOk("reach overhead serve");
  ASSERT_THAT(page.response.results(), Not(IsEmpty()));
  EXPECT_EQ(page.response.results(0).post().id(), "shoulder");
  EXPECT_THAT(page.response.results(0).snippet(), Not(HasSubstr("reach overhead")));
}

TEST_F(SearcherTest, SnippetKeepsPlainTextCharacters) {
  const SearchPage page = SearchOk("rotator cuff load rest");
  ASSERT_THAT(page.response.results(), Not(IsEmpty()));
  EXPECT_EQ(page.response.results(0).post().id(), "shoulder");
  EXPECT_THAT(page.response.results(0).snippet(), HasSubstr("< 5 kg & rest"));
}

TEST_F(SearcherTest, GetPostUnknownIdIsNotFound) {
  EXPECT_EQ(searcher_->GetPost("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(searcher_->GetPost("").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(searcher_->GetPost("KNEE").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(searcher_->PostCount(), 6u);
}

TEST(SearcherOpenTest, MissingDirectoryIsUnavailable) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir.Sub("missing"));
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(searcher.status().code(), absl::StatusCode::kUnavailable);
  // An empty directory holds no index either.
  absl::StatusOr<std::unique_ptr<Searcher>> empty = Searcher::Open(dir.path().string());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kUnavailable);
}

// An indexer killed between creating the database and its first commit
// leaves a database with no schema version and no posts: not an index yet
// (the next indexer run starts it afresh), not one of another version.
TEST(SearcherOpenTest, ADatabaseWhoseCreationDidNotFinishIsUnavailable) {
  TempDir dir;
  Xapian::WritableDatabase(dir.Sub("db"), Xapian::DB_CREATE).commit();
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir.Sub("db"));
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(searcher.status().code(), absl::StatusCode::kUnavailable)
      << searcher.status();
  // With posts but no version it was written by something else.
  {
    Xapian::WritableDatabase db(dir.Sub("db"));
    db.add_document(Xapian::Document());
    db.commit();
  }
  searcher = Searcher::Open(dir.Sub("db"));
  EXPECT_EQ(searcher.status().code(), absl::StatusCode::kFailedPrecondition)
      << searcher.status();
}

}  // namespace
}  // namespace guru
