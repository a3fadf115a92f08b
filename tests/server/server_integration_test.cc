// guru-server end to end: the real binary on a loopback port over an index
// built by the real guru-indexer from the bundled sample posts.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
using ::testing::StartsWith;

constexpr const char* kMarathonQuestion =
    "since the marathon my left knee hurts when I run for more than 5 minutes";

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto indexed = RunIndexer({"--db", dir_->Sub("db"), SourcePath("data/sample")});
    ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
    server_ = new ServerProcess(dir_->Sub("db"));
    ASSERT_TRUE(server_->WaitForHealth(HealthCheckResponse::SERVING))
        << server_->process().err();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static grpc::Status Search(const std::string& query, int limit,
                             v1::SearchResponse& response, int offset = 0) {
    v1::SearchRequest request;
    request.set_query(query);
    request.set_limit(limit);
    request.set_offset(offset);
    return server_->search().Search(ServerProcess::Context().get(), request, &response);
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* ServerTest::dir_ = nullptr;
ServerProcess* ServerTest::server_ = nullptr;

TEST_F(ServerTest, SeedPostRanksFirstForTheMarathonQuestion) {
  v1::SearchResponse response;
  ASSERT_TRUE(Search(kMarathonQuestion, 10, response).ok());
  ASSERT_FALSE(response.results().empty());
  const v1::SearchResult& top = response.results(0);
  EXPECT_EQ(top.post().title(), "Knee pain post marathon");
  EXPECT_THAT(top.post().id(), StartsWith("knee-pain-post-marathon-"));
  EXPECT_EQ(top.post().category(), "knees");
  EXPECT_GT(top.score(), 0);
  EXPECT_FALSE(top.snippet().empty());
  EXPECT_GE(response.total_estimate(), response.results_size());
  for (int i = 1; i < response.results_size(); ++i) {
    EXPECT_GE(response.results(i - 1).score(), response.results(i).score());
  }
}

TEST_F(ServerTest, LimitAndOffsetPage) {
  v1::SearchResponse all, first, second;
  ASSERT_TRUE(Search("pain when running", 6, all).ok());
  ASSERT_EQ(all.results_size(), 6);
  ASSERT_TRUE(Search("pain when running", 3, first).ok());
  ASSERT_TRUE(Search("pain when running", 3, second, 3).ok());
  ASSERT_EQ(first.results_size(), 3);
  ASSERT_EQ(second.results_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(first.results(i).post().id(), all.results(i).post().id());
    EXPECT_EQ(second.results(i).post().id(), all.results(i + 3).post().id());
  }
}

TEST_F(ServerTest, DefaultLimitIsTen) {
  v1::SearchResponse response;
  ASSERT_TRUE(Search("pain", 0, response).ok());
  EXPECT_EQ(response.results_size(), 10);
}

TEST_F(ServerTest, GetPostReturnsTheWholePost) {
  v1::SearchResponse response;
  ASSERT_TRUE(Search(kMarathonQuestion, 1, response).ok());
  ASSERT_EQ(response.results_size(), 1);
  v1::GetPostRequest request;
  request.set_id(response.results(0).post().id());
  v1::Post post;
  ASSERT_TRUE(
      server_->search().GetPost(ServerProcess::Context().get(), request, &post).ok());
  EXPECT_EQ(post.SerializeAsString(), response.results(0).post().SerializeAsString());
  EXPECT_EQ(post.asked_on(), "2019-05-20");
  EXPECT_EQ(post.asker(), "Beth");
}

TEST_F(ServerTest, GetPostUnknownIdIsNotFound) {
  v1::GetPostRequest request;
  request.set_id("no-such-post");
  v1::Post post;
  const grpc::Status status =
      server_->search().GetPost(ServerProcess::Context().get(), request, &post);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("no-such-post"));
}

TEST_F(ServerTest, GetPostEmptyIdIsInvalid) {
  v1::GetPostRequest request;
  v1::Post post;
  const grpc::Status status =
      server_->search().GetPost(ServerProcess::Context().get(), request, &post);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("id"));
}

