#include "server/limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace guru {
namespace {

using ::testing::HasSubstr;

TEST(LimitsTest, QueryBytesOverTheLimitNamesIt) {
  const absl::Status status = CheckQueryLimits(std::string(101, 'a'), 100).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("query: 101 bytes"));
  EXPECT_THAT(status.message(), HasSubstr("limit of 100 bytes"));
  EXPECT_TRUE(CheckQueryLimits(std::string(100, 'a'), 100).ok());
}

TEST(LimitsTest, QueryTermsCountSearchableWordsOnly) {
  std::string words;
  for (std::size_t i = 0; i < kMaxQueryTerms; ++i) words += "knee ";
  EXPECT_TRUE(CheckQueryLimits(words, 1 << 20).ok());
  // Stopwords and punctuation are not terms.
  EXPECT_TRUE(CheckQueryLimits(words + " the of and !!! ,,,", 1 << 20).ok());
  const absl::Status over = CheckQueryLimits(words + "ankle", 1 << 20).status();
  EXPECT_EQ(over.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(over.message(), HasSubstr("limit of 1024 terms"));
}

}  // namespace
}  // namespace guru
