#include "core/safety_advice.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace guru {
namespace {

using ::testing::HasSubstr;

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(GURU_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SafetyAdviceTest, GivesEachLevelItsText) {
  absl::StatusOr<SafetyAdvice> advice = SafetyAdvice::Parse(
      "# a comment\n\nemergency = Call 112 now\ncrisis=Talk to someone: 0800 123\n",
      "test");
  ASSERT_TRUE(advice.ok()) << advice.status();
  EXPECT_EQ(advice->For(SafetyLevel::kEmergency), "Call 112 now");
  EXPECT_EQ(advice->For(SafetyLevel::kCrisis), "Talk to someone: 0800 123");
  EXPECT_EQ(advice->For(SafetyLevel::kSeeDoctor), "");
  EXPECT_EQ(advice->For(SafetyLevel::kNone), "");
  EXPECT_EQ(SafetyAdvice().For(SafetyLevel::kEmergency), "");
}

TEST(SafetyAdviceTest, ErrorsNameTheSourceAndLine) {
  const auto error = [](std::string_view text) {
    return std::string(SafetyAdvice::Parse(text, "advice.txt").status().message());
  };
  EXPECT_THAT(error("emergency = a\nurgent = b\n"),
              HasSubstr("advice.txt:2: unknown level 'urgent'"));
  EXPECT_THAT(error("crisis = a\ncrisis = b\n"),
              HasSubstr("advice.txt:2: level 'crisis' given twice"));
  EXPECT_THAT(error("\n\nsee_doctor =   \n"),
              HasSubstr("advice.txt:3: level 'see_doctor' has no"));
  EXPECT_THAT(error("call 999\n"), HasSubstr("advice.txt:1: expected `level = advice`"));
}

TEST(SafetyAdviceTest, TheShippedExamplesParseAndCoverEveryUrgentLevel) {
  for (const char* file : {"data/safety/advice-uk.txt", "data/safety/advice-us.txt"}) {
    const std::string text = ReadSource(file);
    ASSERT_FALSE(text.empty()) << file;
    absl::StatusOr<SafetyAdvice> advice = SafetyAdvice::Parse(text, file);
    ASSERT_TRUE(advice.ok()) << advice.status();
    for (SafetyLevel level :
         {SafetyLevel::kSeeDoctor, SafetyLevel::kEmergency, SafetyLevel::kCrisis}) {
      EXPECT_FALSE(advice->For(level).empty()) << file << " " << SafetyLevelName(level);
    }
  }
  EXPECT_THAT(SafetyAdvice::Parse(ReadSource("data/safety/advice-uk.txt"), "uk")
                  ->For(SafetyLevel::kEmergency),
              HasSubstr("999"));
  EXPECT_THAT(SafetyAdvice::Parse(ReadSource("data/safety/advice-us.txt"), "us")
                  ->For(SafetyLevel::kCrisis),
              HasSubstr("988"));
}

}  // namespace
}  // namespace guru