TEST_F(ServerTest, EmptyQueryIsInvalidAndSaysSo) {
  for (const char* query : {"", "   ", "\n\t"}) {
    v1::SearchResponse response;
    const grpc::Status status = Search(query, 10, response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << query;
    EXPECT_THAT(status.error_message(), HasSubstr("query"));
  }
}

TEST_F(ServerTest, LimitOutOfRangeIsInvalidAndSaysSo) {
  for (int limit : {-1, 101, 1000000}) {
    v1::SearchResponse response;
    const grpc::Status status = Search("knee", limit, response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << limit;
    EXPECT_THAT(status.error_message(), HasSubstr("limit"));
  }
  v1::SearchResponse response;
  EXPECT_TRUE(Search("knee", 100, response).ok());
  const grpc::Status negative_offset = Search("knee", 10, response, -5);
  EXPECT_EQ(negative_offset.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(negative_offset.error_message(), HasSubstr("offset"));
}

TEST_F(ServerTest, PunctuationAndOperatorsAreText) {
  for (const char* query : {"knee \"hurts",
                            "(knee AND) OR NOT",
                            "NOT",
                            "AND OR NOT",
                            "-knee +ankle",
                            "knee* ~pain",
                            "title:knee",
                            "\"\"\"",
                            "((((",
                            "knee -- pain!!! ???",
                            "pain NEAR knee",
                            "x ADJ/3 y",
                            "[knee] {ankle} <shin>",
                            "\\",
                            "'",
                            "\xE2\x80\x9Cknee\xE2\x80\x9D \xE2\x80\x93 ankle",
                            "&&||!!",
                            "~",
                            "*",
                            "?!.,;:"}) {
    v1::SearchResponse response;
    const grpc::Status status = Search(query, 5, response);
    EXPECT_TRUE(status.ok()) << query << ": " << status.error_message();
  }
  v1::SearchResponse response;
  ASSERT_TRUE(Search("(my knee) \"hurts\" AND NOT -running", 5, response).ok());
  EXPECT_FALSE(response.results().empty());
}

TEST_F(ServerTest, LongQuestionIsAnswered) {
  std::string query;
  for (int i = 0; i < 200; ++i) query += "my knee really hurts after running ";
  v1::SearchResponse response;
  ASSERT_TRUE(Search(query, 5, response).ok());
  EXPECT_FALSE(response.results().empty());
}

TEST_F(ServerTest, QueryOverTheSizeLimitIsInvalid) {
  v1::SearchResponse response;
  const grpc::Status status = Search(std::string(20000, 'a'), 5, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("query"));
}

TEST_F(ServerTest, HealthIsServingForServerAndService) {
  EXPECT_EQ(server_->HealthStatus(), HealthCheckResponse::SERVING);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("guru.v1.GuruSearch");
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(
      server_->health().Check(ServerProcess::Context().get(), request, &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

// One ServerReflectionInfo exchange with `list_services` (what `grpcurl
// list` sends), through a generic stub: the response's bytes, or "" when
// the call fails. `version` is "v1" or "v1alpha".
std::string ListServicesByReflection(const std::string& address,
                                     const std::string& version) {
  grpc::GenericStub stub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue queue;
  const auto wait = [&queue] {
    void* tag = nullptr;
    bool ok = false;
    return queue.Next(&tag, &ok) && ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context, "/grpc.reflection." + version + ".ServerReflection/ServerReflectionInfo",
      &queue);
  call->StartCall(nullptr);
  std::string bytes;
  if (wait()) {
    // ServerReflectionRequest{list_services: ""}: field 7, length 0.
    grpc::Slice request_slice(std::string("\x3a\x00", 2));
    grpc::ByteBuffer request(&request_slice, 1);
    call->Write(request, nullptr);
    if (wait()) {
      call->WritesDone(nullptr);
      wait();
      grpc::ByteBuffer response;
      call->Read(&response, nullptr);
      if (wait()) {
        std::vector<grpc::Slice> slices;
        if (response.Dump(&slices).ok()) {
          for (const grpc::Slice& slice : slices) {
            bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
          }
        }
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  wait();
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
  return status.ok() ? bytes : "";
}

TEST_F(ServerTest, ServerReflectionListsTheServices) {
  // grpcurl asks v1 first, then v1alpha; the server answers at least one.
  std::string listed = ListServicesByReflection(server_->address(), "v1");
  if (listed.empty()) listed = ListServicesByReflection(server_->address(), "v1alpha");
  EXPECT_THAT(listed, HasSubstr("guru.v1.GuruSearch"));
  EXPECT_THAT(listed, HasSubstr("grpc.health.v1.Health"));
}

TEST_F(ServerTest, GuruQueryPrintsRankedRepliesAndChecksHealth) {
  const auto printed = guru::testing::Run({GURU_QUERY_BIN, "--server", server_->address(),
                                           "--limit", "3", kMarathonQuestion});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_THAT(printed.out, HasSubstr(" 1. ["));
  EXPECT_THAT(printed.out, HasSubstr("Knee pain post marathon"));
  EXPECT_THAT(printed.out, HasSubstr("id: knee-pain-post-marathon-"));

  const auto health =
      guru::testing::Run({GURU_QUERY_BIN, "--server", server_->address(), "--health"});
  EXPECT_EQ(health.exit_code, 0);
  EXPECT_THAT(health.out, HasSubstr("SERVING"));
}

TEST_F(ServerTest, GuruQueryBatchWritesTrecRun) {
  TempDir dir;
  const std::string questions = dir.WriteFile(
      "q.tsv", std::string("7\t") + kMarathonQuestion + "\n\n8\tankle sprain\n");
  const std::string run_file = dir.Sub("run.trec");
  const auto batch =
      guru::testing::Run({GURU_QUERY_BIN, "--server", server_->address(), "--batch",
                          questions, "--trec", run_file, "--limit", "4", "--tag", "t1"});
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  const std::string trec = guru::testing::ReadFile(run_file);
  EXPECT_THAT(trec, StartsWith("7 Q0 knee-pain-post-marathon-"));
  EXPECT_THAT(trec, HasSubstr(" 1 "));
  EXPECT_THAT(trec, HasSubstr("\n8 Q0 "));
  EXPECT_EQ(std::count(trec.begin(), trec.end(), '\n'), 8);
  std::istringstream lines(trec);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string qid, q0, id, rank, score, tag, extra;
    fields >> qid >> q0 >> id >> rank >> score >> tag;
    EXPECT_EQ(q0, "Q0");
    EXPECT_EQ(tag, "t1");
    EXPECT_FALSE(fields >> extra) << line;
  }
}

// guru-query against a server that is up but not SERVING: the health check
// and a failed call both exit 1, and say which status they got by name.
TEST(GuruQueryTest, HealthExitsNonZeroUnlessServing) {
  TempDir dir;
  ServerProcess server(dir.Sub("db"));  // No index yet: NOT_SERVING.
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::NOT_SERVING))
      << server.process().err();
  const auto health =
      guru::testing::Run({GURU_QUERY_BIN, "--server", server.address(), "--health"});
  EXPECT_EQ(health.exit_code, 1);
  EXPECT_THAT(health.out, HasSubstr("NOT_SERVING"));

  // Nobody listening at all: the call fails, exit 1 as well.
  const int port = server.port();
  ASSERT_EQ(server.process().Stop(SIGTERM, std::chrono::seconds(15)), 0);
  const auto nobody =
      guru::testing::Run({GURU_QUERY_BIN, "--server", "127.0.0.1:" + std::to_string(port),
                          "--timeout-ms", "2000", "--health"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_THAT(nobody.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(nobody.out, Not(HasSubstr("SERVING")));
}

TEST(GuruQueryTest, AFailedCallNamesTheStatusNotItsNumber) {
  TempDir dir;
  ServerProcess server(dir.Sub("db"));  // No index yet: Search is UNAVAILABLE.
  ASSERT_GT(server.port(), 0);
  const std::string questions = dir.WriteFile("q.tsv", "1\tknee\n");
  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {"knee pain"}, {"--batch", questions, "--trec", dir.Sub("run.trec")}}) {
    std::vector<std::string> argv = {GURU_QUERY_BIN, "--server", server.address()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto run = guru::testing::Run(argv);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_THAT(run.err, HasSubstr("UNAVAILABLE"));
    EXPECT_THAT(run.err, Not(HasSubstr("code 14")));
    EXPECT_THAT(run.err, Not(HasSubstr("(14)")));
  }
  // An invalid request: the server's INVALID_ARGUMENT, by name.
  TempDir indexed;
  ASSERT_EQ(RunIndexer({"--db", indexed.Sub("db"), SourcePath("data/sample")}).exit_code,
            0);
  ServerProcess serving(indexed.Sub("db"));
  ASSERT_TRUE(serving.WaitForHealth(HealthCheckResponse::SERVING));
  const auto blank =
      guru::testing::Run({GURU_QUERY_BIN, "--server", serving.address(), "   "});
  EXPECT_EQ(blank.exit_code, 1) << blank.err;
  EXPECT_THAT(blank.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(blank.err, HasSubstr("query"));
  EXPECT_THAT(blank.err, Not(HasSubstr("code 3")));
}

TEST(GuruQueryTest, UsageErrorsExitTwo) {
  TempDir dir;
  const std::string questions = dir.WriteFile("q.tsv", "1\tknee\n");
  // Nothing listens on port 1: a usage error must be found before any call.
  const std::string server = "127.0.0.1:1";
  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {},                                  // Nothing to search for.
           {"--limit", "0", "knee"},            // Out of 1..100.
           {"--limit", "101", "knee"},          //
           {"--limit", "many", "knee"},         // Not a number.
           {"--no-such-flag", "knee"},          // Unknown flag.
           {"--batch", questions},              // --batch needs --trec.
           {"--trec", dir.Sub("run.trec")},     // --trec needs --batch.
           {"--health", "knee"},                // --health takes no text.
           {"--batch", dir.Sub("missing.tsv"),  // A batch file that is not there.
            "--trec", dir.Sub("run.trec")},
           {"--auth-token-file", dir.Sub("missing-token"), "knee"},
       }) {
    std::vector<std::string> argv = {GURU_QUERY_BIN, "--server", server};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto run = guru::testing::Run(argv);
    std::string shown;
    for (const std::string& flag : flags) shown += flag + " ";
    EXPECT_EQ(run.exit_code, 2) << shown << "\n" << run.err;
    EXPECT_THAT(run.err, Not(HasSubstr("UNAVAILABLE"))) << shown;
  }
}

// Servers of their own: index lifecycle and shutdown.

TEST(ServerLifecycleTest, ServesOnceTheIndexAppearsAndSeesNewPosts) {
  TempDir dir;
  ServerProcess server(dir.Sub("db"));
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::NOT_SERVING));
  v1::SearchRequest request;
  request.set_query("achilles");
  v1::SearchResponse response;
  const grpc::Status missing =
      server.search().Search(ServerProcess::Context().get(), request, &response);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAVAILABLE);
  // Clients learn nothing of the server's paths or libraries.
  EXPECT_THAT(missing.error_message(), Not(HasSubstr(dir.Sub("db"))));
  EXPECT_THAT(missing.error_message(), Not(HasSubstr("Error")));
  EXPECT_THAT(missing.error_message(), HasSubstr("retry later"));

  const std::string post =
      R"({"id":"a1","title":"Achilles pain","answer":"Load the Achilles tendon slowly."})";
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db"), "-"}, post + "\n").exit_code, 0);
  ASSERT_TRUE(server.WaitForHealth(HealthCheckResponse::SERVING))
      << server.process().err();
  // The server may first open the index between its creation and the first
  // batch (an empty index is a valid one); the post follows within a refresh.
  auto wait_for_results = [&](int want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int seen = 0;
    while (std::chrono::steady_clock::now() < deadline && seen < want) {
      v1::SearchResponse again;
      EXPECT_TRUE(
          server.search().Search(ServerProcess::Context().get(), request, &again).ok());
      seen = again.results_size();
      if (seen < want) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return seen;
  };
  EXPECT_EQ(wait_for_results(1), 1);

  // A post added while the server runs shows up without a restart.
  const std::string second =
      R"({"id":"a2","title":"Achilles rupture","answer":"A ruptured Achilles needs a doctor."})";
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db"), "-"}, second + "\n").exit_code, 0);
  EXPECT_EQ(wait_for_results(2), 2);
}

TEST(ServerLifecycleTest, SigtermStopsCleanlyWithExitZero) {
  TempDir dir;
  ServerProcess server(dir.Sub("db"));
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.process().Stop(SIGTERM, std::chrono::seconds(15)), 0)
      << server.process().err();
  EXPECT_THAT(server.process().err(), HasSubstr("stopped"));
}

// SIGHUP (a closed terminal or ssh session) used to kill the server with
// calls in flight; it and SIGINT stop it as SIGTERM does (issue 14).
TEST(ServerLifecycleTest, SighupAndSigintStopCleanlyAsSigtermDoes) {
  for (const int signal : {SIGHUP, SIGINT}) {
    SCOPED_TRACE(signal);
    TempDir dir;
    ServerProcess server(dir.Sub("db"));
    ASSERT_GT(server.port(), 0);
    EXPECT_EQ(server.process().Stop(signal, std::chrono::seconds(15)), 0)
        << server.process().err();
    EXPECT_THAT(server.process().err(),
                HasSubstr("received signal " + std::to_string(signal)));
    EXPECT_THAT(server.process().err(), HasSubstr("stopped"));
  }
}

TEST(ServerLifecycleTest, BadFlagsAreUsageErrors) {
  const auto missing_db = guru::testing::Run({GURU_SERVER_BIN});
  EXPECT_EQ(missing_db.exit_code, 2);
  EXPECT_THAT(missing_db.err, HasSubstr("--db"));
  const auto bad_listen = guru::testing::Run(
      {GURU_SERVER_BIN, "--db", "/nonexistent", "--listen", "nohost:x"});
  EXPECT_NE(bad_listen.exit_code, 0);
}

TEST(ServerLifecycleTest, EmptyOrNonPemFilesAreNamedAtStart) {
  TempDir dir;
  const std::string empty = dir.WriteFile("empty", "");
  const std::string text = dir.WriteFile("text.pem", "hello\n");
  const auto start = [&](std::vector<std::string> flags) {
    std::vector<std::string> argv = {GURU_SERVER_BIN, "--db", dir.Sub("db"), "--listen",
                                     "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return guru::testing::Run(argv);
  };
  auto run = start({"--auth-token-file", empty});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--auth-token-file " + empty + ": empty"));
  run = start({"--tls-cert", empty, "--tls-key", text});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--tls-cert " + empty + ": empty"));
  run = start({"--tls-cert", text, "--tls-key", text});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--tls-cert " + text + ": not a PEM file"));
  // PEM armour around something that is no certificate.
  const std::string armoured = dir.WriteFile(
      "armoured.pem", "-----BEGIN CERTIFICATE-----\nbm90\n-----END CERTIFICATE-----\n");
  run = start({"--tls-cert", armoured, "--tls-key", armoured});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err,
              HasSubstr("--tls-cert " + armoured + ": no certificate OpenSSL can read"));
  // A device, directly or through a link, would be read for ever.
  const std::string zero_link = dir.Sub("zero-link");
  std::filesystem::create_symlink("/dev/zero", zero_link);
  for (const std::string& device : {std::string("/dev/zero"), zero_link}) {
    run = start({"--auth-token-file", device});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.err, HasSubstr(device + ": not a regular file"));
  }
}

TEST(ServerLifecycleTest, AServerWithoutAnIndexSaysSoAtStart) {
  TempDir dir;
  ServerProcess server(dir.Sub("db"));
  // The health watcher may log before the "listening" line that starting
  // the server waited for, so the line may already have been read.
  std::string line;
  const std::string& err = server.process().err();
  if (const std::size_t at = err.find("NOT_SERVING"); at != std::string::npos) {
    const std::size_t begin = err.rfind('\n', at);
    line = err.substr(begin == std::string::npos ? 0 : begin + 1,
                      err.find('\n', at) - (begin == std::string::npos ? 0 : begin + 1));
  } else {
    line = server.process().WaitForLine("NOT_SERVING", std::chrono::seconds(20));
  }
  EXPECT_THAT(line, HasSubstr("not available"));
}

// The TCP sockets listening on `port`, as /proc/net/tcp and tcp6 show their
// local addresses ("0100007F" is 127.0.0.1; "00000000" any IPv4 address).
std::vector<std::string> ListeningAddresses(int port) {
  char port_hex[8];
  std::snprintf(port_hex, sizeof(port_hex), "%04X", port);
  std::vector<std::string> addresses;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::istringstream lines(guru::testing::ReadFile(table));
    std::string line;
    std::getline(lines, line);  // The header.
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const std::size_t colon = local.rfind(':');
      if (state == "0A" && colon != std::string::npos &&
          local.substr(colon + 1) == port_hex) {
        addresses.push_back(local.substr(0, colon));
      }
    }
  }
  return addresses;
}

// Whether nothing listens on TCP `port` of any address: a bind to the
// wildcard address succeeds.
bool PortIsFree(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  const bool bound =
      ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return bound;
}

TEST(ServerLifecycleTest, WithoutListenItListensOnLoopbackPort50051Only) {
  constexpr int kDefaultPort = 50051;
  if (!PortIsFree(kDefaultPort)) GTEST_SKIP() << "port 50051 is in use here";
  TempDir dir;
  guru::testing::Child server({GURU_SERVER_BIN, "--db", dir.Sub("db")});
  const std::string line = server.WaitForLine("listening on ", std::chrono::seconds(20));
  if (line.empty() && server.err().find("address in use") != std::string::npos) {
    GTEST_SKIP() << "port 50051 was taken meanwhile";
  }
  EXPECT_THAT(line, HasSubstr("listening on 127.0.0.1:50051")) << server.err();
  // Only 127.0.0.1 listens (gRPC may use an IPv6 socket with the address
  // ::ffff:127.0.0.1): no wildcard address, no other interface.
  const std::vector<std::string> listening = ListeningAddresses(kDefaultPort);
  EXPECT_THAT(listening, Not(::testing::IsEmpty()));
  EXPECT_THAT(listening, ::testing::Each(::testing::AnyOf(
                             "0100007F", "0000000000000000FFFF00000100007F")));
  const auto health = guru::testing::Run({GURU_QUERY_BIN, "--server", "127.0.0.1:50051",
                                          "--timeout-ms", "5000", "--health"});
  EXPECT_THAT(health.out + health.err, HasSubstr("NOT_SERVING"));  // No index yet.
}

TEST(ServerLifecycleTest, ASecondServerOnAPortInUseDoesNotStart) {
  guru::testing::TempDir dir;
  guru::testing::ServerProcess first(dir.Sub("db"));
  ASSERT_NE(first.port(), 0);
  const auto second = guru::testing::Run(
      {GURU_SERVER_BIN, "--db", dir.Sub("db"), "--listen", first.address()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("address in use"));
}

}  // namespace
}  // namespace guru
