// Internal to src/index: how candidates from Xapian are ordered, how sure we
// are of each, and whether a page answers the question. Stateless functions;
// thread-safe as long as each thread uses its own database handle.
#ifndef GURU_INDEX_RANKING_H_
#define GURU_INDEX_RANKING_H_

#include <xapian.h>

#include <memory>
#include <vector>

#include "guru/v1/search.pb.h"
#include "index/confidence_features.h"
#include "index/query_builder.h"
#include "index/ranking_options.h"
namespace guru::internal {

struct RankedCandidate {
  Xapian::docid docid = 0;
  double score = 0;
  // The post, fetched in one batch for the re-ranked head and the first
  // `confidence_depth` (every page asked for); past them an empty document.
  Xapian::Document document;
  // Whether the post has a title (read for the re-ranked head only).
  bool titled = false;
  // Calibrated probability of relevance, [0, 1]; set for the first
  // `confidence_depth` candidates only.
  double confidence = 0;
  ConfidenceFeatures features;
};

// The weighting scheme `ranking` names, with its parameters.
std::unique_ptr<Xapian::Weight> MakeWeight(const RankingOptions& ranking);

// Where a database's documents are read from, which decides how ranking
// reads what they contain: a remote shard sends a whole posting list at once.
enum class Locality { kLocal, kRemote };

// Orders `mset` (retrieved from position 0) for `query`: the best
// `ranking.rerank_depth` re-ranked, the rest in Xapian's order after them;
// the first `confidence_depth` get their confidence.
std::vector<RankedCandidate> RankCandidates(
    const Xapian::Database& db, const Xapian::Stem& stemmer, const Xapian::MSet& mset,
    const BuiltQuery& query, const RankingOptions& ranking, std::size_t confidence_depth,
    Locality locality);

// Whether `ranked` (all candidates, best first; may be empty, the first with
// its confidence) answers the query, from thresholds on the first's
// confidence. On NO_MATCH Searcher::Search returns no results.
v1::AnswerStatus DecideAnswerStatus(const std::vector<RankedCandidate>& ranked,
                                    const BuiltQuery& query);

}  // namespace guru::internal
#endif  // GURU_INDEX_RANKING_H_
