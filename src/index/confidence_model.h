// Internal to src/index: the confidence model, a logistic regression over
// ConfidenceFeatures, and the answer-status thresholds on its output.
// Fitted by bench/relevance/calibrate.py on one run of bench/relevance.sh
// over the judged LiveQA development questions (docs/RELEVANCE.md); refit
// and replace these numbers whenever ranking changes.
#ifndef GURU_INDEX_CONFIDENCE_MODEL_H_
#define GURU_INDEX_CONFIDENCE_MODEL_H_

namespace guru::internal::confidence_model {

// BEGIN FITTED (bench/relevance/calibrate.py --write)
inline constexpr double kIntercept = -4.0;
inline constexpr double kIdfMatched = 3.0;
inline constexpr double kTitleCoverage = 2.0;
inline constexpr double kRelativeScore = 1.0;
inline constexpr double kReciprocalRank = 1.0;
inline constexpr double kTypeMatch = 0.5;
// END FITTED

// The first result's confidence below which nothing is shown (NO_MATCH),
// and from which the first result is taken as the answer (ANSWERED).
inline constexpr double kNoMatchBelow = 0.05;
inline constexpr double kAnsweredFrom = 0.3;

}  // namespace guru::internal::confidence_model

#endif  // GURU_INDEX_CONFIDENCE_MODEL_H_
