// guru-server: configuration (flags, GURU_* variables, --config file) ->
// ServerOptions -> GuruServer; waits for SIGINT, SIGTERM or SIGHUP, then shuts
// down gracefully and exits 0.
#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "core/str_cat.h"
#include "core/version.h"
#include "server/config.h"
#include "server/guru_server.h"

namespace {
constexpr int kExitUsage = 2;
constexpr int kExitCannotStart = 1;

// The signals that stop the server, taken by sigwait in main.
sigset_t TerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  return signals;
}
}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("guru-server"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"Serves ranked Guru replies over gRPC (guru.v1.GuruSearch).",
               "guru-server"};
  app.set_version_flag("--version", guru::VersionLine("guru-server"));
  guru::ServerConfig config;
  guru::AddServerFlags(app, config);
  try {
    guru::ParseServerConfig(app, argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  absl::StatusOr<guru::ServerOptions> options = guru::ResolveServerOptions(config);
  if (!options.ok()) {
    std::fprintf(stderr, "guru-server: %s\n",
                 std::string(guru::ToStd(options.status().message())).c_str());
    return kExitUsage;
  }

  // Signals are taken synchronously by this thread; every thread started
  // after this inherits the mask. SIGHUP (a closed terminal or ssh session, a
  // supervisor's "reload", which the server has nothing to reload for) would
  // otherwise kill the server with calls in flight: it stops as SIGTERM does.
  const sigset_t signals = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Child processes (xapian-progsrv, --shard-processes) would inherit the
  // mask through exec and ignore an operator's SIGTERM.
  pthread_atfork(nullptr, nullptr, [] {
    const sigset_t blocked = TerminationSignals();
    pthread_sigmask(SIG_UNBLOCK, &blocked, nullptr);
  });

  spdlog::info("{} starting", guru::VersionLine("guru-server"));
  absl::StatusOr<std::unique_ptr<guru::GuruServer>> server =
      guru::GuruServer::Start(*options);
  if (!server.ok()) {
    spdlog::error("{}", guru::ToStd(server.status().message()));
    return server.status().code() == absl::StatusCode::kInvalidArgument
               ? kExitUsage
               : kExitCannotStart;
  }
  const std::string host = options->listen.substr(0, options->listen.rfind(':'));
  if ((*server)->metrics_port() != 0) {
    const std::string& metrics = options->metrics_listen;
    spdlog::info("metrics on http://{}:{}/metrics", metrics.substr(0, metrics.rfind(':')),
                 (*server)->metrics_port());
  }
  if ((*server)->http_port() != 0) {
    const std::string& http = options->http_listen;
    spdlog::info("HTTP/JSON on {}://{}:{}",
                 options->tls_cert_file.empty() ? "http" : "https",
                 http.substr(0, http.rfind(':')), (*server)->http_port());
  }
  spdlog::info("listening on {}:{}{}", host, (*server)->port(),
               options->tls_cert_file.empty() ? "" : " (TLS)");

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("received signal {}; shutting down", signal_number);
  (*server)->Shutdown(std::chrono::milliseconds(config.shutdown_grace_ms));
  spdlog::info("stopped");
  return 0;
}
