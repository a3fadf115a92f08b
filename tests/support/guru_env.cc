#include "support/guru_env.h"

#include <gtest/gtest.h>

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

}  // namespace guru::testing
