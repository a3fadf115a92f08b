// Internal to src/index: a person's message (and earlier turns) -> the table
// of terms searched for, the Xapian query assembled from it, and how the
// message was understood. Thread-safe as long as each thread uses its own
// database handle and TurnMemo.
#ifndef GURU_INDEX_QUERY_BUILDER_H_
#define GURU_INDEX_QUERY_BUILDER_H_

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/query_text.h"
#include "core/word_list.h"
#include "guru/v1/search.pb.h"
#include "index/ranking_options.h"

namespace guru::internal {

// Why a term is in the query: it sets the term's weight, and the
// interpretation lists only kOwn and kChatty terms as the person's words.
enum class TermRole {
  kOwn,        // A content word of the message (after spelling correction).
  kChatty,     // A word of the message that says little ("please", "help").
  kContext,    // A stem of the conversation's topic, for a follow-up.
  kAspect,     // A word posts use for a follow-up's aspect ("treatment").
  kExpansion,  // A stem of what the vocabulary gives for searched terms.
};

// One term of the query: what is searched for, and why.
struct QueryTerm {
  // The word as the message has it (lower-cased, corrected) for kOwn and
  // kChatty, the aspect's word for kAspect; empty for the stems of a topic or
  // an expansion, which nobody wrote as such.
  std::string text;
  std::string stem;
  TermRole role = TermRole::kOwn;
  // kOwn and kChatty: `text` is what spelling correction made of the word.
  bool corrected = false;
  // Relative weight of this occurrence, before repeat saturation and
  // key-concept focus: 1 for a content word, less for a chatty word, an
  // aspect's word or an expansion.
  double weight = 1;
  // Inverse document frequency, log(N / df), with df at least 1 (so a stem
  // no post contains counts as the rarest there could be), and whether any
  // post contains the stem. Counted for every role but kExpansion (whose
  // weight does not depend on them; counting would cost a round trip per
  // stem over remote shards); 0 and false there.
  double idf = 0;
  bool indexed = false;
  // Where the term came from: kContext, the turn (1 = the newest earlier
  // turn); kAspect, the question type's name; kExpansion, the run of searched
  // stems the vocabulary expanded ("runner knee").
  int turn = 0;
  std::string origin;
  // kExpansion: which of the vocabulary's phrases (numbered from 0 in the
  // order expanded) the stem belongs to; a phrase's stems match together.
  int phrase = -1;
};

// The query's terms, in the order searched: the conversation's topic, the
// message's words, an aspect's words, then expansions. A stem may repeat (a
// word said twice is two terms). Immutable once built; safe to read from any
// number of threads.
class QueryTerms {
 public:
  QueryTerms() = default;
  explicit QueryTerms(std::vector<QueryTerm> terms);

  const std::vector<QueryTerm>& all() const { return terms_; }

  // The weight `stem` is searched at: the most of the terms other than
  // expansions that have it, else the first expansion's; null when the query
  // does not search for it. O(1): passages look up every word of an answer.
  const double* WeightOf(const std::string& stem) const {
    const auto found = weights_.find(stem);
    return found == weights_.end() ? nullptr : &found->second;
  }
  bool Contains(const std::string& stem) const { return weights_.contains(stem); }
  // Whether `stem` is searched for only as the words posts use for an
  // aspect ("treatment" for "how is it treated?"), not as anything said.
  bool OnlyAspect(const std::string& stem) const { return only_aspect_.contains(stem); }

  // Calls `f` with each stem searched for other than through an expansion,
  // once, at its first term (whose weight counts for the message's IDF mass).
  template <typename F>
  void ForEachDistinct(F&& f) const {
    for (const std::size_t i : distinct_) f(terms_[i]);
  }

