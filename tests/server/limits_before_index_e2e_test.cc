// Every request limit is checked before any index work. The proof runs
// against a real guru-server whose index does not exist yet: any request
// that reaches the index is answered UNAVAILABLE there, so an over-limit
// request answered INVALID_ARGUMENT (naming its limit) was refused before
// the index was touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/page_token.h"
#include "server/limits.h"
#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::ServerProcess;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;

class LimitsBeforeIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(dir_->Sub("no-index-yet"), {"--shutdown-grace-ms", "0"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static v1::SearchRequest Query(const std::string& query) {
    v1::SearchRequest request;
    request.set_query(query);
    return request;
  }
  static grpc::Status Search(const v1::SearchRequest& request) {
    v1::SearchResponse response;
    return server_->search().Search(ServerProcess::Context().get(), request, &response);
  }
  static grpc::Status Related(const v1::RelatedRequest& request) {
    v1::RelatedResponse response;
    return server_->search().Related(ServerProcess::Context().get(), request, &response);
  }
  static grpc::Status GetPost(const std::string& id) {
    v1::GetPostRequest request;
    request.set_id(id);
    v1::Post post;
    return server_->search().GetPost(ServerProcess::Context().get(), request, &post);
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* LimitsBeforeIndexTest::dir_ = nullptr;
ServerProcess* LimitsBeforeIndexTest::server_ = nullptr;

// Without this the test proves nothing: a request within the limits does
// reach the index, which is missing.
TEST_F(LimitsBeforeIndexTest, ARequestWithinTheLimitsReachesTheMissingIndex) {
  EXPECT_EQ(Search(Query("knee pain")).error_code(), grpc::StatusCode::UNAVAILABLE);
  v1::RelatedRequest related;
  related.set_id("some-post");
  EXPECT_EQ(Related(related).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetPost("some-post").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(LimitsBeforeIndexTest, SearchLimitsAreCheckedBeforeTheIndex) {
  struct Case {
    std::string what;
    v1::SearchRequest request;
    std::string names;
  };
  std::string many_terms;
  for (std::size_t i = 0; i <= kMaxQueryTerms; ++i) many_terms += "knee ";
  v1::SearchRequest too_large = Query("knee");
  too_large.set_limit(101);
  v1::SearchRequest too_large_page = Query("knee");
  too_large_page.set_page_size(101);
  v1::SearchRequest negative = Query("knee");
  negative.set_limit(-1);
  v1::SearchRequest too_deep = Query("knee");
  too_deep.set_offset(kMaxOffset + 1);
  v1::SearchRequest token_too_deep = Query("knee");
  token_too_deep.set_page_token(EncodePageToken({0, kMaxOffset + 1, ""}));
  v1::SearchRequest forged_token = Query("knee");
  forged_token.set_page_token("not-a-token");
  v1::SearchRequest long_turn = Query("and for children?");
  long_turn.add_context(std::string(16 * 1024 + 1, 'k'));
  v1::SearchRequest bad_date = Query("knee");
  bad_date.mutable_filter()->set_date_from("2021-02-30");
  const Case cases[] = {
      {"query bytes", Query(std::string(16 * 1024 + 1, 'k')), "limit of 16384 bytes"},
      {"query terms", Query(many_terms), "limit of 1024 terms"},
      {"blank query", Query(" \t "), "query"},
      {"limit", too_large, "limit"},
      {"page_size", too_large_page, "limit"},
      {"negative limit", negative, "limit"},
      {"offset", too_deep, "offset"},
      {"page token position", token_too_deep, "page_token"},
      {"unreadable page token", forged_token, "page_token"},
      {"context turn", long_turn, "context"},
      {"filter date", bad_date, "filter.date_from"},
  };
  for (const Case& c : cases) {
    const grpc::Status status = Search(c.request);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.what << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.names)) << c.what;
  }
}

TEST_F(LimitsBeforeIndexTest, RelatedAndGetPostLimitsAreCheckedBeforeTheIndex) {
  v1::RelatedRequest too_many;
  too_many.set_id("some-post");
  too_many.set_limit(kMaxOffset);
  v1::RelatedRequest no_id;
  for (const v1::RelatedRequest& request : {too_many, no_id}) {
    const grpc::Status status = Related(request);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << request.ShortDebugString() << ": " << status.error_message();
  }
  EXPECT_THAT(Related(too_many).error_message(), HasSubstr("limit"));
  EXPECT_THAT(Related(no_id).error_message(), HasSubstr("id"));
  const grpc::Status status = GetPost("");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("id"));
}

// gRPC itself refuses a message over the limit before any handler runs.
TEST_F(LimitsBeforeIndexTest, AnOversizedMessageIsRefusedByTheTransport) {
  const grpc::Status status =
      Search(Query(std::string(kMaxReceiveMessageBytes + 1, 'k')));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("larger than max"));
}

}  // namespace
}  // namespace guru
