#include "server/config.h"

#include <unistd.h>  // environ

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/str_cat.h"
#include "core/text.h"
#include "index/shards.h"

namespace guru {
namespace {

// GURU_* variables of the project's other programs and scripts (the chatbot
// example, bench/relevance.sh, the client tests), which start guru-server
// with their own environment: theirs, not misspelled options of this one.
constexpr std::string_view kOtherProgramsVariables[] = {
    "GURU_SERVER",       "GURU_DEADLINE_MS",    "GURU_CALIBRATE_WRITE",
    "GURU_PY_TIMEOUT_S", "GURU_E2E_TIMEOUT_MS", "GURU_E2E_SCREENSHOT"};

// The name in `names` that a misspelled `name` most likely meant.
std::string Nearest(std::string_view name, const std::vector<std::string>& names) {
  const auto nearest = std::min_element(
      names.begin(), names.end(), [name](const std::string& a, const std::string& b) {
        return EditDistance(name, a) < EditDistance(name, b);
      });
  return nearest == names.end() ? std::string() : *nearest;
}

// Every GURU_* variable must name an option: a misspelled one would
// otherwise be ignored, and a server meant to require a token would start
// without one.
void CheckEnvironment(const CLI::App& app) {
  std::vector<std::string> known;
  for (const CLI::Option* option : app.get_options()) {
    if (!option->get_envname().empty()) known.push_back(option->get_envname());
  }
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view assignment(*entry);
    const std::string_view name = assignment.substr(0, assignment.find('='));
    if (!name.starts_with("GURU_") ||
        std::find(known.begin(), known.end(), name) != known.end() ||
        std::ranges::find(kOtherProgramsVariables, name) !=
            std::end(kOtherProgramsVariables)) {
      continue;
    }
    throw CLI::ConfigError(StrCat("environment variable ", name,
                                  " is not an option of guru-server; did you mean ",
                                  Nearest(name, known), "?"));
  }
}

// The option that a config file entry sets: one with a variable (not --help)
// other than --config itself. Throws for a key that names none.
CLI::Option* FileOption(CLI::App& app, const std::string& path,
                        const CLI::ConfigItem& item) {
  std::vector<std::string> keys;
  for (CLI::Option* option : app.get_options()) {
    if (option->get_envname().empty() || option->get_lnames().empty() ||
        option == app.get_option("--config")) {
      continue;
    }
    keys.push_back(option->get_lnames().front());
    if (item.parents.empty() && item.name == keys.back()) return option;
  }
  throw CLI::ConfigError(StrCat(path, ": unknown key '", item.fullname(),
                                "'; did you mean ", Nearest(item.name, keys), "?"));
}

// CLI11 reads a `[section]` header as the parent of the keys under it, and
// marks where sections open and close with items named "++" and "--": marks
// set nothing, and the keys under a section are reported as unknown.
bool IsSectionMark(const CLI::ConfigItem& item) {
  return !item.parents.empty() && (item.name == "++" || item.name == "--");
}

// Sets, from the config file, each option that no flag or variable has set.
void ApplyConfigFile(CLI::App& app, const std::string& path) {
  const std::shared_ptr<CLI::Config> format = app.get_config_formatter();
  const std::vector<CLI::ConfigItem> items = format->from_file(path);
  std::vector<const CLI::Option*> given;
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() > 0) given.push_back(option);
  }
  std::vector<const CLI::Option*> in_file;
  for (const CLI::ConfigItem& item : items) {
    if (IsSectionMark(item)) continue;
    CLI::Option* option = FileOption(app, path, item);
    // A key said twice, or a list or nothing where one value is expected,
    // is a mistake: taking one of them silently could, for
    // auth-token-file, start a server without auth.
    if (std::find(in_file.begin(), in_file.end(), option) != in_file.end()) {
      throw CLI::ConfigError(StrCat(path, ": key '", item.name, "' is given twice"));
    }
    in_file.push_back(option);
    if (option->get_expected_min() > 0 && option->get_expected_max() == 1 &&
        item.inputs.size() != 1) {
      throw CLI::ConfigError(StrCat(path, ": key '", item.name, "' takes one value; got ",
                                    item.inputs.size(), " (a list, or the key twice)"));
    }
    if (option->get_expected_min() > 0 &&
        std::ranges::any_of(
            item.inputs, [](const std::string& value) { return Trim(value).empty(); })) {
      throw CLI::ConfigError(StrCat(path, ": key '", item.name,
                                    "' has an empty value; leave the key out to use its "
                                    "default"));
    }
    if (std::find(given.begin(), given.end(), option) != given.end()) continue;
    try {
      if (option->get_expected_min() == 0) {  // A flag: `log-queries = true`.
        option->add_result(option->get_flag_value(item.name, format->to_flag(item)));
      } else {
        option->add_result(item.inputs);
      }
      option->run_callback();  // Checks the value (e.g. its range) and stores it.
    } catch (const CLI::ParseError& e) {
      throw CLI::ConfigError(StrCat(path, ": ", e.what()));
    }
  }
}

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
  // Read by ParseServerConfig, not by CLI11, which would let the file beat
  // the variables and ignore unknown keys.
  app.add_option("--config", config.config_file,
                 "Config file of `option = value` lines (names as the long flags, "
                 "e.g. refresh-ms = 500); flags and GURU_* variables override it; "
                 "an unknown name is an error")
      ->envname("GURU_CONFIG");
  // Required, but checked by ParseServerConfig: it may come from the file.
  app.add_option("--db", s.db_path,
                 "Index directory written by guru-indexer (required; may not exist yet)")
      ->envname("GURU_DB");
  app.add_option("--listen", s.listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->envname("GURU_LISTEN")
      ->capture_default_str();
  app.add_option("--refresh-ms", config.refresh_ms,
                 "New posts become visible within this many milliseconds")
      ->envname("GURU_REFRESH_MS")
      ->capture_default_str()
      ->check(CLI::Range(10, 3600 * 1000));
  app.add_option("--shutdown-grace-ms", config.shutdown_grace_ms,
                 "On SIGTERM/SIGINT/SIGHUP, how long calls in flight may finish")
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
  app.add_option("--shard-processes", s.shard_processes,
                 "Match a sharded index's shards in parallel: N xapian-progsrv "
                 "child processes per searching thread serve them (Debian: "
                 "xapian-tools); pays for indexes of hundreds of thousands of posts "
                 "(docs/SCALING.md); 0 = in the searching thread")
      ->envname("GURU_SHARD_PROCESSES")
      ->capture_default_str()
      ->check(CLI::Range(0, kMaxShards));
  app.add_option("--metrics-listen", s.metrics_listen,
                 "HOST:PORT for Prometheus metrics at /metrics (default: none)")
      ->envname("GURU_METRICS_LISTEN");
  app.add_option("--http-listen", s.http_listen,
                 "HOST:PORT for the HTTP/JSON API (POST /v1/search, GET /v1/posts/ID, "
                 "/healthz, /readyz; same auth, TLS and limits as gRPC; default: none)")
      ->envname("GURU_HTTP_LISTEN");
  app.add_option("--http-cors-origin", s.http_cors_origins,
                 "Origin whose browser pages may call the HTTP/JSON API, e.g. "
                 "https://chat.example.org, or * for any (repeatable; default: none)")
      ->envname("GURU_HTTP_CORS_ORIGIN")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->delimiter(',');
  app.add_flag("--access-log", s.access_log,
               "Log one line per call: method, code, ms, result count, answer status; "
               "never the query text (default: off)")
      ->envname("GURU_ACCESS_LOG");
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
  app.add_option("--safety-rules", s.safety_rules_file,
                 "Safety rules file: the signs that make a message an emergency, a "
                 "crisis or a reason to see a doctor (default: the built-in copy of "
                 "data/safety/rules.txt)")
      ->envname("GURU_SAFETY_RULES");
  app.add_option("--safety-advice", s.safety_advice_file,
                 "Advice shown for each safety level, `level = text` lines (e.g. "
                 "data/safety/advice-uk.txt, advice-us.txt; default: none)")
      ->envname("GURU_SAFETY_ADVICE");
  app.add_option("--ranking", config.ranking,
                 StrCat("Ranking experiments, key=value,... over ", RankingOptionsHelp(),
                        "; see docs/RELEVANCE.md (default: none)"))
      ->envname("GURU_RANKING");
}

