// Byte limits never cut text inside a UTF-8 character: posts whose every
// field is 199 ASCII bytes then "é" (across the 200-byte limits of filter
// values and id terms), and whose answer is one 33,000-byte run of
// three-byte characters (across the passage scan bound), are indexed by the
// real guru-indexer and served by a real guru-server, and every Search,
// GetPost and Related that returns them succeeds. A split character would be
// invalid UTF-8, which no client can parse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::RunIndexer;
using ::guru::testing::ServerProcess;
using ::guru::testing::TempDir;
using ::testing::SizeIs;

const std::string kPad(199, 'x');
const std::string kCut = kPad + "\xC3\xA9";  // 201 bytes: "é" spans bytes 200-201.

std::string LongAnswer() {
  std::string answer;
  for (int i = 0; i < 11000; ++i) answer += "\xE6\x97\xA5";  // U+65E5, no spaces.
  return answer;
}

// One post as JSON, every text field crossing a 200-byte limit.
std::string PostJson(const std::string& id, const std::string& title_word) {
  return R"({"id":")" + id + R"(","title":"zebra )" + title_word + " " + kCut +
         R"(","question":"zebra knee )" + kCut + R"(","asker":")" + kCut +
         R"(","answer":")" + LongAnswer() + R"(","expert":")" + kCut +
         R"(","category":")" + kCut + R"(","tags":[")" + kCut + R"(","short"]})";
}

grpc::Status Search(ServerProcess& server, v1::SearchResponse& response,
                    const std::vector<std::string>& categories = {}) {
  v1::SearchRequest request;
  request.set_query("zebra knee");
  request.set_include_facets(true);
  for (const std::string& category : categories) {
    request.mutable_filter()->add_categories(category);
  }
  return server.search().Search(ServerProcess::Context().get(), request, &response);
}

TEST(Utf8LimitsTest, PostsWithACharacterAcrossEveryByteLimitAreServed) {
  TempDir dir;
  const std::string first_id = kPad + "\xC3\xA9";
  const std::string second_id = kPad + "\xC3\xA8";
  std::string posts =
      PostJson(first_id, "one") + "\n" + PostJson(second_id, "two") + "\n";
  // Other posts, so that the two share rare words and are related.
  for (const char* topic :
       {"ankle sprain", "shoulder clicks", "back pain", "shin splints", "sore heel"}) {
    posts += R"({"id":")" + std::string(topic) + R"(","title":")" + topic +
             R"(","answer":"Rest and ice."})" + "\n";
  }
  const std::string input = dir.WriteFile("posts.jsonl", posts);
  const auto indexed = RunIndexer({"--db", dir.Sub("db"), input});
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  ServerProcess server(dir.Sub("db"));
  ASSERT_TRUE(server.WaitForHealth(grpc::health::v1::HealthCheckResponse::SERVING));

  v1::SearchResponse found;
  const grpc::Status search = Search(server, found);
  ASSERT_TRUE(search.ok()) << search.error_code() << " " << search.error_message();
  ASSERT_THAT(found.results(), SizeIs(2));
  ASSERT_THAT(found.category_facets(), SizeIs(1));
  // The facet is the category cut before "é", and filtering by it finds both.
  EXPECT_EQ(found.category_facets(0).value(), kPad);
  v1::SearchResponse filtered;
  ASSERT_TRUE(Search(server, filtered, {found.category_facets(0).value()}).ok());
  EXPECT_THAT(filtered.results(), SizeIs(2));

  v1::GetPostRequest get;
  get.set_id(first_id);
  v1::Post post;
  const grpc::Status got =
      server.search().GetPost(ServerProcess::Context().get(), get, &post);
  ASSERT_TRUE(got.ok()) << got.error_code() << " " << got.error_message();
  EXPECT_EQ(post.id(), first_id);
  EXPECT_EQ(post.category(), kCut);
  EXPECT_TRUE(post.answer() == LongAnswer());

  v1::RelatedRequest related_request;
  related_request.set_id(first_id);
  v1::RelatedResponse related;
  const grpc::Status related_status =
      server.search().Related(ServerProcess::Context().get(), related_request, &related);
  ASSERT_TRUE(related_status.ok())
      << related_status.error_code() << " " << related_status.error_message();
  ASSERT_THAT(related.results(), SizeIs(1));
}

}  // namespace
}  // namespace guru
