// The Search API beyond ranking, end to end through the real guru-server:
// passages, facets, filters, page tokens across restarts and rebuilt
// indexes, Related, and the errors each names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/page_token.h"
#include "server/limits.h"
#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::guru::testing::RunIndexer;
using ::guru::testing::ServerProcess;
using ::guru::testing::SourcePath;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kKneeQuestion = "my knee hurts when I run and when I cycle";
// The documented limit of a context turn, as of the query: 16 KiB.
constexpr std::size_t kMaxTurnBytes = 16 * 1024;

class SearchApiTest : public ::testing::Test {
 public:
  static v1::SearchRequest Query(const std::string& query, int page_size = 0) {
    v1::SearchRequest request;
    request.set_query(query);
    request.set_page_size(page_size);
    return request;
  }

 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto indexed = RunIndexer({"--db", dir_->Sub("db"), SourcePath("data/sample")});
    ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
    server_ = std::make_unique<ServerProcess>(dir_->Sub("db"));
    ASSERT_TRUE(server_->WaitForHealth(HealthCheckResponse::SERVING))
        << server_->process().err();
  }
  static void TearDownTestSuite() {
    server_.reset();
    delete dir_;
  }

  static grpc::Status Search(const v1::SearchRequest& request,
                             v1::SearchResponse& response) {
    return server_->search().Search(ServerProcess::Context().get(), request, &response);
  }

  static TempDir* dir_;
  static std::unique_ptr<ServerProcess> server_;
};
TempDir* SearchApiTest::dir_ = nullptr;
std::unique_ptr<ServerProcess> SearchApiTest::server_;

TEST_F(SearchApiTest, ResultsCarryAPassageOfTheirAnswer) {
  v1::SearchResponse response;
  ASSERT_TRUE(Search(Query(kKneeQuestion), response).ok());
  ASSERT_THAT(response.results(), Not(IsEmpty()));
  for (const v1::SearchResult& result : response.results()) {
    const v1::Passage& passage = result.passage();
    EXPECT_THAT(passage.text(), Not(IsEmpty())) << result.post().id();
    EXPECT_THAT(result.post().answer(), HasSubstr(passage.text()));
    EXPECT_LT(passage.span().start(), passage.span().end());
    for (const v1::TextSpan& span : passage.highlights()) {
      EXPECT_GE(span.start(), passage.span().start());
      EXPECT_LE(span.end(), passage.span().end());
    }
  }
  EXPECT_THAT(response.interpretation().terms(), ::testing::Contains("knee"));
}

TEST_F(SearchApiTest, SpellingLeavesTheDictionarysWordsAlone) {
  const auto did_you_mean = [](const std::vector<std::string>& flags) {
    ServerProcess server(dir_->Sub("db"), flags);
    EXPECT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING))
        << server.process().err();
    v1::SearchResponse response;
    EXPECT_TRUE(server.search()
                    .Search(ServerProcess::Context().get(), Query("achilles tendonitus"),
                            &response)
                    .ok());
    return response.interpretation().did_you_mean();
  };
  EXPECT_EQ(did_you_mean({"--dictionary", "none"}), "achilles tendinitis");
  const std::string words = dir_->WriteFile("words", "Achilles\ntendonitus\n");
  EXPECT_EQ(did_you_mean({"--dictionary", words}), "");
}

TEST_F(SearchApiTest, FacetsAndCategoryFilterAgree) {
  v1::SearchResponse all;
  v1::SearchRequest with_facets = Query(kKneeQuestion, 50);
  with_facets.set_include_facets(true);
  ASSERT_TRUE(Search(with_facets, all).ok());
  ASSERT_THAT(all.category_facets(), Not(IsEmpty()));
  const v1::FacetCount& top = all.category_facets(0);
  EXPECT_EQ(top.value(), "knees");

  v1::SearchRequest request = Query(kKneeQuestion, 50);
  request.mutable_filter()->add_categories("Knees");
  v1::SearchResponse filtered;
  ASSERT_TRUE(Search(request, filtered).ok());
  EXPECT_EQ(filtered.results_size(), top.count());
  for (const v1::SearchResult& result : filtered.results()) {
    EXPECT_EQ(result.post().category(), "knees");
  }
}

TEST_F(SearchApiTest, FacetsAreCountedOnlyWhenAsked) {
  v1::SearchResponse response;
  ASSERT_TRUE(Search(Query(kKneeQuestion, 50), response).ok());
  EXPECT_THAT(response.results(), Not(IsEmpty()));
  EXPECT_THAT(response.category_facets(), IsEmpty());
}

