// JSONL records <-> posts through protobuf's JSON mapping.
#include "core/post_json.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

namespace guru {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

JsonPost ParseOk(std::string_view json) {
  absl::StatusOr<JsonPost> parsed = ParsePostJson(json);
  EXPECT_TRUE(parsed.ok()) << json << ": " << parsed.status();
  return parsed.ok() ? *std::move(parsed) : JsonPost();
}

TEST(ParsePostJsonTest, ReadsEveryField) {
  const JsonPost parsed = ParseOk(
      R"({"id":"p1","title":"Shin pain","question":"My shins ache.","asker":"Ann",)"
      R"("asked_on":"2020-01-02","answer":"Rest a week.","expert":"The Guru",)"
      R"("answered_on":"2020-01-03","category":"shins","url":"https://x.org/p1",)"
      R"("tags":["running","shin splints"]})");
  const v1::Post& post = parsed.post;
  EXPECT_EQ(post.id(), "p1");
  EXPECT_EQ(post.title(), "Shin pain");
  EXPECT_EQ(post.question(), "My shins ache.");
  EXPECT_EQ(post.asker(), "Ann");
  EXPECT_EQ(post.asked_on(), "2020-01-02");
  EXPECT_EQ(post.answer(), "Rest a week.");
  EXPECT_EQ(post.expert(), "The Guru");
  EXPECT_EQ(post.answered_on(), "2020-01-03");
  EXPECT_EQ(post.category(), "shins");
  EXPECT_EQ(post.url(), "https://x.org/p1");
  EXPECT_THAT(post.tags(), ElementsAre("running", "shin splints"));
  EXPECT_THAT(parsed.warnings, IsEmpty());
}

TEST(ParsePostJsonTest, AcceptsProtoAndJsonFieldNames) {
  const JsonPost proto_names = ParseOk(
      R"({"id":"a","asked_on":"2019-05-20","answered_on":"2019-05-21","answer":"x"})");
  const JsonPost json_names = ParseOk(
      R"({"id":"a","askedOn":"2019-05-20","answeredOn":"2019-05-21","answer":"x"})");
  EXPECT_EQ(proto_names.post.asked_on(), "2019-05-20");
  EXPECT_EQ(proto_names.post.answered_on(), "2019-05-21");
  EXPECT_TRUE(MessageDifferencer::Equals(proto_names.post, json_names.post));
  EXPECT_THAT(json_names.warnings, IsEmpty());
}

TEST(ParsePostJsonTest, UnknownFieldsAreIgnoredWithAWarning) {
  const JsonPost parsed =
      ParseOk(R"({"id":"p3","answer":"x","unknown":{"nested":[1,2,3]},"title":"T"})");
  EXPECT_EQ(parsed.post.id(), "p3");
  EXPECT_EQ(parsed.post.answer(), "x");
  EXPECT_EQ(parsed.post.title(), "T");
  ASSERT_THAT(parsed.warnings, SizeIs(1));
  EXPECT_THAT(parsed.warnings[0], HasSubstr("unknown"));
}

void ExpectInvalid(std::string_view json) {
  absl::StatusOr<JsonPost> parsed = ParsePostJson(json);
  ASSERT_FALSE(parsed.ok()) << json << " parsed as " << parsed->post.DebugString();
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << json;
  EXPECT_THAT(std::string(parsed.status().message()), Not(IsEmpty()));
}

// Protobuf 3.21's parser alone tolerates some non-JSON (a trailing comma,
// single quotes, unknown escapes such as "\x"); ParsePostJson rejects those too.
TEST(ParsePostJsonTest, MalformedJsonIsInvalidArgument) {
  for (const char* json :
       {"", "{", "not json", R"({"id":"a")", R"({"id":"a"} trailing)",
        R"({"id":"a" "answer":"x"})", "[]", R"([{"id":"a","answer":"x"}])",
        "{\"id\":\"a\x01\"}", R"({"id":"a",})", R"({"id":'a'})", R"({"id":"a\x"})",
        R"({"id":"a","tags":["x",]})"}) {
    ExpectInvalid(json);
  }
}

TEST(ParsePostJsonTest, StrictnessErrorsSayWhere) {
  absl::StatusOr<JsonPost> trailing = ParsePostJson(R"({"id":"a",})");
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.status().message(),
            "not a valid post object: trailing comma at byte offset 10");
  absl::StatusOr<JsonPost> quote = ParsePostJson(R"({"id":'a'})");
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(
      quote.status().message(),
      "not a valid post object: single-quoted string (JSON needs double quotes) at byte "
      "offset 6");
  absl::StatusOr<JsonPost> escape = ParsePostJson(R"({"id":"a\x"})");
  ASSERT_FALSE(escape.ok());
  EXPECT_EQ(escape.status().message(),
            "not a valid post object: unknown escape at byte offset 8");
  // Escapes JSON allows are fine, including an escaped quote and \u.
  EXPECT_TRUE(ParsePostJson(R"({"id":"a\"b\u00e9\\","answer":"x\ny"})").ok());
}

