// guru-bench: a load generator for guru-server. N concurrent streams (each
// its own connection, one call outstanding at a time) send Search calls for
// T seconds, cycling through a question file; then, in the same run and
// against the same server, the same streams send grpc.health.v1.Health/Check
// for T seconds: the floor gRPC itself sets on this machine. With --http URL,
// the same searches also go to the server's HTTP/JSON API (POST /v1/search, a
// keep-alive connection per stream), the two alternating in --rounds rounds
// of the same total length. Reports calls, failures, QPS and latency
// percentiles of each phase.
//
//   guru-bench --server HOST:PORT --questions FILE [--streams 16] [--seconds 10]
//              [--limit 10] [--warmup-seconds 2] [--no-health] [--http URL [--rounds 4]]
//
// FILE: JSONL with a "Question" field (K-QA's questions.jsonl), or text
// lines (`qid<TAB>text` or just text). Exit codes: 0 every call succeeded;
// 1 some call failed; 2 usage error.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "client_connection.h"
#include "core/version.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "guru/v1/search.grpc.pb.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

using Clock = std::chrono::steady_clock;

// The question text of one line of FILE; empty for a line without one.
std::string QuestionOf(const std::string& line) {
  if (!line.empty() && line.front() == '{') {
    google::protobuf::Struct record;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(line, &record, options).ok()) {
      return "";
    }
    const auto found = record.fields().find("Question");
    return found == record.fields().end() ? "" : found->second.string_value();
  }
  const std::size_t tab = line.find('\t');
  return tab == std::string::npos ? line : line.substr(tab + 1);
}

struct StreamResult {
  std::vector<double> latencies_ms;
  std::map<grpc::StatusCode, long> failures;
};

struct PhaseResult {
  std::string name;
  long calls = 0;
  long failed = 0;
  std::map<grpc::StatusCode, long> failures;
  double seconds = 0;
  std::vector<double> latencies_ms;  // Sorted.

  double Qps() const { return seconds > 0 ? static_cast<double>(calls) / seconds : 0; }
  double At(double q) const {
    if (latencies_ms.empty()) return 0;
    const double last = static_cast<double>(latencies_ms.size() - 1);
    return latencies_ms[static_cast<std::size_t>(std::lround(q * last))];
  }
};

// One call of a phase on stream `stream`, the `n`th of that stream.
using Call = std::function<grpc::Status(std::size_t stream, long n)>;

// Runs `call` on every stream for `warmup` (not counted), then `duration`.
PhaseResult RunPhase(const std::string& name, std::size_t streams, const Call& call,
                     std::chrono::milliseconds warmup,
                     std::chrono::milliseconds duration) {
  std::vector<StreamResult> results(streams);
  std::atomic<bool> measuring{false};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  threads.reserve(streams);
  for (std::size_t i = 0; i < streams; ++i) {
    threads.emplace_back([&, i] {
      StreamResult& out = results[i];
      for (long n = static_cast<long>(i) * 7919; !done.load(); ++n) {
        const Clock::time_point start = Clock::now();
        const grpc::Status status = call(i, n);
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (!measuring.load() || done.load()) continue;
        out.latencies_ms.push_back(ms);
        if (!status.ok()) ++out.failures[status.error_code()];
      }
    });
  }
  std::this_thread::sleep_for(warmup);
  measuring = true;
  const Clock::time_point start = Clock::now();
  std::this_thread::sleep_for(duration);
  done = true;
  const Clock::time_point end = Clock::now();
  for (std::thread& thread : threads) thread.join();

  PhaseResult phase;
  phase.name = name;
  phase.seconds = std::chrono::duration<double>(end - start).count();
  for (StreamResult& stream : results) {
    phase.latencies_ms.insert(phase.latencies_ms.end(), stream.latencies_ms.begin(),
                              stream.latencies_ms.end());
    for (const auto& [code, count] : stream.failures) {
      phase.failures[code] += count;
      phase.failed += count;
    }
  }
  phase.calls = static_cast<long>(phase.latencies_ms.size());
  std::sort(phase.latencies_ms.begin(), phase.latencies_ms.end());
  return phase;
}

