// Runs questions through a Searcher in-process and writes, for every result,
// its confidence and the features confidence is computed from: the input of
// bench/relevance/calibrate.py.
//   guru-features --db DIR --questions TSV --out TSV [--ranking SPEC] [--limit N]
//                 [--dictionary FILE|none]   (as guru-server's, same default)
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "guru/v1/search.pb.h"
#include "index/searcher.h"
#include "io/dictionary.h"

int main(int argc, char** argv) {
  std::string db;
  std::string questions;
  std::string out_path;
  std::string ranking_spec;
  int limit = 10;
  std::string dictionary_file(guru::kDefaultDictionaryFile);
  CLI::App app("guru-features: results with their confidence features, as TSV");
  app.add_option("--db", db, "Index directory")->required();
  app.add_option("--questions", questions, "qid<TAB>text lines")->required();
  app.add_option("--out", out_path, "Output TSV")->required();
  app.add_option("--ranking", ranking_spec, "As guru-server --ranking");
  app.add_option("--limit", limit, "Results per question")->check(CLI::Range(1, 100));
  app.add_option("--dictionary", dictionary_file, "As guru-server --dictionary")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<guru::RankingOptions> ranking = guru::ParseRankingOptions(ranking_spec);
  if (!ranking.ok()) {
    std::fprintf(stderr, "guru-features: %s\n", ranking.status().ToString().c_str());
    return 2;
  }
  std::string warning;
  absl::StatusOr<std::shared_ptr<const guru::WordList>> dictionary =
      guru::LoadDictionary(dictionary_file, warning);
  if (!warning.empty())
    std::fprintf(stderr, "guru-features: warning: %s\n", warning.c_str());
  if (!dictionary.ok()) {
    std::fprintf(stderr, "guru-features: %s\n", dictionary.status().ToString().c_str());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<guru::Searcher>> searcher =
      guru::Searcher::Open(db, {*dictionary, *ranking});
  if (!searcher.ok()) {
    std::fprintf(stderr, "guru-features: %s\n", searcher.status().ToString().c_str());
    return 2;
  }
  std::ifstream in(questions);
  std::ofstream out(out_path, std::ios::trunc);
  if (!in || !out) {
    std::fprintf(stderr, "guru-features: cannot open %s or %s\n", questions.c_str(),
                 out_path.c_str());
    return 2;
  }
  out << "qid\trank\tid\tstatus\tconfidence\tidf_matched\ttitle_coverage\t"
         "relative_score\treciprocal_rank\ttype_match\n";
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    guru::SearchParams params;
    params.query = line.substr(tab + 1);
    params.limit = limit;
    // Every result, NO_MATCH pages too: the model is fitted on all of them.
    absl::StatusOr<guru::SearchPage> page = (*searcher)->SearchKeepingNoMatch(params);
    if (!page.ok()) {
      std::fprintf(stderr, "guru-features: %s\n", page.status().ToString().c_str());
      return 1;
    }
    const std::string qid = line.substr(0, tab);
    const guru::v1::SearchResponse& response = page->response;
    const std::string status = guru::v1::AnswerStatus_Name(response.answer_status());
    if (response.results().empty()) {
      out << qid << "\t0\t-\t" << status << "\t0\t0\t0\t0\t0\t0\n";
    }
    for (int i = 0; i < response.results_size(); ++i) {
      const guru::v1::SearchResult& result = response.results(i);
      const guru::ConfidenceFeatures& f = page->features[static_cast<std::size_t>(i)];
      out << absl::StrFormat("%s\t%d\t%s\t%s\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.0f\n", qid,
                             i + 1, result.post().id(), status, result.confidence(),
                             f.idf_matched, f.title_coverage, f.relative_score,
                             f.reciprocal_rank, f.type_match);
    }
  }
  return out ? 0 : 1;
}
