// guru-bench, the load generator, against a real guru-server over the sample
// posts: it runs its phases, counts what it sent and says how it went by its
// exit code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::guru::testing::RunIndexer;
using ::guru::testing::ServerProcess;
using ::guru::testing::SourcePath;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(GuruBenchTest, MeasuresSearchAndHealthAgainstARealServer) {
  TempDir dir;
  const auto indexed = RunIndexer({"--db", dir.Sub("db"), SourcePath("data/sample")});
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  ServerProcess server(dir.Sub("db"));
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING))
      << server.process().err();
  // Both forms of a question file: `qid<TAB>text` lines and JSONL.
  const std::string questions = dir.WriteFile(
      "q.txt", "1\tmy knee hurts after a marathon\n\n{\"Question\": \"ankle sprain\"}\n");

  const auto bench = guru::testing::Run({GURU_BENCH_BIN, "--server", server.address(),
                                         "--questions", questions, "--streams", "2",
                                         "--seconds", "0.5", "--warmup-seconds", "0"});
  ASSERT_EQ(bench.exit_code, 0) << bench.out << bench.err;
  EXPECT_THAT(bench.out, HasSubstr("questions=2 limit=10"));
  EXPECT_THAT(bench.out, HasSubstr("Search        streams=2"));
  EXPECT_THAT(bench.out, HasSubstr("Health/Check  streams=2"));
  EXPECT_THAT(bench.out, HasSubstr(" failed=0 "));
  EXPECT_THAT(bench.out, Not(HasSubstr("calls=0 ")));
  EXPECT_THAT(bench.out, HasSubstr("search_over_health_qps="));
}

TEST(GuruBenchTest, AFileWithoutQuestionsIsAUsageError) {
  TempDir dir;
  const std::string empty = dir.WriteFile("empty.txt", "\n\n");
  const auto bench = guru::testing::Run(
      {GURU_BENCH_BIN, "--server", "127.0.0.1:1", "--questions", empty});
  EXPECT_EQ(bench.exit_code, 2);
  EXPECT_THAT(bench.err, HasSubstr("no questions"));
}

}  // namespace
}  // namespace guru
