// Internal to src/index: how candidates from Xapian are ordered, how sure we
// are of each, and whether a page answers the question. Stateless functions;
// thread-safe as long as each thread uses its own database handle.
#ifndef GURU_INDEX_RANKING_H_
#define GURU_INDEX_RANKING_H_

#include <xapian.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "guru/v1/search.pb.h"
#include "index/confidence_features.h"
#include "index/query_builder.h"
#include "index/ranking_options.h"
namespace guru::internal {

struct RankedCandidate {
  Xapian::docid docid = 0;
  // Its position in the MSet ranked.
  Xapian::doccount matched_rank = 0;
  double score = 0;
  // The post, for the first `confidence_depth` (every page asked for) and,
  // from a local index, the re-ranked head (read lazily); over remote shards
  // also for candidates tied in the re-ranked head; otherwise an empty
  // document.
  Xapian::Document document;
  // Whether the post has a title, and whether that title holds the query's
  // naming word (BuiltQuery::naming_stem); read for the re-ranked head only.
  bool titled = false;
  bool titles_naming_word = false;
  // Calibrated probability of relevance, [0, 1]; set for the first
  // `confidence_depth` candidates only.
  double confidence = 0;
  ConfidenceFeatures features;
};

// The weighting scheme `ranking` names, with its parameters.
std::unique_ptr<Xapian::Weight> MakeWeight(const RankingOptions& ranking);

// The post stored in `doc`; DATA_LOSS when it holds none.
absl::StatusOr<v1::Post> DecodePost(const Xapian::Document& doc);

// Sets what `enquire`'s matches must carry for RankCandidates: over remote
// shards, each match's title and question stems (slot 6) as its sort key,
// which the remote protocol sends with the match, where reading them from
// the re-ranked head's documents would cost a message each. Sorting by
// relevance, then by that value, changes only the order of equal weights,
// which re-ranking orders by id in the head; unlike a collapse key, it
// leaves Xapian's match counts as they are.
void PrepareEnquire(Xapian::Enquire& enquire, Locality locality);

// Orders `mset` (retrieved from position 0, by an Enquire that
// PrepareEnquire prepared) for `query`: the best
// `ranking.rerank_depth` re-ranked, the rest in Xapian's order after them;
// the first `confidence_depth` get their confidence. Candidates of equal
// score are in the order of their ids where their run starts within the
// first `confidence_depth` (what a page reads; a page further on asks for
// more) or the first confidence_model::kTopicalDepth (what
// DecideAnswerStatus reads), so that one index and its shards give the same
// pages; further runs keep Xapian's order.
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