// A string where a list belongs ("tags":"x") is read by protobuf 3.21 as a
// one-element list, so it is not among these type errors.
TEST(ParsePostJsonTest, WrongValueTypesAreInvalidArgument) {
  for (const char* json : {R"({"id":"a","title":{}})", R"({"id":"a","title":["x"]})",
                           R"({"id":"a","tags":[{}]})", R"({"id":"a","answer":true})",
                           R"({"id":123,"answer":"x"})",
                           // An unknown field must not let a type error through.
                           R"({"id":"a","unknown":1,"title":{}})"}) {
    ExpectInvalid(json);
  }
}

// Protobuf's parser keeps one of two values given for a key without a word
// (issue 14): which title a post gets must not depend on that.
TEST(ParsePostJsonTest, AKeyGivenTwiceIsRejectedNamingIt) {
  const auto message = [](std::string_view json) {
    absl::StatusOr<JsonPost> parsed = ParsePostJson(json);
    EXPECT_FALSE(parsed.ok()) << json << " parsed as " << parsed->post.DebugString();
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << json;
    return std::string(parsed.status().message());
  };
  EXPECT_EQ(message(R"({"id":"a","title":"x","answer":"y","title":"z"})"),
            "field 'title': given more than once");
  EXPECT_EQ(message(R"({"id":"a","tags":["x"],"answer":"y","tags":["z"]})"),
            "field 'tags': given more than once");
  // Both names of a field, or an escaped spelling, are the same key.
  EXPECT_EQ(message(R"({"id":"a","asked_on":"2020-01-02","answer":"y",)"
                    R"("askedOn":"2020-01-03"})"),
            "field 'asked_on': given more than once (as 'asked_on' and 'askedOn')");
  EXPECT_EQ(message(R"({"id":"a","answer":"y","\u0074itle":"x","title":"z"})"),
            "field 'title': given more than once (as '\\u0074itle' and 'title')");
  // Unknown keys too, at any depth.
  EXPECT_EQ(message(R"({"id":"a","answer":"y","extra":1,"extra":2})"),
            "field 'extra': given more than once");
  EXPECT_EQ(message(R"({"id":"a","answer":"y","extra":{"k":1,"k":2}})"),
            "key 'k': given more than once");
  // The same key in different objects, and keys that look alike, are fine.
  EXPECT_TRUE(
      ParsePostJson(R"({"id":"a","answer":"y","x":{"id":1},"y":[{"k":1},{"k":2}],)"
                    R"("Title":"t","note":"\"title\": twice, \"title\""})")
          .ok());
}

TEST(PostToJsonTest, RoundTripsOnOneLineWithProtoNames) {
  v1::Post post;
  post.set_id("knee-pain-post-marathon-0123456789abcdef");
  post.set_title("Knee pain \"post\" marathon");
  post.set_question("Since running the marathon last month, I\xE2\x80\x99ve had pain.");
  post.set_asker("Beth");
  post.set_asked_on("2019-05-20");
  post.set_answer("well done.\n\nOne of the skills\tis \\ pacing.");
  post.set_expert("The Guru");
  post.set_answered_on("2019-05-21");
  post.set_category("knees");
  post.set_url("https://example.org/knees?a=1&b=<2>");
  post.add_tags("running");
  post.add_tags("knee");
  const std::string json = internal::PostToJson(post);
  EXPECT_THAT(json, Not(HasSubstr("\n")));
  EXPECT_THAT(json, HasSubstr("\"asked_on\""));
  EXPECT_THAT(json, HasSubstr("\"answered_on\""));
  EXPECT_THAT(json, Not(HasSubstr("askedOn")));
  const JsonPost back = ParseOk(json);
  EXPECT_TRUE(MessageDifferencer::Equals(back.post, post)) << json;
  EXPECT_THAT(back.warnings, IsEmpty());
}

TEST(PostToJsonTest, EmptyPostRoundTrips) {
  const JsonPost back = ParseOk(internal::PostToJson(v1::Post()));
  EXPECT_TRUE(MessageDifferencer::Equals(back.post, v1::Post()));
}

}  // namespace
}  // namespace guru
