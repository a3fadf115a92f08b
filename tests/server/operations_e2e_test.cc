// Operations an operator can see: the vocabulary logged at start (a warning
// when the index has none), one log line per index reload, the access log
// without query text (--access-log), guru_answers_total{status},
// guru_build_info and the process metrics, and guru-query's --json,
// --category/--expert/--date-* filters and --context. A real guru-server
// on 127.0.0.1:0 over a real index built by guru-indexer.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "core/version.h"
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
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kWait = std::chrono::seconds(10);

std::string SampleIndex(const TempDir& dir, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"--db", dir.Sub("db")};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(SourcePath("data/sample"));
  const auto indexed = RunIndexer(args);
  EXPECT_EQ(indexed.exit_code, 0) << indexed.err;
  return dir.Sub("db");
}

// The first log line holding `needle`, whether it was read before (the
// server may log it before the line ServerProcess waits for) or comes
// within `timeout`; empty if neither.
std::string LogLine(Child& child, const std::string& needle,
                    std::chrono::milliseconds timeout = kWait) {
  const std::string& err = child.err();
  if (const std::size_t at = err.find(needle); at != std::string::npos) {
    const std::size_t start = err.rfind('\n', at);
    const std::size_t begin = start == std::string::npos ? 0 : start + 1;
    return err.substr(begin, err.find('\n', at) - begin);
  }
  return child.WaitForLine(needle, timeout);
}

grpc::Status Search(ServerProcess& server, const std::string& query,
                    v1::SearchResponse& response) {
  v1::SearchRequest request;
  request.set_query(query);
  return server.search().Search(ServerProcess::Context().get(), request, &response);
}

