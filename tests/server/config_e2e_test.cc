// guru-server's configuration end to end, with the real binaries: a GURU_*
// variable beats the config file (an empty key in the file must not turn
// auth off), and a misspelled key or variable stops the server (exit 2)
// rather than starting it without the setting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::Child;
using ::guru::testing::RunIndexer;
using ::guru::testing::SourcePath;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;

// Search "knee" with `token` (none when empty), retried while the server
// has not opened its index yet (UNAVAILABLE, for up to 20 seconds).
grpc::Status SearchWhenOpen(v1::GuruSearch::Stub& stub, const std::string& token) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    v1::SearchRequest request;
    request.set_query("knee");
    v1::SearchResponse response;
    auto context = testing::ServerProcess::Context();
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    const grpc::Status status = stub.Search(context.get(), request, &response);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        std::chrono::steady_clock::now() > give_up) {
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TEST(ConfigE2eTest, TheTokenFileVariableSetsAuthAndAnEmptyKeyStopsTheStart) {
  TempDir dir;
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db"), SourcePath("data/sample")}).exit_code, 0);
  const std::string token = dir.WriteFile("token", "s3cret-token\n");
  // The file also names a port that the variable overrides.
  const std::string config = dir.WriteFile("guru.toml", "listen = \"127.0.0.1:1\"\n");
  Child server({"/usr/bin/env", "GURU_AUTH_TOKEN_FILE=" + token,
                "GURU_LISTEN=127.0.0.1:0", GURU_SERVER_BIN, "--db", dir.Sub("db"),
                "--config", config});
  const std::string line =
      server.WaitForLine("listening on 127.0.0.1:", std::chrono::seconds(20));
  ASSERT_FALSE(line.empty()) << server.err();
  EXPECT_THAT(server.err(), HasSubstr("auth: a bearer token from " + token));
  const int port = std::stoi(line.substr(line.rfind(':') + 1));
  EXPECT_NE(port, 1);
  auto stub = v1::GuruSearch::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  EXPECT_EQ(SearchWhenOpen(*stub, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(SearchWhenOpen(*stub, "s3cret-token").ok());

  // An empty key never means "no auth", whatever else is set: exit 2.
  const std::string empty_key = dir.WriteFile("empty.toml", "auth-token-file = \"\"\n");
  const auto refused = testing::Run({"/usr/bin/env", "GURU_AUTH_TOKEN_FILE=" + token,
                                     GURU_SERVER_BIN, "--db", dir.Sub("db"), "--listen",
                                     "127.0.0.1:0", "--config", empty_key});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("auth-token-file' has an empty value"));
}

TEST(ConfigE2eTest, MisspelledKeyOrVariableExitsTwoNamingTheNearest) {
  TempDir dir;
  struct Case {
    std::vector<std::string> environment;
    std::string file;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{}, "auth-token-fil = /etc/token", "did you mean auth-token-file?"},
      {{}, "auth_token_file = /etc/token", "did you mean auth-token-file?"},
      {{}, "refresh_ms = 500", "did you mean refresh-ms?"},
      {{"GURU_AUTH_TOKEN_FIL=/etc/token"}, "", "did you mean GURU_AUTH_TOKEN_FILE?"},
  };
  for (const Case& c : cases) {
    // `timeout`: a server that ignored the name would run until killed.
    std::vector<std::string> argv = {"/usr/bin/timeout", "10", "/usr/bin/env"};
    argv.insert(argv.end(), c.environment.begin(), c.environment.end());
    argv.insert(argv.end(),
                {GURU_SERVER_BIN, "--db", dir.Sub("db"), "--listen", "127.0.0.1:0",
                 "--config", dir.WriteFile("guru.toml", c.file + "\n")});
    const auto result = testing::Run(argv);
    EXPECT_EQ(result.exit_code, 2) << c.says << ": " << result.err;
    EXPECT_THAT(result.err, HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace guru
