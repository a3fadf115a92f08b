// The safety signal end to end through the real guru-server: on every
// Search response (NO_MATCH included) with the deployment's advice, across
// the turns of a conversation, from CheckSafety while no index exists, in
// the metrics, and a start refused for a broken rules or advice file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::guru::testing::Child;
using ::guru::testing::MetricsPort;
using ::guru::testing::MetricValue;
using ::guru::testing::RunIndexer;
using ::guru::testing::ScrapeMetrics;
using ::guru::testing::ServerProcess;
using ::guru::testing::SourcePath;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kEmergency =
    "I have crushing chest pain spreading to my left arm and I'm sweating";

std::vector<std::string> Codes(const v1::Safety& safety) {
  std::vector<std::string> codes;
  for (const v1::SafetySign& sign : safety.signs()) codes.push_back(sign.code());
  return codes;
}

class SafetyE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto indexed = RunIndexer({"--db", dir_->Sub("db"), SourcePath("data/sample")});
    ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
    server_ = std::make_unique<ServerProcess>(
        dir_->Sub("db"), std::vector<std::string>{"--safety-advice",
                                                  SourcePath("data/safety/advice-uk.txt"),
                                                  "--metrics-listen", "127.0.0.1:0"});
    ASSERT_TRUE(server_->WaitForHealth(HealthCheckResponse::SERVING))
        << server_->process().err();
  }
  static void TearDownTestSuite() {
    server_.reset();
    delete dir_;
  }

  static v1::SearchResponse Search(const std::string& query,
                                   const std::vector<std::string>& context = {}) {
    v1::SearchRequest request;
    request.set_query(query);
    for (const std::string& turn : context) request.add_context(turn);
    v1::SearchResponse response;
    const grpc::Status status =
        server_->search().Search(ServerProcess::Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << query << ": " << status.error_message();
    return response;
  }

  static TempDir* dir_;
  static std::unique_ptr<ServerProcess> server_;
};
TempDir* SafetyE2eTest::dir_ = nullptr;
std::unique_ptr<ServerProcess> SafetyE2eTest::server_;

TEST_F(SafetyE2eTest, AnEmergencyIsFlaggedWithItsSignsAndAdviceAndResultsStillCome) {
  const v1::SearchResponse response = Search(kEmergency);
  const v1::Safety& safety = response.safety();
  EXPECT_EQ(safety.level(), v1::SAFETY_LEVEL_EMERGENCY);
  ASSERT_THAT(safety.signs(), Not(IsEmpty()));
  for (const v1::SafetySign& sign : safety.signs()) {
    EXPECT_THAT(sign.code(), Not(IsEmpty()));
    EXPECT_THAT(sign.description(), Not(IsEmpty()));
    EXPECT_EQ(sign.turn(), 0);
    EXPECT_LT(sign.span().start(), sign.span().end());
  }
  EXPECT_THAT(safety.advice(), HasSubstr("999"));
  EXPECT_THAT(response.results(), Not(IsEmpty()));  // The person may want to read.
}

TEST_F(SafetyE2eTest, ACrisisIsFlaggedEvenWhenNothingMatches) {
  const v1::SearchResponse response = Search("I want to kill myself");
  EXPECT_EQ(response.safety().level(), v1::SAFETY_LEVEL_CRISIS);
  EXPECT_THAT(response.safety().advice(), HasSubstr("Samaritans"));
  // A message no post answers, after a turn in crisis: NO_MATCH, no results,
  // and the signal and advice all the same.
  const v1::SearchResponse no_match =
      Search("qwxzv blorptang", {"I don't want to be alive anymore"});
  EXPECT_EQ(no_match.answer_status(), v1::NO_MATCH);
  EXPECT_THAT(no_match.results(), IsEmpty());
  EXPECT_EQ(no_match.safety().level(), v1::SAFETY_LEVEL_CRISIS);
  EXPECT_THAT(no_match.safety().signs(), Not(IsEmpty()));
  EXPECT_THAT(no_match.safety().advice(), HasSubstr("Samaritans"));
}

TEST_F(SafetyE2eTest, AnEmergencyIsFlaggedEvenWhenNothingMatches) {
  const v1::SearchResponse response =
      Search("qwxzv blorptang", {"I have crushing chest pain spreading to my left arm"});
  EXPECT_EQ(response.answer_status(), v1::NO_MATCH);
  EXPECT_THAT(response.results(), IsEmpty());
  EXPECT_EQ(response.safety().level(), v1::SAFETY_LEVEL_EMERGENCY);
  EXPECT_THAT(response.safety().signs(), Not(IsEmpty()));
  EXPECT_THAT(response.safety().advice(), HasSubstr("999"));
}

TEST_F(SafetyE2eTest, AnOrdinaryQuestionIsNoneWithoutAdvice) {
  const v1::SearchResponse response = Search("my knee hurts when I run downhill");
  EXPECT_EQ(response.safety().level(), v1::SAFETY_LEVEL_NONE);
  EXPECT_THAT(response.safety().signs(), IsEmpty());
  EXPECT_EQ(response.safety().advice(), "");
  // A figure of speech is not a crisis.
  EXPECT_EQ(Search("this stiff neck is killing me").safety().level(),
            v1::SAFETY_LEVEL_NONE);
}

