#include "server/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <exception>
#include <mutex>
#include <vector>

#include "core/str_cat.h"

namespace guru {

// guru_index_seconds_since_reload: a gauge whose value is computed when
// Prometheus scrapes, so it is true at any moment.
class ServerMetrics::SinceReload final : public prometheus::Collectable {
 public:
  void Reloaded() {
    std::lock_guard<std::mutex> lock(mutex_);
    at_ = std::chrono::steady_clock::now();
    seen_ = true;
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::MetricFamily family;
    family.name = "guru_index_seconds_since_reload";
    family.help =
        "Seconds since the server last saw a new index revision (or opened the index)";
    family.type = prometheus::MetricType::Gauge;
    std::lock_guard<std::mutex> lock(mutex_);
    if (seen_) {
      prometheus::ClientMetric metric;
      metric.gauge.value =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - at_).count();
      family.metric.push_back(metric);
    }
    return {family};
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point at_;
  bool seen_ = false;
};

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      since_reload_(std::make_shared<SinceReload>()),
      requests_(&prometheus::BuildCounter()
                     .Name("guru_requests_total")
                     .Help("Finished gRPC calls by method and status code")
                     .Register(*registry_)),
      latency_(&prometheus::BuildHistogram()
                    .Name("guru_request_duration_seconds")
                    .Help("Time from receiving a call to sending its reply, by method")
                    .Register(*registry_)),
      in_flight_(&prometheus::BuildGauge()
                      .Name("guru_requests_in_flight")
                      .Help("Calls accepted and not yet answered")
                      .Register(*registry_)
                      .Add({})),
      posts_(&prometheus::BuildGauge()
                  .Name("guru_index_posts")
                  .Help("Posts in the index revision being served")
                  .Register(*registry_)
                  .Add({})),
      revision_(&prometheus::BuildGauge()
                     .Name("guru_index_revision")
                     .Help("Xapian revision of the index being served")
                     .Register(*registry_)
                     .Add({})),
      reloads_(&prometheus::BuildCounter()
                    .Name("guru_index_reloads_total")
                    .Help("Times the server saw a new index revision")
                    .Register(*registry_)
                    .Add({})),
      safety_(&prometheus::BuildCounter()
                   .Name("guru_safety_total")
                   .Help("Safety assessments (Search and CheckSafety) by level")
                   .Register(*registry_)) {
  // Every level from the start, so that a rate over any of them is defined.
  for (SafetyLevel level : {SafetyLevel::kNone, SafetyLevel::kSeeDoctor,
                            SafetyLevel::kEmergency, SafetyLevel::kCrisis}) {
    safety_->Add({{"level", std::string(SafetyLevelName(level))}});
  }
}

ServerMetrics::~ServerMetrics() = default;

absl::Status ServerMetrics::Expose(const std::string& listen) {
  try {
    // Several threads, and a connection that sends no request is dropped
    // after a short while: one idle or slow client must not hold /metrics
    // (civetweb's defaults here would be one thread and 30 s).
    exposer_ = std::make_unique<prometheus::Exposer>(std::vector<std::string>{
        "listening_ports", listen, "num_threads", "4", "request_timeout_ms", "2000",
        "enable_keep_alive", "no"});
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        StrCat("--metrics-listen ", listen, ": cannot listen (", e.what(), ")"));
  }
  const std::vector<int> ports = exposer_->GetListeningPorts();
  if (ports.empty()) {
    exposer_.reset();
    return absl::UnavailableError(StrCat("--metrics-listen ", listen, ": cannot listen"));
  }
  port_ = ports.front();
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(since_reload_);
  return absl::OkStatus();
}

void ServerMetrics::RecordRequest(std::string_view method, grpc::StatusCode code,
                                  double seconds) {
  const std::string method_label(method);
  requests_->Add({{"method", method_label}, {"code", std::string(StatusCodeName(code))}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  latency_->Add({{"method", method_label}}, kBuckets).Observe(seconds);
}

void ServerMetrics::RecordSafety(SafetyLevel level) {
  safety_->Add({{"level", std::string(SafetyLevelName(level))}}).Increment();
}

void ServerMetrics::AddInFlight(int delta) { in_flight_->Increment(delta); }

void ServerMetrics::RecordIndex(std::uint64_t posts, std::uint64_t revision) {
  posts_->Set(static_cast<double>(posts));
  revision_->Set(static_cast<double>(revision));
  if (last_revision_.exchange(revision) != revision) {
    reloads_->Increment();
    since_reload_->Reloaded();
  }
}

std::string_view StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

}  // namespace guru
