// Internal to src/index: a person's message (and earlier turns) -> the Xapian
// query, the stems it searches for, and how it was understood. Stateless;
// thread-safe as long as each thread uses its own database handle.
#ifndef GURU_INDEX_QUERY_BUILDER_H_
#define GURU_INDEX_QUERY_BUILDER_H_

#include <xapian.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "guru/v1/search.pb.h"
#include "index/ranking_options.h"

namespace guru::internal {

struct BuiltQuery {
  // Empty when the message has nothing to search for (only stopwords or
  // punctuation, or only words no post contains).
  Xapian::Query query;
  // Stems of the message's own content words (after spelling correction).
  std::unordered_set<std::string> stems;
  // Every stem the query searches for (own words, expansions, context) with
  // its relative weight (1 = the person's own word); used to pick and
  // highlight passages.
  std::unordered_map<std::string, double> stem_weights;
  v1::QueryInterpretation interpretation;
};

// Builds the query for `text`, with `context` (earlier messages, newest
// first) weighted below it. People's words are text, never syntax.
BuiltQuery BuildQuery(const Xapian::Database& db, const Xapian::Stem& stemmer,
                      const std::string& text, const std::vector<std::string>& context,
                      const RankingOptions& ranking);

}  // namespace guru::internal

#endif  // GURU_INDEX_QUERY_BUILDER_H_