TEST_F(SafetyE2eTest, SignsAddUpAcrossTheTurnsOfAConversation) {
  const v1::SearchResponse response =
      Search("now my left arm has gone numb", {"my chest feels really tight"});
  EXPECT_EQ(response.safety().level(), v1::SAFETY_LEVEL_EMERGENCY);
  bool from_context = false;
  for (const v1::SafetySign& sign : response.safety().signs()) {
    from_context = from_context || sign.turn() == 1;
  }
  EXPECT_TRUE(from_context) << "no sign reported from context[0]";
}

TEST_F(SafetyE2eTest, CheckSafetyAnswersAsSearchDoes) {
  v1::CheckSafetyRequest request;
  request.set_query(kEmergency);
  v1::Safety safety;
  ASSERT_TRUE(server_->search()
                  .CheckSafety(ServerProcess::Context().get(), request, &safety)
                  .ok());
  EXPECT_EQ(safety.level(), v1::SAFETY_LEVEL_EMERGENCY);
  EXPECT_EQ(Codes(safety), Codes(Search(kEmergency).safety()));

  request.set_query("   ");
  const grpc::Status empty =
      server_->search().CheckSafety(ServerProcess::Context().get(), request, &safety);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("query"));
}

TEST_F(SafetyE2eTest, MetricsCountAssessmentsByLevelNeverText) {
  const int port = MetricsPort(server_->process());
  ASSERT_NE(port, 0);
  const std::string series = "guru_safety_total{level=\"crisis\"}";
  const double before = MetricValue(ScrapeMetrics(port), series);
  ASSERT_GE(before, 0);
  Search("I don't want to be alive anymore");
  const std::string after = ScrapeMetrics(port);
  EXPECT_EQ(MetricValue(after, series), before + 1);
  EXPECT_GE(MetricValue(after, "guru_safety_total{level=\"none\"}"), 0);
  EXPECT_THAT(after, Not(HasSubstr("alive")));
  EXPECT_THAT(server_->process().err(), Not(HasSubstr("alive")));
}

TEST(SafetyWithoutIndexTest, CheckSafetyWorksWhileTheIndexIsMissing) {
  TempDir dir;
  ServerProcess server(dir.Sub("no-index-yet"));
  v1::SearchRequest search;
  search.set_query(kEmergency);
  v1::SearchResponse response;
  EXPECT_EQ(server.search()
                .Search(ServerProcess::Context().get(), search, &response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  v1::CheckSafetyRequest request;
  request.set_query("my friend took a whole bottle of pills and won't wake up");
  v1::Safety safety;
  ASSERT_TRUE(
      server.search().CheckSafety(ServerProcess::Context().get(), request, &safety).ok());
  EXPECT_GE(safety.level(), v1::SAFETY_LEVEL_EMERGENCY);
}

// The version line of a rules file ("version 2026-12-01.4").
std::string RulesVersion(const std::string& rules) {
  std::istringstream lines(rules);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("version ", 0) == 0) return line.substr(8);
  }
  return "";
}

TEST(SafetyStartTest, TheLogNamesTheSafetyRulesVersionServed) {
  TempDir dir;
  const std::string shipped = testing::ReadFile(SourcePath("data/safety/rules.txt"));
  const std::string version = RulesVersion(shipped);
  ASSERT_THAT(version, Not(IsEmpty()));
  {  // The built-in rules: those of data/safety/rules.txt.
    ServerProcess server(dir.Sub("db"));
    ASSERT_GT(server.port(), 0);
    EXPECT_THAT(server.process().err(), HasSubstr("safety rules " + version + " ("));
  }
  // A rules file of its own: its version, not the built-in one.
  std::string own = shipped;
  own.replace(own.find("version " + version), 8 + version.size(), "version test-rules-7");
  ASSERT_EQ(RulesVersion(own), "test-rules-7");
  ServerProcess server(dir.Sub("db"),
                       {"--safety-rules", dir.WriteFile("rules.txt", own)});
  ASSERT_GT(server.port(), 0);
  EXPECT_THAT(server.process().err(), HasSubstr("safety rules test-rules-7 ("));
  EXPECT_THAT(server.process().err(), Not(HasSubstr("safety rules " + version)));
}

TEST(SafetyStartTest, ABrokenRulesOrAdviceFileStopsTheStart) {
  TempDir dir;
  const std::string advice =
      dir.WriteFile("advice.txt", "emergency = Call 112\nurgent = x\n");
  testing::RunResult run =
      testing::Run({GURU_SERVER_BIN, "--db", dir.Sub("db"), "--listen", "127.0.0.1:0",
                    "--safety-advice", advice});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(advice + ":2"));
  EXPECT_THAT(run.err, HasSubstr("urgent"));

  const std::string rules = dir.WriteFile("rules.txt", "this is not a rules file\n");
  run = testing::Run({GURU_SERVER_BIN, "--db", dir.Sub("db"), "--listen", "127.0.0.1:0",
                      "--safety-rules", rules});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(rules));

  run = testing::Run({GURU_SERVER_BIN, "--db", dir.Sub("db"), "--listen", "127.0.0.1:0",
                      "--safety-rules", dir.Sub("missing.txt")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--safety-rules"));
}

}  // namespace
}  // namespace guru
