#include "server/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/str_cat.h"
#include "core/version.h"
#include "io/read_file.h"

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

// The standard process metrics (as client_golang's process collector and
// the Python client export them), read from /proc/self when scraped.
class ServerMetrics::ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    const ProcessStats stats = ReadProcessStats();
    std::vector<prometheus::MetricFamily> families;
    auto add = [&](const char* name, const char* help, prometheus::MetricType type,
                   double value) {
      if (value < 0) return;  // Not readable here: absent, not a wrong value.
      prometheus::MetricFamily family;
      family.name = name;
      family.help = help;
      family.type = type;
      prometheus::ClientMetric metric;
      if (type == prometheus::MetricType::Counter) {
        metric.counter.value = value;
      } else {
        metric.gauge.value = value;
      }
      family.metric.push_back(metric);
      families.push_back(std::move(family));
    };
    using prometheus::MetricType;
    add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
        MetricType::Counter, stats.cpu_seconds);
    add("process_resident_memory_bytes", "Resident memory size in bytes.",
        MetricType::Gauge, stats.resident_memory_bytes);
    add("process_virtual_memory_bytes", "Virtual memory size in bytes.",
        MetricType::Gauge, stats.virtual_memory_bytes);
    add("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
        stats.open_fds);
    add("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
        stats.max_fds);
    add("process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
        stats.start_time_seconds);
    return families;
  }
};

namespace {
// The whole of a small /proc file; empty when it cannot be read.
std::string ReadProcFile(const char* path) {
  return ReadWholeFile("", path).value_or("");
}
}  // namespace

ProcessStats ReadProcessStats() {
  ProcessStats stats;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  // proc(5): the fields after the command name, which is in parentheses and
  // may itself hold spaces and parentheses, hence the last ')'.
  const std::string stat = ReadProcFile("/proc/self/stat");
  if (const std::size_t end = stat.rfind(')'); end != std::string::npos && ticks > 0) {
    std::istringstream fields(stat.substr(end + 1));
    std::vector<std::string> field;  // field[0] is field 3, "state".
    for (std::string f; fields >> f;) field.push_back(f);
    if (field.size() > 21) {
      stats.cpu_seconds = (std::stod(field[11]) + std::stod(field[12])) / ticks;
      stats.virtual_memory_bytes = std::stod(field[20]);
      stats.resident_memory_bytes = std::stod(field[21]) * page;
      // starttime counts clock ticks since boot; btime is the boot time.
      std::istringstream proc_stat(ReadProcFile("/proc/stat"));
      for (std::string line; std::getline(proc_stat, line);) {
        if (line.starts_with("btime ")) {
          stats.start_time_seconds =
              std::stod(line.substr(6)) + std::stod(field[19]) / ticks;
          break;
        }
      }
    }
  }
  std::error_code ec;
  double open = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++open;
  }
  if (!ec) stats.open_fds = open;
  if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    stats.max_fds = static_cast<double>(limit.rlim_cur);
  }
  return stats;
}

std::string AnswerStatusLabel(v1::AnswerStatus status) {
  if (status == v1::ANSWER_STATUS_UNSPECIFIED) return "unspecified";
  std::string name = v1::AnswerStatus_Name(status);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      since_reload_(std::make_shared<SinceReload>()),
      process_(std::make_shared<ProcessCollector>()),
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
                   .Register(*registry_)),
      answers_(&prometheus::BuildCounter()
                    .Name("guru_answers_total")
                    .Help("Searches answered, by answer status (answered, "
                          "low_confidence, no_match)")
                    .Register(*registry_)) {
  // Every status from the start, so that the no-match rate is defined
  // before the first no-match.
  for (v1::AnswerStatus status : {v1::ANSWERED, v1::LOW_CONFIDENCE, v1::NO_MATCH}) {
    answers_->Add({{"status", AnswerStatusLabel(status)}});
  }
  prometheus::BuildGauge()
      .Name("guru_build_info")
      .Help("Always 1; the labels say which build is serving (as --version does)")
      .Register(*registry_)
      .Add({{"version", std::string(Version())}, {"revision", std::string(Revision())}})
      .Set(1);
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
  exposer_->RegisterCollectable(process_);
  return absl::OkStatus();
}

void ServerMetrics::RecordRequest(std::string_view method, grpc::StatusCode code,
                                  double seconds) {
  const std::string method_label(method);
  requests_
      ->Add({{"method", method_label},
             {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  latency_->Add({{"method", method_label}}, kBuckets).Observe(seconds);
}

void ServerMetrics::RecordSafety(SafetyLevel level) {
  safety_->Add({{"level", std::string(SafetyLevelName(level))}}).Increment();
}

void ServerMetrics::RecordAnswer(v1::AnswerStatus status) {
  answers_->Add({{"status", AnswerStatusLabel(status)}}).Increment();
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

}  // namespace guru
