// The rules every post must meet before it is indexed.
#include "core/post_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace guru {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::Post ValidPost() {
  v1::Post post;
  post.set_id("knee-pain-post-marathon-0123456789abcdef");
  post.set_answer("Rest it for a week.");
  return post;
}

// Expects INVALID_ARGUMENT naming `field` first.
void ExpectRejected(const v1::Post& post, std::string_view field) {
  const absl::Status status = ValidatePost(post);
  ASSERT_FALSE(status.ok()) << post.DebugString();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("field '" + std::string(field) + "'"));
}

TEST(ValidatePostTest, MinimalAndFullPostsAreValid) {
  EXPECT_TRUE(ValidatePost(ValidPost()).ok());
  v1::Post full = ValidPost();
  full.set_title("Knee pain");
  full.set_asked_on("2020-02-29");
  full.set_answered_on("2000-02-29");
  full.set_id(
      "kn\xC3\xA9"
      "e pain/post #1");  // Non-ASCII, spaces and slashes are fine.
  EXPECT_TRUE(ValidatePost(full).ok()) << ValidatePost(full);
}

// 100 results of the largest post must fit one response (issue 14, item 8).
TEST(ValidatePostTest, PostsLargerThanAResponseAllowsAreRejected) {
  v1::Post post = ValidPost();
  post.set_answer(std::string(kMaxPostBytes - 100, 'a'));
  EXPECT_TRUE(ValidatePost(post).ok());
  post.set_answer(std::string(kMaxPostBytes, 'a'));
  ExpectRejected(post, "post");
  EXPECT_THAT(std::string(ValidatePost(post).message()), HasSubstr("131072"));
}

TEST(ValidatePostTest, IdIsRequired) {
  v1::Post post = ValidPost();
  post.clear_id();
  ExpectRejected(post, "id");
  post.set_id(" \t ");
  ExpectRejected(post, "id");
}

TEST(ValidatePostTest, AUrlIsHttpOrHttps) {
  // Clients link to it: another scheme could run in a page that does not check.
  v1::Post post = ValidPost();
  for (const char* url : {"https://example.org/a", "HTTP://example.org/b"}) {
    post.set_url(url);
    EXPECT_TRUE(ValidatePost(post).ok()) << url;
  }
  for (const char* url : {"javascript:alert(1)", "data:text/html,x", "/relative/page",
                          "example.org/no-scheme"}) {
    post.set_url(url);
    ExpectRejected(post, "url");
  }
}

TEST(ValidatePostTest, IdLengthLimitIs256Bytes) {
  v1::Post post = ValidPost();
  post.set_id(std::string(kMaxPostIdBytes, 'a'));
  EXPECT_TRUE(ValidatePost(post).ok());
  post.set_id(std::string(kMaxPostIdBytes + 1, 'a'));
  ExpectRejected(post, "id");
  EXPECT_THAT(std::string(ValidatePost(post).message()), HasSubstr("257"));
  EXPECT_EQ(kMaxPostIdBytes, 256u);
}

TEST(ValidatePostTest, IdWithControlCharactersIsRejected) {
  for (const std::string& id : {std::string("a\tb"), std::string("a\nb"),
                                std::string("a\rb"), std::string("ab\x7f"),
                                std::string("\x1f"
                                            "ab"),
                                std::string("a\0b", 3)}) {
    v1::Post post = ValidPost();
    post.set_id(id);
    ExpectRejected(post, "id");
  }
}

TEST(ValidatePostTest, BlankAnswerIsRejected) {
  for (const char* answer : {"", "   ", "\n\n\t", "\xC2\xA0 \xC2\xA0"}) {
    v1::Post post = ValidPost();
    post.set_answer(answer);
    ExpectRejected(post, "answer");
  }
}

TEST(ValidatePostTest, InvalidDatesAreRejectedByField) {
  for (const char* date : {"2019-02-30", "2019-5-1", "May 20th, 2019", "2019-02-29",
                           "1900-02-29", "2019-05-20T00:00:00Z", " "}) {
    v1::Post asked = ValidPost();
    asked.set_asked_on(date);
    ExpectRejected(asked, "asked_on");
    v1::Post answered = ValidPost();
    answered.set_answered_on(date);
    ExpectRejected(answered, "answered_on");
  }
}

TEST(ValidatePostTest, EmptyDatesAreAllowed) {
  v1::Post post = ValidPost();
  post.set_asked_on("");
  post.set_answered_on("");
  EXPECT_TRUE(ValidatePost(post).ok());
}

}  // namespace
}  // namespace guru
