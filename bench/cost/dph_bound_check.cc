// Checks whether Xapian's matcher returns the same top N under DPH when
// each term's weight bound is the term's true highest weight (found by
// walking its whole posting list) times 1 + MARGIN, instead of DPHWeight's
// own, looser bound. Any valid bound must give the same top N: a post
// reported lost shows the matcher pruning what it should not
// (docs/PERFORMANCE.md, 2026-12-07). Terms are given as TERM:FACTOR, the
// factor of the OP_SCALE_WEIGHT around each, and are ORed.
//   guru-dph-bound-check DB DEPTH MARGIN TERM:FACTOR...
// Exit status: 0 when the top DEPTH is the same, 1 when a post was lost,
// 2 on bad arguments.
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numbers>
#include <string>
#include <vector>

namespace {

// DPH's weight of one posting, as Xapian 1.4's DPHWeight::get_sumpart
// computes it (the same expression, for the same bits), before the factor.
double DphWeight(double log_constant, Xapian::termcount wdf, Xapian::termcount len) {
  if (wdf == 0 || wdf == len) return 0.0;
  const double wdf_to_len = static_cast<double>(wdf) / len;
  const double x = 1 - wdf_to_len;
  const double normalization = x * x / (wdf + 1);
  const double wt =
      normalization * (wdf * (std::log2(wdf_to_len) + log_constant) +
                       (0.5 * std::log2(2 * std::numbers::pi * wdf * (1 - wdf_to_len))));
  return wt <= 0.0 ? 0.0 : wt;
}

// DPH whose bound is the highest weight its term reaches (looked up by the
// term's collection frequency, which main() makes sure no two terms share).
class MeasuredBoundDph : public Xapian::Weight {
 public:
  MeasuredBoundDph(const std::map<Xapian::termcount, double>* highest, double margin)
      : highest_(highest), margin_(margin) {
    need_stat(DOC_LENGTH);
    need_stat(COLLECTION_FREQ);
    need_stat(WDF);
    need_stat(WQF);
    need_stat(TOTAL_LENGTH);
  }
  std::string name() const override { return "guru::MeasuredBoundDph"; }
  double get_sumpart(Xapian::termcount wdf, Xapian::termcount len,
                     Xapian::termcount /*uniqterms*/) const override {
    return factor_ * DphWeight(log_constant_, wdf, len);
  }
  double get_maxpart() const override { return bound_; }
  double get_sumextra(Xapian::termcount, Xapian::termcount) const override { return 0; }
  double get_maxextra() const override { return 0; }

 private:
  MeasuredBoundDph* clone() const override {
    return new MeasuredBoundDph(highest_, margin_);
  }
  void init(double factor) override {
    if (factor == 0.0) return;
    log_constant_ = std::log2(get_total_length() / get_collection_freq());
    factor_ = get_wqf() * factor;
    const auto it = highest_->find(get_collection_freq());
    bound_ = it == highest_->end() ? 0.0 : factor_ * it->second * (1 + margin_);
  }

  const std::map<Xapian::termcount, double>* highest_;
  double margin_;
  double log_constant_ = 0;
  double factor_ = 0;
  double bound_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s DB DEPTH MARGIN TERM:FACTOR...\n", argv[0]);
    return 2;
  }
  try {
    const Xapian::Database db(argv[1]);
    const auto depth = static_cast<Xapian::doccount>(std::atoi(argv[2]));
    const double margin = std::atof(argv[3]);
    // As the matcher's DPH takes it, for the same log constant to the bit.
    const auto total_length = static_cast<double>(db.get_total_length());
    std::map<Xapian::termcount, double> highest;
    std::vector<Xapian::Query> leaves;
    for (int i = 4; i < argc; ++i) {
      const std::string arg = argv[i];
      const auto colon = arg.rfind(':');
      if (colon == std::string::npos) {
        std::fprintf(stderr, "%s: not TERM:FACTOR\n", argv[i]);
        return 2;
      }
      const std::string term = arg.substr(0, colon);
      const Xapian::termcount collection_freq = db.get_collection_freq(term);
      // The weight finds its term's bound by the collection frequency.
      if (collection_freq == 0 || highest.contains(collection_freq)) {
        std::fprintf(stderr, "%s: %s\n", term.c_str(),
                     collection_freq == 0
                         ? "not in the index"
                         : "same collection frequency as an earlier term");
        return 2;
      }
      const double log_constant = std::log2(total_length / collection_freq);
      double best = 0;
      for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
        best = std::max(best, DphWeight(log_constant, it.get_wdf(), it.get_doclength()));
      }
      highest[collection_freq] = best;
      leaves.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term),
                          std::atof(arg.c_str() + colon + 1));
      std::printf("%s: highest weight %.4f\n", term.c_str(), best);
    }
    const Xapian::Query query(Xapian::Query::OP_OR, leaves.begin(), leaves.end());
    Xapian::Enquire with_dph(db);
    with_dph.set_query(query);
    with_dph.set_weighting_scheme(Xapian::DPHWeight());
    const Xapian::MSet expected = with_dph.get_mset(0, depth);
    Xapian::Enquire with_measured(db);
    with_measured.set_query(query);
    with_measured.set_weighting_scheme(MeasuredBoundDph(&highest, margin));
    const Xapian::MSet got = with_measured.get_mset(0, depth);
    int lost = 0;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (std::none_of(got.begin(), got.end(),
                       [&](Xapian::docid id) { return id == *it; })) {
        ++lost;
        std::printf("lost: post %u, weight %.4f, rank %u of the top %u\n", *it,
                    it.get_weight(), it.get_rank() + 1, depth);
      }
    }
    std::printf("%d lost; the top %u ends at weight %.4f\n", lost, expected.size(),
                expected.empty() ? 0.0 : expected[expected.size() - 1].get_weight());
    return lost == 0 ? 0 : 1;
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "%s\n", e.get_description().c_str());
    return 2;
  }
}
