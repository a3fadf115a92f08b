// guru-server's Prometheus metrics (prometheus-cpp), served as text on
// http://HOST:PORT/metrics when --metrics-listen is given. Every name starts
// with guru_:
//   guru_requests_total{method,code}             counter, one per finished call
//   guru_request_duration_seconds{method}        histogram, receipt to reply
//   guru_index_posts                             gauge, posts in the index
//   guru_index_revision                          gauge, Xapian revision served
//   guru_index_reloads_total                     counter, new revisions seen
//   guru_index_seconds_since_reload              gauge, computed at scrape time
//   guru_requests_in_flight                      gauge, accepted, not answered
//   guru_safety_total{level}                     counter, safety assessments
//   guru_answers_total{status}                   counter, answer status of
//                                                each Search answered
//   guru_build_info{version,revision}            gauge, always 1
// and the standard process metrics of Prometheus's client libraries, which
// prometheus-cpp 1.0 does not provide (read from /proc/self at scrape time):
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_open_fds, process_max_fds,
//   process_start_time_seconds
#ifndef GURU_SERVER_METRICS_H_
#define GURU_SERVER_METRICS_H_

#include <grpcpp/support/status_code_enum.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/safety.h"
#include "guru/v1/search.pb.h"

namespace prometheus {
class Exposer;
class Registry;
template <typename T>
class Family;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace guru {

// Thread-safe. Recording works whether or not the metrics are exposed.
class ServerMetrics {
 public:
  ServerMetrics();
  ~ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // Serves the metrics over HTTP on `listen` (HOST:PORT; port 0 picks a free
  // one, see port()). UNAVAILABLE when the address cannot be bound.
  absl::Status Expose(const std::string& listen);
  // The port bound by Expose(); 0 before.
  int port() const { return port_; }

  // One finished call of `method` ("Search") with `code`, `seconds` after it
  // was received.
  void RecordRequest(std::string_view method, grpc::StatusCode code, double seconds);
  void AddInFlight(int delta);

  // One safety assessment of a request (never its text).
  void RecordSafety(SafetyLevel level);

  // The answer status of one Search answered OK.
  void RecordAnswer(v1::AnswerStatus status);

  // What the health watcher saw: the index's post count and revision. A
  // revision other than the last one seen counts as a reload.
  void RecordIndex(std::uint64_t posts, std::uint64_t revision);

 private:
  class SinceReload;
  class ProcessCollector;

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<SinceReload> since_reload_;
  std::shared_ptr<ProcessCollector> process_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;

  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Gauge* in_flight_;
  prometheus::Gauge* posts_;
  prometheus::Gauge* revision_;
  prometheus::Counter* reloads_;
  prometheus::Family<prometheus::Counter>* safety_;
  prometheus::Family<prometheus::Counter>* answers_;
  std::atomic<std::uint64_t> last_revision_{0};
};

// The label of an answer status in guru_answers_total: "answered",
// "low_confidence", "no_match" (the proto's names in lower case, as
// guru_safety_total's levels are), "unspecified".
std::string AnswerStatusLabel(v1::AnswerStatus status);

// The process metrics' values, from /proc/self (Linux); a field that could
// not be read is negative. Exposed for tests.
struct ProcessStats {
  double cpu_seconds = -1;
  double resident_memory_bytes = -1;
  double virtual_memory_bytes = -1;
  double open_fds = -1;
  double max_fds = -1;
  double start_time_seconds = -1;
};
ProcessStats ReadProcessStats();

}  // namespace guru

#endif  // GURU_SERVER_METRICS_H_
