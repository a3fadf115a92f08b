// guru-indexer: argv -> options -> one ingest run -> summary line + exit code.
//
//   guru-indexer --db DIR [--shards N] [--rejects FILE] [--prune] [--dry-run] [--json]
//                [--synonyms FILE|none|built-in]... INPUT...
//   guru-indexer --db DIR --delete ID...
//   guru-indexer stats --db DIR [--json]
//
// Exit codes: 0 all records indexed; 1 some records rejected (the others are
// committed); 2 usage error, or nothing could be done (index untouched);
// 3 stopped part way by an index error (a full disk): what the summary line
// counts was committed, the rest was not.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/str_cat.h"
#include "core/version.h"
#include "index/index_stats.h"
#include "index/shards.h"
#include "ingest/ingest.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitSomeRejected = 1;
constexpr int kExitFailed = 2;
constexpr int kExitStoppedPartWay = 3;

// The --synonyms values that name no file (a file of that name: ./none).
constexpr std::string_view kSynonymsNone = "none";
constexpr std::string_view kSynonymsBuiltIn = "built-in";

// --synonyms as given -> IngestOptions (files, or the built-in vocabulary, or
// none, or the default when not given). False when a word is mixed with files.
bool ResolveVocabulary(guru::IngestOptions& options) {
  using Vocabulary = guru::IngestOptions::Vocabulary;
  std::vector<std::string>& files = options.synonym_files;
  if (files.empty()) {
    options.vocabulary = Vocabulary::kDefault;
    return true;
  }
  for (std::string_view word : {kSynonymsNone, kSynonymsBuiltIn}) {
    if (std::find(files.begin(), files.end(), word) == files.end()) continue;
    if (files.size() > 1) return false;
    options.vocabulary = word == kSynonymsNone ? Vocabulary::kNone : Vocabulary::kBuiltIn;
    files.clear();
  }
  return true;
}

void Report(const guru::Diagnostic& d) {
  if (d.severity == guru::Diagnostic::Severity::kError) {
    spdlog::error("{}: {}", d.location, d.message);
  } else {
    spdlog::warn("{}: {}", d.location, d.message);
  }
}

// Progress on standard error: a live line on a terminal, a log line every
// ten seconds otherwise.
class ProgressReporter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ProgressReporter(bool terminal) : terminal_(terminal) {}

  void operator()(const guru::IngestProgress& p) {
    const Clock::time_point now = Clock::now();
    if (now - last_ <
        (terminal_ ? std::chrono::milliseconds(250) : std::chrono::seconds(10))) {
      return;
    }
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const auto done = p.counts.valid + p.counts.rejected;
    std::string line = fmt::format(
        "{} posts ({:.0f}/s): added {}, replaced {}, unchanged {}, rejected {}", done,
        static_cast<double>(done) / std::max(seconds, 1e-3), p.counts.added,
        p.counts.replaced, p.counts.unchanged, p.counts.rejected);
    if (p.bytes_total > 0 && p.bytes_done > 0) {
      const double fraction = std::min(
          1.0, static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total));
      line += fmt::format(", {:.0f}%, ETA {:.0f}s", 100 * fraction,
                          seconds * (1 - fraction) / fraction);
    }
    if (terminal_) {
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
      shown_ = true;
    } else {
      spdlog::info("{}", line);
    }
  }

  // Clears the live line before the summary.
  void Done() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  const bool terminal_;
  bool shown_ = false;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = Clock::now();
};

// `text` as the inside of a JSON string.
std::string JsonEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

