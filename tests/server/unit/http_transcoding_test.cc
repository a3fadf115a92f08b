#include "server/http_transcoding.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "guru/v1/search.pb.h"

namespace guru {
namespace {

const google::protobuf::ServiceDescriptor& GuruSearch() {
  return *v1::SearchRequest::descriptor()->file()->FindServiceByName("GuruSearch");
}

class HttpTranscodingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<HttpRouteTable> routes = HttpRouteTable::FromService(GuruSearch());
    ASSERT_TRUE(routes.ok()) << routes.status();
    routes_ = *std::move(routes);
  }

  HttpMatch Match(std::string_view verb, std::string_view path) {
    no_match_ = {};
    return routes_.Match(verb, path, no_match_);
  }

  HttpRouteTable routes_;
  HttpNoMatch no_match_;
};

TEST_F(HttpTranscodingTest, EveryRpcHasTheRouteTheContractDeclares) {
  std::vector<std::string> routes;
  for (const HttpRoute& route : routes_.routes()) {
    std::string path;
    for (const std::string& segment : route.segments) path += "/" + segment;
    routes.push_back(route.verb + " " + path + " " + route.method->name());
  }
  EXPECT_EQ(routes,
            (std::vector<std::string>{
                "POST /v1/search Search", "GET /v1/posts/{id} GetPost",
                "GET /v1/posts/{id}/related Related", "POST /v1/safety CheckSafety"}));
}

TEST_F(HttpTranscodingTest, PathVariablesArePercentDecodedSoIdsMayHoldSlashes) {
  HttpMatch match = Match("GET", "/v1/posts/a%2Fb%20c/related");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method->name(), "Related");
  ASSERT_EQ(match.path_fields.size(), 1u);
  EXPECT_EQ(match.path_fields[0].second, "a/b c");
  v1::RelatedRequest request;
  ASSERT_TRUE(BuildHttpRequest(match, "", "limit=3", request).ok());
  EXPECT_EQ(request.id(), "a/b c");
  EXPECT_EQ(request.limit(), 3);
}

TEST_F(HttpTranscodingTest, AWrongVerbListsTheAllowedOnesAndAnUnknownPathNone) {
  EXPECT_EQ(Match("GET", "/v1/search").route, nullptr);
  EXPECT_EQ(no_match_.allowed_verbs, std::vector<std::string>{"POST"});
  EXPECT_EQ(Match("GET", "/v1/nothing").route, nullptr);
  EXPECT_TRUE(no_match_.allowed_verbs.empty());
  EXPECT_EQ(Match("GET", "/v1/posts").route, nullptr);
  EXPECT_TRUE(no_match_.allowed_verbs.empty());
}

TEST_F(HttpTranscodingTest, TheBodyTakesBothJsonNamesAndProtoNames) {
  HttpMatch match = Match("POST", "/v1/search");
  ASSERT_NE(match.route, nullptr);
  v1::SearchRequest request;
  ASSERT_TRUE(BuildHttpRequest(
                  match,
                  R"({"query":"knee","pageSize":3,"filter":{"date_from":"2020-01-01"}})",
                  "", request)
                  .ok());
  EXPECT_EQ(request.query(), "knee");
  EXPECT_EQ(request.page_size(), 3);
  EXPECT_EQ(request.filter().date_from(), "2020-01-01");
}

TEST_F(HttpTranscodingTest, AnEmptyBodyIsAnEmptyRequestForTheServiceToJudge) {
  v1::SearchRequest request;
  EXPECT_TRUE(BuildHttpRequest(Match("POST", "/v1/search"), "", "", request).ok());
  EXPECT_EQ(request.query(), "");
}

TEST_F(HttpTranscodingTest, BadBodiesAndParametersNameWhatIsWrong) {
  v1::SearchRequest search;
  absl::Status status =
      BuildHttpRequest(Match("POST", "/v1/search"), "{not json", "", search);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("body: not a guru.v1.SearchRequest"),
            std::string::npos);

  status = BuildHttpRequest(Match("POST", "/v1/search"), R"({"qurey":"x"})", "", search);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("qurey"), std::string::npos) << status.message();

  v1::RelatedRequest related;
  const HttpMatch match = Match("GET", "/v1/posts/p1/related");
  status = BuildHttpRequest(match, "", "limit=ten", related);
  EXPECT_EQ(status.message(), "limit: 'ten' is not a 32-bit integer");
  status = BuildHttpRequest(match, "", "limit=99999999999", related);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = BuildHttpRequest(match, "", "lmit=3", related);
  EXPECT_EQ(status.message(), "unknown parameter 'lmit'");
}

TEST_F(HttpTranscodingTest, QueryParametersReachNestedRepeatedAndEnumFields) {
  v1::SearchRequest request;
  const HttpMatch match = Match("POST", "/v1/search");
  ASSERT_TRUE(BuildHttpRequest(match, "{}",
                               "query=sore+knee%21&filter.categories=knees&"
                               "filter.categories=running&filter.dateTo=2021-01-01",
                               request)
                  .ok());
  EXPECT_EQ(request.query(), "sore knee!");
  ASSERT_EQ(request.filter().categories_size(), 2);
  EXPECT_EQ(request.filter().categories(1), "running");
  EXPECT_EQ(request.filter().date_to(), "2021-01-01");
  absl::Status status = BuildHttpRequest(match, "{}", "filter=knees", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpTranscodingTest, ThePathWinsOverTheQueryString) {
  v1::GetPostRequest request;
  ASSERT_TRUE(
      BuildHttpRequest(Match("GET", "/v1/posts/real"), "", "id=other", request).ok());
  EXPECT_EQ(request.id(), "real");
}

TEST_F(HttpTranscodingTest, TextThatIsNotUtf8IsRefusedWhereItIsRead) {
  v1::GetPostRequest get;
  absl::Status status = BuildHttpRequest(Match("GET", "/v1/posts/%ff"), "", "", get);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "id: not valid UTF-8 (at byte 0)");
  v1::SearchRequest search;
  status = BuildHttpRequest(Match("POST", "/v1/search"), "{}", "query=knee%ff", search);
  EXPECT_EQ(status.message(), "query: not valid UTF-8 (at byte 4)");
}

