#include "index/confidence_features.h"

#include <cmath>

#include "index/confidence_model.h"

namespace guru {

double Confidence(const ConfidenceFeatures& f) {
  namespace m = internal::confidence_model;
  const double logit =
      m::kIntercept + m::kIdfMatched * f.idf_matched +
      m::kTitleCoverage * f.title_coverage + m::kRelativeScore * f.relative_score +
      m::kReciprocalRank * f.reciprocal_rank + m::kTypeMatch * f.type_match;
  return 1 / (1 + std::exp(-logit));
}

}  // namespace guru
