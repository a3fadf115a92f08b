// Answers queries from a Xapian database on disk: ranked search with
// passages, filters and facets; "more like this"; lookup by id.
#ifndef GURU_INDEX_SEARCHER_H_
#define GURU_INDEX_SEARCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/query_text.h"
#include "core/word_list.h"
#include "guru/v1/post.pb.h"
#include "guru/v1/search.pb.h"
#include "index/confidence_features.h"
#include "index/ranking_options.h"

namespace guru {

// Restricts a search; empty fields do not restrict. Values as the API takes
// them (the searcher normalises case); dates already checked, YYYY-MM-DD.
struct SearchFilterParams {
  std::vector<std::string> categories;
  std::vector<std::string> experts;
  std::string date_from;
  std::string date_to;
};

// One search request as the index serves it: a position in the ranking,
// not a page token (the server turns tokens into positions and back).
struct SearchParams {
  // Natural-language text, split once; never parsed as query syntax.
  Message query;
  // Earlier messages, newest first; weighted below `query`.
  std::vector<std::string> context;
  // Results wanted, after skipping `offset`. The caller checks the ranges.
  int limit = 10;
  int offset = 0;
  SearchFilterParams filter;
  // Length of each snippet, in characters.
  int snippet_length = 300;
  // Count category facets (makes the matcher examine at least the best
  // 1,000 matches).
  bool facets = false;
};

struct SearchPage {
  // What the API answers, but for what the server adds (the safety
  // assessment and the next page's token): results, total_estimate,
  // answer_status, interpretation and category_facets.
  v1::SearchResponse response;
  // features[i]: what response.results(i).confidence was computed from (for
  // calibration).
  std::vector<ConfidenceFeatures> features;
  // True when results exist after this page.
  bool has_more = false;
};

// What every search of one searcher shares, fixed when it is opened.
struct SearcherOptions {
  // Words spelled correctly, which spelling correction leaves alone; may be
  // null. Shared by every searcher of a server (see io/dictionary.h).
  std::shared_ptr<const WordList> dictionary;
  RankingOptions ranking;
  // When above 0 and the index is a sharded directory (shards.h), its shards
  // are served by this many xapian-progsrv child processes of the searcher
  // (process k holds shards k, k + n, ...), so that one search is matched on
  // several cores: Xapian sends the query to every child at once and gathers
  // exact global statistics, so the answers are those of the shards read
  // here. The children exit when the searcher is destroyed. Each search then
  // exchanges a few dozen messages with each (term frequencies, the page's
  // documents), which pays only for indexes of about a million posts
  // (docs/SCALING.md). 0: every shard is read in the searching thread, one
  // after another.
  int shard_processes = 0;
};

// A read-only view of the index. Sees the database as of Open() or the last
// Refresh(); Refresh() also recovers when a writer's commit overtook a read.
// Not thread-safe: a Xapian database handle belongs to one thread at a time,
// so use one Searcher per worker (see the server's pool).
class Searcher {
 public:
  // UNAVAILABLE when there is no index at `path` (yet); DATA_LOSS when it is
  // corrupt; FAILED_PRECONDITION when it was written with another schema
  // version (schema.h).
  static absl::StatusOr<std::unique_ptr<Searcher>> Open(const std::string& path,
                                                        SearcherOptions options = {});

  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // Ranked posts for `params.query`. A query with no indexable words (only
  // punctuation or stopwords) matches nothing and returns an empty page.
  absl::StatusOr<SearchPage> Search(const SearchParams& params);

  // As Search, but a NO_MATCH page keeps its results and facets: what the
  // confidence model is fitted on (bench/relevance/guru_features.cc), never
  // what a person is shown.
  absl::StatusOr<SearchPage> SearchKeepingNoMatch(const SearchParams& params);

  // The post with `id`; NOT_FOUND when there is none.
  absl::StatusOr<v1::Post> GetPost(std::string_view id);

  // Up to `limit` posts most like the one with `id` (which is never among
  // them), best first; NOT_FOUND when there is no such post.
  absl::StatusOr<v1::RelatedResponse> Related(std::string_view id, int limit);

  // Identifies the index (not its revision): equal ids mean positions in a
  // ranking stay meaningful across reopening. Empty if unknown.
  std::string IndexId() const;

  // Moves to the latest committed revision: true when it may have moved,
  // false when this searcher already saw the latest one.
  absl::StatusOr<bool> Refresh();

  // Number of posts in the revision this searcher sees.
  std::uint64_t PostCount() const;

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guru

#endif  // GURU_INDEX_SEARCHER_H_
