#include "index/query_builder.h"

#include <algorithm>
#include <cmath>

#include "core/query_text.h"
#include "core/str_cat.h"
#include "index/schema.h"
#include "index/stemming.h"

namespace guru::internal {
namespace {

// Spelling correction leaves short words alone: at edit distance 2 almost
// any three-letter string is near some word ("qwe" -> "we").
constexpr std::size_t kMinCorrectedBytes = 4;
// Up to this length one edit is allowed, beyond it two: at two edits a
// short string of random letters is near some word ("qwerty" -> "query").
constexpr std::size_t kMaxOneEditBytes = 6;

// At most this many earlier turns are used.
constexpr std::size_t kMaxContextTurns = 10;

// The word the index knows that `lower_word` most likely misspells; empty
// when the index or the dictionary knows the word, there is no suggestion, or
// the index has no spelling data (an old index, a remote database).
std::string Correction(const Xapian::Database& db, const WordList* dictionary,
                       const std::string& lower_word) {
  if (lower_word.size() < kMinCorrectedBytes ||
      (dictionary != nullptr && dictionary->Contains(lower_word)) ||
      std::any_of(lower_word.begin(), lower_word.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  try {
    if (db.get_termfreq(lower_word) > 0) return {};
    const unsigned max_edits = lower_word.size() <= kMaxOneEditBytes ? 1 : 2;
    std::string suggestion = db.get_spelling_suggestion(lower_word, max_edits);
    return suggestion == lower_word ? std::string() : suggestion;
  } catch (const Xapian::UnimplementedError&) {
    return {};
  } catch (const Xapian::InvalidOperationError&) {
    return {};
  }
}

double Idf(Xapian::doccount posts, Xapian::doccount term_freq) {
  const double docs = std::max<double>(posts, 1);
  const double df = std::max<double>(term_freq, 1);
  return std::log(std::max(docs / df, 1.0));
}

// The weight of a word's n-th occurrence in a message, so that n occurrences
// weigh (k + 1) n / (k + n) in all: BM25's query-term saturation (k3), which
// DPH lacks. A subject line repeated in the message, or one word said three
// times, then does not drown the rest. k = 0: every occurrence counts fully.
double RepeatWeight(int n, double k) {
  if (k <= 0) return 1;
  const auto total = [k](double m) { return (k + 1) * m / (k + m); };
  return total(n) - total(n - 1);
}

// Synonyms of every run of one to three consecutive words, as queries for
// all of the synonym's stems; their stems join `stem_weights`.
std::vector<Xapian::Query> Expand(const Xapian::Database& db,
                                  const std::vector<std::string>& stems, double weight,
                                  BuiltQuery& built) {
  constexpr std::size_t kMaxPhraseWords = 3;
  std::vector<Xapian::Query> expansions;
  // A phrase said twice is expanded once (and listed once in the
  // interpretation); the person's own repeated words are saturated instead.
  std::unordered_set<std::string> expanded;
  for (std::size_t i = 0; i < stems.size(); ++i) {
    std::string key;
    for (std::size_t n = 0; n < kMaxPhraseWords && i + n < stems.size(); ++n) {
      if (n > 0) key.push_back(' ');
      key += stems[i + n];
      if (!expanded.insert(key).second) continue;
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

Xapian::Query Scaled(const Xapian::Query& query, double weight) {
  return {Xapian::Query::OP_SCALE_WEIGHT, query, weight};
}

// Earlier turns' content words that the message does not have, as one query
// (newest turn weighted most), listed in the interpretation.
Xapian::Query ContextQuery(const Xapian::Database& db, const Xapian::Stem& stemmer,
                           const std::vector<std::string>& context,
                           const RankingOptions& ranking, BuiltQuery& built) {
  std::vector<Xapian::Query> terms;
  std::unordered_set<std::string> seen;
  for (std::size_t turn = 0; turn < std::min(context.size(), kMaxContextTurns); ++turn) {
    // Older turns count less: the conversation may have moved on.
    const double turn_weight = ranking.context_weight / static_cast<double>(turn + 1);
    for (const std::string& word : QueryWords(context[turn])) {
      const std::string stem = StemWord(stemmer, word);
      if (stem.empty() || built.stems.contains(stem) || !seen.insert(stem).second) {
        continue;
      }
      if (db.get_termfreq("Z" + stem) == 0) continue;
      const double weight =
          turn_weight * (IsChattyWord(word) ? ranking.chatty_weight : 1);
      built.interpretation.add_context_terms(word);
      if (built.stem_weights.try_emplace(stem, weight).second) {
        built.context_stems.insert(stem);
      }
      terms.push_back(Scaled(Xapian::Query("Z" + stem), weight));
    }
  }
  return {Xapian::Query::OP_OR, terms.begin(), terms.end()};
}

// Accepts free-text stems only ("Zknee"), not field stems ("ZSknee") nor
// boolean terms, and none of `exclude` (stems without the "Z").
class FreeTextStems : public Xapian::ExpandDecider {
 public:
  explicit FreeTextStems(const std::unordered_map<std::string, double>* exclude)
      : exclude_(exclude) {}
  bool operator()(const std::string& term) const override {
    return term.size() > 1 && term[0] == 'Z' && !(term[1] >= 'A' && term[1] <= 'Z') &&
           (exclude_ == nullptr || !exclude_->contains(term.substr(1)));
  }

 private:
  const std::unordered_map<std::string, double>* exclude_;
};

}  // namespace

Xapian::Query FeedbackQuery(const Xapian::Database& db,
                            const std::vector<Xapian::docid>& top,
                            const BuiltQuery& built, const RankingOptions& ranking) {
  if (top.empty() || ranking.feedback_terms <= 0) return {};
  const Xapian::ESet eset =
      CharacteristicStems(db, top, static_cast<Xapian::termcount>(ranking.feedback_terms),
                          &built.stem_weights);
  if (eset.empty() || eset.begin().get_weight() <= 0) return {};
  const double best = eset.begin().get_weight();
  std::vector<Xapian::Query> terms;
  for (auto it = eset.begin(); it != eset.end(); ++it) {
    if (it.get_weight() <= 0) break;
    terms.push_back(
        Scaled(Xapian::Query(*it), ranking.feedback_weight * it.get_weight() / best));
  }
  return {Xapian::Query::OP_OR, terms.begin(), terms.end()};
}

Xapian::ESet CharacteristicStems(const Xapian::Database& db,
                                 const std::vector<Xapian::docid>& docs,
                                 Xapian::termcount count,
                                 const std::unordered_map<std::string, double>* exclude) {
  Xapian::RSet rset;
  for (Xapian::docid docid : docs) rset.add_document(docid);
  const FreeTextStems decider(exclude);
  return Xapian::Enquire(db).get_eset(count, rset, &decider);
}

const std::unordered_map<std::string, int>& QuestionTypeStems(
    const Xapian::Stem& stemmer) {
  // Every caller stems English (schema::kLanguage), so one table serves all.
  static const std::unordered_map<std::string, int> kStems = [&stemmer] {
    std::unordered_map<std::string, int> stems;
    const std::vector<QuestionType>& types = QuestionTypes();
    for (std::size_t i = 0; i < types.size(); ++i) {
      for (std::string_view cue : types[i].cues) {
        stems.emplace(StemWord(stemmer, std::string(cue)), static_cast<int>(i));
      }
    }
    return stems;
  }();
  return kStems;
}

BuiltQuery BuildQuery(const Xapian::Database& db, const Xapian::Stem& stemmer,
                      const WordList* dictionary, const std::string& text,
                      const std::vector<std::string>& context,
                      const RankingOptions& ranking) {
  BuiltQuery built;
  built.post_count = db.get_doccount();
  v1::QueryInterpretation& interpretation = built.interpretation;
  std::vector<Xapian::Query> free_text, title;
  std::vector<std::string> stems;                           // In the order of the words.
  std::vector<std::pair<std::string, double>> occurrences;  // Stem, weight.
  std::unordered_map<std::string, int> occurrence_count;    // Stem, occurrences so far.
  std::string corrected_text;  // `text` with corrections applied.
  std::size_t copied = 0;      // Bytes of `text` already in corrected_text.
  const std::unordered_map<std::string, int>& type_stems = QuestionTypeStems(stemmer);
  std::vector<std::string> words;
  std::vector<WordSpan> spans;
  ForEachWord(text, [&](const WordSpan& span, const std::string& word) {
    words.push_back(word);
    spans.push_back(span);
  });
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string word = words[i];
    if (!IsStopword(word) && ranking.spelling) {
      const std::string lower = Xapian::Unicode::tolower(word);
      std::string corrected = Correction(db, dictionary, lower);
      if (!corrected.empty()) {
        v1::SpellingCorrection* correction = interpretation.add_corrections();
        correction->set_original(word);
        correction->set_corrected(corrected);
        corrected_text.append(text, copied, spans[i].byte_begin - copied);
        corrected_text += corrected;
        copied = spans[i].byte_end;
        word = std::move(corrected);
      }
    }
    const std::string stem = StemWord(stemmer, word);
    if (auto type = type_stems.find(stem); type != type_stems.end()) {
      built.question_types |= 1U << static_cast<unsigned>(type->second);
    }
    if (IsStopword(word)) {
      interpretation.add_ignored(word);
      continue;
    }
    if (stem.empty()) {
      interpretation.add_ignored(word);  // Too long to be indexed.
      continue;
    }
    stems.push_back(stem);
    interpretation.add_terms(word);
    const bool chatty = IsChattyWord(word);
    if (chatty) interpretation.add_down_weighted(word);
    const double weight = chatty ? ranking.chatty_weight : 1.0;
    if (built.stems.insert(stem).second) {
      const Xapian::doccount term_freq = db.get_termfreq("Z" + stem);
      built.own_stems.push_back(
          {stem, weight, Idf(static_cast<Xapian::doccount>(built.post_count), term_freq),
           term_freq > 0});
    }
    built.stem_weights[stem] = std::max(built.stem_weights[stem], weight);
    occurrences.emplace_back(
        stem, weight * RepeatWeight(++occurrence_count[stem], ranking.repeat_saturation));
  }
  // Key concepts: with focus_exponent > 0, common words count less than the
  // rarest word of the message, beyond what BM25's IDF already does. A word
  // no post contains matches nothing, so it is no yardstick: as the rarest
  // word it would only shrink the message's own words against expansions.
  double max_idf = 0;
  for (const QueryStem& own : built.own_stems) {
    if (own.indexed) max_idf = std::max(max_idf, own.idf);
  }
  for (const auto& occurrence : occurrences) {
    const std::string& stem = occurrence.first;
    const double weight = occurrence.second;
    double focus = 1;
    if (ranking.focus_exponent > 0 && max_idf > 0) {
      const auto own = std::find_if(built.own_stems.begin(), built.own_stems.end(),
                                    [&](const QueryStem& s) { return s.stem == stem; });
      focus = std::pow(own->idf / max_idf, ranking.focus_exponent);
    }
    free_text.push_back(Scaled(Xapian::Query("Z" + stem), weight * focus));
    title.push_back(
        Scaled(Xapian::Query(StrCat("Z", schema::kTitlePrefix, stem)), weight * focus));
  }
  if (!interpretation.corrections().empty()) {
    corrected_text.append(text, copied);
    interpretation.set_did_you_mean(corrected_text);
  }
  if (free_text.empty()) return built;
  built.query = Xapian::Query(Xapian::Query::OP_OR, free_text.begin(), free_text.end());
  if (ranking.title_weight > 0) {
    built.query = Xapian::Query(
        Xapian::Query::OP_OR, built.query,
        Scaled(Xapian::Query(Xapian::Query::OP_OR, title.begin(), title.end()),
               ranking.title_weight));
  }
  if (ranking.synonym_weight > 0) {
    std::vector<Xapian::Query> expansions =
        Expand(db, stems, ranking.synonym_weight, built);
    if (!expansions.empty()) {
      built.query = Xapian::Query(
          Xapian::Query::OP_OR, built.query,
          Scaled(
              Xapian::Query(Xapian::Query::OP_OR, expansions.begin(), expansions.end()),
              ranking.synonym_weight));
    }
  }
  if (ranking.context_weight > 0 && !context.empty()) {
    const Xapian::Query context_query =
        ContextQuery(db, stemmer, context, ranking, built);
    if (!context_query.empty()) {
      // Context only adds weight to what the message itself matches.
      built.query =
          Xapian::Query(Xapian::Query::OP_AND_MAYBE, built.query, context_query);
    }
  }
  return built;
}

}  // namespace guru::internal
