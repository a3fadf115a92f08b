// The knobs of relevance ranking, public so that guru-server --ranking and
// the relevance harness can set them (docs/RELEVANCE.md).
#ifndef GURU_INDEX_RANKING_OPTIONS_H_
#define GURU_INDEX_RANKING_OPTIONS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace guru {

// How queries are scored. The defaults keep each idea that helped in
// docs/RELEVANCE.md's ablation, at settings chosen once rather than fitted to
// its questions; the knobs exist so that the relevance harness can measure
// each idea on its own (guru-server --ranking).
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
  // Xapian weighting scheme: DPH (divergence from randomness), which has no
  // parameters to tune and ranked better than BM25 at every setting tried,
  // or BM25 with bm25_k1 and bm25_b, kept for the harness's comparison
  // (docs/RELEVANCE.md; BM25+, LM and PL2, pseudo-relevance feedback, are
  // there as history).
  enum class Weighting { kBm25, kDph };
  Weighting weighting = Weighting::kDph;
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  // Re-ranking: a candidate whose own question is of a type the message
  // asks about (treatment, symptoms, causes...; core QuestionTypes) has its
  // score multiplied by 1 + question_type_boost.
  double question_type_boost = 0.5;
  // Re-ranking: a candidate whose title names a population the message
  // names (children, adults, men, women, pregnancy; core Populations()) has
  // its score multiplied by 1 + population_boost.
  double population_boost = 0.5;
  // Re-ranking a follow-up whose topic joins subjects from several turns
  // ("high blood pressure", then "kidneys"): a candidate whose title names
  // a share s of them has its score multiplied by 1 + topic_parts_boost * s.
  double topic_parts_boost = 0.25;
  // Re-ranking reads the kinds titles designate with "type": a candidate
  // whose title designates only another kind than the message or its topic
  // ("Type 1 diabetes" for "type 2 diabetes"; BuiltQuery::kinds) is not
  // re-ranked up, and "type" with its kind covers a title only with a word
  // of its subject. 0: titles are read without them.
  bool kinds = true;
  // A word said n times in the message weighs (k + 1) n / (k + n) times a
  // word said once (BM25's k3 saturation, at Xapian's default k3 = 1); 0 =
  // each occurrence counts fully.
  double repeat_saturation = 1;
  // Key-concept weighting: each word's weight is multiplied by
  // (its IDF / the message's highest IDF) ^ focus_exponent; 0 = off.
  double focus_exponent = 1;
  // Correct words the index does not know from its spelling data.
  bool spelling = true;
  // Weight of a follow-up's topic words, taken from an earlier turn
  // (SearchParams::context; see BuildQuery), relative to the message's own
  // words; 0 = earlier turns are never used.
  double context_weight = 1;
};

// Parses "key=value,key=value" over RankingOptions' field names, e.g.
// "title_weight=0,title_coverage_boost=0". INVALID_ARGUMENT naming the key
// or value that is wrong.
absl::StatusOr<RankingOptions> ParseRankingOptions(std::string_view spec);

// Every key ParseRankingOptions takes, with its default: "title_weight
// (0.5), chatty_weight (0.3), ...", for --ranking's help.
std::string RankingOptionsHelp();

}  // namespace guru

#endif  // GURU_INDEX_RANKING_OPTIONS_H_