// `part` added to `whole`: the rounds of one phase as one result.
void Merge(PhaseResult& whole, const PhaseResult& part) {
  whole.name = part.name;
  whole.calls += part.calls;
  whole.failed += part.failed;
  for (const auto& [code, count] : part.failures) whole.failures[code] += count;
  whole.seconds += part.seconds;
  whole.latencies_ms.insert(whole.latencies_ms.end(), part.latencies_ms.begin(),
                            part.latencies_ms.end());
  std::sort(whole.latencies_ms.begin(), whole.latencies_ms.end());
}

void Print(const PhaseResult& phase, int streams) {
  std::printf(
      "%-13s streams=%d calls=%ld failed=%ld seconds=%.1f qps=%.0f p50_ms=%.3f "
      "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      phase.name.c_str(), streams, phase.calls, phase.failed, phase.seconds, phase.Qps(),
      phase.At(0.5), phase.At(0.9), phase.At(0.99),
      phase.latencies_ms.empty() ? 0.0 : phase.latencies_ms.back());
  for (const auto& [code, count] : phase.failures) {
    std::printf("%-13s   failures with code %d: %ld\n", phase.name.c_str(),
                static_cast<int>(code), count);
  }
}

// What the command line asks for.
struct BenchOptions {
  std::string questions_path;
  int streams = 16;
  double seconds = 10;
  double warmup_seconds = 2;
  int limit = 10;
  bool no_health = false;
  std::string http_url;
  int rounds = 4;
};

void AddFlags(CLI::App& app, BenchOptions& o) {
  app.add_option("--questions", o.questions_path,
                 "JSONL with a \"Question\" field, or text lines (qid<TAB>text)")
      ->required();
  app.add_option("--streams", o.streams, "Concurrent streams (connections)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--seconds", o.seconds, "Measured seconds of each phase")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup-seconds", o.warmup_seconds, "Unmeasured seconds first")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--limit", o.limit, "Results per Search")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_flag("--no-health", o.no_health, "Skip the Health/Check phase");
  app.add_option(
      "--http", o.http_url,
      "Also search over HTTP/JSON at this base URL (guru-server --http-listen), "
      "e.g. http://127.0.0.1:8080");
  app.add_option("--rounds", o.rounds,
                 "With --http: gRPC and HTTP search phases alternate this many times, "
                 "sharing --seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
}

// The questions of `path`, blank ones skipped; empty (said on standard
// error) when it cannot be read or has none.
std::vector<std::string> ReadQuestions(const std::string& path) {
  std::vector<std::string> questions;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "guru-bench: --questions %s: cannot open\n", path.c_str());
    return questions;
  }
  for (std::string line; std::getline(in, line);) {
    std::string question = QuestionOf(line);
    if (question.find_first_not_of(" \t\r") != std::string::npos) {
      questions.push_back(std::move(question));
    }
  }
  if (questions.empty()) {
    std::fprintf(stderr, "guru-bench: --questions %s: no questions\n", path.c_str());
  }
  return questions;
}

// The calls each phase makes, one connection per stream for gRPC (shared by
// its two stubs) and one keep-alive HTTP client per stream for --http.
class Calls {
 public:
  Calls(const BenchOptions& options, guru::ClientConnection& connection,
        const std::vector<std::string>& questions)
      : options_(options), connection_(connection), questions_(questions) {
    for (int i = 0; i < options.streams; ++i) {
      const std::shared_ptr<grpc::Channel> channel = connection.NewChannel();
      search_stubs_.push_back(guru::v1::GuruSearch::NewStub(channel));
      health_stubs_.push_back(grpc::health::v1::Health::NewStub(channel));
    }
    for (int i = 0; !options.http_url.empty() && i < options.streams; ++i) {
      clients_.push_back(std::make_unique<httplib::Client>(options.http_url));
      clients_.back()->set_keep_alive(true);
      // As curl and browsers do: the request's header and body go in two
      // writes, and Nagle would hold the body for the server's delayed ACK
      // (40 ms a call).
      clients_.back()->set_tcp_nodelay(true);
      clients_.back()->set_read_timeout(30);
    }
  }

