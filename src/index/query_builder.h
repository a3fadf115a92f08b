// Internal to src/index: a person's message (and earlier turns) -> the Xapian
// query, the stems it searches for, and how it was understood. Stateless;
// thread-safe as long as each thread uses its own database handle.
#ifndef GURU_INDEX_QUERY_BUILDER_H_
#define GURU_INDEX_QUERY_BUILDER_H_

#include <xapian.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/query_text.h"
#include "core/word_list.h"
#include "guru/v1/search.pb.h"
#include "index/ranking_options.h"

namespace guru::internal {

// One of the message's own content words, as searched for.
struct QueryStem {
  std::string stem;
  // Relative weight (1 for a content word, less for a chatty one).
  double weight = 1;
  // Inverse document frequency, log(N / df), with df at least 1 (so a word
  // no post contains counts as the rarest there could be).
  double idf = 0;
  // Whether any post contains the stem.
  bool indexed = false;
};

struct BuiltQuery {
  // Empty when the message has nothing to search for (only stopwords or
  // punctuation).
  Xapian::Query query;
  // The stems of the words searched for, each once, in order, with weight
  // and IDF (for confidence): a follow-up's topic taken from the
  // conversation, then the message's own content words (after spelling
  // correction).
  std::vector<QueryStem> own_stems;
  // Every stem the query searches for (own words, topic, expansions) with
  // its relative weight (1 = the person's own word); used to pick and
  // highlight passages.
  std::unordered_map<std::string, double> stem_weights;
  // Posts in the database searched.
  std::uint64_t post_count = 0;
  // Bit i set: the message asks about QuestionTypes()[i].
  std::uint32_t question_types = 0;
  // Re-ranking: a post whose own question is of one of `question_types` has
  // its score multiplied by 1 + question_type_boost (RankingOptions'
  // setting, more for a follow-up, whose words are all about the type).
  double question_type_boost = 0;
  v1::QueryInterpretation interpretation;
};

// The `count` free-text stems that best characterise `docs` (Xapian's ESet
// over them as the relevant set).
Xapian::ESet CharacteristicStems(const Xapian::Database& db,
                                 const std::vector<Xapian::docid>& docs,
                                 Xapian::termcount count);

// Question type (QuestionTypes() index) of each cue stem, e.g. "treat" -> 0.
const std::unordered_map<std::string, int>& QuestionTypeStems(
    const Xapian::Stem& stemmer);

// Builds the query for `text` in its conversation: `context` holds the
// earlier messages, newest first. A message that names no topic of its own
// (a follow-up, "how is it treated?") or a narrower one (a drill-down, "and
// for children?") is searched for together with the topic of the newest
// earlier turn that names one, as if the person had said it; a message that
// names its own topic is searched for alone. The interpretation's
// context_use says which. People's words are text, never syntax. Words the index does not
// know are corrected from its spelling data when `ranking.spelling` is on and the
// database has any (a remote database has none: no correction, no error).
// `dictionary` (may be null) lists correctly spelled words, which are never
// corrected.
BuiltQuery BuildQuery(const Xapian::Database& db, const Xapian::Stem& stemmer,
                      const WordList* dictionary, const Message& text,
                      const std::vector<std::string>& context,
                      const RankingOptions& ranking);

}  // namespace guru::internal

#endif  // GURU_INDEX_QUERY_BUILDER_H_
