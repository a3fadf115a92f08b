#include "support/guru_env.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <thread>

namespace guru::testing {

RunResult RunIndexer(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv = {GURU_INDEXER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, input);
}

namespace {
std::vector<std::string> ServerArgv(const std::string& db_path,
                                    const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {GURU_SERVER_BIN, "--db",         db_path, "--listen",
                                   "127.0.0.1:0",   "--refresh-ms", "100"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}
}  // namespace

ServerProcess::ServerProcess(const std::string& db_path,
                             const std::vector<std::string>& extra_args)
    : child_(ServerArgv(db_path, extra_args)) {
  const std::string line =
      child_.WaitForLine("listening on 127.0.0.1:", std::chrono::seconds(20));
  if (line.empty()) {
    ADD_FAILURE() << "guru-server did not report its port; stderr:\n" << child_.err();
    return;
  }
  port_ = std::stoi(line.substr(line.rfind(':') + 1));
  channel_ = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  search_ = v1::GuruSearch::NewStub(channel_);
  health_ = grpc::health::v1::Health::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> ServerProcess::Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

grpc::health::v1::HealthCheckResponse::ServingStatus ServerProcess::HealthStatus() {
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  if (!health_->Check(Context().get(), request, &response).ok()) {
    return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

bool ServerProcess::WaitForHealth(
    grpc::health::v1::HealthCheckResponse::ServingStatus want) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (HealthStatus() == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// GET http://127.0.0.1:port/metrics; the body, or empty on failure.
std::string ScrapeMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    const std::string get =
        "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(fd, get.data(), get.size()) == static_cast<ssize_t>(get.size())) {
      char buffer[4096];
      for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;)
        reply.append(buffer, n);
    }
  }
  close(fd);
  return reply;
}

// The value of the sample `name{labels}` (exact text as Prometheus prints
// it), or -1 when absent.
double MetricValue(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0)
      return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

// The metrics port the server logged (the line may already have been read).
int MetricsPort(Child& child) {
  static const std::regex kLine("metrics on http://127\\.0\\.0\\.1:([0-9]+)/");
  std::smatch match;
  if (std::regex_search(child.err(), match, kLine)) return std::stoi(match[1]);
  const std::string line =
      child.WaitForLine("metrics on http://127.0.0.1:", std::chrono::seconds(20));
  if (!std::regex_search(line, match, kLine)) return 0;
  return std::stoi(match[1]);
}

}  // namespace guru::testing
