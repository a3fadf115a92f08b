#include "index/query_builder.h"

#include <algorithm>

#include "core/query_text.h"
#include "core/str_cat.h"
#include "index/schema.h"
#include "index/stemming.h"

namespace guru::internal {
namespace {

// Synonyms of every run of one to three consecutive words, as queries for
// all of the synonym's stems; their stems join `stem_weights`.
std::vector<Xapian::Query> Expand(const Xapian::Database& db,
                                  const std::vector<std::string>& stems, double weight,
                                  BuiltQuery& built) {
  constexpr std::size_t kMaxPhraseWords = 3;
  std::vector<Xapian::Query> expansions;
  for (std::size_t i = 0; i < stems.size(); ++i) {
    std::string key;
    for (std::size_t n = 0; n < kMaxPhraseWords && i + n < stems.size(); ++n) {
      if (n > 0) key.push_back(' ');
      key += stems[i + n];
      v1::QueryExpansion* expansion = nullptr;
      for (auto it = db.synonyms_begin(key); it != db.synonyms_end(key); ++it) {
        std::vector<Xapian::Query> terms;
        const std::string phrase = *it;
        for (std::size_t start = 0; start < phrase.size();) {
          const std::size_t end = std::min(phrase.find(' ', start), phrase.size());
          const std::string stem = phrase.substr(start, end - start);
          terms.emplace_back("Z" + stem);
          built.stem_weights.try_emplace(stem, weight);
          start = end + 1;
        }
        expansions.emplace_back(Xapian::Query::OP_AND, terms.begin(), terms.end());
        if (expansion == nullptr) {
          expansion = built.interpretation.add_expansions();
          expansion->set_phrase(key);
        }
        expansion->add_expanded_to(phrase);
      }
    }
  }
  return expansions;
}

}  // namespace

BuiltQuery BuildQuery(const Xapian::Database& db, const Xapian::Stem& stemmer,
                      const std::string& text,
                      const std::vector<std::string>& /*context*/,
                      const RankingOptions& ranking) {
  BuiltQuery built;
  std::vector<Xapian::Query> free_text, title;
  std::vector<std::string> stems;  // In the order of the words.
  for (const std::string& word : QueryWords(text)) {
    const std::string stem = StemWord(stemmer, word);
    if (stem.empty()) continue;
    stems.push_back(stem);
    built.stems.insert(stem);
    built.interpretation.add_terms(word);
    const bool chatty = IsChattyWord(word);
    if (chatty) built.interpretation.add_down_weighted(word);
    const double weight = chatty ? ranking.chatty_weight : 1.0;
    built.stem_weights[stem] = std::max(built.stem_weights[stem], weight);
    free_text.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("Z" + stem),
                           weight);
    title.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(StrCat("Z", schema::kTitlePrefix, stem)), weight);
  }
  if (free_text.empty()) return built;
  built.query = Xapian::Query(Xapian::Query::OP_OR, free_text.begin(), free_text.end());
  if (ranking.title_weight > 0) {
    built.query = Xapian::Query(
        Xapian::Query::OP_OR, built.query,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                      Xapian::Query(Xapian::Query::OP_OR, title.begin(), title.end()),
                      ranking.title_weight));
  }
  if (ranking.synonym_weight > 0) {
    std::vector<Xapian::Query> expansions =
        Expand(db, stems, ranking.synonym_weight, built);
    if (!expansions.empty()) {
      built.query = Xapian::Query(
          Xapian::Query::OP_OR, built.query,
          Xapian::Query(
              Xapian::Query::OP_SCALE_WEIGHT,
              Xapian::Query(Xapian::Query::OP_OR, expansions.begin(), expansions.end()),
              ranking.synonym_weight));
    }
  }
  return built;
}

}  // namespace guru::internal
