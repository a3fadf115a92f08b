// Requests that do not parse: a string field holding invalid UTF-8, or
// bytes that are not the message at all.
//
// gRPC's callback API answers them with a bare UNIMPLEMENTED before any
// handler runs, so no client learns what was wrong and the metrics never see
// them; protobuf logs a line for each, even for callers without a token.
// This interceptor answers them INVALID_ARGUMENT (UNAUTHENTICATED when the
// token is missing), counts them, and logs at most one line per 10 s.
#ifndef GURU_SERVER_PARSE_FAILURES_H_
#define GURU_SERVER_PARSE_FAILURES_H_

#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "server/call_runner.h"
#include "server/metrics.h"

namespace guru {

// Thread-safe. Does not own the runner or the metrics, which must outlive it.
class ParseFailureInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  ParseFailureInterceptorFactory(const CallRunner& runner, ServerMetrics& metrics)
      : runner_(runner), metrics_(metrics) {}

  // An interceptor for guru.v1.GuruSearch calls; none for other services.
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // Counts a failure, and logs it unless a line was logged in the last 10 s.
  void Report(std::string_view method);

  // Routes protobuf's own log through spdlog, without its per-request parse
  // errors (Report covers those). Global: call once per process.
  static void QuietProtobufParseErrors();

  const CallRunner& runner() const { return runner_; }
  ServerMetrics& metrics() { return metrics_; }

 private:
  const CallRunner& runner_;
  ServerMetrics& metrics_;
  std::atomic<std::int64_t> last_log_ns_{0};
  std::atomic<std::uint64_t> unlogged_{0};
};

}  // namespace guru

#endif  // GURU_SERVER_PARSE_FAILURES_H_