TEST_F(SearchApiTest, PageTokensWalkThroughDisjointPages) {
  v1::SearchResponse whole;
  ASSERT_TRUE(Search(Query(kKneeQuestion, 12), whole).ok());
  std::vector<std::string> expected;
  for (const auto& result : whole.results()) expected.push_back(result.post().id());

  std::vector<std::string> paged;
  v1::SearchRequest request = Query(kKneeQuestion, 4);
  for (int page = 0; page < 3; ++page) {
    v1::SearchResponse response;
    ASSERT_TRUE(Search(request, response).ok()) << "page " << page;
    for (const auto& result : response.results()) paged.push_back(result.post().id());
    ASSERT_THAT(response.next_page_token(), Not(IsEmpty()));
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(paged, expected);
}

TEST_F(SearchApiTest, APageTokenSurvivesARestartButNotARebuiltIndex) {
  v1::SearchResponse first;
  ASSERT_TRUE(Search(Query(kKneeQuestion, 3), first).ok());
  v1::SearchRequest next = Query(kKneeQuestion, 3);
  next.set_page_token(first.next_page_token());
  v1::SearchResponse before;
  ASSERT_TRUE(Search(next, before).ok());

  {  // Another server process over the same index.
    ServerProcess restarted(dir_->Sub("db"));
    ASSERT_TRUE(restarted.WaitForHealth(HealthCheckResponse::SERVING));
    v1::SearchResponse after;
    ASSERT_TRUE(
        restarted.search().Search(ServerProcess::Context().get(), next, &after).ok());
    ASSERT_EQ(after.results_size(), before.results_size());
    for (int i = 0; i < after.results_size(); ++i) {
      EXPECT_EQ(after.results(i).post().id(), before.results(i).post().id());
    }
  }

  // The same posts indexed again into a new directory: another index.
  TempDir other;
  ASSERT_EQ(RunIndexer({"--db", other.Sub("db"), SourcePath("data/sample")}).exit_code,
            0);
  ServerProcess rebuilt(other.Sub("db"));
  ASSERT_TRUE(rebuilt.WaitForHealth(HealthCheckResponse::SERVING));
  v1::SearchResponse response;
  const grpc::Status status =
      rebuilt.search().Search(ServerProcess::Context().get(), next, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

TEST_F(SearchApiTest, BadPagingAndFiltersAreInvalidArguments) {
  v1::SearchResponse first;
  ASSERT_TRUE(Search(Query(kKneeQuestion, 3), first).ok());

  struct Case {
    v1::SearchRequest request;
    const char* message;
  };
  std::vector<Case> cases;
  cases.push_back({Query("a different question about shoulders", 3), "page_token"});
  cases.back().request.set_page_token(first.next_page_token());
  cases.push_back({Query(kKneeQuestion), "page_token"});
  cases.back().request.set_page_token("garbage!");
  // Cut short or altered in transit: corrupt, not another index's token.
  const std::string& token = first.next_page_token();
  for (const std::string& corrupt :
       {token.substr(0, token.size() - 1), token.substr(0, token.size() - 2),
        token.substr(0, token.size() - 1) + (token.back() == 'x' ? "y" : "x")}) {
    cases.push_back({Query(kKneeQuestion, 3), "page_token"});
    cases.back().request.set_page_token(corrupt);
  }
  cases.push_back({Query(kKneeQuestion), "offset"});
  cases.back().request.set_page_token(first.next_page_token());
  cases.back().request.set_offset(3);
  cases.push_back({Query("\u3000\u00A0\u200B"), "query"});  // Only spaces.
  cases.push_back({Query(kKneeQuestion, 5), "page_size"});
  cases.back().request.set_limit(6);
  cases.push_back({Query(kKneeQuestion), "filter.date_from"});
  cases.back().request.mutable_filter()->set_date_from("2019-02-30");
  cases.push_back({Query(kKneeQuestion), "date_from is after date_to"});
  cases.back().request.mutable_filter()->set_date_from("2020-01-01");
  cases.back().request.mutable_filter()->set_date_to("2019-01-01");
  for (const Case& c : cases) {
    v1::SearchResponse response;
    const grpc::Status status = Search(c.request, response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }
}

TEST_F(SearchApiTest, TheDepthOfASearchIsBounded) {
  // offset + limit sets how many candidates are ranked: one request must not
  // make the server rank millions, nor overflow an int.
  for (const int offset : {kMaxOffset + 1, 1000000, std::numeric_limits<int>::max()}) {
    v1::SearchRequest request = Query(kKneeQuestion, 100);
    request.set_offset(offset);
    v1::SearchResponse response;
    const grpc::Status status = Search(request, response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << offset;
    EXPECT_THAT(status.error_message(), HasSubstr("offset")) << offset;
  }
  v1::SearchRequest deepest = Query(kKneeQuestion, 100);
  deepest.set_offset(kMaxOffset);
  v1::SearchResponse response;
  ASSERT_TRUE(Search(deepest, response).ok());
  EXPECT_EQ(response.next_page_token(), "");
  // A forged token carries the same bound.
  v1::SearchRequest forged = Query(kKneeQuestion);
  forged.set_page_token(EncodePageToken({1, std::int64_t{1} << 40, ""}));
  const grpc::Status status = Search(forged, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

// `n` turns of small talk, then `turn` as the oldest: context[n].
std::vector<std::string> AfterSmallTalk(int n, const std::string& turn) {
  std::vector<std::string> context(n, "ok, thanks");
  context.push_back(turn);
  return context;
}

TEST_F(SearchApiTest, OnlyTheTenNewestTurnsOfTheContextAreUsed) {
  const std::string emergency =
      "I have crushing chest pain spreading to my left arm and I'm sweating";
  const auto search = [](const std::vector<std::string>& context) {
    v1::SearchRequest request = Query("what should I do now?", 3);
    for (const std::string& turn : context) request.add_context(turn);
    v1::SearchResponse response;
    const grpc::Status status = Search(request, response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  const auto check_safety = [](const std::vector<std::string>& context) {
    v1::CheckSafetyRequest request;
    request.set_query("what should I do now?");
    for (const std::string& turn : context) request.add_context(turn);
    v1::Safety safety;
    const grpc::Status status =
        server_->search().CheckSafety(ServerProcess::Context().get(), request, &safety);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return safety;
  };

  // The tenth turn (context[9]) still counts, for safety and for the topic.
  const v1::SearchResponse tenth = search(AfterSmallTalk(9, emergency));
  EXPECT_EQ(tenth.safety().level(), v1::SAFETY_LEVEL_EMERGENCY);
  ASSERT_THAT(tenth.safety().signs(), Not(IsEmpty()));
  for (const v1::SafetySign& sign : tenth.safety().signs()) EXPECT_EQ(sign.turn(), 10);
  EXPECT_EQ(check_safety(AfterSmallTalk(9, emergency)).level(),
            v1::SAFETY_LEVEL_EMERGENCY);

  // The eleventh (context[10]) is not used at all.
  const v1::SearchResponse eleventh = search(AfterSmallTalk(10, emergency));
  EXPECT_EQ(eleventh.safety().level(), v1::SAFETY_LEVEL_NONE);
  EXPECT_THAT(eleventh.safety().signs(), IsEmpty());
  EXPECT_EQ(check_safety(AfterSmallTalk(10, emergency)).level(), v1::SAFETY_LEVEL_NONE);
}

TEST_F(SearchApiTest, AFollowUpTakesNoTopicFromBeyondTheTenthTurn) {
  const std::string topic = "my knee hurts when I run";
  const auto context_use = [](const std::vector<std::string>& context) {
    v1::SearchRequest request = Query("how is it treated?", 3);
    for (const std::string& turn : context) request.add_context(turn);
    v1::SearchResponse response;
    const grpc::Status status = Search(request, response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.interpretation().context_use();
  };
  const v1::ContextUse tenth = context_use(AfterSmallTalk(9, topic));
  EXPECT_EQ(tenth.kind(), v1::ContextUse::FOLLOW_UP);
  EXPECT_EQ(tenth.turn(), 10);
  EXPECT_NE(context_use(AfterSmallTalk(10, topic)).kind(), v1::ContextUse::FOLLOW_UP);
}

TEST_F(SearchApiTest, AContextTurnOverSixteenKibIsInvalidNamingContext) {
  const std::string longest(kMaxTurnBytes, 'a');
  const std::string too_long = longest + "a";
  const auto search = [](const std::vector<std::string>& context) {
    v1::SearchRequest request = Query(kKneeQuestion, 3);
    for (const std::string& turn : context) request.add_context(turn);
    v1::SearchResponse response;
    return Search(request, response);
  };
  const auto check_safety = [](const std::vector<std::string>& context) {
    v1::CheckSafetyRequest request;
    request.set_query(kKneeQuestion);
    for (const std::string& turn : context) request.add_context(turn);
    v1::Safety safety;
    return server_->search().CheckSafety(ServerProcess::Context().get(), request,
                                         &safety);
  };
  for (const std::vector<std::string>& context : std::vector<std::vector<std::string>>{
           {too_long}, {"ok", too_long}, AfterSmallTalk(9, too_long)}) {
    SCOPED_TRACE(context.size());
    for (const grpc::Status& status : {search(context), check_safety(context)}) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_THAT(status.error_message(), HasSubstr("context"));
      EXPECT_THAT(status.error_message(), HasSubstr(std::to_string(kMaxTurnBytes)));
    }
  }
  // 16 KiB itself is allowed; a long turn beyond the tenth is not read.
  for (const std::vector<std::string>& context :
       std::vector<std::vector<std::string>>{{longest}, AfterSmallTalk(10, too_long)}) {
    SCOPED_TRACE(context.size());
    const grpc::Status searched = search(context);
    EXPECT_TRUE(searched.ok()) << searched.error_message();
    const grpc::Status checked = check_safety(context);
    EXPECT_TRUE(checked.ok()) << checked.error_message();
  }
}

TEST(PageTokenRefreshTest, APageTokenStaysValidAcrossAnIndexRefresh) {
  TempDir dir;
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db"), SourcePath("data/sample")}).exit_code, 0);
  ServerProcess server(dir.Sub("db"), {"--refresh-ms", "50"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING))
      << server.process().err();
  const auto search = [&](const v1::SearchRequest& request,
                          v1::SearchResponse& response) {
    return server.search().Search(ServerProcess::Context().get(), request, &response);
  };
  v1::SearchResponse first;
  ASSERT_TRUE(search(SearchApiTest::Query(kKneeQuestion, 3), first).ok());
  ASSERT_THAT(first.next_page_token(), Not(IsEmpty()));

  // A new post committed between page 1 and page 2; wait until it is served.
  const std::string post =
      R"({"id":"zz-knee-refresh","title":"Knee pain when running and cycling",)"
      R"("answer":"Xylophonist knees: ease off running and cycling for a week."})";
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db"), "-"}, post + "\n").exit_code, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    v1::SearchResponse probe;
    ASSERT_TRUE(search(SearchApiTest::Query("xylophonist", 3), probe).ok());
    seen = probe.results_size() == 1;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(seen) << "the new post was never served";

  v1::SearchRequest next = SearchApiTest::Query(kKneeQuestion, 3);
  next.set_page_token(first.next_page_token());
  v1::SearchResponse second;
  const grpc::Status status = search(next, second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.results_size(), 3);
  EXPECT_THAT(second.next_page_token(), Not(IsEmpty()));
}

TEST_F(SearchApiTest, ErrorsQuoteOnlyAShortPrefixOfWhatWasSent) {
  // A 9 KB id echoed whole would overflow the reply's metadata: the client
  // would get a transport error instead of NOT_FOUND.
  v1::GetPostRequest request;
  request.set_id(std::string(9000, 'x'));
  v1::Post post;
  const grpc::Status status =
      server_->search().GetPost(ServerProcess::Context().get(), request, &post);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(status.error_message().size(), 200U);
  EXPECT_THAT(status.error_message(), HasSubstr("9000 bytes"));
}

TEST_F(SearchApiTest, RelatedReturnsOtherPostsLikeTheGivenOne) {
  v1::SearchResponse search;
  ASSERT_TRUE(Search(Query(kKneeQuestion, 1), search).ok());
  ASSERT_EQ(search.results_size(), 1);
  const std::string id = search.results(0).post().id();

  v1::RelatedRequest request;
  request.set_id(id);
  request.set_limit(3);
  v1::RelatedResponse related;
  ASSERT_TRUE(
      server_->search().Related(ServerProcess::Context().get(), request, &related).ok());
  ASSERT_EQ(related.results_size(), 3);
  std::set<std::string> ids;
  for (const v1::SearchResult& result : related.results()) {
    EXPECT_NE(result.post().id(), id);
    EXPECT_GT(result.score(), 0);
    ids.insert(result.post().id());
  }
  EXPECT_EQ(ids.size(), 3U);
}

TEST_F(SearchApiTest, RelatedErrorsNameTheField) {
  v1::RelatedRequest request;
  v1::RelatedResponse response;
  grpc::Status status =
      server_->search().Related(ServerProcess::Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("id"));

  request.set_id("no-such-post");
  status = server_->search().Related(ServerProcess::Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  request.set_limit(101);
  status = server_->search().Related(ServerProcess::Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("limit"));
}

}  // namespace
}  // namespace guru
