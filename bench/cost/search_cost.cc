// Runs questions through a Searcher in-process, as guru-server's Search does
// but without gRPC, safety or page tokens, and reports what one search costs:
// CPU time of the searching thread and wall time, per search. With
// --results it writes every result of the first pass (status, id, score and
// confidence to the last bit, passage span, highlights, snippet) so that two
// builds can be checked to answer alike before their costs are compared.
// Under `valgrind --tool=callgrind` (as bench/search_cost.sh runs it) the
// instructions per search are exact and do not depend on what else runs.
// Questions may carry their conversation's earlier turns, as in
// `guru-query --batch`.
//   guru-search-cost --db DIR --questions TSV [--passes N] [--limit N]
//                    [--results TSV] [--ranking SPEC] [--dictionary FILE|none]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "core/batch_line.h"
#include "guru/v1/search.pb.h"
#include "index/searcher.h"
#include "index/shards.h"
#include "io/dictionary.h"

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The questions of a batch file; lines without a qid and a text are skipped.
std::vector<guru::BatchQuestion> ReadQuestions(std::ifstream& in) {
  std::vector<guru::BatchQuestion> questions;
  for (std::string line; std::getline(in, line);) {
    if (auto question = guru::ParseBatchLine(line))
      questions.push_back(std::move(*question));
  }
  return questions;
}

double Percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto at =
      static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  return values[at];
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::string questions_path;
  std::string results_path;
  std::string times_path;
  std::string ranking_spec;
  int passes = 3;
  int limit = 10;
  int shard_processes = 0;
  std::string dictionary_file(guru::kDefaultDictionaryFile);
  CLI::App app("guru-search-cost: CPU and wall time per search, in-process");
  app.add_option("--db", db, "Index directory")->required();
  app.add_option("--questions", questions_path,
                 "qid<TAB>text[<TAB>earlier turn...] lines (turns newest first)")
      ->required();
  app.add_option("--passes", passes,
                 "Measured passes over the questions (after one unmeasured)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--limit", limit, "Results per search")->check(CLI::Range(1, 100));
  app.add_option("--results", results_path,
                 "Write every result: qid, rank, id, status, score, confidence, passage "
                 "span, highlights, snippet");
  app.add_option("--times", times_path,
                 "Write each measured search's time: qid, pass, wall ms, CPU ms "
                 "(which questions are slow)");
  app.add_option("--ranking", ranking_spec, "As guru-server --ranking");
  app.add_option("--shard-processes", shard_processes, "As guru-server --shard-processes")
      ->check(CLI::Range(0, guru::kMaxShards));
  app.add_option("--dictionary", dictionary_file, "As guru-server --dictionary")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<guru::RankingOptions> ranking = guru::ParseRankingOptions(ranking_spec);
  if (!ranking.ok()) {
    std::fprintf(stderr, "guru-search-cost: %s\n", ranking.status().ToString().c_str());
    return 2;
  }
  std::string warning;
  absl::StatusOr<std::shared_ptr<const guru::WordList>> dictionary =
      guru::LoadDictionary(dictionary_file, warning);
  if (!warning.empty())
    std::fprintf(stderr, "guru-search-cost: warning: %s\n", warning.c_str());
  if (!dictionary.ok()) {
    std::fprintf(stderr, "guru-search-cost: %s\n",
                 dictionary.status().ToString().c_str());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<guru::Searcher>> searcher =
      guru::Searcher::Open(db, {*dictionary, *ranking, shard_processes});
  if (!searcher.ok()) {
    std::fprintf(stderr, "guru-search-cost: %s\n", searcher.status().ToString().c_str());
    return 2;
  }
  std::ifstream in(questions_path);
  const auto questions = ReadQuestions(in);
  if (questions.empty()) {
    std::fprintf(stderr, "guru-search-cost: --questions %s: no qid<TAB>text lines\n",
                 questions_path.c_str());
    return 2;
  }

  std::ofstream results;
  std::ofstream times;
  for (auto [stream, path] :
       {std::pair{&results, &results_path}, {&times, &times_path}}) {
    if (path->empty()) continue;
    stream->open(*path, std::ios::trunc);
    if (!stream->is_open()) {
      std::fprintf(stderr, "guru-search-cost: cannot write %s\n", path->c_str());
      return 2;
    }
  }
  std::vector<double> wall_ms;
  double cpu_seconds = 0;
  for (int pass = 0; pass <= passes; ++pass) {
    const bool measured = pass > 0;  // The first pass warms caches.
    for (const auto& [qid, text, context] : questions) {
      guru::SearchParams params;
      params.query = text;
      params.context = context;
      params.limit = limit;
      const double cpu_before = ThreadCpuSeconds();
      const auto wall_before = std::chrono::steady_clock::now();
      absl::StatusOr<guru::SearchPage> page = (*searcher)->Search(params);
      const std::chrono::duration<double, std::milli> wall =
          std::chrono::steady_clock::now() - wall_before;
      if (measured) {
        const double cpu = ThreadCpuSeconds() - cpu_before;
        cpu_seconds += cpu;
        wall_ms.push_back(wall.count());
        if (times.is_open()) {
          times << absl::StrFormat("%s\t%d\t%.4f\t%.4f\n", qid, pass, wall.count(),
                                   cpu * 1e3);
        }
      }
      if (!page.ok()) {
        std::fprintf(stderr, "guru-search-cost: %s: %s\n", qid.c_str(),
                     page.status().ToString().c_str());
        return 1;
      }
      if (pass != 0 || !results.is_open()) continue;
      const guru::v1::SearchResponse& response = page->response;
      const std::string status = guru::v1::AnswerStatus_Name(response.answer_status());
      for (int i = 0; i < response.results_size(); ++i) {
        const guru::v1::SearchResult& r = response.results(i);
        std::string highlights;
        for (const guru::v1::TextSpan& h : r.passage().highlights()) {
          highlights += absl::StrFormat("%d-%d,", h.start(), h.end());
        }
        results << absl::StrFormat("%s\t%d\t%s\t%s\t%.17g\t%.17g\t%d-%d\t%s\t%s\n", qid,
                                   i + 1, r.post().id(), status, r.score(),
                                   r.confidence(), r.passage().span().start(),
                                   r.passage().span().end(), highlights, r.snippet());
      }
    }
  }
  const double searches = static_cast<double>(wall_ms.size());
  double wall_total = 0;
  for (const double ms : wall_ms) wall_total += ms;
  std::printf(
      "searches=%zu cpu_ms_per_search=%.3f wall_ms_mean=%.3f wall_ms_p50=%.3f "
      "wall_ms_p99=%.3f\n",
      wall_ms.size(), cpu_seconds * 1e3 / searches, wall_total / searches,
      Percentile(wall_ms, 0.5), Percentile(wall_ms, 0.99));
  // Closed first, so that a failed last write shows.
  for (std::ofstream* stream : {&results, &times}) {
    if (!stream->is_open()) continue;
    stream->close();
    if (!*stream) return 1;
  }
  return 0;
}