TEST(OperationsTest, StartLogsTheIndexRevisionAndVocabulary) {
  TempDir dir;
  ServerProcess server(SampleIndex(dir), {"--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  EXPECT_THAT(
      LogLine(server.process(), " opened: "),
      AllOf(ContainsRegex("revision [0-9]+, 33 posts, [0-9.]+ ms"),
            HasSubstr("vocabulary lay-clinical version"), HasSubstr("(built in)")));
  EXPECT_THAT(server.process().err(), Not(HasSubstr("has no vocabulary")));
}

TEST(OperationsTest, AnIndexWithoutVocabularyIsWarnedAbout) {
  TempDir dir;
  ServerProcess server(SampleIndex(dir, {"--synonyms", "none"}),
                       {"--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  EXPECT_THAT(LogLine(server.process(), "has no vocabulary"),
              AllOf(HasSubstr("warn"), HasSubstr("built with --synonyms none"),
                    HasSubstr("--synonyms built-in")));
}

TEST(OperationsTest, EachReloadIsLoggedWithRevisionPostsAndTime) {
  TempDir dir;
  const std::string db = SampleIndex(dir);
  ServerProcess server(db, {"--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  const std::string opened = LogLine(server.process(), " opened: ");
  ASSERT_THAT(opened, ContainsRegex("revision [0-9]+"));
  const auto added = RunIndexer(
      {"--db", db, "-"},
      R"({"id":"new-post","title":"Wrist ache","answer":"Rest the wrist for a week."})"
      "\n");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string reloaded = server.process().WaitForLine(" reloaded: ", kWait);
  EXPECT_THAT(reloaded, AllOf(HasSubstr("info"),
                              ContainsRegex("revision [0-9]+ \\(was [0-9]+\\), 34 posts "
                                            "\\(\\+1\\), [0-9.]+ ms")));
  // The vocabulary did not change: not repeated.
  EXPECT_THAT(reloaded, Not(HasSubstr("vocabulary")));

  // Emptying the vocabulary is a reload that says so, with the warning.
  ASSERT_EQ(RunIndexer({"--db", db, "--synonyms", "none"}).exit_code, 0);
  EXPECT_THAT(server.process().WaitForLine(" reloaded: ", kWait),
              HasSubstr("vocabulary now none (--synonyms none)"));
  EXPECT_THAT(server.process().WaitForLine("has no vocabulary", kWait),
              HasSubstr("warn"));
}

TEST(OperationsTest, AccessLogHasMethodCodeTimeResultsAndStatusButNoQueryText) {
  TempDir dir;
  ServerProcess server(SampleIndex(dir), {"--access-log", "--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  v1::SearchResponse response;
  ASSERT_TRUE(Search(server, "my swollen kneecap after running", response).ok());
  ASSERT_GT(response.results_size(), 0);
  EXPECT_THAT(server.process().WaitForLine(" Search OK ", kWait),
              ContainsRegex(" Search OK [0-9]+\\.[0-9]{2} ms results=" +
                            std::to_string(response.results_size()) + " answer=" +
                            v1::AnswerStatus_Name(response.answer_status()) + "$"));
  v1::GetPostRequest get;
  get.set_id("no-such-post");
  v1::Post post;
  EXPECT_EQ(
      server.search().GetPost(ServerProcess::Context().get(), get, &post).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(server.process().WaitForLine(" GetPost ", kWait),
              ContainsRegex(" GetPost NOT_FOUND [0-9.]+ ms$"));
  get.set_id(response.results(0).post().id());
  ASSERT_TRUE(server.search().GetPost(ServerProcess::Context().get(), get, &post).ok());
  EXPECT_THAT(server.process().WaitForLine(" GetPost ", kWait),
              ContainsRegex(" GetPost OK [0-9.]+ ms results=1$"));
  // Query text is personal health data: not in the access log.
  EXPECT_THAT(server.process().err(), Not(HasSubstr("kneecap")));
  EXPECT_THAT(server.process().err(), Not(HasSubstr("no-such-post")));
}

TEST(OperationsTest, NoAccessLogByDefault) {
  TempDir dir;
  ServerProcess server(SampleIndex(dir), {"--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  v1::SearchResponse response;
  ASSERT_TRUE(Search(server, "knee pain", response).ok());
  EXPECT_EQ(server.process().WaitForLine(" Search ", std::chrono::milliseconds(1500)),
            "");
}

TEST(OperationsTest, AnswersBuildInfoAndProcessMetrics) {
  TempDir dir;
  ServerProcess server(SampleIndex(dir),
                       {"--metrics-listen", "127.0.0.1:0", "--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  const int port = MetricsPort(server.process());
  ASSERT_GT(port, 0);
  const std::string before = ScrapeMetrics(port);
  // Every status is there from the start, at 0.
  for (const char* status : {"answered", "low_confidence", "no_match"}) {
    EXPECT_EQ(
        MetricValue(before, std::string("guru_answers_total{status=\"") + status + "\"}"),
        0)
        << status;
  }
  std::map<std::string, int> expected;
  for (const char* query : {"knee pain after a marathon", "sore achilles when running",
                            "xyzzy qwertyuiop", "pain"}) {
    v1::SearchResponse response;
    ASSERT_TRUE(Search(server, query, response).ok()) << query;
    std::string label = v1::AnswerStatus_Name(response.answer_status());
    for (char& c : label) c = static_cast<char>(std::tolower(c));
    ++expected[label];
  }
  EXPECT_EQ(expected["no_match"], 1);  // The gibberish.
  const std::string after = ScrapeMetrics(port);
  for (const auto& [label, count] : expected) {
    EXPECT_EQ(MetricValue(after, "guru_answers_total{status=\"" + label + "\"}"), count)
        << label;
  }
  // A failed Search has no answer status: counted in guru_requests_total only.
  v1::SearchResponse refused;
  EXPECT_FALSE(Search(server, "", refused).ok());
  EXPECT_EQ(MetricValue(ScrapeMetrics(port), "guru_answers_total{status=\"no_match\"}"),
            1);

  EXPECT_EQ(MetricValue(after, "guru_build_info{revision=\"" + std::string(Revision()) +
                                   "\",version=\"" + std::string(Version()) + "\"}"),
            1);
  EXPECT_GT(MetricValue(after, "process_cpu_seconds_total"), 0);
  EXPECT_GT(MetricValue(after, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(MetricValue(after, "process_virtual_memory_bytes"),
            MetricValue(after, "process_resident_memory_bytes"));
  EXPECT_GE(MetricValue(after, "process_open_fds"), 3);
  EXPECT_GE(MetricValue(after, "process_max_fds"),
            MetricValue(after, "process_open_fds"));
  const double now = static_cast<double>(std::time(nullptr));
  const double started = MetricValue(after, "process_start_time_seconds");
  EXPECT_GT(started, now - 300);
  EXPECT_LE(started, now + 1);
  EXPECT_THAT(after, HasSubstr("# TYPE process_cpu_seconds_total counter"));
  EXPECT_THAT(after, HasSubstr("# TYPE process_open_fds gauge"));
}

// ---------------------------------------------------------------------------
// guru-query (its exit codes and status names in errors:
// production_test.cc).

testing::RunResult Query(const ServerProcess& server, std::vector<std::string> args) {
  args.insert(args.begin(), {GURU_QUERY_BIN, "--server", server.address()});
  return testing::Run(args);
}

TEST(GuruQueryCliTest, JsonIsTheResponseInProtobufsJsonMapping) {
  TempDir dir;
  ServerProcess server(SampleIndex(dir), {"--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  const auto printed =
      Query(server, {"--json", "--limit", "3", "knee pain after running"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  v1::SearchResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(printed.out, &parsed).ok())
      << printed.out;
  v1::SearchRequest request;
  request.set_query("knee pain after running");
  request.set_limit(3);
  v1::SearchResponse direct;
  ASSERT_TRUE(
      server.search().Search(ServerProcess::Context().get(), request, &direct).ok());
  ASSERT_EQ(parsed.results_size(), direct.results_size());
  for (int i = 0; i < direct.results_size(); ++i) {
    EXPECT_EQ(parsed.results(i).post().id(), direct.results(i).post().id());
  }
  EXPECT_EQ(parsed.answer_status(), direct.answer_status());
  EXPECT_THAT(printed.out, HasSubstr("\"answerStatus\":\""));

  const auto safety = Query(server, {"--json", "--safety", "I want to end my life"});
  ASSERT_EQ(safety.exit_code, 0) << safety.err;
  EXPECT_THAT(safety.out, HasSubstr("\"level\":\"SAFETY_LEVEL_CRISIS\""));
  const auto health = Query(server, {"--json", "--health"});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_THAT(health.out, HasSubstr("\"status\":\"SERVING\""));
}

TEST(GuruQueryCliTest, FiltersAndContextReachTheServer) {
  TempDir dir;
  ServerProcess server(SampleIndex(dir), {"--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING));
  auto results = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--json", "--limit", "100"});
    const auto printed = Query(server, args);
    EXPECT_EQ(printed.exit_code, 0) << printed.err;
    v1::SearchResponse parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(printed.out, &parsed).ok())
        << printed.out;
    return parsed;
  };
  const v1::SearchResponse all = results({"pain"});
  const v1::SearchResponse knees = results({"--category", "knees", "pain"});
  const v1::SearchResponse two =
      results({"--category", "knees", "--category", "hips", "pain"});
  ASSERT_GT(knees.results_size(), 0);
  EXPECT_LT(knees.results_size(), all.results_size());
  EXPECT_GT(two.results_size(), knees.results_size());
  for (const auto& r : knees.results()) EXPECT_EQ(r.post().category(), "knees");
  for (const auto& r : two.results()) {
    EXPECT_THAT(r.post().category(), ::testing::AnyOf("knees", "hips"));
  }
  // Dates: nothing in the sample is from the year 1900.
  EXPECT_EQ(results({"--date-to", "1900-01-01", "pain"}).results_size(), 0);
  EXPECT_EQ(results({"--date-from", "1900-01-01", "pain"}).results_size(),
            all.results_size());
  EXPECT_EQ(results({"--expert", "nobody at all", "pain"}).results_size(), 0);
  // A bad date is the server's INVALID_ARGUMENT, named.
  const auto bad = Query(server, {"--date-from", "2019-13-01", "pain"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, AllOf(HasSubstr("INVALID_ARGUMENT"), HasSubstr("date_from")));
  // Offset: the second page starts where the first ended.
  const v1::SearchResponse second = results({"--offset", "1", "pain"});
  ASSERT_GT(all.results_size(), 1);
  EXPECT_EQ(second.results(0).post().id(), all.results(1).post().id());

  // Context: a follow-up takes its topic from the earlier turn.
  const v1::SearchResponse follow_up = results(
      {"--context", "my achilles tendon hurts after running", "how is it treated?"});
  EXPECT_NE(follow_up.interpretation().context_use().kind(),
            v1::ContextUse::KIND_UNSPECIFIED);
  EXPECT_NE(follow_up.interpretation().context_use().kind(), v1::ContextUse::NO_CONTEXT);
}

}  // namespace
}  // namespace guru
