// Answers queries from a Xapian database on disk: ranked search with
// snippets, and lookup by id.
#ifndef GURU_INDEX_SEARCHER_H_
#define GURU_INDEX_SEARCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "guru/v1/post.pb.h"

namespace guru {

// How queries are scored. The defaults are the configuration measured best in
// docs/RELEVANCE.md; the knobs exist so that the relevance harness can
// measure each idea on its own (guru-server --ranking).
struct RankingOptions {
  // Weight of a match in the title field, relative to the free text.
  double title_weight = 0.5;
  // Weight of chatty words ("please", "help", "wondering"), relative to other
  // words (1 = no down-weighting).
  double chatty_weight = 0.3;
  // Re-ranking: a candidate's score is multiplied by
  // 1 + title_coverage_boost * (share of its title's stems in the query),
  // so that a post about exactly what was asked about comes first.
  double title_coverage_boost = 1.0;
  // How many of the best candidates are re-ranked (at least offset + limit).
  int rerank_depth = 100;
  // Weight of words reached through the index's synonym table ("kneecap" ->
  // "patella"), relative to the person's own words, so that an expansion
  // never counts as much as an exact match.
  double synonym_weight = 0.25;
};

// Parses "key=value,key=value" over RankingOptions' field names, e.g.
// "title_weight=0,title_coverage_boost=0". INVALID_ARGUMENT naming the key
// or value that is wrong.
absl::StatusOr<RankingOptions> ParseRankingOptions(std::string_view spec);

struct SearchParams {
  // Natural-language text; never parsed as query syntax.
  std::string query;
  // Results wanted, after skipping `offset`. The caller checks the ranges.
  int limit = 10;
  int offset = 0;
  // Length of each snippet, in characters.
  int snippet_length = 300;
  RankingOptions ranking;
};

struct SearchHit {
  v1::Post post;
  double score = 0;
  std::string snippet;
};

struct SearchPage {
  std::vector<SearchHit> hits;
  std::int64_t total_estimate = 0;
};

// A read-only view of the index. Sees the database as of Open() or the last
// Refresh(); Refresh() also recovers when a writer's commit overtook a read.
// Not thread-safe: a Xapian database handle belongs to one thread at a time,
// so use one Searcher per worker (see the server's pool).
class Searcher {
 public:
  // UNAVAILABLE when there is no index at `path` (yet); DATA_LOSS when it is
  // corrupt.
  static absl::StatusOr<std::unique_ptr<Searcher>> Open(const std::string& path);

  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // Ranked posts for `params.query`. A query with no indexable words (only
  // punctuation or stopwords) matches nothing and returns an empty page.
  absl::StatusOr<SearchPage> Search(const SearchParams& params);

  // The post with `id`; NOT_FOUND when there is none.
  absl::StatusOr<v1::Post> GetPost(std::string_view id);

  // Moves to the latest committed revision.
  absl::Status Refresh();

  // Number of posts in the revision this searcher sees.
  std::uint64_t PostCount() const;

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guru

#endif  // GURU_INDEX_SEARCHER_H_
