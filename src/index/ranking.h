// Internal to src/index: how candidates from Xapian are ordered, how sure we
// are of each, and whether a page answers the question. Stateless functions;
// thread-safe as long as each thread uses its own database handle.
#ifndef GURU_INDEX_RANKING_H_
#define GURU_INDEX_RANKING_H_

#include <xapian.h>

#include <vector>

#include "guru/v1/search.pb.h"
#include "index/query_builder.h"
#include "index/ranking_options.h"
namespace guru::internal {

struct RankedCandidate {
  Xapian::docid docid = 0;
  Xapian::Document document;
  double score = 0;
  // Calibrated probability of relevance, [0, 1].
  double confidence = 0;
};

// Orders `mset` (retrieved from position 0) for `query`: the best
// `ranking.rerank_depth` re-ranked, the rest in Xapian's order after them.
std::vector<RankedCandidate> RankCandidates(const Xapian::Database& db,
                                            const Xapian::MSet& mset,
                                            const BuiltQuery& query,
                                            const RankingOptions& ranking);

// Whether `ranked` (all candidates, best first; may be empty) answers the
// query. On NO_MATCH the searcher returns no results.
v1::AnswerStatus DecideAnswerStatus(const std::vector<RankedCandidate>& ranked,
                                    const BuiltQuery& query,
                                    const RankingOptions& ranking);

}  // namespace guru::internal
#endif  // GURU_INDEX_RANKING_H_
