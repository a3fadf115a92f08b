// guru-server's configuration: every option, from flags, GURU_* environment
// variables and an optional config file (--config FILE, `key = value` lines
// named like the long flags), in that order of precedence over the defaults.
// A name that is no option, in the file or as a GURU_* variable, is an error:
// a typo must not quietly run the server without the setting (e.g. without
// auth). `guru-server --help` lists each option with its default and variable.
#ifndef GURU_SERVER_CONFIG_H_
#define GURU_SERVER_CONFIG_H_

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "server/guru_server.h"

namespace guru {

// The options as read, before validation. Filled by CLI11 from `app`.
struct ServerConfig {
  ServerOptions server;
  int refresh_ms = 1000;
  int shutdown_grace_ms = 5000;
  std::string ranking;
  std::string config_file;
};

// Registers every option of guru-server on `app`, bound to `config`, which
// must outlive the parse. Not thread-safe (start-up only).
void AddServerFlags(CLI::App& app, ServerConfig& config);

// Reads the options bound by AddServerFlags: flags, then GURU_* variables,
// then the --config file for the options neither set, so that a flag beats
// its variable, which beats the file, which beats the default (CLI11 alone
// lets the file beat the variables). Throws CLI::ParseError, to be reported
// with app.exit, on a bad value, a missing --db, or a key in the file or a
// GURU_* variable that names no option (the message names the nearest one).
// Variables are read from the process environment. Not thread-safe.
void ParseServerConfig(CLI::App& app, int argc, const char* const* argv);

// Checks what CLI11 cannot check alone and returns the options to start the
// server with: INVALID_ARGUMENT naming the option when one is wrong. Files
// named by options, and how TLS options fit together, are checked by
// GuruServer::Start.
absl::StatusOr<ServerOptions> ResolveServerOptions(const ServerConfig& config);

}  // namespace guru

#endif  // GURU_SERVER_CONFIG_H_
