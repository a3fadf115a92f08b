// guru-server: flags -> ServerOptions -> GuruServer; waits for SIGINT or
// SIGTERM, then shuts down gracefully and exits 0.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "core/str_cat.h"
#include "server/guru_server.h"

namespace {
constexpr int kExitUsage = 2;
constexpr int kExitCannotStart = 1;
}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("guru-server"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"Serves ranked Guru replies over gRPC (guru.v1.GuruSearch).",
               "guru-server"};
  guru::ServerOptions options;
  int refresh_ms = static_cast<int>(options.refresh_interval.count());
  int grace_ms = 5000;
  app.add_option("--db", options.db_path, "Index directory written by guru-indexer")
      ->required();
  app.add_option("--listen", options.listen,
                 "HOST:PORT to listen on; port 0 picks a free port")
      ->default_val(options.listen);
  app.add_option("--refresh-ms", refresh_ms,
                 "New posts become visible within this many milliseconds")
      ->default_val(refresh_ms)
      ->check(CLI::Range(10, 3600 * 1000));
  app.add_option("--shutdown-grace-ms", grace_ms,
                 "On SIGTERM/SIGINT, how long calls in flight may finish")
      ->default_val(grace_ms)
      ->check(CLI::NonNegativeNumber);
  std::string ranking;
  app.add_option(
      "--ranking", ranking,
      "Ranking experiments, key=value,... over title_weight (0.5), chatty_weight "
      "(0.3), title_coverage_boost (1), rerank_depth (100), synonym_weight (0.25); see "
      "docs/RELEVANCE.md");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  options.refresh_interval = std::chrono::milliseconds(refresh_ms);
  absl::StatusOr<guru::RankingOptions> ranking_options =
      guru::ParseRankingOptions(ranking);
  if (!ranking_options.ok()) {
    std::fprintf(stderr, "guru-server: --ranking: %s\n",
                 std::string(guru::ToStd(ranking_options.status().message())).c_str());
    return kExitUsage;
  }
  options.ranking = *ranking_options;

  // Signals are taken synchronously by this thread; every thread started
  // after this inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<guru::GuruServer>> server =
      guru::GuruServer::Start(options);
  if (!server.ok()) {
    spdlog::error("{}", guru::ToStd(server.status().message()));
    return kExitCannotStart;
  }
  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  spdlog::info("listening on {}:{}", host, (*server)->port());

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("received signal {}; shutting down", signal_number);
  (*server)->Shutdown(std::chrono::milliseconds(grace_ms));
  spdlog::info("stopped");
  return 0;
}
