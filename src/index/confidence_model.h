// Internal to src/index: the confidence model, a logistic regression over
// ConfidenceFeatures, and the answer-status thresholds on its output.
// Fitted by bench/relevance/calibrate.py on one run of bench/relevance.sh
// over the judged LiveQA development questions (docs/RELEVANCE.md); refit
// and replace these numbers whenever ranking changes.
#ifndef GURU_INDEX_CONFIDENCE_MODEL_H_
#define GURU_INDEX_CONFIDENCE_MODEL_H_

#include <cstddef>

namespace guru::internal::confidence_model {

// BEGIN FITTED (bench/relevance/calibrate.py --write)
inline constexpr double kIntercept = -3.534;
inline constexpr double kIdfMatched = 1.116;
inline constexpr double kTitleCoverage = 0.861;
inline constexpr double kRelativeScore = 1.096;
inline constexpr double kReciprocalRank = 0.979;
inline constexpr double kTypeMatch = 0.118;
// END FITTED

// The first result's confidence below which nothing is shown (NO_MATCH),
// and from which the first result is taken as the answer (ANSWERED).
inline constexpr double kNoMatchBelow = 0.2;
inline constexpr double kAnsweredFrom = 0.4;

// A post is about what its title names. When no post among the first
// kTopicalDepth has a title the query covers at least kMinTitleCoverage, or
// one that holds the query's naming word (below), the index holds no post
// about the question (off-topic, gibberish): NO_MATCH.
// A first post without a title says nothing either way; then the message's
// IDF mass decides: NO_MATCH when the first holds less than kMinIdfMatched.
// (A word-rich match without a title match is how off-topic questions look:
// "best recipe for chocolate cake" finds a diet post that mentions cake.)
inline constexpr double kMinTitleCoverage = 0.3;
// A title that holds the message's naming word (BuiltQuery::naming_stem says
// which word that is) is about it too, however long: "what is
// trypanosomiasis" covers an eighth of "Parasites - African Trypanosomiasis
// (also known as Sleeping Sickness)". These two limits of the naming word
// are set by hand (bench/relevance/name_probes.py and no_match_probes.tsv
// measure them), not fitted.
inline constexpr double kMaxNamingShare = 0.02;
inline constexpr double kMinNamingIdfShare = 0.5;
inline constexpr std::size_t kTopicalDepth = 10;
inline constexpr double kMinIdfMatched = 0.5;
// Titles and IDF say what an index is about only when there are enough
// posts: NO_MATCH (other than for no match at all) applies to indexes of at
// least this many posts.
inline constexpr double kMinPostsForGating = 1000;

}  // namespace guru::internal::confidence_model

#endif  // GURU_INDEX_CONFIDENCE_MODEL_H_