int RunStats(const std::string& db, bool json) {
  absl::StatusOr<guru::IndexStats> stats = guru::ReadIndexStats(db);
  if (!stats.ok()) {
    spdlog::error("{}", guru::ToStd(stats.status().message()));
    return kExitFailed;
  }
  const guru::IndexVocabulary& vocabulary = stats->vocabulary;
  if (json) {
    // Names and versions come from file names and "version" lines: escaped.
    std::printf(
        "{\"posts\":%llu,\"last_update\":\"%s\",\"revision\":%llu,\"bytes_on_disk\":%llu,"
        "\"schema_version\":\"%s\",\"shards\":%d,\"vocabulary\":{\"name\":\"%s\","
        "\"version\":\"%s\",\"source\":\"%s\"}}\n",
        static_cast<unsigned long long>(stats->posts), stats->last_update.c_str(),
        static_cast<unsigned long long>(stats->revision),
        static_cast<unsigned long long>(stats->bytes_on_disk),
        stats->schema_version.c_str(), stats->shards, JsonEscape(vocabulary.name).c_str(),
        JsonEscape(vocabulary.version).c_str(),
        std::string(guru::VocabularySourceName(vocabulary.source)).c_str());
  } else {
    std::printf(
        "posts %llu\nlast update %s\nrevision %llu\nsize on disk %llu bytes\n"
        "schema version %s\nshards %d\nvocabulary %s\n",
        static_cast<unsigned long long>(stats->posts),
        stats->last_update.empty() ? "never" : stats->last_update.c_str(),
        static_cast<unsigned long long>(stats->revision),
        static_cast<unsigned long long>(stats->bytes_on_disk),
        stats->schema_version.c_str(), stats->shards,
        guru::DescribeVocabulary(vocabulary).c_str());
  }
  return kExitOk;
}