// Options whose value decides who may call or what the connection proves:
// given twice on the command line, one would silently win over the other.
constexpr std::string_view kOnceOnly[] = {"--auth-token-file", "--tls-cert", "--tls-key",
                                          "--tls-client-ca", "--config"};

// An option given an empty value (`--auth-token-file ""`, an unset variable
// in a unit file's `--auth-token-file ${TOKEN_FILE}`, `key =` in the config
// file) is a mistake, never "use the default": for --auth-token-file the
// default is no auth. Leaving the option out is how to ask for its default.
void CheckGivenValues(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() == 0 || option->get_expected_min() == 0) continue;
    const std::string name = option->get_lnames().empty()
                                 ? option->get_name()
                                 : StrCat("--", option->get_lnames().front());
    for (const std::string& value : option->results()) {
      if (Trim(value).empty()) {
        throw CLI::ValidationError(
            name, "given an empty value; leave the option out to use its default");
      }
    }
    if (option->count() > 1 &&
        std::ranges::find(kOnceOnly, name) != std::end(kOnceOnly)) {
      throw CLI::ValidationError(name, "given more than once");
    }
  }
}

void ParseServerConfig(CLI::App& app, int argc, const char* const* argv) {
  app.parse(argc, argv);  // Flags, then variables (CLI11 skips empty ones).
  CheckEnvironment(app);
  CheckGivenValues(app);
  if (const std::string file = app.get_option("--config")->as<std::string>();
      !file.empty()) {
    ApplyConfigFile(app, file);  // Refuses its own empty or repeated values.
  }
  if (app.get_option("--db")->count() == 0) throw CLI::RequiredError("--db");
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
  if (!options.http_listen.empty()) {
    if (absl::Status s = CheckHostPort("--http-listen", options.http_listen); !s.ok()) {
      return s;
    }
  }
  if (!options.http_cors_origins.empty() && options.http_listen.empty()) {
    return absl::InvalidArgumentError("--http-cors-origin needs --http-listen");
  }
  if (options.shard_processes > 0) {
    if (absl::StatusOr<std::string> program = LocateShardServer(); !program.ok()) {
      return absl::FailedPreconditionError(
          StrCat("--shard-processes: ", program.status().message()));
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
