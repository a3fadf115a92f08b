// Starting the project's binaries for end-to-end tests: an index built by the
// real guru-indexer, and a real guru-server on a loopback port chosen by the
// kernel (port 0), read back from the server's log.
#ifndef GURU_TESTS_SUPPORT_GURU_ENV_H_
#define GURU_TESTS_SUPPORT_GURU_ENV_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "guru/v1/search.grpc.pb.h"
#include "support/subprocess.h"

namespace guru::testing {

// Runs guru-indexer with `args` (e.g. {"--db", dir, input}).
RunResult RunIndexer(const std::vector<std::string>& args, const std::string& input = "");

// A guru-server child process bound to 127.0.0.1:0, with client stubs.
class ServerProcess {
 public:
  // Starts the server over `db_path` with extra flags; fails the current
  // test (ADD_FAILURE) if it does not report a port within 20 seconds.
  explicit ServerProcess(const std::string& db_path,
                         const std::vector<std::string>& extra_args = {});

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  v1::GuruSearch::Stub& search() { return *search_; }
  grpc::health::v1::Health::Stub& health() { return *health_; }
  Child& process() { return child_; }

  // Health/Check for the whole server; UNKNOWN when the call fails.
  grpc::health::v1::HealthCheckResponse::ServingStatus HealthStatus();
  // Polls HealthStatus() until it equals `want` or 20 seconds pass.
  bool WaitForHealth(grpc::health::v1::HealthCheckResponse::ServingStatus want);

  // A client context with a 10-second deadline.
  static std::unique_ptr<grpc::ClientContext> Context();

 private:
  Child child_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::GuruSearch::Stub> search_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// GET http://127.0.0.1:port/metrics; the whole reply, or empty on failure.
std::string ScrapeMetrics(int port);

// The value of the sample `series` (exact text as Prometheus prints it, e.g.
// `guru_safety_total{level="crisis"}`) in `text`, or -1 when absent.
double MetricValue(const std::string& text, const std::string& series);

// The metrics port `child` (a guru-server with --metrics-listen) logged;
// waits up to 20 seconds for the line. 0 when it never came.
int MetricsPort(Child& child);

}  // namespace guru::testing

#endif  // GURU_TESTS_SUPPORT_GURU_ENV_H_