  Call Search() {
    return [this](std::size_t stream, long n) {
      const guru::v1::SearchRequest request = Request(n);
      guru::v1::SearchResponse response;
      grpc::ClientContext context;
      connection_.Prepare(context);
      return search_stubs_[stream]->Search(&context, request, &response);
    };
  }

  Call HttpSearch() {
    return [this](std::size_t stream, long n) {
      std::string body;
      (void)google::protobuf::util::MessageToJsonString(Request(n), &body);
      const httplib::Result result =
          clients_[stream]->Post("/v1/search", body, "application/json");
      if (!result) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "no HTTP answer");
      return result->status == 200
                 ? grpc::Status::OK
                 : grpc::Status(grpc::StatusCode::UNKNOWN, result->body);
    };
  }

  Call Health() {
    return [this](std::size_t stream, long /*n*/) {
      grpc::health::v1::HealthCheckRequest request;
      grpc::health::v1::HealthCheckResponse response;
      grpc::ClientContext context;
      connection_.Prepare(context);
      return health_stubs_[stream]->Check(&context, request, &response);
    };
  }

 private:
  // The `n`th search of a stream: the questions in turn.
  guru::v1::SearchRequest Request(long n) const {
    guru::v1::SearchRequest request;
    request.set_query(questions_[static_cast<std::size_t>(n) % questions_.size()]);
    request.set_limit(options_.limit);
    return request;
  }

  const BenchOptions& options_;
  guru::ClientConnection& connection_;
  const std::vector<std::string>& questions_;
  std::vector<std::unique_ptr<guru::v1::GuruSearch::Stub>> search_stubs_;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health_stubs_;
  std::vector<std::unique_ptr<httplib::Client>> clients_;
};

// Runs the phases and prints them; returns how many calls failed.
long RunPhases(const BenchOptions& options, Calls& calls) {
  const auto count = static_cast<std::size_t>(options.streams);
  const auto warmup =
      std::chrono::milliseconds(std::lround(options.warmup_seconds * 1000));
  const auto duration = std::chrono::milliseconds(std::lround(options.seconds * 1000));
  const bool http = !options.http_url.empty();
  // gRPC and HTTP searches alternate in rounds, so that a machine whose speed
  // drifts (a shared VM) slows both alike and their ratio stays fair.
  const int round_count = http ? options.rounds : 1;
  const auto round_duration = duration / round_count;
  PhaseResult searched;
  PhaseResult http_searched;
  for (int round = 0; round < round_count; ++round) {
    Merge(searched, RunPhase("Search", count, calls.Search(), warmup, round_duration));
    if (http) {
      Merge(http_searched,
            RunPhase("HTTP/Search", count, calls.HttpSearch(), warmup, round_duration));
    }
  }
  Print(searched, options.streams);
  long failed = searched.failed;
  if (http) {
    Print(http_searched, options.streams);
    failed += http_searched.failed;
    if (searched.Qps() > 0) {
      std::printf("http_over_grpc_search_qps=%.3f\n",
                  http_searched.Qps() / searched.Qps());
    }
  }
  if (!options.no_health) {
    const PhaseResult checked =
        RunPhase("Health/Check", count, calls.Health(), warmup, duration);
    Print(checked, options.streams);
    failed += checked.failed;
    if (checked.Qps() > 0) {
      std::printf("search_over_health_qps=%.3f\n", searched.Qps() / checked.Qps());
    }
  }
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Load generator for guru-server: Search, then Health/Check.",
               "guru-bench"};
  app.set_version_flag("--version", guru::VersionLine("guru-bench"));
  guru::ClientConnection connection;
  BenchOptions options;
  connection.AddFlags(app);
  AddFlags(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (std::string error; !connection.Connect(error)) {
    std::fprintf(stderr, "guru-bench: %s\n", error.c_str());
    return kExitUsage;
  }
  const std::vector<std::string> questions = ReadQuestions(options.questions_path);
  if (questions.empty()) return kExitUsage;

  Calls calls(options, connection, questions);
  std::printf("questions=%zu limit=%d\n", questions.size(), options.limit);
  return RunPhases(options, calls) == 0 ? kExitOk : kExitFailed;
}
