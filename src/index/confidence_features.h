// What a result's confidence is computed from; public so that the
// calibration tool (bench/relevance/guru_features.cc) can fit the model.
#ifndef GURU_INDEX_CONFIDENCE_FEATURES_H_
#define GURU_INDEX_CONFIDENCE_FEATURES_H_

namespace guru {

// Each in [0, 1]; confidence increases with each.
struct ConfidenceFeatures {
  // Share of the message's IDF mass (content words weighted as searched)
  // that the post contains.
  double idf_matched = 0;
  // Share of the post's title stems that the query searches for.
  double title_coverage = 0;
  // Score relative to the best candidate's.
  double relative_score = 0;
  // 1 / (1 + rank), rank from 0.
  double reciprocal_rank = 0;
  // 1 when the post's own question is of a type the message asks about.
  double type_match = 0;
};

// The calibrated probability that a post with `features` answers the query
// (src/index/confidence_model.h, docs/RELEVANCE.md); in [0, 1], and never
// lower when a feature grows.
double Confidence(const ConfidenceFeatures& features);

}  // namespace guru

#endif  // GURU_INDEX_CONFIDENCE_FEATURES_H_