TEST(HttpStatusTest, FollowsGooglesApiDesignGuide) {
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::OK), 200);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::OUT_OF_RANGE), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::ABORTED), 409);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::CANCELLED), 499);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INTERNAL), 500);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::DATA_LOSS), 500);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNKNOWN), 500);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNIMPLEMENTED), 501);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
}

TEST(HttpStatusTest, ErrorBodiesAreJsonWithTheCodeItsNameAndTheMessage) {
  EXPECT_EQ(ErrorJson(grpc::StatusCode::NOT_FOUND, "no post \"x\"\n"),
            R"({"code":5,"status":"NOT_FOUND","message":"no post \"x\"\n"})");
}

TEST(HttpStatusTest, AnErrorBodyIsUtf8WhateverTheMessageEchoes) {
  // A parameter or body echoed into the message may hold any bytes.
  EXPECT_EQ(
      ErrorJson(grpc::StatusCode::INVALID_ARGUMENT, "unknown parameter '\xff\xc3'"),
      R"({"code":3,"status":"INVALID_ARGUMENT","message":"unknown parameter '\ufffd\ufffd'"})");
  EXPECT_EQ(ErrorJson(grpc::StatusCode::INVALID_ARGUMENT, "caf\xc3\xa9"),
            "{\"code\":3,\"status\":\"INVALID_ARGUMENT\",\"message\":\"caf\xc3\xa9\"}");
}

TEST(PercentDecodeTest, DecodesEscapesAndKeepsMalformedOnes) {
  EXPECT_EQ(PercentDecode("a%2Fb+c%zz%4", false), "a/b+c%zz%4");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
}

TEST(MessageToJsonTest, EveryPrimitiveFieldIsPresentEvenWhenZero) {
  v1::SearchResponse response;
  response.add_results()->mutable_post()->set_id("p1");
  absl::StatusOr<std::string> json = MessageToJson(response);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find("\"categoryFacets\":[]"), std::string::npos) << *json;
  EXPECT_NE(json->find("\"totalEstimate\":\"0\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"id\":\"p1\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"answerStatus\":\"ANSWER_STATUS_UNSPECIFIED\""),
            std::string::npos)
      << *json;
}

// What protobuf's own printer makes of a message, and ours, must be the same
// message when read back: names, enums, 64-bit integers, doubles, escapes.
TEST(MessageToJsonTest, ReadsBackAsProtobufsOwnPrintingDoes) {
  v1::SearchResponse response;
  response.set_total_estimate(9007199254740993);  // Not exact as a double.
  response.set_answer_status(v1::ANSWERED);
  response.set_next_page_token("tok/+=");
  v1::SearchResult& result = *response.add_results();
  result.set_score(7.3210455291814167);
  result.set_confidence(1e-300);
  v1::Post& post = *result.mutable_post();
  post.set_id("id \"quoted\" back\\slash \x01\x1f tab\t nl\n é ✓ 😀");
  post.add_tags("a");
  post.add_tags("");
  response.add_category_facets()->set_count(-3);

  absl::StatusOr<std::string> ours = MessageToJson(response);
  ASSERT_TRUE(ours.ok()) << ours.status();
  v1::SearchResponse read_back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*ours, &read_back).ok())
      << *ours;
  EXPECT_EQ(read_back.SerializeAsString(), response.SerializeAsString()) << *ours;

  std::string theirs;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  ASSERT_TRUE(
      google::protobuf::util::MessageToJsonString(response, &theirs, options).ok());
  google::protobuf::Value ours_value;
  google::protobuf::Value theirs_value;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*ours, &ours_value).ok());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(theirs, &theirs_value).ok());
  // The same keys and values, whatever the order and number formatting.
  EXPECT_EQ(ours_value.struct_value().fields().size(),
            theirs_value.struct_value().fields().size());
  for (const auto& [key, value] : theirs_value.struct_value().fields()) {
    EXPECT_TRUE(ours_value.struct_value().fields().contains(key)) << key;
  }
}

TEST(MessageToJsonTest, NonFiniteDoublesAreTheMappingsStrings) {
  v1::SearchResult result;
  result.set_score(std::numeric_limits<double>::infinity());
  result.set_confidence(std::nan(""));
  absl::StatusOr<std::string> json = MessageToJson(result);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find("\"score\":\"Infinity\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"confidence\":\"NaN\""), std::string::npos) << *json;
}

TEST(MessageToJsonTest, AStringThatIsNotUtf8IsAnErrorNotBrokenJson) {
  v1::Post post;
  post.set_id("\xff\xfe");
  EXPECT_EQ(MessageToJson(post).status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace guru
