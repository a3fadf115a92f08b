// A running guru-server: the gRPC server with GuruSearch, health and
// reflection, the HTTP/JSON gateway in front of it, plus the watcher that
// keeps the health status true.
#ifndef GURU_SERVER_GURU_SERVER_H_
#define GURU_SERVER_GURU_SERVER_H_

#include <grpcpp/server.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "core/word_list.h"
#include "server/call_runner.h"
#include "server/http_gateway.h"
#include "server/integrity_monitor.h"
#include "server/metrics.h"
#include "server/parse_failures.h"
#include "server/reflection_v1.h"
#include "server/safety_check.h"
#include "server/search_service.h"
#include "server/searcher_pool.h"
#include "server/work_queue.h"

namespace guru {

struct ServerOptions {
  // Index directory written by guru-indexer. It may not exist yet: the server
  // then answers UNAVAILABLE (health NOT_SERVING) until it appears.
  std::string db_path;
  // HOST:PORT to listen on; port 0 picks a free port (see GuruServer::port).
  std::string listen = "127.0.0.1:50051";
  // How old a searcher's view of the index may get before it is refreshed,
  // and how often the health status is re-checked.
  std::chrono::milliseconds refresh_interval{1000};
  // How queries are scored (defaults: docs/RELEVANCE.md's configuration).
  RankingOptions ranking;
  // Words spelled correctly, one per line, which spelling correction leaves
  // alone even when no post contains them; "none" or empty: no dictionary.
  // When the default file is missing the server warns and corrects without
  // it; any other file that cannot be read is an error.
  std::string dictionary_file = std::string(kDefaultDictionaryFile);
  // The safety rules (see core/safety.h); empty: the copy of
  // data/safety/rules.txt built into the binary, so that no deployment runs
  // without them. A file that cannot be read or parsed stops the start.
  std::string safety_rules_file;
  // `level = advice` lines for the deployment (emergency number, crisis
  // line...); empty: responses carry no advice text.
  std::string safety_advice_file;

  // Threads that run searches (0: one per CPU core), and how many calls may
  // be accepted at once, running or waiting for a thread; more at the same
  // time are refused with RESOURCE_EXHAUSTED.
  int workers = 0;
  int max_in_flight = 256;
  // Child processes that serve a sharded index's shards to each searcher,
  // so that one search uses several cores (SearcherOptions::shard_processes);
  // 0: none, shards are matched in the searching thread.
  int shard_processes = 0;

  // HOST:PORT for Prometheus metrics over HTTP (/metrics); empty: none.
  std::string metrics_listen;
  // HOST:PORT for the HTTP/JSON API (http_gateway.h); empty: none. It uses
  // the TLS files below as the gRPC port does.
  std::string http_listen;
  // Origins whose browser pages may call the HTTP/JSON API (CORS).
  std::vector<std::string> http_cors_origins;
  // Log one line per call without its text (CallPolicy::access_log).
  bool access_log = false;
  // Log the text of each query (personal health data).
  bool log_queries = false;

  // PEM files. With a certificate and key the server speaks only TLS; with a
  // client CA as well it requires and verifies client certificates (mTLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // A file whose content (trailing whitespace removed) is the bearer token
  // GuruSearch calls must carry; empty: no token needed. Health checks and
  // reflection stay open.
  std::string auth_token_file;
};

// Owns the gRPC server, the safety check, the searcher pool, the work queue,
// the metrics and the health watcher thread.
// Start() returns once the server accepts connections. Thread-safe.
class GuruServer {
 public:
  // INVALID_ARGUMENT for options that do not fit together or files that
  // cannot be read (the message names the option); UNAVAILABLE when an
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GuruServer>> Start(const ServerOptions& options);

  ~GuruServer();
  GuruServer(const GuruServer&) = delete;
  GuruServer& operator=(const GuruServer&) = delete;

  // The port actually bound (the chosen one when the options asked for 0).
  int port() const { return port_; }
  // The metrics port bound (0 without --metrics-listen).
  int metrics_port() const { return metrics_.port(); }
  // The HTTP/JSON port bound (0 without --http-listen).
  int http_port() const { return http_ ? http_->port() : 0; }

  // Reports NOT_SERVING, stops taking calls, lets calls in flight finish for
  // up to `grace`, then cancels the rest. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  GuruServer(const ServerOptions& options, CallPolicy policy,
             std::shared_ptr<const WordList> dictionary, SafetyCheck safety);
  void WatchHealth();
  void SetServing(bool serving);

  const ServerOptions options_;
  const SafetyCheck safety_;
  ServerMetrics metrics_;
  SearcherPool pool_;
  // Used by the watcher thread only (and by Start before it runs).
  IntegrityMonitor integrity_;
  WorkQueue queue_;
  CallRunner runner_;
  SearchService service_;
  ReflectionV1Service reflection_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  // Calls server_ through its in-process channel; stopped after it.
  std::unique_ptr<HttpGateway> http_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool serving_ ABSL_GUARDED_BY(mutex_) = false;
  bool health_reported_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread watcher_;
};

}  // namespace guru

#endif  // GURU_SERVER_GURU_SERVER_H_
