#include "server/config.h"

#include "core/str_cat.h"

namespace guru {
namespace {

// The listen addresses must be HOST:PORT with a numeric port.
absl::Status CheckHostPort(std::string_view flag, const std::string& value) {
  const std::size_t colon = value.rfind(':');
  const std::string port = colon == std::string::npos ? "" : value.substr(colon + 1);
  const bool numeric = !port.empty() && port.size() <= 5 &&
                       port.find_first_not_of("0123456789") == std::string::npos;
  if (colon == 0 || !numeric || std::stoi(port) > 65535) {
    return absl::InvalidArgumentError(
        StrCat(flag, ": '", value, "' is not HOST:PORT (port 0..65535)"));
  }
  return absl::OkStatus();
}

}  // namespace

void AddServerFlags(CLI::App& app, ServerConfig& config) {
  ServerOptions& s = config.server;
  // A later value wins (a flag over the config file), rather than an error.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_config("--config", "",
                 "Config file of `option = value` lines (names as the long flags, "
                 "e.g. refresh-ms = 500); flags and GURU_* variables override it");
  app.add_option("--db", s.db_path,
                 "Index directory written by guru-indexer (may not exist yet)")
      ->envname("GURU_DB")
      ->required();
  app.add_option("--listen", s.listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->envname("GURU_LISTEN")
      ->capture_default_str();
  app.add_option("--refresh-ms", config.refresh_ms,
                 "New posts become visible within this many milliseconds")
      ->envname("GURU_REFRESH_MS")
      ->capture_default_str()
      ->check(CLI::Range(10, 3600 * 1000));
  app.add_option("--shutdown-grace-ms", config.shutdown_grace_ms,
                 "On SIGTERM/SIGINT, how long calls in flight may finish")
      ->envname("GURU_SHUTDOWN_GRACE_MS")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600 * 1000));
  app.add_option("--workers", s.workers,
                 "Threads that run searches; 0 = one per CPU core")
      ->envname("GURU_WORKERS")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  app.add_option("--max-in-flight", s.max_in_flight,
                 "Calls accepted at once (running or queued); more are refused "
                 "with RESOURCE_EXHAUSTED")
      ->envname("GURU_MAX_IN_FLIGHT")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--metrics-listen", s.metrics_listen,
                 "HOST:PORT for Prometheus metrics at /metrics (default: none)")
      ->envname("GURU_METRICS_LISTEN");
  app.add_flag("--log-queries", s.log_queries,
               "Log each query's text (personal health data; default: off)")
      ->envname("GURU_LOG_QUERIES");
  app.add_option("--tls-cert", s.tls_cert_file,
                 "PEM certificate chain: serve TLS only (default: none, plaintext)")
      ->envname("GURU_TLS_CERT");
  app.add_option("--tls-key", s.tls_key_file,
                 "PEM private key of --tls-cert (default: none)")
      ->envname("GURU_TLS_KEY");
  app.add_option("--tls-client-ca", s.tls_client_ca_file,
                 "PEM CA bundle: require client certificates it signed, mutual TLS "
                 "(default: none)")
      ->envname("GURU_TLS_CLIENT_CA");
  app.add_option("--auth-token-file", s.auth_token_file,
                 "File holding a bearer token that GuruSearch calls must send as "
                 "'authorization: Bearer TOKEN' (default: none; health stays open)")
      ->envname("GURU_AUTH_TOKEN_FILE");
  app.add_option("--dictionary", s.dictionary_file,
                 "Word list, one per line, of correctly spelled words that spelling "
                 "correction never changes (Debian: wamerican); 'none': no list")
      ->envname("GURU_DICTIONARY")
      ->capture_default_str();
  app.add_option(
         "--ranking", config.ranking,
         "Ranking experiments, key=value,... over title_weight (0.5), chatty_weight "
         "(0.3), title_coverage_boost (1), rerank_depth (100), synonym_weight (0.25); "
         "see docs/RELEVANCE.md (default: none)")
      ->envname("GURU_RANKING");
}

absl::StatusOr<ServerOptions> ResolveServerOptions(const ServerConfig& config) {
  ServerOptions options = config.server;
  if (absl::Status s = CheckHostPort("--listen", options.listen); !s.ok()) return s;
  if (!options.metrics_listen.empty()) {
    if (absl::Status s = CheckHostPort("--metrics-listen", options.metrics_listen);
        !s.ok()) {
      return s;
    }
  }
  options.refresh_interval = std::chrono::milliseconds(config.refresh_ms);
  absl::StatusOr<RankingOptions> ranking = ParseRankingOptions(config.ranking);
  if (!ranking.ok()) {
    return absl::InvalidArgumentError(StrCat("--ranking: ", ranking.status().message()));
  }
  options.ranking = *ranking;
  return options;
}

}  // namespace guru
