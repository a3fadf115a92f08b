// guru-indexer: argv -> options -> one ingest run -> summary line + exit code.
//
//   guru-indexer --db DIR [--rejects FILE] INPUT...
//   guru-indexer --db DIR --delete ID...
//
// Exit codes: 0 all records indexed; 1 some records rejected (the others are
// committed); 2 usage error, or nothing could be done (index untouched).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "core/str_cat.h"
#include "ingest/ingest.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitSomeRejected = 1;
constexpr int kExitFailed = 2;

void Report(const guru::Diagnostic& d) {
  if (d.severity == guru::Diagnostic::Severity::kError) {
    spdlog::error("{}: {}", d.location, d.message);
  } else {
    spdlog::warn("{}: {}", d.location, d.message);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Diagnostics go to stderr; stdout carries only the summary line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("guru-indexer"));
  spdlog::set_pattern("%^%l%$: %v");

  CLI::App app{
      "Indexes Guru Q&A posts into a Xapian index (upsert by id).\n"
      "INPUT is a .jsonl file (one guru.v1.Post per line, protobuf JSON), a "
      ".txt page, a directory (searched recursively for both) or - (JSONL on "
      "standard input).",
      "guru-indexer"};
  guru::IngestOptions options;
  std::vector<std::string> inputs;
  std::vector<std::string> delete_ids;
  app.add_option("--db", options.db_path, "Index directory (created if missing)")
      ->required();
  app.add_option("--rejects", options.rejects_path,
                 "Write each rejected JSONL record to FILE, byte for byte; "
                 "rejected page files are copied to FILE.pages/");
  app.add_option("--commit-every", options.commit_every, "Posts per atomic commit")
      ->default_val(options.commit_every)
      ->check(CLI::PositiveNumber);
  auto* del = app.add_option("--delete", delete_ids, "Delete the posts with these ids")
                  ->expected(1, -1);
  app.add_option("inputs", inputs, "INPUT...")->excludes(del);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitFailed;
  }
  if (delete_ids.empty() && inputs.empty()) {
    std::fprintf(stderr, "guru-indexer: give INPUT... or --delete ID...\n%s",
                 app.help().c_str());
    return kExitFailed;
  }

  const absl::StatusOr<guru::IngestCounts> counts =
      delete_ids.empty() ? guru::IngestInputs(inputs, options, Report)
                         : guru::DeletePosts(delete_ids, options, Report);
  if (!counts.ok()) {
    spdlog::error("{}", guru::ToStd(counts.status().message()));
    return kExitFailed;
  }
  std::printf("%s\n", guru::FormatSummary(*counts).c_str());
  if (counts->rejected == 0) return kExitOk;
  const bool anything_accepted = counts->added + counts->replaced + counts->unchanged > 0;
  return anything_accepted ? kExitSomeRejected : kExitFailed;
}