 private:
  std::vector<QueryTerm> terms_;
  std::unordered_map<std::string, double> weights_;
  std::vector<std::size_t> distinct_;  // Indexes into terms_.
  std::unordered_set<std::string> only_aspect_;
};

struct BuiltQuery {
  // Empty when the message has nothing to search for (only stopwords or
  // punctuation).
  Xapian::Query query;
  // What `query` searches for; ranking, passages and the interpretation read
  // it.
  QueryTerms terms;
  // Posts in the database searched.
  std::uint64_t post_count = 0;
  // Bit i set: the message asks about QuestionTypes()[i].
  std::uint32_t question_types = 0;
  // Re-ranking: a post whose own question is of one of `question_types` has
  // its score multiplied by 1 + question_type_boost (RankingOptions'
  // setting, more for a follow-up, whose words are all about the type).
  double question_type_boost = 0;
  // Bit i set: the message names Populations()[i] ("and in kids?"). A post
  // whose title names one of them has its score multiplied by
  // 1 + RankingOptions::population_boost.
  std::uint32_t populations = 0;
  // A follow-up's topic that joins subjects from several turns: the stems
  // naming each (at least two, or none). A post whose title names a share s
  // of them has its score multiplied by 1 + RankingOptions::topic_parts_boost * s.
  std::vector<std::vector<std::string>> topic_parts;
  // The kinds that the message or its topic designates ("type 2 diabetes",
  // "neurofibromatosis type II": "2"; KindDesignator). A post whose title
  // has "type" and designates only other kinds ("Type 1 diabetes") is about
  // another condition: it is not re-ranked up (RankingOptions::kinds).
  std::vector<std::string> kinds;
  // The stem of the message's word that names what it asks about, when one
  // does; a post whose title holds it is about the question however long
  // its title (DecideAnswerStatus). It is the message's own word of highest
  // IDF, and:
  // - some post holds it, and every other word of the message too (a word
  //   no post holds may be the rarest: "what is the capital of Kazakhstan"
  //   is not named by "capital");
  // - written so, not a spelling correction's guess ("netty pot" -> "petty"
  //   would name Progeroid syndrome Petty type);
  // - in no dictionary: a name such as "trypanosomiasis", not "compress"
  //   (which Celiac artery compression syndrome's title holds); so without
  //   a dictionary there is none;
  // - in at most confidence_model::kMaxNamingShare of the posts, and at
  //   least kMinNamingIdfShare of the message's IDF: what the message is
  //   mostly about ("trypanosomiasis tsetse fly" names none of the three).
  std::string naming_stem;
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

// The populations (bits of Populations() indexes) each stem of their words
// names, e.g. "kid" -> children.
const std::unordered_map<std::string, std::uint32_t>& PopulationStems(
    const Xapian::Stem& stemmer);

// A cue of two words, as stems: it marks its type where both are said.
struct QuestionTypePair {
  std::string first;
  std::string second;
  int type = 0;
};

// The two-word cues ("side effects", "forget dose"), QuestionTypes() order.
const std::vector<QuestionTypePair>& QuestionTypePairs(const Xapian::Stem& stemmer);

// The question types (bits of QuestionTypes() indexes) whose cues are among
// `sorted_stems`, a question's stems in term order as slot
// kTitleQuestionStemsSlot holds them; `types` and `pairs` as QuestionTypeStems
// and QuestionTypePairs give them (empty: no types).
std::uint32_t QuestionTypesOfStems(const std::vector<std::string>& sorted_stems,
                                   const std::unordered_map<std::string, int>& types,
                                   const std::vector<QuestionTypePair>& pairs);

// How earlier turns were read (their words as corrected, their topic, the
// question types they ask), kept for the next messages of their
// conversations: a chatbot sends every earlier turn again with each new
// message, and reading one takes a dozen lookups in the index. Also what
// reading a conversation asked of the index about its words (how titles use
// a stem, whether posts discuss two together), which the same common words
// ask again in most conversations. Valid for one revision of one index:
// whoever moves the database handle to another revision calls Clear(). (A
// reading also depends on the dictionary and on whether spelling is
// corrected: BuildQuery forgets every turn when those change.) Bounded: at
// most 2 * kTurnsPerGeneration turns, of up to kMaxTurnBytes each (longer
// ones are read every time), and 2 * 2,048 answers of each of three types. Not
// thread-safe; one per Searcher, like its database handle.
class TurnMemo {
 public:
  static constexpr std::size_t kTurnsPerGeneration = 256;
  static constexpr std::size_t kMaxTurnBytes = 1024;

  TurnMemo();
  ~TurnMemo();
  TurnMemo(const TurnMemo&) = delete;
  TurnMemo& operator=(const TurnMemo&) = delete;

  void Clear();
  // Turns held, for tests.
  std::size_t size() const;

  // Defined where the readings are (query_builder.cc), whose functions
  // alone use it.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Where a database's posts are read: locally, or over Xapian's remote
// protocol (xapian-tcpsrv shards, shard processes), where every read is a
// round trip and a posting or term list is sent whole. It decides how
// query building and ranking read what they need.
enum class Locality { kLocal, kRemote };

// Builds the query for `text` in its conversation, in three stages: read
// the message and the conversation (corrections, a follow-up's topic,
// aspects), expand (an aspect's words, the vocabulary's synonyms) into the
// term table, then assemble the Xapian query from the table. `context` holds
// the earlier messages, newest first. A message that names no topic of its own
// (a follow-up, "how is it treated?") or a narrower one (a drill-down, "and
// for children?") is searched for together with the topic of the newest
// earlier turn that names one, as if the person had said it; a message that
// names its own topic is searched for alone. The interpretation's
// context_use says which. People's words are text, never syntax. Words the
// index does not know are corrected from its spelling data when
// `ranking.spelling` is on and the database has any (a remote database has
// none: no correction, no error). `dictionary` (may be null) lists correctly
// spelled words, which are never corrected. `memo` (may be null) recalls
// earlier turns read before and keeps the ones read now.
BuiltQuery BuildQuery(const Xapian::Database& db, const Xapian::Stem& stemmer,
                      const WordList* dictionary, const Message& text,
                      const std::vector<std::string>& context,
                      const RankingOptions& ranking, TurnMemo* memo = nullptr,
                      Locality locality = Locality::kLocal);

}  // namespace guru::internal

#endif  // GURU_INDEX_QUERY_BUILDER_H_
