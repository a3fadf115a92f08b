// The knobs of relevance ranking, public so that guru-server --ranking and
// the relevance harness can set them (docs/RELEVANCE.md).
#ifndef GURU_INDEX_RANKING_OPTIONS_H_
#define GURU_INDEX_RANKING_OPTIONS_H_

#include <string_view>

#include "absl/status/statusor.h"

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
  // How many of the best candidates are re-ranked. Fixed per configuration
  // (not per request) so that pages of one query never overlap.
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

}  // namespace guru

#endif  // GURU_INDEX_RANKING_OPTIONS_H_
