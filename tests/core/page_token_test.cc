#include "core/page_token.h"

#include <gtest/gtest.h>

namespace guru {
namespace {

TEST(PageTokenTest, RoundTrips) {
  const PageToken token{0x0123456789ABCDEFULL, 40, "a1b2-c3d4:e5f6"};
  const std::string text = EncodePageToken(token);
  EXPECT_EQ(text.find_first_of("+/= "), std::string::npos) << text;
  absl::StatusOr<PageToken> decoded = DecodePageToken(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->request_fingerprint, token.request_fingerprint);
  EXPECT_EQ(decoded->offset, 40);
  EXPECT_EQ(decoded->index_id, token.index_id);
}

TEST(PageTokenTest, RejectsWhatItDidNotWrite) {
  for (const std::string& text :
       {std::string("not base64 !"), std::string("AAAA"), std::string(5000, 'A'),
        // Version 2's header with no checksum; version 1's layout.
        std::string("MgAAAAAAAAAAAAAAAAAAAAAA"),
        std::string("MQAAAAAAAAAAAAAAAAAAAAAA")}) {
    absl::StatusOr<PageToken> decoded = DecodePageToken(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("page_token"), std::string::npos);
  }
}

TEST(PageTokenTest, ACutOrAlteredTokenIsRejected) {
  const std::string token = EncodePageToken({42, 10, "8f3c2a9e-index-uuid"});
  ASSERT_TRUE(DecodePageToken(token).ok());
  for (std::size_t cut = 1; cut <= 4; ++cut) {
    const absl::StatusOr<PageToken> decoded =
        DecodePageToken(token.substr(0, token.size() - cut));
    ASSERT_FALSE(decoded.ok()) << cut;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  }
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    const absl::StatusOr<PageToken> decoded = DecodePageToken(altered);
    ASSERT_FALSE(decoded.ok()) << i;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << i;
  }
}

// Whatever the token's length, its last character carries unused bits when
// the bytes are not a multiple of three: changing them used to give a token
// that was accepted although it was not the one issued.
TEST(PageTokenTest, EveryChangeToTheLastCharacterIsRejected) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (const std::string index_id : {"", "a", "ab", "abc"}) {
    const std::string token = EncodePageToken({42, 10, index_id});
    for (const char c : kAlphabet) {
      if (c == token.back()) continue;
      const std::string altered = token.substr(0, token.size() - 1) + c;
      const absl::StatusOr<PageToken> decoded = DecodePageToken(altered);
      ASSERT_FALSE(decoded.ok()) << altered;
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace guru