// Logs what went wrong, prints the summary line and returns the exit code
// of a run that gave `counts` (`deleting`: a --delete run).
int Summarise(const absl::StatusOr<guru::IngestCounts>& counts, bool dry_run,
              bool deleting, bool json) {
  if (!counts.ok()) {
    spdlog::error("{}", guru::ToStd(counts.status().message()));
    return kExitFailed;
  }
  if (!counts->stopped.ok()) {
    spdlog::error(
        "stopped part way: {}; the posts this summary counts were committed, "
        "the rest were not: run the same command again once fixed",
        guru::ToStd(counts->stopped.message()));
  }
  if (counts->vocabulary_changed) {
    spdlog::info("vocabulary {}", guru::DescribeVocabulary(counts->vocabulary));
  }
  if (json) {
    std::printf("%s\n", guru::FormatSummaryJson(*counts).c_str());
  } else if (dry_run && deleting) {
    std::printf("dry run: would delete %llu\n",
                static_cast<unsigned long long>(counts->deleted));
  } else if (dry_run) {
    std::printf("dry run: valid %llu, rejected %llu\n",
                static_cast<unsigned long long>(counts->valid),
                static_cast<unsigned long long>(counts->rejected));
  } else {
    std::printf("%s\n", guru::FormatSummary(*counts).c_str());
  }
  if (!counts->stopped.ok()) return kExitStoppedPartWay;
  if (counts->rejected == 0) return kExitOk;
  return counts->valid > 0 ? kExitSomeRejected : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  // Diagnostics go to stderr; stdout carries only the summary.
  spdlog::set_default_logger(spdlog::stderr_color_mt("guru-indexer"));
  spdlog::set_pattern("%^%l%$: %v");

  CLI::App app{
      "Indexes Guru Q&A posts into a Xapian index (upsert by id).\n"
      "INPUT is a .jsonl file (one guru.v1.Post per line, protobuf JSON), a "
      ".txt or .html page, a directory (searched recursively) or - (JSONL on "
      "standard input).",
      "guru-indexer"};
  app.set_version_flag("--version", guru::VersionLine("guru-indexer"));
  guru::IngestOptions options;
  std::vector<std::string> inputs;
  std::vector<std::string> delete_ids;
  bool json = false;
  app.add_option("--db", options.db_path, "Index directory (created if missing)");
  app.add_option("--shards", options.shards,
                 "Split a new index into N shards under DIR (a Xapian stub file lists "
                 "them); an existing sharded index keeps its count")
      ->check(CLI::Range(1, guru::kMaxShards));
  app.add_option("--rejects", options.rejects_path,
                 "Append each rejected JSONL record to FILE, byte for byte (created "
                 "at the first reject, never truncated); rejected page files are "
                 "copied to FILE.pages/. FILE may not be an input, lie in an input "
                 "directory or inside the index");
  app.add_option("--commit-every", options.commit_every, "Posts per atomic commit")
      ->default_val(options.commit_every)
      ->check(CLI::PositiveNumber);
  app.add_flag("--prune", options.prune,
               "Delete posts whose source file under an input directory is gone");
  app.add_flag("--dry-run", options.dry_run,
               "Parse and validate only; the index is not opened");
  app.add_flag("--json", json, "Print the summary as one JSON object");
  app.add_option(
         "--synonyms", options.synonym_files,
         "Vocabulary file(s) (\"kneecap | patella\" groups, see "
         "data/synonyms/) to load into the index's synonym table, replacing it; "
         "repeat for several. 'none': an empty table; 'built-in': the lay <-> "
         "clinical vocabulary built into this program. Default: the built-in one, "
         "unless the index was given files or 'none' before (kept)")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({std::string(kSynonymsNone), std::string(kSynonymsBuiltIn)}) |
              CLI::ExistingFile);
  auto* del = app.add_option("--delete", delete_ids, "Delete the posts with these ids")
                  ->expected(1, -1);
  app.add_option("inputs", inputs, "INPUT...")->excludes(del);
  app.positionals_at_end();
  CLI::App* stats =
      app.add_subcommand("stats", "Print post count, last update, revision and size");
  std::string stats_db;
  stats->add_option("--db", stats_db, "Index directory")->required();
  stats->add_flag("--json", json, "Print as one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitFailed;
  }
  if (stats->parsed()) return RunStats(stats_db, json);
  if (!ResolveVocabulary(options)) {
    std::fprintf(stderr,
                 "guru-indexer: --synonyms %s or %s cannot be given with other files "
                 "(a file of that name: ./%s)\n",
                 kSynonymsNone.data(), kSynonymsBuiltIn.data(), kSynonymsNone.data());
    return kExitFailed;
  }
  if (options.db_path.empty() && !options.dry_run) {
    std::fprintf(stderr, "guru-indexer: --db is required\n%s", app.help().c_str());
    return kExitFailed;
  }
  if (delete_ids.empty() && inputs.empty() && options.synonym_files.empty() &&
      options.vocabulary == guru::IngestOptions::Vocabulary::kDefault) {
    std::fprintf(stderr, "guru-indexer: give INPUT... or --delete ID...\n%s",
                 app.help().c_str());
    return kExitFailed;
  }

  std::error_code error;
  const bool db_existed =
      options.dry_run || std::filesystem::exists(options.db_path, error);
  ProgressReporter progress(::isatty(STDERR_FILENO) == 1);
  const absl::StatusOr<guru::IngestCounts> counts =
      delete_ids.empty() ? guru::IngestInputs(inputs, options, Report, std::ref(progress))
                         : guru::DeletePosts(delete_ids, options, Report);
  progress.Done();
  const int code = Summarise(counts, options.dry_run, !delete_ids.empty(), json);
  // Exit 2 promises an untouched index: a run that accepted no post leaves
  // no new, empty index behind, which a server watching the path would
  // start serving. Only when this run itself got as far as reading its
  // input (counts.ok()): a run refused by another indexer's lock must not
  // remove the index that indexer is creating.
  if (code == kExitFailed && !db_existed && counts.ok() && counts->valid == 0) {
    std::filesystem::remove_all(options.db_path, error);
    if (error) {
      spdlog::warn("could not remove the empty index {} this run created: {}",
                   options.db_path, error.message());
    }
  }
  return code;
}
