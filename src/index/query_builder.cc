#include "index/query_builder.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/aspect_model.h"
#include "core/query_text.h"
#include "core/str_cat.h"
#include "index/confidence_model.h"
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
// A correction may change the first letter of a word of at least this many
// bytes, or put a letter before one of at least kMinLostLetterBytes
// (Correction).
constexpr std::size_t kMinFirstLetterFixBytes = 10;
constexpr std::size_t kMinLostLetterBytes = 5;
// Two words are read as the one word posts write them as (JoinedWord) when
// at least this many posts use it.
constexpr Xapian::doccount kMinJoinedPosts = 3;

// At most this many earlier turns are used.
constexpr std::size_t kMaxContextTurns = 10;

// Whether `word` has a digit: a number, an age, a reading, a code ("b12").
bool HasDigit(std::string_view word) {
  return std::any_of(word.begin(), word.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Whether `dictionary` holds `lower_word` (lower-cased as Xapian does), or
// the word of its possessive: "mum's" is as well spelled as "mum".
bool InDictionary(const WordList& dictionary, std::string_view lower_word) {
  return dictionary.Contains(lower_word) ||
         (lower_word.ends_with("'s") &&
          dictionary.Contains(lower_word.substr(0, lower_word.size() - 2)));
}

// Whether at least `needed` posts have both `term_a` and `term_b`: one match
// of no results that stops counting once it has enough, in every shard at
// once (a remote posting list would be sent whole to be walked).
bool BothInAtLeast(const Xapian::Database& db, const std::string& term_a,
                   const std::string& term_b, Xapian::doccount needed) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_query(
      Xapian::Query(Xapian::Query::OP_AND, Xapian::Query(term_a), Xapian::Query(term_b)));
  return enquire.get_mset(0, 0, needed).get_matches_lower_bound() >= needed;
}

// Whether a word may start with `a` as it sounds where it is spelt with `b`
// ("cervix" as "servix", "xanax" as "zanax", "phlebitis" as "flebitis",
// "giardia" as "jiardia", "veins" as "weins", "pregnant" as "bregnant",
// "imodium" as "emodium").
bool SoundAlikeFirstLetters(char a, char b) {
  const auto pair = [a, b](char x, char y) {
    return (a == x && b == y) || (a == y && b == x);
  };
  const auto vowel = [](char c) {
    return std::string_view("aeiou").find(c) != std::string_view::npos;
  };
  return pair('c', 's') || pair('c', 'k') || pair('x', 'z') || pair('f', 'p') ||
         pair('g', 'j') || pair('v', 'w') || pair('b', 'p') || (vowel(a) && vowel(b));
}

// At most this many words of a turn are looked up in the spelling data
// (Correction): a lookup walks the posting lists of the word's trigrams, and
// a turn of thousands of unknown words (a paste, random letters) would
// otherwise take seconds. A person's message has a handful of misspellings.
constexpr int kMaxCorrectionLookups = 32;

// The word the index knows that `lower_word` most likely misspells; empty
// when the index or the dictionary knows the word, there is no suggestion,
// the index has no spelling data (an old index, a remote database), or
// `lookups_left`, which a lookup counts down, is 0.
std::string Correction(const Xapian::Database& db, const WordList* dictionary,
                       const std::string& lower_word, int& lookups_left) {
  if (lower_word.size() < kMinCorrectedBytes ||
      (dictionary != nullptr && InDictionary(*dictionary, lower_word)) ||
      HasDigit(lower_word)) {
    return {};
  }
  try {
    if (db.get_termfreq(lower_word) > 0 || lookups_left <= 0) return {};
    --lookups_left;
    const unsigned max_edits = lower_word.size() <= kMaxOneEditBytes ? 1 : 2;
    std::string suggestion = db.get_spelling_suggestion(lower_word, max_edits);
    // People seldom get a word's first letter wrong, and a suggestion that
    // changes a short word's is mostly another word the index happens to
    // know, for a word it has no post on: a drug ("eliquis" is not "liquid",
    // "keppra" not "septra"), an acronym ("hnpp" is not "nhpp"), a name
    // ("galway", "aoife"), and even a longer one ("mastitis" is not
    // "gastritis"). Such a word is searched as written. A word of ten
    // letters or more has enough other letters to say it ("sbsorption"),
    // a word that lost its first letter, as a silent one is lost
    // ("neumonia", "soriasis", "erpes"), begins the suggestion's second, and
    // a word spelt as it sounds may start with a letter that sounds alike
    // ("servix", "zanax").
    const bool lost_first_letter = lower_word.size() >= kMinLostLetterBytes &&
                                   suggestion.size() > 1 &&
                                   suggestion[1] == lower_word[0];
    if (suggestion.empty() ||
        (suggestion.front() != lower_word.front() &&
         lower_word.size() < kMinFirstLetterFixBytes && !lost_first_letter &&
         !SoundAlikeFirstLetters(suggestion.front(), lower_word.front()))) {
      return {};
    }
    return suggestion == lower_word ? std::string() : suggestion;
  } catch (const Xapian::UnimplementedError&) {
    return {};
  } catch (const Xapian::InvalidOperationError&) {
    return {};
  }
}

// Two words that posts write as one and name a page with ("gall bladder",
// "heart burn", "anti biotic"): the one word, when some post's title has
// it, at least kMinJoinedPosts posts use it, and more of them than have both
// words anywhere ("clinical trials" stays, although a web address makes
// "clinicaltrials" a word of some posts); empty otherwise. A word no title
// has ("heartbeat", "toothache") would be searched instead of the two words
// that find the pages ("heart", "tooth"). Words a stopword or not all
// letters are never joined ("me an" is not "mean").
std::string JoinedWord(const Xapian::Database& db, const Xapian::Stem& stemmer,
                       const std::string& first, const std::string& second) {
  const auto letters = [](const std::string& word) {
    return word.size() >= 2 && std::all_of(word.begin(), word.end(),
                                           [](char c) { return c >= 'a' && c <= 'z'; });
  };
  if (!letters(first) || !letters(second) || IsStopword(first) || IsStopword(second)) {
    return {};
  }
  std::string joined = first + second;
  const Xapian::doccount posts = db.get_termfreq(joined);
  if (posts < kMinJoinedPosts ||
      db.get_termfreq(schema::TitleStemTerm(StemWord(stemmer, joined))) == 0 ||
      BothInAtLeast(db, first, second, posts)) {
    return {};
  }
  return joined;
}

// A British spelling gives way to an American one that at least this many
// posts use, and this many times as many as use the word as written: the
// index's posts are mostly American, so "haemophilia" is filed under
// "hemophilia" (one post spells it the British way, 24 the American).
constexpr Xapian::doccount kMinSpellingPosts = 3;
constexpr Xapian::doccount kSpellingRatio = 4;

// The American spelling of `lower_word` that the index knows far better than
// the word as written; empty when there is none.
std::string AmericanSpelling(const Xapian::Database& db, const Xapian::Stem& stemmer,
                             const std::string& lower_word) {
  std::vector<std::string> spellings = AmericanSpellings(lower_word);
  if (spellings.empty()) return {};
  const Xapian::doccount as_written =
      db.get_termfreq(schema::StemTerm(StemWord(stemmer, lower_word)));
  Xapian::doccount best_posts = std::max(
      kMinSpellingPosts, kSpellingRatio * std::max<Xapian::doccount>(as_written, 1));
  std::string best;
  for (std::string& spelling : spellings) {
    const Xapian::doccount posts =
        db.get_termfreq(schema::StemTerm(StemWord(stemmer, spelling)));
    if (posts >= best_posts) {
      best_posts = posts + 1;
      best = std::move(spelling);
    }
  }
  return best;
}

// A word that describes someone by a condition ("autistic", "anemic",
// "epileptic") is filed under the condition's noun when titles name the noun
// (at least kMinNounTitles posts) and hardly the word (kSpellingRatio times
// fewer): otherwise "my son is autistic" finds no post about autism and is
// refused as off-topic. Returns the noun and its stem; empty when none
// qualifies.
constexpr Xapian::doccount kMinNounTitles = 2;

std::pair<std::string, std::string> ConditionNoun(const Xapian::Database& db,
                                                  const Xapian::Stem& stemmer,
                                                  const std::string& lower_word,
                                                  const std::string& stem) {
  std::vector<std::string> nouns = ConditionNouns(lower_word);
  if (nouns.empty()) return {};
  const Xapian::doccount as_written = db.get_termfreq(schema::TitleStemTerm(stem));
  Xapian::doccount best_titles = std::max(kMinNounTitles, kSpellingRatio * as_written);
  std::pair<std::string, std::string> best;
  for (std::string& noun : nouns) {
    // Dropping "-ic" or "-ous", or turning "-ic" into "-es", gives English
    // words more often than conditions ("manic" -> "man", "nervous" ->
    // "nerv", "malic" -> "males"); the conditions those rules are for
    // ("alcoholic", "cancerous", "diabetic") share their noun's stem anyway.
    if (lower_word == noun + "ic" || lower_word == noun + "ous" || noun.ends_with("es")) {
      continue;
    }
    std::string noun_stem = StemWord(stemmer, noun);
    if (noun_stem == stem) continue;
    const Xapian::doccount titles = db.get_termfreq(schema::TitleStemTerm(noun_stem));
    if (titles >= best_titles) {
      best_titles = titles + 1;
      best = {std::move(noun), std::move(noun_stem)};
    }
  }
  return best;
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

// Runs of up to this many words are looked up in the vocabulary.
constexpr std::size_t kMaxPhraseWords = 3;

// One of the vocabulary's phrases for a run of stems, and its stems.
struct Synonym {
  std::string phrase;
  std::vector<std::string> stems;
};

std::vector<Synonym> Synonyms(const Xapian::Database& db, const std::string& key) {
  std::vector<Synonym> synonyms;
  for (auto it = db.synonyms_begin(key); it != db.synonyms_end(key); ++it) {
    Synonym& synonym = synonyms.emplace_back();
    synonym.phrase = *it;
    for (std::size_t start = 0; start < synonym.phrase.size();) {
      const std::size_t end =
          std::min(synonym.phrase.find(' ', start), synonym.phrase.size());
      synonym.stems.push_back(synonym.phrase.substr(start, end - start));
      start = end + 1;
    }
  }
  return synonyms;
}

// The key under which the vocabulary lists a word as an abbreviation, by
// its letters rather than its stem ("EDS" is not ED; internal::MemberKey),
// to look up in its place; empty when it lists none. Defined after StemFacts.
std::string ListedAbbreviation(const Xapian::Database& db, const std::string& lower_word,
                               const std::string& stem);

Xapian::Query Scaled(const Xapian::Query& query, double weight) {
  return {Xapian::Query::OP_SCALE_WEIGHT, query, weight};
}

// One word of the message or of an earlier turn, as the query reads it.
struct TurnWord {
  std::string text;  // Lower-cased, after spelling correction.
  std::string stem;  // Empty when too long to be indexed.
  // The condition a describing word is filed under ("autism" for
  // "autistic"; ConditionNoun) and its stem, searched beside the word's own;
  // or empty.
  std::string noun;
  std::string noun_stem;
  bool stopword = false;
  bool chatty = false;
  // `text` is a spelling correction's guess, not the writer's word (an
  // American spelling of a British one is not a guess).
  bool corrected = false;
  int question_type = -1;  // Index in QuestionTypes() of a cue word.
  // Index in Message::words() of the (first) word it was read from: a word
  // split in two ("gall bladder") is one TurnWord.
  std::size_t said = 0;
};

// Question types' phrases ("find out" -> diagnosis) as stems joined by
// spaces, and the most words any has.
struct TypePhrases {
  std::unordered_map<std::string, int> types;
  std::size_t max_words = 0;
};

// Which of a QuestionType's phrase lists a table holds.
using PhraseList = std::vector<std::string_view> QuestionType::*;

TypePhrases StemPhrases(const Xapian::Stem& stemmer, PhraseList list) {
  TypePhrases phrases;
  const std::vector<QuestionType>& types = QuestionTypes();
  for (std::size_t i = 0; i < types.size(); ++i) {
    for (std::string_view phrase : types[i].*list) {
      std::string key;
      std::size_t words = 0;
      ForEachWord(phrase, [&](const WordSpan&, const std::string& word) {
        if (words++ > 0) key += ' ';
        key += StemWord(stemmer, word);
      });
      phrases.types.emplace(key, static_cast<int>(i));
      phrases.max_words = std::max(phrases.max_words, words);
    }
  }
  return phrases;
}

// Every caller stems English (schema::kLanguage), so one table of each
// serves all.
const TypePhrases& QuestionTypePhrases(const Xapian::Stem& stemmer) {
  static const TypePhrases kPhrases = StemPhrases(stemmer, &QuestionType::phrases);
  return kPhrases;
}

const TypePhrases& FollowUpPhrases(const Xapian::Stem& stemmer) {
  static const TypePhrases kPhrases =
      StemPhrases(stemmer, &QuestionType::follow_up_phrases);
  return kPhrases;
}

// The stems of each question type's `words` (QuestionTypes() order).
const std::vector<std::vector<std::string>>& AspectStems(const Xapian::Stem& stemmer) {
  // Every caller stems English (schema::kLanguage), so one table serves all.
  static const std::vector<std::vector<std::string>> kStems = [&stemmer] {
    std::vector<std::vector<std::string>> stems;
    for (const QuestionType& type : QuestionTypes()) {
      std::vector<std::string>& words = stems.emplace_back();
      for (std::string_view word : type.words) {
        words.push_back(StemWord(stemmer, std::string(word)));
      }
    }
    return stems;
  }();
  return kStems;
}

// The question types `words` has cues of, one bit per QuestionTypes() index.
std::uint32_t QuestionTypesOf(const std::vector<TurnWord>& words) {
  std::uint32_t types = 0;
  for (const TurnWord& word : words) {
    if (word.question_type >= 0) types |= 1U << static_cast<unsigned>(word.question_type);
  }
  return types;
}

// Marks the words of each of `phrases` in `words` as cues of its type,
// longest phrase first.
void MarkQuestionPhrases(const TypePhrases& phrases, std::vector<TurnWord>& words) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string key;
    int type = -1;
    std::size_t length = 0;
    for (std::size_t n = 0; n < phrases.max_words && i + n < words.size(); ++n) {
      if (n > 0) key += ' ';
      key += words[i + n].stem;
      if (auto found = phrases.types.find(key); found != phrases.types.end()) {
        type = found->second;
        length = n + 1;
      }
    }
    for (std::size_t n = 0; n < length; ++n) words[i + n].question_type = type;
    if (length > 0) i += length - 1;
  }
}

// The question types of any of `tables` that `words` says with one word
// inside the phrase ("sets it off", "what actually works", "who normally
// gets"): English puts a pronoun inside a phrasal verb and an adverb before a
// verb, so a phrase of two or more words is also matched around one other
// word.
std::uint32_t GappedPhraseTypes(std::initializer_list<const TypePhrases*> tables,
                                const std::vector<TurnWord>& words) {
  std::size_t max_words = 0;
  for (const TypePhrases* table : tables)
    max_words = std::max(max_words, table->max_words);
  std::uint32_t types = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    // Windows of n + 1 words from i, without the word at i + gap.
    for (std::size_t n = 2; n <= max_words && i + n < words.size(); ++n) {
      for (std::size_t gap = 1; gap < n; ++gap) {
        std::string key;
        for (std::size_t w = i; w <= i + n; ++w) {
          if (w == i + gap) continue;
          if (!key.empty()) key += ' ';
          key += words[w].stem;
        }
        for (const TypePhrases* table : tables) {
          if (n > table->max_words) continue;
          if (auto found = table->types.find(key); found != table->types.end()) {
            types |= 1U << static_cast<unsigned>(found->second);
          }
        }
      }
    }
  }
  return types;
}

// The question types a message says when it is all aspect (its subject
// comes from the conversation): its cue words and phrases, its lay follow-up
// phrases ("what can we do", "meds"), and either kind of phrase around one
// word inside it.
std::uint32_t FollowUpQuestionTypes(const Xapian::Stem& stemmer,
                                    const std::vector<TurnWord>& words) {
  std::vector<TurnWord> lay = words;
  MarkQuestionPhrases(FollowUpPhrases(stemmer), lay);
  return QuestionTypesOf(lay) |
         GappedPhraseTypes({&QuestionTypePhrases(stemmer), &FollowUpPhrases(stemmer)},
                           words);
}

// Unmarks a diagnosis cue that reports what was found rather than asks how
// it is found: "I was diagnosed with lupus, what should I eat?", "he tested
// positive", "diagnosed as type 2".
void UnmarkFindings(std::vector<TurnWord>& words) {
  static const int kDiagnosis = [] {
    const std::vector<QuestionType>& types = QuestionTypes();
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (types[i].name == "diagnosis") return static_cast<int>(i);
    }
    return -1;
  }();
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& next = words[i + 1].text;
    if (words[i].question_type == kDiagnosis &&
        (next == "with" || next == "as" || next == "positive" || next == "negative")) {
      words[i].question_type = -1;
    }
  }
}

// The words of `turn`, corrected from the index's spelling data when
// `spelling` is on; the corrections and "did you mean" go to
// `interpretation` unless it is null (an earlier turn).
std::vector<TurnWord> ReadTurn(const Xapian::Database& db, const Xapian::Stem& stemmer,
                               const WordList* dictionary, const Message& turn,
                               bool spelling, v1::QueryInterpretation* interpretation) {
  const std::string& text = turn.text();
  std::vector<TurnWord> words;
  std::string corrected_text;  // `text` with corrections applied.
  std::size_t copied = 0;      // Bytes of `text` already in corrected_text.
  const std::unordered_map<std::string, int>& type_stems = QuestionTypeStems(stemmer);
  const std::vector<Message::Word>& said = turn.words();
  int lookups_left = kMaxCorrectionLookups;
  // Records that `original`, the text [begin, end) of `turn`, is searched as
  // `corrected`.
  const auto report = [&](std::string original, const std::string& corrected,
                          std::size_t begin, std::size_t end) {
    if (interpretation == nullptr) return;
    v1::SpellingCorrection* correction = interpretation->add_corrections();
    correction->set_original(std::move(original));
    correction->set_corrected(corrected);
    corrected_text.append(text, copied, begin - copied);
    corrected_text += corrected;
    copied = end;
  };
  for (std::size_t k = 0; k < said.size(); ++k) {
    const auto& [span, lower_word] = said[k];
    TurnWord& word = words.emplace_back();
    word.text = lower_word;
    word.said = k;
    // A word split in two, with only spaces between ("gall bladder").
    std::string joined;
    if (spelling && k + 1 < said.size() &&
        text.find_first_not_of(' ', span.byte_end) == said[k + 1].span.byte_begin) {
      joined = JoinedWord(db, stemmer, lower_word, said[k + 1].lower);
    }
    if (!joined.empty()) {
      report(StrCat(lower_word, " ", said[k + 1].lower), joined, span.byte_begin,
             said[k + 1].span.byte_end);
      word.text = std::move(joined);
      ++k;
    } else if (spelling && !IsStopword(lower_word) && !IsChattyWord(lower_word) &&
               !IsQuestionTypeWord(lower_word)) {
      std::string corrected = AmericanSpelling(db, stemmer, lower_word);
      // A word the vocabulary names ("afib") is spelled as the index's
      // readers spell it, however few posts use it ("afib" is not "fib").
      if (corrected.empty()) {
        word.stem = StemWord(stemmer, lower_word);
        if (db.synonyms_begin(word.stem) == db.synonyms_end(word.stem) &&
            ListedAbbreviation(db, lower_word, word.stem).empty()) {
          corrected = Correction(db, dictionary, Xapian::Unicode::tolower(lower_word),
                                 lookups_left);
          word.corrected = !corrected.empty();
        }
      }
      if (!corrected.empty()) {
        report(lower_word, corrected, span.byte_begin, span.byte_end);
        word.text = std::move(corrected);
        word.stem.clear();  // Of the word as written.
      }
    }
    if (word.stem.empty()) word.stem = StemWord(stemmer, word.text);
    if (auto type = type_stems.find(word.stem); type != type_stems.end()) {
      word.question_type = type->second;
    }
    word.stopword = IsStopword(word.text);
    if (!word.stopword && word.question_type < 0 && !word.stem.empty()) {
      std::tie(word.noun, word.noun_stem) =
          ConditionNoun(db, stemmer, word.text, word.stem);
    }
    word.chatty = IsChattyWord(word.text);
  }
  UnmarkFindings(words);
  MarkQuestionPhrases(QuestionTypePhrases(stemmer), words);
  if (interpretation != nullptr && !interpretation->corrections().empty()) {
    corrected_text.append(text, copied);
    interpretation->set_did_you_mean(corrected_text);
  }
  return words;
}

// A topic is what titles name: a condition, a body part, a drug, a
// procedure. A word names one as strongly as it is specific (its IDF) and as
// titles use it: fully when at least this share of the posts that contain it
// have it in their title ("shingles" 60%, "fragile" 21%), proportionally less
// below ("knee" 8%, "children" 5%), and not at all under the minimum
// ("treated" 1%, "common" 0.4%).
constexpr double kFullTitleShare = 0.2;
constexpr double kMinTitleShare = 0.03;
constexpr Xapian::doccount kTitlePriorPosts = 10;
// A turn's topic is its words at least this fraction as strong as its
// strongest ("fragile x", not "son"; "restless legs", not "night").
constexpr double kTopicFraction = 0.6;
// A message's topic at least this fraction as strong as the conversation's
// is a subject of its own ("lupus" after "rheumatoid arthritis"); a weaker
// one that posts discuss together with it narrows it ("and for children?").
constexpr double kOwnTopicFraction = 0.5;
// A one-word topic of a message weaker than this fraction of the strongest
// a word can be (log of the number of posts) never is a subject of its own:
// words that only a rare title uses ("fine" in "Fine-Lubinsky syndrome",
// "young" in "Young syndrome") say little about what a person asks.
constexpr double kMinSubjectFraction = 0.2;
// An earlier turn changes the conversation's subject only when its topic
// is this many times as strong as the subject so far: people seldom change
// subject in passing, and a detail they add ("we're waiting on the sweat
// test", "I have a toddler") is often a word some title uses.
constexpr double kNewSubjectFraction = 1.5;
// Posts "discuss two words together" when at least this share of the posts
// with the rarer of them also have the other ("fatigue" is in 9% of the
// posts on arthritis), and at least kMinLift times the share of all posts
// that have it: "syndrome" is in 29% of the posts on Parkinson's, but in 26%
// of all posts, so "parkinsons" after "fragile x syndrome" is another
// subject, not a kind of it.
constexpr double kDrillDownShare = 0.05;
constexpr double kMinLift = 1.5;
// A follow-up's words are all about the aspect it asks for (the topic comes
// from the conversation), so a post answering that aspect is re-ranked up
// this many times more than for a message that tells its own story.
constexpr double kFollowUpTypeEmphasis = 3;
// Weight of the words posts use for a follow-up's aspect ("treatment" for
// "what can I take for it?"), relative to the person's own words.
constexpr double kAspectWeight = 0.5;
// Weight of a topic's words for people ("children" of "depression children"
// after "and in children?"), relative to its other words: they say for whom
// the subject is asked, and at full weight pages on any condition of
// children ("Childhood Nephrotic Syndrome") outranked those on depression.
// Pages for the people are lifted by the population re-ranking instead.
constexpr double kPeopleTopicWeight = 0.5;
// The learned aspect guess is taken at this probability or more. Trained on
// the conversation sets alone, its guesses were the sets' habits below 0.6
// ("and in children?" was "symptoms" at 0.51); with the written follow-ups
// of seven voices (bench/conversation/aspects-train/) that phrase is 0.28,
// and 0.5 was better than 0.6 on the development sets, with context
// (docs/CONVERSATION.md, 2026-12-06). By leave-one-file-out
// cross-validation (train_aspects.py --cross-validate) 95% of guesses at 0.5
// are right.
constexpr double kMinAspectGuess = 0.5;

// The most posts on a topic whose questions TopicAnswers reads rather than
// asks the index for the cues: reading costs about 0.25 µs a post, the two
// cue matches about 0.15 ms (guru-search-cost on the 17,896 posts: a topic
// titling 592 posts cost the same either way, one titling 3,668 posts
// 0.87 ms more when read).
constexpr Xapian::doccount kMaxTopicPostsRead = 500;

// The topic of a turn: the stems to search for and the words the person
// used for them, and how strongly it names a subject.
struct TurnTopic {
  std::vector<std::string> written;  // As the person wrote them, in order.
  std::vector<std::string> stems;    // Searched for (vocabulary's included).
  double strength = 0;
  std::string strongest;  // The stem of the strongest word.
  int turn = 0;           // Where it was said (0 = the message).
  // Per word of the topic, in order: its stem and the strongest stem of
  // each name the vocabulary or a derived noun gives for it ("kids": kid,
  // child; "copd": copd, pulmonari, not the "disease" of its long name).
  std::vector<std::vector<std::string>> word_stems;
  // The stems that name each subject the topic joins, one entry per turn
  // that added one (a kind of the subject, a detail of it): "high blood
  // pressure", then "kidneys". A title that names more of them is more the
  // page of this conversation ("High Blood Pressure and Kidney Disease").
  std::vector<std::vector<std::string>> parts;
  // The kinds the turn that set the topic designates ("2" of "she has
  // gaucher type 2"; AddKindsDesignated), which the topic's words often
  // leave out: BuiltQuery::kinds of a follow-up on it.
  std::vector<std::string> kinds;
};

// Whether `topic` searches for `stem`.
bool HasStem(const TurnTopic& topic, std::string_view stem) {
  return std::find(topic.stems.begin(), topic.stems.end(), stem) != topic.stems.end();
}

// A word next to a topic word belongs to the topic's name when titles use it
// at least this share of the time ("down" in "down syndrome", 1.9%).
constexpr double kMinNameShare = 0.01;

// What an earlier turn says, as ReadConversation reads it.
struct TurnReading {
  std::vector<TurnWord> words;
  std::uint32_t question_types = 0;  // Of its words, whether or not it asks.
  bool asks = false;
  std::uint32_t populations = 0;  // ChildsAgeOf its words.
  // Its topic is only in clauses said in passing (ReadClauses), and none
  // of its clauses asks.
  bool in_passing = false;
  // Its topic leaves out clauses said in passing: the rest named one.
  bool read_past_passing = false;
  TurnTopic topic;  // Its turn number is the caller's to set.
};

// How titles use a stem: the share of the posts containing it that have it
// in their title, and so how strongly it names a subject (0: not at all).
struct TitleUse {
  double share = 0;
  double strength = 0;
};

// Two generations of values by key: one found in the older moves to the
// newer, and when the newer is full the older is dropped. A bounded cache
// with no bookkeeping per entry, which keeps what is still in use (the turns
// of conversations still going). Not thread-safe.
template <typename Value>
class Generations {
 public:
  explicit Generations(std::size_t per_generation) : per_generation_(per_generation) {}

  // The value of `key`, made by `make` unless held. Valid until the next
  // call.
  template <typename Make>
  const Value& Recall(const std::string& key, Make make) {
    if (const auto found = newer_.find(key); found != newer_.end()) return found->second;
    auto node = older_.extract(key);
    MakeRoom();
    if (!node.empty()) return newer_.insert(std::move(node)).position->second;
    return newer_.emplace(key, make()).first->second;
  }

  // Keeps `value` for `key` unless one is held in the newer generation.
  void Keep(const std::string& key, Value value) {
    if (newer_.contains(key)) return;
    older_.erase(key);
    MakeRoom();
    newer_.emplace(key, std::move(value));
  }

  void Clear() {
    newer_.clear();
    older_.clear();
  }
  std::size_t size() const { return newer_.size() + older_.size(); }

 private:
  void MakeRoom() {
    if (newer_.size() >= per_generation_) older_ = std::exchange(newer_, {});
  }

  std::size_t per_generation_;
  std::unordered_map<std::string, Value> newer_;
  std::unordered_map<std::string, Value> older_;
};

// What reading conversations asks of the index about single stems and
// pairs of them (how titles use a stem, whether posts discuss two together,
// whether posts answer questions about a subject), kept for the searcher's
// next requests: every turn of a chat is read against the conversation's
// subject again with each new message, and the same common words ("pain",
// "child") come up in most conversations. Each answer depends only on the
// index revision, like the turns' readings.
class StemFacts {
 public:
  static constexpr std::size_t kFactsPerGeneration = 2048;

  // The facts of the memo of the searcher building a query on this thread
  // (BuildQuery makes them current for the call: the lookups are many
  // functions down, and a searcher serves one thread at a time); null
  // when it has no memo.
  static StemFacts* Current() { return current_; }

  // Makes `facts` (may be null) this thread's Current() until destroyed.
  class Use {
   public:
    explicit Use(StemFacts* facts) : previous_(std::exchange(current_, facts)) {}
    ~Use() { current_ = previous_; }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    StemFacts* previous_;
  };

  // The answer for `key` (the kind of fact, then every input it depends
  // on: "shared ache pain"), computed by `compute` unless the current facts
  // hold it.
  template <typename Value, typename Compute>
  static Value Recall(const std::string& key, Compute compute) {
    StemFacts* facts = Current();
    if (facts == nullptr) return compute();
    if constexpr (std::is_same_v<Value, TitleUse>) {
      return facts->title_uses_.Recall(key, compute);
    } else if constexpr (std::is_same_v<Value, double>) {
      return facts->numbers_.Recall(key, compute);
    } else if constexpr (std::is_same_v<Value, std::vector<std::string>>) {
      return facts->stem_lists_.Recall(key, compute);
    } else {
      static_assert(std::is_same_v<Value, bool>,
                    "facts are TitleUse, double, bool or a list of stems");
      return facts->answers_.Recall(key, compute);
    }
  }

  void Clear() {
    title_uses_.Clear();
    numbers_.Clear();
    answers_.Clear();
    stem_lists_.Clear();
  }

 private:
  static inline thread_local StemFacts* current_ = nullptr;
  Generations<TitleUse> title_uses_{kFactsPerGeneration};
  Generations<double> numbers_{kFactsPerGeneration};
  Generations<bool> answers_{kFactsPerGeneration};
  Generations<std::vector<std::string>> stem_lists_{kFactsPerGeneration};
};

std::string ListedAbbreviation(const Xapian::Database& db, const std::string& lower_word,
                               const std::string& stem) {
  std::string key = internal::AbbreviationKey(lower_word, stem);
  // Most words the stemmer changes are plurals and tenses, listed by no
  // abbreviation: remembered, since each costs a lookup in the table.
  if (key.empty() || !StemFacts::Recall<bool>(StrCat("abbreviation ", key), [&] {
        return db.synonyms_begin(key) != db.synonyms_end(key);
      })) {
    return {};
  }
  return key;
}

}  // namespace

struct TurnMemo::Impl {
  Generations<TurnReading> turns{kTurnsPerGeneration};
  StemFacts facts;
  // What the readings were made with.
  const WordList* dictionary = nullptr;
  bool spelling = false;

  // Forgets every turn unless they were read with `dictionary` and
  // `spelling`.
  void ReadWith(const WordList* with_dictionary, bool with_spelling) {
    if (with_dictionary == dictionary && with_spelling == spelling) return;
    turns.Clear();
    dictionary = with_dictionary;
    spelling = with_spelling;
  }

  // The reading of `text`, made by `read` unless held; in `scratch` when
  // `text` is too long to keep. Valid until the next call.
  template <typename Read>
  const TurnReading& Recall(const std::string& text, Read read, TurnReading& scratch) {
    if (text.size() > kMaxTurnBytes) {
      scratch = read();
      return scratch;
    }
    return turns.Recall(text, read);
  }

  // Keeps `reading` of `text` (a message, read as such), which the next
  // message of its conversation will send as an earlier turn.
  void Remember(const std::string& text, TurnReading reading) {
    if (text.size() <= kMaxTurnBytes) turns.Keep(text, std::move(reading));
  }
};

TurnMemo::TurnMemo() : impl_(std::make_unique<Impl>()) {}
TurnMemo::~TurnMemo() = default;

void TurnMemo::Clear() {
  impl_->turns.Clear();
  impl_->facts.Clear();
}

std::size_t TurnMemo::size() const { return impl_->turns.size(); }

namespace {

TitleUse CountTitleUse(const Xapian::Database& db, const std::string& stem) {
  const Xapian::doccount posts_with = db.get_termfreq(schema::StemTerm(stem));
  if (posts_with == 0) return {};
  TitleUse use;
  const Xapian::doccount titled = db.get_termfreq(schema::TitleStemTerm(stem));
  use.share = titled / static_cast<double>(posts_with);
  // As evidence of a subject, the share is counted as if kTitlePriorPosts
  // more posts had the word without a title: two titles out of 13 posts
  // ("wander", from "Wandering spleen") say less than 51 out of 102
  // ("alzheimer").
  const double evidence = titled / static_cast<double>(posts_with + kTitlePriorPosts);
  if (use.share >= kMinTitleShare) {
    use.strength =
        Idf(db.get_doccount(), posts_with) * std::min(1.0, evidence / kFullTitleShare);
  }
  return use;
}

TitleUse TitleUseOf(const Xapian::Database& db, const std::string& stem) {
  return StemFacts::Recall<TitleUse>(StrCat("title use ", stem),
                                     [&] { return CountTitleUse(db, stem); });
}

// A way a turn may name its subject: one of its words, or what the
// vocabulary gives for a run of them ("afib" -> "atrial fibrillation").
struct TopicCandidate {
  std::string written;
  std::vector<std::string> stems;
  double strength = 0;
  std::string strongest;
};

// Words that some post's whole title is ("pneumonia", "hearing loss")
// name a subject as strongly as the rarest of them is specific, however
// many posts mention them in passing; 0 when no title is just them. A
// single word that a title is, but that titles otherwise hardly use
// (TitleUse's share under kMinTitleShare), names one only in proportion to
// its share: posts mention "biopsy" (376 posts, 6 titles) or "seizures"
// in passing far more often than they are about them, and the one page
// titled by each ("Biopsy", "Seizures") made them as strong as the subject
// they were said about ("the biopsy confirmed womb cancer", "people whose
// seizures don't respond to the meds" after epilepsy).
double TitledStrength(const Xapian::Database& db, const std::vector<std::string>& stems) {
  const std::string key = schema::TitleKeyTerm(stems);
  if (key.empty()) return 0;
  // Keyed by every stem: the title key leaves stopwords out, the strength
  // counts them.
  std::vector<std::string> all = stems;
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::string fact = "titled";
  for (const std::string& stem : all) fact += " " + stem;
  return StemFacts::Recall<double>(fact, [&] {
    if (db.get_termfreq(key) == 0) return 0.0;
    double strength = 0;
    for (const std::string& stem : stems) {
      strength = std::max(
          strength, Idf(db.get_doccount(), db.get_termfreq(schema::StemTerm(stem))));
    }
    if (key.find(' ') == std::string::npos) {
      const std::string stem = key.substr(schema::kTitleKeyPrefix.size());
      strength *= std::min(1.0, TitleUseOf(db, stem).share / kMinTitleShare);
    }
    return strength;
  });
}

TopicCandidate Candidate(const Xapian::Database& db, std::string written,
                         std::vector<std::string> stems) {
  TopicCandidate candidate{std::move(written), std::move(stems), 0, {}};
  for (const std::string& stem : candidate.stems) {
    const double strength = TitleUseOf(db, stem).strength;
    if (strength > candidate.strength) {
      candidate.strength = strength;
      candidate.strongest = stem;
    }
  }
  if (const double titled = TitledStrength(db, candidate.stems);
      titled > candidate.strength) {
    candidate.strength = titled;
    if (candidate.strongest.empty()) candidate.strongest = candidate.stems.front();
  }
  return candidate;
}

// What a turn offers as its subject: how titles use each of its words, and
// runs of words that name one through the vocabulary, a whole title or a
// condition's noun, with the words each covers.
struct TopicEvidence {
  std::vector<TitleUse> use;  // Per word; nothing for a non-content word.
  std::vector<TopicCandidate> phrases;
  std::vector<std::pair<std::size_t, std::size_t>> phrase_spans;  // First, last word.
};

// Whether `word` tells who said what ("the doctor says", "they told us"):
// a turn reports its subject with it, never names one.
bool IsReporting(const TurnWord& word) {
  static const std::unordered_set<std::string_view> kWords = {
      "say", "says", "said", "saying", "told", "tells", "mentioned", "mentions"};
  return kWords.contains(word.text);
}

bool IsContent(const TurnWord& word) {
  return !word.stopword && !word.chatty && word.question_type < 0 && !word.stem.empty() &&
         !IsReporting(word);
}

// Whether `lower_word` designates one of several kinds: "2", "1a", "ii",
// "ie", "b" (as in "type 2", "type IE", "the B type").
bool IsDesignation(std::string_view lower_word) {
  if (lower_word.empty()) return false;
  if (lower_word.size() == 1) return true;
  const auto first_not = [&](std::string_view chars) {
    const std::size_t end = lower_word.find_first_not_of(chars);
    return end == std::string_view::npos ? lower_word.size() : end;
  };
  std::size_t end = first_not("0123456789");
  if (end == 0) end = first_not("ivx");
  // At most one letter after the number ("1a", "ie").
  return end > 0 && lower_word.size() - end <= 1;
}

// Whether words[i] says only that a subject has kinds ("the childhood
// type", "the blood vessel type"), not which ("type 2", "type II", "the B
// type"). Titles use "type" and "form" often ("Ehlers-Danlos syndrome,
// vascular type"), so alone they would name a subject of their own. Before
// the word, "a" and "I" are an article and a pronoun ("a type of"), as is
// a number before a plural ("2 types"); after it, "a" is an article ("the
// type a baby gets") and "I" a designation only before a content word
// ("type I diabetes", not "the type I have").
bool IsBareKind(const std::vector<TurnWord>& words, std::size_t i) {
  const std::vector<std::string_view>& kinds = KindWords();
  const std::string& kind = words[i].text;
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) return false;
  if (i > 0 && !kind.ends_with('s')) {
    const std::string& before = words[i - 1].text;
    if (before != "a" && before != "i" && IsDesignation(before)) return false;
  }
  if (i + 1 < words.size()) {
    const std::string& after = words[i + 1].text;
    if (after == "a") return true;
    if (after == "i") return i + 2 >= words.size() || words[i + 2].stopword;
    if (IsDesignation(after)) return false;
  }
  return true;
}

// The other words of the longer names `stem` is titled only in, the
// "romano" of the "ward" of "Romano-Ward syndrome": words in exactly the
// titles it is in. Empty for a word with some title without such a word,
// and for one of many titles ("heart"). The words a name takes along
// ("disease", "syndrome") title many other subjects in an index of health
// posts, and designations ("b" of "type B") are no words of a name.
std::vector<std::string> NamePartners(const Xapian::Database& db,
                                      const std::string& stem) {
  constexpr Xapian::doccount kMaxNameTitles = 20;
  return StemFacts::Recall<std::vector<std::string>>(StrCat("name partners ", stem), [&] {
    std::vector<std::string> partners;
    const std::string title_term = schema::TitleStemTerm(stem);
    const Xapian::doccount titles = db.get_termfreq(title_term);
    if (titles == 0 || titles > kMaxNameTitles) {
      return partners;
    }
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_query(Xapian::Query(title_term));
    // A partner is in every title of the stem, so any of them lists it. Its
    // title's stems come with it as its sort key, slot 6 (as TopicAnswers
    // reads them, from remote shards too): no document or term list read.
    enquire.set_sort_by_value(schema::kTitleQuestionStemsSlot, false);
    const Xapian::MSet first = enquire.get_mset(0, 1);
    if (first.empty()) return partners;
    for (std::string& other :
         schema::ReadTitleQuestionStems(first.begin().get_sort_key(), false).title) {
      const std::string term = schema::TitleStemTerm(other);
      if (other != stem && !IsDesignation(other) && !IsStopword(other) &&
          db.get_termfreq(term) == titles &&
          BothInAtLeast(db, title_term, term, titles)) {
        partners.push_back(std::move(other));
      }
    }
    return partners;
  });
}

// Whether words[i] is titled only inside longer names (NamePartners)
// whose other words `words` do not say: "he's stable on the ward now". So
// is a short name people use alone ("perthes" of Legg-Calv-Perthes disease):
// limiting the rule to dictionary words ("ward", not "perthes") lost more
// than it won on the conversation sets (docs/CONVERSATION.md).
bool IsPartOfUnsaidName(const Xapian::Database& db, const std::vector<TurnWord>& words,
                        std::size_t i) {
  const std::vector<std::string> partners = NamePartners(db, words[i].stem);
  return !partners.empty() &&
         std::none_of(words.begin(), words.end(), [&partners](const TurnWord& word) {
           return std::find(partners.begin(), partners.end(), word.stem) !=
                  partners.end();
         });
}

TopicEvidence GatherTopicEvidence(const Xapian::Database& db,
                                  const std::vector<TurnWord>& words,
                                  const std::vector<bool>& left_out) {
  TopicEvidence evidence;
  std::vector<TitleUse>& use = evidence.use;
  use.resize(words.size());
  const auto content = [&](std::size_t i) {
    return IsContent(words[i]) && (left_out.empty() || !left_out[i]);
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (content(i) && !IsBareKind(words, i) && !IsPartOfUnsaidName(db, words, i)) {
      use[i] = TitleUseOf(db, words[i].stem);
    }
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string key, written;
    for (std::size_t end = i; end < words.size() && end < i + kMaxPhraseWords; ++end) {
      if (!content(end)) break;
      if (end > i) {
        key += ' ';
        written += ' ';
      }
      key += words[end].stem;
      written += words[end].text;
      std::string abbreviation;
      if (end == i) abbreviation = ListedAbbreviation(db, words[i].text, words[i].stem);
      std::vector<Synonym> synonyms =
          Synonyms(db, abbreviation.empty() ? key : abbreviation);
      std::vector<TopicCandidate> found;
      found.reserve(synonyms.size() + 2);
      for (Synonym& synonym : synonyms) {
        found.push_back(Candidate(db, written, std::move(synonym.stems)));
      }
      std::vector<std::string> run_stems;
      for (std::size_t w = i; w <= end; ++w) run_stems.push_back(words[w].stem);
      if (TitledStrength(db, run_stems) > 0) {
        found.push_back(Candidate(db, written, std::move(run_stems)));
      }
      if (end == i && !words[i].noun_stem.empty()) {
        // "autistic" names what titles call "autism" (ReadTurn found it).
        TopicCandidate candidate = Candidate(db, written, {words[i].noun_stem});
        if (candidate.strength > use[i].strength) found.push_back(std::move(candidate));
      }
      for (TopicCandidate& candidate : found) {
        evidence.phrases.push_back(std::move(candidate));
        evidence.phrase_spans.emplace_back(i, end);
      }
    }
  }
  return evidence;
}

// Whether some post's title has both stems ("down" and "syndrome").
bool TitledWith(const Xapian::Database& db, const std::string& a, const std::string& b) {
  // Either way round: the answer does not depend on the order.
  const auto& [first, second] = std::minmax(a, b);
  return StemFacts::Recall<bool>(StrCat("cotitled ", first, " ", second), [&] {
    return BothInAtLeast(db, schema::TitleStemTerm(a), schema::TitleStemTerm(b), 1);
  });
}

// Fills `topic`'s words from `evidence`: the strong words and phrases, then
// their neighbours that titles use too, and with them ("fragile x syndrome",
// "down syndrome", not "fragile" or "syndrome" alone; not the "says" of "the
// neurologist says essential tremor", which some titles use, but none with
// "essential").
void NameTopic(const Xapian::Database& db, const std::vector<TurnWord>& words,
               const TopicEvidence& evidence, TurnTopic& topic) {
  const std::vector<TitleUse>& use = evidence.use;
  const std::vector<TopicCandidate>& phrases = evidence.phrases;
  const auto& phrase_spans = evidence.phrase_spans;
  const double floor = kTopicFraction * topic.strength;
  std::vector<bool> chosen(words.size(), false);
  for (std::size_t i = 0; i < words.size(); ++i) chosen[i] = use[i].strength >= floor;
  for (std::size_t p = 0; p < phrases.size(); ++p) {
    if (phrases[p].strength < floor) continue;
    for (std::size_t i = phrase_spans[p].first; i <= phrase_spans[p].second; ++i) {
      chosen[i] = true;
    }
    for (const std::string& stem : phrases[p].stems) topic.stems.push_back(stem);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (chosen[i] || use[i].share < kMinNameShare) continue;
      const auto titled_with = [&](std::size_t neighbour) {
        return chosen[neighbour] && TitledWith(db, words[i].stem, words[neighbour].stem);
      };
      if ((i > 0 && titled_with(i - 1)) || (i + 1 < words.size() && titled_with(i + 1))) {
        grew = chosen[i] = true;
      }
    }
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!chosen[i]) continue;
    // A word said again at once is no more of the name ("asthma asthma").
    if (i > 0 && chosen[i - 1] && words[i].stem == words[i - 1].stem) continue;
    if (i == 0 || !chosen[i - 1]) {
      topic.written.push_back(words[i].text);
    } else {
      topic.written.back() += " " + words[i].text;
    }
    // A name that takes "type" along shows the kind said after it ("usher
    // syndrome type 2", not "usher syndrome type"), which ranking reads
    // (BuiltQuery::kinds) although the number is no word to search for.
    if (i + 1 < words.size() && !chosen[i + 1] &&
        !KindAfter(words[i].text, words[i + 1].text,
                   i + 2 < words.size() ? words[i + 2].text : "")
             .empty()) {
      topic.written.back() += " " + words[i + 1].text;
    }
    topic.stems.push_back(words[i].stem);
    std::vector<std::string>& alternatives = topic.word_stems.emplace_back();
    alternatives.push_back(words[i].stem);
    for (std::size_t p = 0; p < phrases.size(); ++p) {
      if (phrases[p].strength >= floor && phrase_spans[p].first <= i &&
          i <= phrase_spans[p].second) {
        alternatives.push_back(phrases[p].strongest);
      }
    }
  }
  // Each stem once, in the order said (phrases are looked up in order), and
  // each name once as shown ("my son has asthma, his asthma is worse at
  // night" searches for "asthma", not "asthma asthma").
  std::unordered_set<std::string> seen;
  std::erase_if(topic.stems,
                [&](const std::string& stem) { return !seen.insert(stem).second; });
  std::unordered_set<std::string> shown;
  std::erase_if(topic.written,
                [&](const std::string& name) { return !shown.insert(name).second; });
}

// The stems that name `topic`'s subject: its strongest, and any other at
// least kTopicFraction as strong. The words a name takes along ("disease",
// "syndrome") and the vocabulary's phrases bring ("chronic obstructive
// pulmonary disease" for "copd") are in posts on almost any subject.
std::vector<std::string> NamingStems(const Xapian::Database& db, const TurnTopic& topic) {
  std::vector<std::string> naming;
  for (const std::string& stem : topic.stems) {
    if (stem == topic.strongest ||
        TitleUseOf(db, stem).strength >= kTopicFraction * topic.strength) {
      naming.push_back(stem);
    }
  }
  return naming;
}

// The topic of `words`, said in turn `turn`; words whose `left_out` is set
// (when it is not empty) name none.
TurnTopic FindTopic(const Xapian::Database& db, const std::vector<TurnWord>& words,
                    int turn, const std::vector<bool>& left_out = {}) {
  const TopicEvidence evidence = GatherTopicEvidence(db, words, left_out);
  TurnTopic topic;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (evidence.use[i].strength > topic.strength) {
      topic.strength = evidence.use[i].strength;
      topic.strongest = words[i].stem;
    }
  }
  for (const TopicCandidate& candidate : evidence.phrases) {
    if (candidate.strength > topic.strength) {
      topic.strength = candidate.strength;
      topic.strongest = candidate.strongest;
    }
  }
  if (topic.strength <= 0) return {};
  topic.turn = turn;
  NameTopic(db, words, evidence, topic);
  topic.parts.push_back(NamingStems(db, topic));
  return topic;
}

// Whether posts discuss two stems together: at least kDrillDownShare of the
// posts containing the rarer contain both, and kMinLift times as many as
// chance would put there. Locally walks the rarer stem's posts and skips
// through the other's, stopping as soon as the answer is known either way:
// this runs for pairs of words of every earlier turn, and a full count (or
// an Enquire per pair) costs more than the answer needs.
bool CountSharedPosts(const Xapian::Database& db, Locality locality, const std::string& a,
                      const std::string& b) {
  std::string rare = schema::StemTerm(a);
  std::string other = schema::StemTerm(b);
  Xapian::doccount rare_count = db.get_termfreq(rare);
  Xapian::doccount other_count = db.get_termfreq(other);
  if (other_count < rare_count) {
    std::swap(rare, other);
    std::swap(rare_count, other_count);
  }
  if (rare_count == 0) return false;
  const double chance = static_cast<double>(other_count) / db.get_doccount();
  const auto needed = static_cast<Xapian::doccount>(
      std::ceil(std::max(kDrillDownShare, kMinLift * chance) * rare_count));
  if (needed > rare_count) return false;
  if (locality == Locality::kRemote) {
    // A remote posting list is sent whole (a common stem's, megabytes at a
    // million posts).
    return BothInAtLeast(db, rare, other, needed);
  }
  Xapian::doccount found = 0;
  Xapian::doccount left = rare_count;
  Xapian::PostingIterator with = db.postlist_begin(other);
  const Xapian::PostingIterator with_end = db.postlist_end(other);
  for (Xapian::PostingIterator it = db.postlist_begin(rare); it != db.postlist_end(rare);
       ++it, --left) {
    if (found + left < needed) return false;
    with.skip_to(*it);
    if (with == with_end) return false;
    if (*with == *it && ++found >= needed) return true;
  }
  return found >= needed;
}

bool SharePosts(const Xapian::Database& db, Locality locality, const std::string& a,
                const std::string& b) {
  // Either way round: the answer does not depend on the order.
  const auto& [first, second] = std::minmax(a, b);
  return StemFacts::Recall<bool>(StrCat("shared ", first, " ", second),
                                 [&] { return CountSharedPosts(db, locality, a, b); });
}

// True when the message has words to search for, other than question cues,
// and the index knows none of them ("asdkjh qwe"): it asks nothing, so it must
// not become a search for an earlier subject. A message with no such words
// ("how is it treated?", "and then?") may still follow up, and so may one
// whose only unknown words are numbers ("why me, I'm only 38?"): an age or a
// reading is no word to know.
bool IsGibberish(const Xapian::Database& db, const std::vector<TurnWord>& message) {
  bool has_words = false;
  for (const TurnWord& word : message) {
    if (!IsContent(word) || HasDigit(word.text)) continue;
    if (db.get_termfreq(schema::StemTerm(word.stem)) > 0) return false;
    has_words = true;
  }
  return has_words;
}

// What a message takes from the conversation.
struct ContextTopic {
  v1::ContextUse::Kind kind = v1::ContextUse::NO_CONTEXT;
  // FOLLOW_UP: the conversation's topic (its turn: 1 = context[0]).
  TurnTopic topic;
  // FOLLOW_UP: the question types the conversation asked last, which a
  // message that asks none of its own is taken to ask again, as a drill-down
  // does ("what are the symptoms of asthma?" - "and in children?").
  std::uint32_t question_types = 0;
  // FOLLOW_UP: no word of the message names a topic ("how is it treated?",
  // "can she still go swimming?") and the conversation's topic is a strong
  // subject: only posts on the topic answer it.
  bool all_aspect = false;
  // FOLLOW_UP: children, when a turn since the last change of subject gives
  // a child's age (Conversation::populations).
  std::uint32_t populations = 0;
};

// Whether posts discuss each word of `topic`, in one of its forms, with
// one of `stems`: "kidney failure" with "IgA nephropathy" (posts on
// nephropathy mention both). Against NamingStems: not "down syndrome" with
// "fragile x syndrome", nor "copd" with "alzheimer's disease", although
// posts on each mention the other's generic word.
bool DiscussedWith(const Xapian::Database& db, Locality locality, const TurnTopic& topic,
                   const std::vector<std::string>& stems) {
  const auto discussed = [&](const std::vector<std::string>& forms) {
    for (const std::string& a : forms) {
      for (const std::string& b : stems) {
        if (SharePosts(db, locality, a, b)) return true;
      }
    }
    return false;
  };
  return std::all_of(topic.word_stems.begin(), topic.word_stems.end(), discussed);
}

// Whether `weaker` narrows `stronger` (it is much less specific, and posts
// discuss them together) rather than changes the subject. Against all of
// the subject's stems, not only those that name it: a detail ("the fatigue",
// "in pregnancy") is about the condition's generic side as much as its name.
bool Narrows(const Xapian::Database& db, Locality locality, const TurnTopic& weaker,
             const TurnTopic& stronger) {
  if (weaker.strength >= kOwnTopicFraction * stronger.strength) return false;
  return DiscussedWith(db, locality, weaker, stronger.stems);
}

// Whether some post's whole title is `said`'s words, or one of them, as
// said ("shingles", "ovarian cancer"), not as the vocabulary names them.
bool IsTitle(const Xapian::Database& db, const TurnTopic& said) {
  std::vector<std::string> as_said;
  for (const std::vector<std::string>& forms : said.word_stems) {
    if (TitledStrength(db, {forms.front()}) > 0) return true;
    as_said.push_back(forms.front());
  }
  return TitledStrength(db, as_said) > 0;
}

// Whether some title names a word of `said` (in one of its forms) together
// with one of `stems`: "juvenile amyotrophic lateral sclerosis" for "what
// about the juvenile form?" after "what is ALS". The subject then narrows to
// a kind of it that posts are about, however strongly the words name
// subjects of their own ("juvenile" begins many titles).
bool TitledTogether(const Xapian::Database& db, const TurnTopic& said,
                    const std::vector<std::string>& stems) {
  for (const std::vector<std::string>& forms : said.word_stems) {
    for (const std::string& a : forms) {
      for (const std::string& b : stems) {
        if (a != b && TitledWith(db, a, b)) return true;
      }
    }
  }
  return false;
}

// `said` less the words `current` has: after prostate cancer, "lung
// cancer" is a kind of it only if some title names "lung" with "prostate",
// not through the "cancer" both have.
TurnTopic NewWords(const TurnTopic& said, const TurnTopic& current) {
  TurnTopic fresh;
  for (const std::vector<std::string>& forms : said.word_stems) {
    if (std::none_of(forms.begin(), forms.end(),
                     [&](const std::string& form) { return HasStem(current, form); })) {
      fresh.word_stems.push_back(forms);
    }
  }
  return fresh;
}

// Adds `said`'s words to `current`, each stem once.
void Extend(TurnTopic& current, TurnTopic said) {
  const auto had = [&current](const std::string& stem) { return HasStem(current, stem); };
  // A part whose stems the topic had already ("pressure" after "high blood
  // pressure") is no other subject.
  for (std::vector<std::string>& part : said.parts) {
    if (!std::all_of(part.begin(), part.end(), had))
      current.parts.push_back(std::move(part));
  }
  for (std::string& written : said.written) {
    if (std::find(current.written.begin(), current.written.end(), written) ==
        current.written.end()) {
      current.written.push_back(std::move(written));
    }
  }
  for (std::string& stem : said.stems) {
    if (!had(stem)) current.stems.push_back(std::move(stem));
  }
  current.word_stems.insert(current.word_stems.end(), said.word_stems.begin(),
                            said.word_stems.end());
}

// Makes `subject` both itself and `kind`, a kind of it named about as
// strongly ("it's the frontotemporal kind" after "my gran has dementia"): the
// kind's title names both, so the stronger of the two is the strength. The
// subject's strongest stem stays its strongest, so that NamingStems keeps
// the name of the subject the kind is a kind of (taking the kind's instead
// lost blind3's "doctor says it's gout" in a longer chat).
void AddKind(TurnTopic& subject, TurnTopic kind) {
  const double strength = std::max(subject.strength, kind.strength);
  Extend(subject, std::move(kind));
  subject.strength = strength;
}

// Whether `lower_word` opens a question ("what", "does", "any").
bool OpensQuestion(std::string_view lower_word) {
  static const std::unordered_set<std::string_view> kOpeners = {
      "what", "how", "why",  "when",  "where",  "who",    "which", "is",    "are",
      "does", "do",  "did",  "can",   "could",  "should", "will",  "would", "was",
      "were", "has", "have", "whats", "what's", "hows",   "how's", "any",   "anything"};
  return kOpeners.contains(lower_word);
}

// Whether `turn` is a question: it has a question mark, or opens with a
// word that opens one ("what tests should she have", "does it run in
// families").
bool Asks(const Message& turn) {
  if (turn.text().find('?') != std::string::npos) return true;
  return !turn.words().empty() && OpensQuestion(turn.words().front().lower);
}

// Whether `message[i]` is a possessive pronoun standing for a thing named
// before: "mine is from kidney disease" after "what causes anemia" is my
// anemia; "a friend of mine" is not.
bool IsPossessivePointer(const std::vector<TurnWord>& message, std::size_t i) {
  static const std::unordered_set<std::string_view> kPossessives = {
      "mine", "yours", "hers", "ours", "theirs"};
  return kPossessives.contains(message[i].text) &&
         (i == 0 || message[i - 1].text != "of");
}

// Whether `message[i]` may point at something said before.
bool IsPointer(const std::vector<TurnWord>& message, std::size_t i) {
  static const std::unordered_set<std::string_view> kPointers = {
      "it", "its", "itself", "this", "that", "these", "those", "them"};
  return kPointers.contains(message[i].text) || IsPossessivePointer(message, i);
}

// Whether `message` points back at something said before ("how do they
// pick it up", "does that put me at risk", "what can that do to his liver")
// before it names anything of its own: its own topic words are then about
// the conversation's subject. A pronoun that a form of "be" joins to a name
// identifies rather than refers ("could it be lupus", "it's bell's palsy"),
// and one right before the name introduces it ("I read that shingles ...",
// "this asthma"), so neither counts. A possessive pronoun always stands for
// a thing said ("mine is the kind from kidney disease").
bool RefersBack(const std::vector<TurnWord>& message, const TurnTopic& own) {
  static const std::unordered_set<std::string_view> kBe = {
      "is", "was", "be", "are", "were", "it's", "its", "being", "been"};
  const auto names = [&](const TurnWord& word) {
    return !word.stem.empty() &&
           std::find(own.stems.begin(), own.stems.end(), word.stem) != own.stems.end();
  };
  for (std::size_t i = 0; i < message.size(); ++i) {
    const TurnWord& word = message[i];
    if (names(word)) return false;
    const bool possessive = IsPossessivePointer(message, i);
    if (!possessive && !IsPointer(message, i)) continue;
    const bool be_before = i > 0 && kBe.contains(message[i - 1].text);
    const bool be_after = i + 1 < message.size() && kBe.contains(message[i + 1].text);
    if ((be_before || be_after) && !possessive) continue;
    if (i + 1 < message.size() && names(message[i + 1])) return false;
    return true;
  }
  return false;
}

// Whether any word of `message` points at something said before ("why do
// some kids keep getting them", "what signs does it give men?").
bool PointsAnywhere(const std::vector<TurnWord>& message) {
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (IsPointer(message, i)) return true;
  }
  return false;
}

// Someone a turn tells of or a message asks about.
enum class Person { kUnknown, kSpeaker, kHe, kShe };

// `person`'s bit in a set of people.
unsigned Bit(Person person) { return 1U << static_cast<unsigned>(person); }

// The person `word` stands for as a pronoun ("she", "I'm"), or as a word
// for a relative ("son") when `relatives`.
Person PersonOf(std::string_view word, bool relatives = true) {
  static const auto kPronouns = [] {
    std::unordered_map<std::string_view, Person> people;
    for (std::string_view w : {"i", "i'm", "i've", "i'd", "i'll", "me", "myself"}) {
      people.emplace(w, Person::kSpeaker);
    }
    for (std::string_view w : {"he", "him", "his", "he's", "he'd", "he'll", "himself"}) {
      people.emplace(w, Person::kHe);
    }
    for (std::string_view w :
         {"she", "her", "hers", "she's", "she'd", "she'll", "herself"}) {
      people.emplace(w, Person::kShe);
    }
    return people;
  }();
  static const auto kRelatives = [] {
    std::unordered_map<std::string_view, Person> people;
    for (std::string_view w :
         {"son", "husband", "dad", "daddy", "father", "brother", "boy", "grandad",
          "granddad", "grandpa", "grandfather", "grandson", "uncle", "nephew",
          "boyfriend", "stepson", "stepdad"}) {
      people.emplace(w, Person::kHe);
    }
    for (std::string_view w :
         {"daughter",      "wife",    "mum",         "mom",   "mummy",
          "mommy",         "mother",  "sister",      "girl",  "gran",
          "granny",        "grandma", "grandmother", "nan",   "nana",
          "granddaughter", "aunt",    "auntie",      "niece", "girlfriend",
          "stepdaughter",  "stepmum", "stepmom"}) {
      people.emplace(w, Person::kShe);
    }
    return people;
  }();
  if (const auto found = kPronouns.find(word); found != kPronouns.end()) {
    return found->second;
  }
  if (!relatives) return Person::kUnknown;
  const auto found = kRelatives.find(word);
  return found == kRelatives.end() ? Person::kUnknown : found->second;
}

// Whether `word` is "he" or "she" in one of its forms.
bool IsHeOrShe(std::string_view word) {
  const Person person = PersonOf(word, /*relatives=*/false);
  return person == Person::kHe || person == Person::kShe;
}

// The people `words` speak of, one bit per Person.
unsigned PeopleIn(const std::vector<TurnWord>& words) {
  unsigned people = 0;
  for (const TurnWord& word : words) people |= Bit(PersonOf(word.text));
  return people & ~Bit(Person::kUnknown);
}

// Whom `words` tell `topic` of: the person named last before its first
// word ("my son has asthma", "I've got eczema", "I'm her carer and I'm
// exhausted and depressed"); kUnknown when none is ("a bat got into our
// bedroom, is rabies likely").
Person HolderOf(const std::vector<TurnWord>& words, const TurnTopic& topic) {
  const auto first =
      std::find_if(words.begin(), words.end(),
                   [&topic](const TurnWord& word) { return HasStem(topic, word.stem); });
  for (auto it = first; it != words.begin();) {
    const Person person = PersonOf((--it)->text);
    if (person != Person::kUnknown) return person;
  }
  return Person::kUnknown;
}

// Whom `message` asks about by a pronoun ("can he still do sports?", "is
// hers hereditary?", "is mine going to damage my joints?"). Not by "I" or
// "me", which ask for someone else as often ("what can I do for him?"), nor
// by a word for a relative, which brings someone in ("now my nephew has it").
Person AskedAbout(const std::vector<TurnWord>& message) {
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i].text == "mine" && IsPossessivePointer(message, i)) {
      return Person::kSpeaker;
    }
    if (IsHeOrShe(message[i].text)) return PersonOf(message[i].text);
  }
  return Person::kUnknown;
}

// Whether `message` speaks of a he or a she ("she's super sociable", "now
// she have little fever", "his endo"): someone the story already has, for a
// turn telling more of it. Not "they", which is as often the doctors ("they
// found colon cancer").
bool SpeaksOfSomeone(const std::vector<TurnWord>& message) {
  return std::any_of(message.begin(), message.end(),
                     [](const TurnWord& word) { return IsHeOrShe(word.text); });
}

// A name of several words in `said`, as said, that some post's whole title
// is ("peripheral artery disease"), with its words' forms; empty when there
// is none. Not words the topic took apart ("pain in the toe every
// morning": "pain", "morning"), which name no subject together.
TurnTopic TitledName(const Xapian::Database& db, const Xapian::Stem& stemmer,
                     const TurnTopic& said) {
  for (const std::string& written : said.written) {
    if (written.find(' ') == std::string::npos) continue;
    TurnTopic name;
    std::vector<std::string> stems;
    for (std::string_view rest = written; !rest.empty();) {
      const std::size_t space = std::min(rest.find(' '), rest.size());
      std::string stem = StemWord(stemmer, std::string(rest.substr(0, space)));
      rest.remove_prefix(std::min(space + 1, rest.size()));
      const auto forms = std::find_if(said.word_stems.begin(), said.word_stems.end(),
                                      [&stem](const std::vector<std::string>& f) {
                                        return !f.empty() && f.front() == stem;
                                      });
      name.word_stems.push_back(
          forms != said.word_stems.end() ? *forms : std::vector<std::string>{stem});
      stems.push_back(std::move(stem));
    }
    if (TitledStrength(db, stems) > 0) return name;
  }
  return {};
}

// Whether `topic` is strong enough to name a subject by its strength alone:
// not a word that only a rare title uses ("fine", from "Fine-Lubinsky
// syndrome") or that titles use in passing ("needed").
bool StrongSubject(const Xapian::Database& db, const TurnTopic& topic) {
  return topic.strength >= kMinSubjectFraction * Idf(db.get_doccount(), 1);
}

// Whether `said` is a subject of its own beside the conversation's
// `current` one: a name of several words ("down syndrome"), however common
// its words, or a word strong enough to name one (StrongSubject), and at
// least kOwnTopicFraction as strong as `current` (a word some title uses, in
// a question about the subject, is part of the question).
bool NamesSubject(const Xapian::Database& db, const TurnTopic& said,
                  const TurnTopic& current) {
  return (StrongSubject(db, said) || said.word_stems.size() > 1) &&
         said.strength >= kOwnTopicFraction * current.strength;
}

// Whether a turn opens on someone or something already in the
// conversation ("he's 5 and falls a lot", "it's always worse on school
// mornings", "his belly has started swelling", "I'm in shock"): it goes on
// with the story rather than starting another. The speaker goes on with it
// only while it is being told: once the conversation has asked about its
// subject (`asked_about`), "I've got shingles on my back" is the story of
// another question, as it would be in the message.
bool OpensWithPronoun(const std::vector<TurnWord>& words, bool asked_about) {
  static const std::unordered_set<std::string_view> kThings = {
      "it",      "they", "its",    "their", "them",    "it's",
      "they're", "it'd", "they'd", "it'll", "they'll", "they've"};
  if (words.empty()) return false;
  const std::string& first = words.front().text;
  if (kThings.contains(first) || IsHeOrShe(first)) return true;
  // Not "me" ("me and my wife both had hay fever"), which joins others.
  return !asked_about && PersonOf(first, /*relatives=*/false) == Person::kSpeaker &&
         first != "me" && first != "myself";
}

// Whether `words` tell of a finding ("she's been diagnosed with rett", "I
// tested positive for factor V Leiden", "it was confirmed"): not the
// diagnosis type's other cues ("checked", "tests", "screening"), which also
// tell of what is only being looked at ("he got his ears checked").
bool SaysDiagnosed(const Xapian::Stem& stemmer, const std::vector<TurnWord>& words) {
  // Every caller stems English (schema::kLanguage), so one set serves all.
  static const std::unordered_set<std::string> kStems = [&stemmer] {
    std::unordered_set<std::string> stems;
    for (const char* word :
         {"diagnose", "diagnosed", "diagnosis", "confirmed", "detected", "positive"}) {
      stems.insert(StemWord(stemmer, word));
    }
    return stems;
  }();
  return std::any_of(words.begin(), words.end(),
                     [](const TurnWord& word) { return kStems.contains(word.stem); });
}

// The children population's bit when `words` give a child's age ("my 4
// year old", "he's 6"); else 0.
std::uint32_t ChildsAgeOf(const std::vector<TurnWord>& words) {
  std::vector<std::string_view> texts;
  texts.reserve(words.size());
  for (const TurnWord& word : words) texts.push_back(word.text);
  return SaysChildsAge(texts) ? 1U << kChildrenPopulation : 0;
}

// Whether the text between two words, `gap`, ends a clause: punctuation, a
// line break, a dash set off by a space ("parkinsons - he has diabetes too";
// not the hyphen of "gluten-free"), an en or em dash or an ellipsis.
std::optional<char> ClauseEnd(std::string_view gap) {
  const std::size_t mark = gap.find_first_of(",.;:!?()\n");
  if (mark != std::string_view::npos) return gap[mark];
  const bool dash =
      gap.find('-') != std::string_view::npos && gap.find(' ') != std::string_view::npos;
  if (dash || gap.find("\u2013") != std::string_view::npos ||
      gap.find("\u2014") != std::string_view::npos ||
      gap.find("\u2026") != std::string_view::npos) {
    return '-';
  }
  return std::nullopt;
}

// How a message's clauses (words between ClauseEnd marks) tell.
struct Clauses {
  // Per word, whether its clause tells of something in passing: "also" in
  // it, or "too" or "as well" at its end ("she is 78, also diabetic", "he is
  // diabetic also", "my blood pressure has been creeping up too"). Not a
  // clause that asks ("also, what are the symptoms of shingles?", "does it
  // also affect the kidneys?"); not "also" opening the message, which
  // opens a new subject ("also my dad was just diagnosed with parkinsons");
  // not "as well" meaning healthy ("he hasn't been as well").
  std::vector<bool> in_passing;
  bool asks = false;  // Some clause asks.

  bool any_in_passing() const {
    return std::find(in_passing.begin(), in_passing.end(), true) != in_passing.end();
  }
};

Clauses ReadClauses(const Message& message) {
  static const std::unordered_set<std::string_view> kBeforeHealthy = {
      "be",    "been", "being", "feel",  "feeling",
      "feels", "felt", "not",   "isn't", "wasn't"};
  const std::vector<Message::Word>& words = message.words();
  const std::string_view text = message.text();
  Clauses clauses;
  clauses.in_passing.assign(words.size(), false);
  std::size_t begin = 0;  // The clause's first word.
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::size_t gap_end =
        i + 1 == words.size() ? text.size() : words[i + 1].span.byte_begin;
    const std::optional<char> end =
        ClauseEnd(text.substr(words[i].span.byte_end, gap_end - words[i].span.byte_end));
    if (!end.has_value() && i + 1 < words.size()) continue;
    // "is also diabetic", "has also got diabetes" tell; "is it also ..." asks.
    const bool opens_question = OpensQuestion(words[begin].lower) &&
                                !(begin < i && words[begin + 1].lower == "also");
    const bool asks = end == '?' || opens_question;
    clauses.asks = clauses.asks || asks;
    bool also = false;
    for (std::size_t w = std::max<std::size_t>(begin, 1); w <= i; ++w) {
      also = also || words[w].lower == "also";
    }
    const bool ends_adding =
        words[i].lower == "too" ||
        (i > begin && words[i].lower == "well" && words[i - 1].lower == "as" &&
         !(i > begin + 1 && kBeforeHealthy.contains(words[i - 2].lower)));
    if (!asks && (also || ends_adding)) {
      for (std::size_t w = begin; w <= i; ++w) clauses.in_passing[w] = true;
    }
    begin = i + 1;
  }
  return clauses;
}

// What reading `words`, the words of `message`, finds, for TurnMemo.
TurnReading ReadingOf(const Xapian::Database& db, const Message& message,
                      std::vector<TurnWord> words) {
  TurnReading reading;
  reading.question_types = QuestionTypesOf(words);
  reading.asks = Asks(message);
  reading.populations = ChildsAgeOf(words);
  // A turn is about what it says outside the clauses that add something in
  // passing ("I'm 39 and pregnant, I also have hypothyroidism, and the
  // screening came back high for trisomy 21"); when those clauses are all
  // that names anything, its topic is theirs, marked as said in passing.
  const Clauses clauses = ReadClauses(message);
  std::vector<bool> in_passing(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    in_passing[i] = clauses.in_passing[words[i].said];
  }
  reading.topic = FindTopic(db, words, 0, in_passing);
  if (clauses.any_in_passing() && reading.topic.stems.empty()) {
    reading.topic = FindTopic(db, words, 0);
    reading.in_passing = !reading.topic.stems.empty() && !clauses.asks;
  } else {
    reading.read_past_passing = clauses.any_in_passing();
  }
  AddKindsDesignated(message, reading.topic.kinds);
  reading.words = std::move(words);
  return reading;
}

// Where the conversation stands before the message: its topic, and the
// question types the newest turn that asked any asked.
struct Conversation {
  TurnTopic topic;
  std::uint32_t question_types = 0;
  // Children (ChildsAgeOf), when a turn gives a child's age, unless a later
  // turn changed the subject ("my 4 year old snores" before "what would cause
  // it?"). Not the population words of earlier turns: there they are as
  // often someone's offspring ("we want kids", "I never had children"),
  // which lifted "Juvenile Huntington disease" over "Huntington disease".
  std::uint32_t populations = 0;
  // The turns' rare words (AddRareWords), newest first, for when no turn
  // names a topic.
  TurnTopic rare;
  // Whom the turn that set `topic` told it of, and the subject it replaced
  // with whom that was told of: "can he still do sports?" after "my son has
  // asthma" and then "I've got eczema" asks about the asthma. Not when the
  // turns since spoke of such a person (PeopleIn, `spoken_of`, the holder
  // aside): "is there anything he can do?" after "I've got shingles" and "my
  // husband has never had it".
  Person holder = Person::kUnknown;
  unsigned spoken_of = 0;
  TurnTopic earlier;
  Person earlier_holder = Person::kUnknown;
  std::uint32_t earlier_populations = 0;
};

// A word that no title uses names no topic, but one that few posts use
// ("nits", "xxy", "cmt") is about what those posts are about. At most this
// share of the posts use a rare word.
constexpr double kMaxRareShare = 0.005;
// Rare words kept from the turns, newest first.
constexpr std::size_t kMaxRareWords = 4;
// A rare word in at most kRarePostsRead posts names the subject of the
// titles that at least kRareTitleShare of them have: "nits" is in 8 posts,
// all titled "lice"; "xxy" in 6, five titled "klinefelter". All its posts are
// read (a sample would depend on how the index is laid out in shards).
constexpr double kRareTitleShare = 0.6;
constexpr Xapian::doccount kRarePostsRead = 20;
// A word in fewer posts says what one post is about, not a subject.
constexpr Xapian::doccount kMinRarePosts = 2;

// Adds to `rare` the content words of `words` that the index knows and that
// at most kMaxRareShare of the posts use, up to kMaxRareWords in all: what a
// turn says of its subject when it names none the way titles do.
void AddRareWords(const Xapian::Database& db, const std::vector<TurnWord>& words,
                  int turn, TurnTopic& rare) {
  const double most = kMaxRareShare * db.get_doccount();
  for (const TurnWord& word : words) {
    if (rare.stems.size() >= kMaxRareWords) return;
    if (!IsContent(word) || HasDigit(word.text)) continue;  // "38" is about no subject.
    const Xapian::doccount posts = db.get_termfreq(schema::StemTerm(word.stem));
    if (posts == 0 || posts > most ||
        std::find(rare.stems.begin(), rare.stems.end(), word.stem) != rare.stems.end()) {
      continue;
    }
    if (rare.stems.empty()) rare.turn = turn;
    rare.written.push_back(word.text);
    rare.stems.push_back(word.stem);
    rare.word_stems.push_back({word.stem});
  }
}

// The subject `rare`'s words name through their posts: the title stems that
// at least kRareTitleShare of the posts of one of the words have, as strong
// as titles make them (TitleUseOf), beside the words themselves. With none,
// the words alone, of strength 0: a stand-in, never a subject.
TurnTopic NamedByPosts(const Xapian::Database& db, TurnTopic rare) {
  const std::string title_prefix = schema::TitleStemTerm("");
  for (const std::string& stem : std::vector<std::string>(rare.stems)) {
    const std::string term = schema::StemTerm(stem);
    const Xapian::doccount read = db.get_termfreq(term);
    if (read < kMinRarePosts || read > kRarePostsRead) continue;
    std::unordered_map<std::string, Xapian::doccount> titled;
    for (Xapian::PostingIterator post = db.postlist_begin(term);
         post != db.postlist_end(term); ++post) {
      Xapian::TermIterator it = db.termlist_begin(*post);
      for (it.skip_to(title_prefix);
           it != db.termlist_end(*post) && (*it).starts_with(title_prefix); ++it) {
        ++titled[(*it).substr(title_prefix.size())];
      }
    }
    for (const auto& [title_stem, posts] : titled) {
      if (posts < kRareTitleShare * read) continue;
      const double strength = TitleUseOf(db, title_stem).strength;
      if (strength <= 0) continue;
      if (std::find(rare.stems.begin(), rare.stems.end(), title_stem) ==
          rare.stems.end()) {
        rare.stems.push_back(title_stem);
      }
      if (strength > rare.strength) {
        rare.strength = strength;
        rare.strongest = title_stem;
      }
    }
  }
  return rare;
}

// An earlier turn is read up to this many words: its subject is said long
// before (the longest turn of the conversation sets has 103 words), and
// every word read costs lookups in the index, so that ten turns of
// thousands of words (a paste) took seconds a request.
constexpr std::size_t kMaxEarlierTurnWords = 200;

// How `text` reads as an earlier turn, from `memo` when it holds it;
// `scratch` holds a reading `memo` does not keep, and only its first
// kMaxEarlierTurnWords words are read.
const TurnReading& ReadEarlierTurn(const Xapian::Database& db,
                                   const Xapian::Stem& stemmer,
                                   const WordList* dictionary, const std::string& text,
                                   bool spelling, TurnMemo* memo, TurnReading& scratch) {
  const auto read = [&] {
    Message message(text);
    if (message.words().size() > kMaxEarlierTurnWords) {
      message = Message(
          text.substr(0, message.words()[kMaxEarlierTurnWords - 1].span.byte_end));
    }
    return ReadingOf(db, message,
                     ReadTurn(db, stemmer, dictionary, message, spelling, nullptr));
  };
  if (memo == nullptr) {
    scratch = read();
    return scratch;
  }
  return memo->impl().Recall(text, read, scratch);
}

// Whether posts answer questions of some aspect about `topic` (its
// treatment, its causes...) rather than only describe it: most posts titled
// by one of its stems have a category other than "information". Pages about
// people or times of life ("Toddler Health", "Parenting", "Time out") are
// not what a follow-up asks about. In an index without categories every
// subject is. A word titling more posts than this ("disease", "cancer", "pain") is taken
// to name subjects that posts answer questions about, without counting
// their categories: counting would walk half its titles on every request.
constexpr Xapian::doccount kAskableTitles = 100;

bool Askable(const Xapian::Database& db, const TurnTopic& topic) {
  const Xapian::Query information(
      schema::FilterTerm(schema::kCategoryPrefix, "information"));
  return std::any_of(
      topic.stems.begin(), topic.stems.end(), [&](const std::string& stem) {
        return StemFacts::Recall<bool>(StrCat("askable ", stem), [&] {
          const std::string titled = schema::TitleStemTerm(stem);
          const Xapian::doccount titles = db.get_termfreq(titled);
          if (titles > kAskableTitles) return true;
          const Xapian::doccount needed = titles / 2 + 1;
          Xapian::Enquire enquire(db);
          enquire.set_weighting_scheme(Xapian::BoolWeight());
          enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT,
                                          Xapian::Query(titled), information));
          return enquire.get_mset(0, 0, needed).get_matches_lower_bound() >= needed;
        });
      });
}

// Whether `said` may take the conversation's subject from `current`: not
// when only the current one is a subject posts answer questions about.
bool MayReplace(const Xapian::Database& db, const TurnTopic& said,
                const TurnTopic& current) {
  return Askable(db, said) || !Askable(db, current);
}

// The conversation's topic after each earlier turn, oldest first: a turn
// that names none keeps it, one that names a much stronger one, or asks or
// tells afresh of what a title names, changes it, a weaker one that narrows it
// adds its words ("the fatigue is the worst part" after "I have rheumatoid
// arthritis"), and any other is incidental.
Conversation ReadConversation(const Xapian::Database& db, const Xapian::Stem& stemmer,
                              const WordList* dictionary,
                              const std::vector<std::string>& context,
                              const RankingOptions& ranking, TurnMemo* memo,
                              Locality locality) {
  Conversation conversation;
  TurnTopic& current = conversation.topic;
  TurnReading scratch;
  bool asked_since_set = false;
  // The conversation's subject becomes what `reading`'s turn says, `said`.
  const auto move_on = [&](TurnTopic said, const TurnReading& reading, unsigned people,
                           std::uint32_t populations_before) {
    conversation.earlier = std::move(current);
    conversation.earlier_holder = conversation.holder;
    conversation.earlier_populations = populations_before;
    conversation.holder = HolderOf(reading.words, said);
    conversation.spoken_of = people & ~Bit(conversation.holder);
    current = std::move(said);
    asked_since_set = false;
  };
  for (std::size_t turn = std::min(context.size(), kMaxContextTurns); turn-- > 0;) {
    const TurnReading& reading = ReadEarlierTurn(db, stemmer, dictionary, context[turn],
                                                 ranking.spelling, memo, scratch);
    const std::vector<TurnWord>& words = reading.words;
    const std::uint32_t types = reading.question_types;
    const bool asks = reading.asks;
    // Only a turn that asks asks for a type: one that tells ("my son was
    // diagnosed with asthma", "she passed a stone") uses the same words for
    // the story.
    if (types != 0 && asks) conversation.question_types = types;
    TurnTopic said = reading.topic;
    said.turn = static_cast<int>(turn) + 1;
    const unsigned people = PeopleIn(words);
    conversation.spoken_of |= people;
    const std::uint32_t populations_before = conversation.populations;
    conversation.populations |= reading.populations;
    // Whether a turn since the subject was last set asked about it: the
    // story was told, and what the person says next may start another.
    const bool asked_about = asked_since_set;
    asked_since_set = asked_since_set || asks;
    if (said.stems.empty()) continue;
    if (current.stems.empty()) {
      move_on(std::move(said), reading, people, populations_before);
      continue;
    }
    // What a turn adds in passing ("she is 78, also diabetic" after "my
    // nan had a stroke") is beside the subject, unless the turn asks about
    // it ("the school also sent a note about hepatitis a, what are the
    // symptoms?"). Not even when a title names the two together: such
    // titles are often pages on several conditions ("Diabetes, Heart
    // Disease, and Stroke"), which would put diabetes first.
    if (reading.in_passing && !asks) continue;
    // A much stronger topic changes the subject. So does a question about
    // what a post's title names that points at nothing said before ("what
    // are the signs of heart disease" after kidney stones in children; "is
    // coeliac disease common?" of the son with diabetes), however weakly
    // its words name a subject: a common condition's name is common words,
    // and piled onto the earlier subject it would pull the next follow-up
    // to pages on neither. A turn that tells of a title's whole name of
    // several words, as said, that posts do not discuss with the subject
    // ("the doctor says it's peripheral artery disease" after mitral valve
    // prolapse), starts another story too, unless it goes on about someone
    // the story has ("she's sociable but has a heart murmur" after williams
    // syndrome). Words titled apart ("pain in the toe every morning" after
    // gout) tell more of the same story.
    const auto starts_anew = [&] {
      if (PointsAnywhere(words) || !IsTitle(db, said)) return false;
      if (asks) return true;
      if (SpeaksOfSomeone(words)) return false;
      const TurnTopic name = TitledName(db, stemmer, said);
      return !name.word_stems.empty() &&
             !DiscussedWith(db, locality, name, NamingStems(db, current));
    };
    if ((said.strength >= kNewSubjectFraction * current.strength || starts_anew()) &&
        MayReplace(db, said, current)) {
      move_on(std::move(said), reading, people, populations_before);
      conversation.populations = reading.populations;
      continue;
    }
    // A later turn that names a kind of the subject ("it's the frontotemporal
    // kind" after "my gran has dementia", "non small cell" after "lung
    // cancer") names it about as strongly (at least kOwnTopicFraction as
    // strongly) in words that posts discuss with it: the subject becomes
    // both, as the kind's title names both. Not a turn that asks about
    // what a title names ("my sister's now got PBC, what symptoms does it
    // cause?" after hepatitis C): a related subject it asks about is the
    // one the conversation goes on with, and in a longer chat every such
    // subject would pile onto the first. Nor, once the subject was asked
    // about, a condition posts merely discuss with it ("I survived a heart
    // attack" after questions about a stroke, "my doctor thinks I might have
    // diabetes" after COPD): only one some title names with it (a new word
    // of the turn with the subject's strongest stem: "frontotemporal
    // dementia"; not "Kidney cancer" for a kidney stone after lung cancer,
    // through the generic word of its name, nor "Pulmonary hypertension"
    // through the vocabulary's form of "lung") is then a kind of it.
    if (!(asks && IsTitle(db, said)) &&
        said.strength >= kOwnTopicFraction * current.strength &&
        DiscussedWith(db, locality, said, NamingStems(db, current)) &&
        (!asked_about ||
         TitledTogether(db, NewWords(said, current), {current.strongest}))) {
      AddKind(current, std::move(said));
      continue;
    }
    // A subject of its own that posts do not discuss with the current one,
    // said without pointing back at it, is a new subject, as it would be in
    // the message ("my son was just diagnosed with fragile x" after "what
    // are the early signs of alzheimer's"): a conversation moves on.
    // A turn that tells of a diagnosis ("she's been diagnosed with rett")
    // names what the story turned out to be about, however it opens.
    const bool tells_diagnosis = !asks && SaysDiagnosed(stemmer, words);
    if (NamesSubject(db, said, current) && !RefersBack(words, said) &&
        (tells_diagnosis || !OpensWithPronoun(words, asked_about)) &&
        MayReplace(db, said, current)) {
      move_on(std::move(said), reading, people, populations_before);
      conversation.populations = reading.populations;
      continue;
    }
    // A weaker topic in a later turn says more about the subject ("he
    // wanders at night now" after "my grandad has alzheimer's") or is
    // incidental ("he's up four times a night"); it does not replace it.
    if (Narrows(db, locality, said, current)) Extend(current, std::move(said));
  }
  if (current.stems.empty()) {
    for (std::size_t turn = 0; turn < std::min(context.size(), kMaxContextTurns);
         ++turn) {
      const TurnReading& reading = ReadEarlierTurn(db, stemmer, dictionary, context[turn],
                                                   ranking.spelling, memo, scratch);
      AddRareWords(db, reading.words, static_cast<int>(turn) + 1, conversation.rare);
    }
  }
  return conversation;
}

// The populations (bits of Populations() indexes) `message` names, by a
// word ("kids", "older adults") or a child's age ("my 3 year old").
std::uint32_t PopulationsOf(const Xapian::Stem& stemmer,
                            const std::vector<TurnWord>& message) {
  const std::unordered_map<std::string, std::uint32_t>& stems = PopulationStems(stemmer);
  std::uint32_t populations = ChildsAgeOf(message);
  for (const TurnWord& word : message) {
    if (auto found = stems.find(word.stem); found != stems.end()) {
      populations |= found->second;
    }
  }
  return populations;
}

// Whether `said` names people, nothing else ("the childhood type",
// "toddlers"; not "childhood asthma"), and some title names the subject
// (its NamingStems, `naming`) for them ("Juvenile idiopathic arthritis"
// after "arthritis"), or `message`, whose topic `said` is, asks nothing of
// its own ("what about in pregnancy?" after anemia): then `said` says whom
// the subject is asked about, however strongly titles use its words
// ("childhood" starts many titles). A message that asks something of
// people with no such title asks it anew ("what screening does a newborn
// get?" after diabetes).
bool NamesOnlyPeople(const Xapian::Database& db, const Xapian::Stem& stemmer,
                     const std::vector<TurnWord>& message, const TurnTopic& said,
                     const std::vector<std::string>& naming) {
  const std::unordered_map<std::string, std::uint32_t>& people = PopulationStems(stemmer);
  std::uint32_t named = 0;
  for (const std::string& stem : said.stems) {
    const auto found = people.find(stem);
    if (found == people.end()) return false;
    named |= found->second;
  }
  if (named == 0) return false;
  if (FollowUpQuestionTypes(stemmer, message) == 0) return true;
  return std::any_of(people.begin(), people.end(), [&](const auto& person) {
    return (person.second & named) != 0 &&
           std::any_of(naming.begin(), naming.end(), [&](const std::string& stem) {
             return TitledWith(db, person.first, stem);
           });
  });
}

// The longest run of a message's words (at most kMaxCompletingWords, each
// a content word the subject does not have) that, with the words that name
// `subject` as said, is a whole title: "small cell" of "now they've said it's
// the small cell type" after "lung cancer" ("Small cell lung cancer"). Such
// words name a kind of the subject however weakly each names a subject of
// its own ("small" and "cell" are in thousands of posts). Not words for
// people ("children" of "Asthma in children"), which say for whom the subject
// is asked (ContextTopic::populations). Empty when none.
constexpr std::size_t kMaxCompletingWords = 3;
TurnTopic KindCompletingTitle(const Xapian::Database& db, const Xapian::Stem& stemmer,
                              const std::vector<TurnWord>& words,
                              const TurnTopic& subject) {
  std::vector<std::string> name;
  for (const std::vector<std::string>& forms : subject.word_stems) {
    if (!forms.empty()) name.push_back(forms.front());
  }
  if (name.empty()) return {};
  const auto usable = [&](const TurnWord& word) {
    return IsContent(word) && !HasDigit(word.text) && !HasStem(subject, word.stem) &&
           std::find(name.begin(), name.end(), word.stem) == name.end() &&
           !PopulationStems(stemmer).contains(word.stem) &&
           PersonOf(word.text) == Person::kUnknown;
  };
  TurnTopic best;
  for (std::size_t first = 0; first < words.size(); ++first) {
    std::vector<std::string> stems = name;
    // Not a run of only the words a name takes along ("disease" of "sickle
    // cell disease"), which title subjects of every kind.
    bool names_few = false;
    for (std::size_t last = first;
         last < words.size() && last - first < kMaxCompletingWords && usable(words[last]);
         ++last) {
      stems.push_back(words[last].stem);
      names_few = names_few || db.get_termfreq(schema::TitleStemTerm(words[last].stem)) <=
                                   kAskableTitles;
      if (last - first + 1 <= best.word_stems.size() || !names_few) continue;
      const std::string key = schema::TitleKeyTerm(stems);
      if (key.empty() || db.get_termfreq(key) == 0) continue;
      best = {};
      std::string written;
      for (std::size_t i = first; i <= last; ++i) {
        if (!written.empty()) written += ' ';
        written += words[i].text;
        best.stems.push_back(words[i].stem);
        best.word_stems.push_back({words[i].stem});
      }
      best.written.push_back(std::move(written));
      best.parts.push_back(best.stems);
    }
  }
  return best;
}

// What the message takes from the conversation: its topic, for a message
// that names none of its own (a follow-up) or one that narrows it (a
// drill-down: "and for children?"). A message that names another topic
// takes nothing: earlier turns must not pull a new question back to an old
// subject.
ContextTopic FollowUpTopic(const Xapian::Database& db, const Xapian::Stem& stemmer,
                           const WordList* dictionary, const Message& message,
                           const std::vector<TurnWord>& words,
                           const std::vector<std::string>& context,
                           const RankingOptions& ranking, TurnMemo* memo,
                           Locality locality) {
  ContextTopic result;
  // A message that asks something known is no gibberish for its unknown
  // words: "what do they do about it, grommets?"
  if (context.empty() ||
      (IsGibberish(db, words) && FollowUpQuestionTypes(stemmer, words) == 0)) {
    return result;
  }
  TurnReading reading = ReadingOf(db, message, words);
  // The message's own subject is all it names: what it adds in passing is
  // what it asks about ("she also has a heart murmur, is that linked?"). As
  // an earlier turn of the next request, it is read as ReadingOf reads it.
  const TurnTopic own =
      reading.read_past_passing ? FindTopic(db, words, 0) : reading.topic;
  if (memo != nullptr) memo->impl().Remember(message.text(), std::move(reading));
  Conversation conversation =
      ReadConversation(db, stemmer, dictionary, context, ranking, memo, locality);
  // No turn names a subject the way titles do ("nits again from school"):
  // the turns' rare words name it through their posts.
  if (conversation.topic.stems.empty()) {
    conversation.topic = NamedByPosts(db, std::move(conversation.rare));
  }
  if (conversation.topic.stems.empty()) return result;
  // A message asking about someone whose subject a later turn's, told of
  // someone else, replaced asks about theirs. (Tried and not kept: keeping
  // the newest subject when the message also speaks of its person. Right
  // for "can she catch it if I kiss her?" after "I've got a cold sore",
  // wrong for "can i catch it from him?" after "my husband has hepatitis b"
  // and "i have thrush"; it lost a blind8 drill-down.)
  const Person asked_about = AskedAbout(words);
  if (asked_about != Person::kUnknown && conversation.holder != Person::kUnknown &&
      conversation.holder != asked_about && conversation.earlier_holder == asked_about &&
      (conversation.spoken_of & Bit(asked_about)) == 0 &&
      !conversation.earlier.stems.empty()) {
    conversation.topic = std::move(conversation.earlier);
    conversation.populations = conversation.earlier_populations;
  }
  // A name of several words ("down syndrome") is a subject however common
  // its words are; a single weak word ("fine") is not.
  // Nor is one less than kOwnTopicFraction as strong as the conversation's
  // subject: a word that some title uses, in a question about the subject,
  // is part of the question (it is still searched for as the person's word).
  // A message that refers back names a new subject only as strongly as an
  // earlier turn must to change it, and, as in an earlier turn (MayReplace),
  // what posts only describe ("medicines", "parents", "menopause") does not
  // take over from a subject they answer questions about in a message that
  // points at something said ("am I more likely to have it because both my
  // parents do?" after high blood pressure); one that does not point is a
  // new question ("what are the warning signs of suicide?" after asthma).
  const bool refers_back = RefersBack(words, own);
  const bool names_subject = NamesSubject(db, own, conversation.topic);
  const bool own_subject =
      names_subject &&
      (MayReplace(db, own, conversation.topic) || !PointsAnywhere(words)) &&
      (!refers_back || own.strength >= kNewSubjectFraction * conversation.topic.strength);
  // A message's subject that no title is by itself ("the juvenile form",
  // "kids"; not "ovarian cancer") is a kind of the conversation's when the
  // message points back at the subject anywhere ("why do some kids keep
  // getting them?") and names nothing much stronger, or when some title
  // names the two together. One that a title is by itself, in a message
  // that points back before naming it (RefersBack: "and how do you fix it,
  // just iron tablets?" after "what causes anemia"), is a kind of it when a
  // title names the two together ("Iron deficiency anemia"), however much
  // stronger it is; without such a title, or said without pointing back, it
  // is a new question ("what tests are used for prostate cancer?" after an
  // enlarged prostate).
  const bool points_back =
      PointsAnywhere(words) &&
      own.strength < kNewSubjectFraction * conversation.topic.strength;
  const std::vector<std::string> naming = NamingStems(db, conversation.topic);
  const bool names_people = NamesOnlyPeople(db, stemmer, words, own, naming);
  const auto titled_together = [&] { return TitledTogether(db, own, naming); };
  const bool kind_of_subject =
      own_subject &&
      (names_people || (IsTitle(db, own) ? refers_back && titled_together()
                                         : points_back || titled_together()));
  // The message's subject is the conversation's, or part of it, when the
  // conversation named it already ("why would my body hang on to too much
  // iron?" after "iron overload, doc says haemochromatosis"; "what would
  // make someone anaemic?" after "I'm anaemic": searched as a follow-up, the
  // subject's pages are ranked by the aspect asked, which a self-contained
  // message alone ranked less well); a subject that posts only
  // describe (Askable), weaker than the conversation's and discussed
  // with it, is a detail of it ("besides painkillers" after
  // "osteoarthritis"), not a new question as a condition would be ("what are
  // the symptoms of anemia?").
  const auto named_before = [&](const std::string& stem) {
    return std::find(conversation.topic.stems.begin(), conversation.topic.stems.end(),
                     stem) != conversation.topic.stems.end();
  };
  const bool named_again =
      !own.stems.empty() && std::all_of(own.stems.begin(), own.stems.end(), named_before);
  // (A much weaker subject discussed with it narrows it, Askable or not.)
  const auto detail = [&] {
    return named_again || Narrows(db, locality, own, conversation.topic) ||
           (own.strength >= kOwnTopicFraction * conversation.topic.strength &&
            own.strength < conversation.topic.strength && !Askable(db, own) &&
            DiscussedWith(db, locality, own, conversation.topic.stems));
  };
  if (own_subject && !kind_of_subject && !detail()) {
    result.kind = v1::ContextUse::OWN_TOPIC;
    return result;
  }
  result.kind = v1::ContextUse::FOLLOW_UP;
  result.topic = std::move(conversation.topic);
  // A message naming the subject again asks what it asks ("what is lupus?"
  // after "what are the symptoms of lupus?", below), for whom it says ("can
  // adults get asthma?" after "my 5 year old has asthma").
  result.populations =
      named_again && PopulationsOf(stemmer, words) != 0 ? 0 : conversation.populations;
  // "how do they test for it during pregnancy?": a subject as strong as the
  // conversation's, in a message about it, is a kind of it, as in
  // ReadConversation.
  const auto is_new = [&](const std::string& stem) {
    return std::find(result.topic.stems.begin(), result.topic.stems.end(), stem) ==
           result.topic.stems.end();
  };
  if (kind_of_subject ||
      (names_subject && refers_back &&
       std::any_of(own.stems.begin(), own.stems.end(), is_new) &&
       DiscussedWith(db, locality, own, NamingStems(db, result.topic)))) {
    AddKind(result.topic, own);
  } else if (TurnTopic kind = KindCompletingTitle(db, stemmer, words, result.topic);
             !kind.stems.empty()) {
    AddKind(result.topic, std::move(kind));
  }
  // Only a message that narrows the subject asks the same again ("and in
  // children?"); one that names no subject asks something else, even when
  // its words for it are not known cues ("how fast does it progress?").
  if (!own.stems.empty() && !named_again) {
    result.question_types = conversation.question_types;
  }
  result.all_aspect = own.stems.empty() && StrongSubject(db, result.topic);
  return result;
}

// The aspect a follow-up asks, as the learned model guesses it (a bit of
// QuestionTypes()), when it is sure enough; else 0, as for a guess of no
// aspect. People ask in more ways than the phrase lists hold ("what can he do
// so there isn't a second one"), and where they disagree a sure guess is the
// better reader: on the conversation sets it never trained on, follow-ups
// gained 0.09 and 0.10 nDCG@10 when it decides over the cue words, against
// 0.07 and 0.04 when it only fills in for them (docs/CONVERSATION.md).
std::uint32_t GuessedQuestionType(std::string_view message) {
  const AspectModel::Guess guess = AspectModel::Builtin().Classify(message);
  if (guess.probability < kMinAspectGuess) return 0;
  const std::vector<QuestionType>& types = QuestionTypes();
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (types[i].name == guess.aspect) return 1U << i;
  }
  return 0;
}

// Whether posts on `topic` answer questions of one of `types`, as far as the
// index tells: a post titled by every stem of the topic whose own question
// has a cue of one of them. The learned guess reads the message alone, and
// "can my wife catch it from me?" is inheritance after a genetic condition
// but not after hepatitis B, which has no such page. Where no post on the
// topic asks anything recognised (an index of posts without questions, a
// topic no title names), the index cannot tell, and the answer is yes.
// (Tried: only posts titled by the topic and nothing else, or also by its
// strongest word: both lost more conversations on the sets and kept the
// hepatitis B misreading; docs/CONVERSATION.md.)
bool TopicAnswers(const Xapian::Database& db, const Xapian::Stem& stemmer,
                  const TurnTopic& topic, std::uint32_t types) {
  if (topic.stems.empty()) return true;
  std::vector<Xapian::Query> titled;
  Xapian::doccount at_most = db.get_doccount();  // Posts titled by the topic.
  for (const std::string& stem : topic.stems) {
    std::string term = schema::TitleStemTerm(stem);
    at_most = std::min(at_most, db.get_termfreq(term));
    titled.emplace_back(std::move(term));
  }
  const Xapian::Query on_topic(Xapian::Query::OP_AND, titled.begin(), titled.end());
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  if (at_most <= kMaxTopicPostsRead) {
    // Each post's question stems come with it as its sort key, slot 6 (from
    // remote shards too), and its cues are looked up here.
    enquire.set_query(on_topic);
    enquire.set_sort_by_value(schema::kTitleQuestionStemsSlot, false);
    const Xapian::MSet posts = enquire.get_mset(0, at_most);
    const auto& type_stems = QuestionTypeStems(stemmer);
    const auto& type_pairs = QuestionTypePairs(stemmer);
    bool asks = false;
    for (auto it = posts.begin(); it != posts.end(); ++it) {
      const std::uint32_t asked = QuestionTypesOfStems(
          schema::ReadTitleQuestionStems(it.get_sort_key(), true).question, type_stems,
          type_pairs);
      if ((asked & types) != 0) return true;
      asks = asks || asked != 0;
    }
    return !asks;
  }
  // A larger topic: the index is asked for a post with a cue, of any type
  // and then of `types` (a posting list opened for each of the 120 or so).
  const std::string question = schema::StemPrefix(schema::kQuestionPrefix);
  std::vector<Xapian::Query> any_cue;
  std::vector<Xapian::Query> type_cue;
  const auto add = [&](Xapian::Query cue, int type) {
    if ((types & (1U << static_cast<unsigned>(type))) != 0) type_cue.push_back(cue);
    any_cue.push_back(std::move(cue));
  };
  for (const auto& [stem, type] : QuestionTypeStems(stemmer)) {
    add(Xapian::Query(StrCat(question, stem)), type);
  }
  for (const QuestionTypePair& pair : QuestionTypePairs(stemmer)) {
    add(Xapian::Query(Xapian::Query::OP_AND, Xapian::Query(StrCat(question, pair.first)),
                      Xapian::Query(StrCat(question, pair.second))),
        pair.type);
  }
  const auto any_post = [&](const std::vector<Xapian::Query>& cues) {
    enquire.set_query(
        Xapian::Query(Xapian::Query::OP_AND, on_topic,
                      Xapian::Query(Xapian::Query::OP_OR, cues.begin(), cues.end())));
    return !enquire.get_mset(0, 1).empty();
  };
  return !any_post(any_cue) || any_post(type_cue);
}

// What stage 1 reads from a message in its conversation.
struct Understanding {
  std::vector<TurnWord> message;
  ContextTopic context;
  // Bit i set: the message asks about QuestionTypes()[i].
  std::uint32_t question_types = 0;

  bool follow_up() const { return context.kind == v1::ContextUse::FOLLOW_UP; }
};

// Stage 1, understanding the words: the message's words (corrected; the
// corrections go to `interpretation`), what it takes from the conversation,
// and the question types it asks (listed in `interpretation` as aspects).
Understanding Understand(const Xapian::Database& db, const Xapian::Stem& stemmer,
                         const WordList* dictionary, const Message& text,
                         const std::vector<std::string>& context,
                         const RankingOptions& ranking, TurnMemo* memo, Locality locality,
                         v1::QueryInterpretation& interpretation) {
  Understanding understood;
  understood.message =
      ReadTurn(db, stemmer, dictionary, text, ranking.spelling, &interpretation);
  understood.question_types = QuestionTypesOf(understood.message);
  if (ranking.context_weight > 0) {
    understood.context = FollowUpTopic(db, stemmer, dictionary, text, understood.message,
                                       context, ranking, memo, locality);
  }
  if (understood.follow_up()) {
    understood.question_types |= FollowUpQuestionTypes(stemmer, understood.message);
    if (understood.question_types == 0 && understood.context.question_types != 0) {
      // A drill-down asks the earlier question again ("and in children?").
      understood.question_types = understood.context.question_types;
    } else if (const std::uint32_t guessed = GuessedQuestionType(text.text());
               guessed != 0 &&
               TopicAnswers(db, stemmer, understood.context.topic, guessed)) {
      understood.question_types = guessed;
    }
  }
  for (std::size_t i = 0; i < QuestionTypes().size(); ++i) {
    if ((understood.question_types & (1U << i)) != 0) {
      interpretation.add_aspects(std::string(QuestionTypes()[i].name));
    }
  }
  return understood;
}

QueryTerm Term(std::string text, std::string stem, TermRole role, double weight) {
  QueryTerm term;
  term.text = std::move(text);
  term.stem = std::move(stem);
  term.role = role;
  term.weight = weight;
  return term;
}

// The terms the conversation and the message say, in order: a follow-up's
// topic first, as if the person had said it, then the message's own words.
// Stopwords and words too long to be indexed go to `interpretation` as
// ignored.
std::vector<QueryTerm> SaidTerms(const Xapian::Stem& stemmer,
                                 const Understanding& understood,
                                 const RankingOptions& ranking,
                                 v1::QueryInterpretation& interpretation) {
  std::vector<QueryTerm> terms;
  const std::unordered_map<std::string, std::uint32_t>& people = PopulationStems(stemmer);
  for (const std::string& stem : understood.context.topic.stems) {
    const double weight = people.contains(stem)
                              ? kPeopleTopicWeight * ranking.context_weight
                              : ranking.context_weight;
    QueryTerm& term = terms.emplace_back(Term({}, stem, TermRole::kContext, weight));
    term.turn = understood.context.topic.turn;
  }
  for (const TurnWord& word : understood.message) {
    if (word.stopword || word.stem.empty()) {
      interpretation.add_ignored(word.text);
      continue;
    }
    terms.push_back(
        word.chatty ? Term(word.text, word.stem, TermRole::kChatty, ranking.chatty_weight)
                    : Term(word.text, word.stem, TermRole::kOwn, 1.0));
    terms.back().corrected = word.corrected;
    if (!word.noun_stem.empty()) {
      terms.push_back(Term(word.noun, word.noun_stem, TermRole::kOwn, 1.0));
      terms.back().corrected = word.corrected;
    }
  }
  return terms;
}

// Stage 2, for a follow-up: the words posts use for the aspects it asks
// about, below the person's own.
void AddAspectTerms(const Xapian::Stem& stemmer, std::uint32_t question_types,
                    std::vector<QueryTerm>& terms) {
  const std::vector<std::vector<std::string>>& aspect_stems = AspectStems(stemmer);
  for (std::size_t i = 0; i < aspect_stems.size(); ++i) {
    if ((question_types & (1U << i)) == 0) continue;
    const QuestionType& type = QuestionTypes()[i];
    for (std::size_t w = 0; w < aspect_stems[i].size(); ++w) {
      QueryTerm& term =
          terms.emplace_back(Term(std::string(type.words[w]), aspect_stems[i][w],
                                  TermRole::kAspect, kAspectWeight));
      term.origin = type.name;
    }
  }
}

// Stage 2: the vocabulary's phrases for every run of one to three
// consecutive terms (across topic, message and aspect, as the query says
// them), appended as kExpansion terms at `weight`.
void AddExpansions(const Xapian::Database& db, double weight,
                   std::vector<QueryTerm>& terms) {
  // Copies, since the loop appends to `terms`.
  std::vector<std::string> stems, texts;
  stems.reserve(terms.size());
  texts.reserve(terms.size());
  for (const QueryTerm& term : terms) {
    stems.push_back(term.stem);
    texts.push_back(term.text);
  }
  // A phrase said twice is expanded once (and listed once in the
  // interpretation); the person's own repeated words are saturated instead.
  std::unordered_set<std::string> expanded;
  int phrase = 0;
  for (std::size_t i = 0; i < stems.size(); ++i) {
    std::string key;
    for (std::size_t n = 0; n < kMaxPhraseWords && i + n < stems.size(); ++n) {
      if (n > 0) key.push_back(' ');
      key += stems[i + n];
      // A word listed as an abbreviation ("EDS") is not looked up by its stem.
      std::string origin;
      if (n == 0) origin = ListedAbbreviation(db, texts[i], stems[i]);
      if (origin.empty()) origin = key;
      if (!expanded.insert(origin).second) continue;
      for (Synonym& synonym : Synonyms(db, origin)) {
        for (std::string& stem : synonym.stems) {
          QueryTerm& term =
              terms.emplace_back(Term({}, std::move(stem), TermRole::kExpansion, weight));
          term.origin = origin;
          term.phrase = phrase;
        }
        ++phrase;
      }
    }
  }
}

// The posts with each stem searched for other than through an expansion,
// counted once per stem, as the terms' IDF.
void CountPosts(const Xapian::Database& db, Xapian::doccount posts,
                std::vector<QueryTerm>& terms) {
  std::unordered_map<std::string, Xapian::doccount> term_freqs;
  for (QueryTerm& term : terms) {
    if (term.role == TermRole::kExpansion) continue;
    auto [found, inserted] = term_freqs.try_emplace(term.stem, 0);
    if (inserted) found->second = db.get_termfreq(schema::StemTerm(term.stem));
    term.idf = Idf(posts, found->second);
    term.indexed = found->second > 0;
  }
}

// Records in the interpretation what was taken from the conversation:
// "searching for: fragile x syndrome — treatment".
void DescribeContextUse(const ContextTopic& context, const QueryTerms& terms,
                        v1::QueryInterpretation& interpretation) {
  v1::ContextUse& use = *interpretation.mutable_context_use();
  use.set_kind(context.kind);
  if (context.kind != v1::ContextUse::FOLLOW_UP) return;
  use.set_turn(context.topic.turn);
  std::string searched_for;
  for (const std::string& written : context.topic.written) {
    interpretation.add_context_terms(written);
    use.add_topic(written);
    if (!searched_for.empty()) searched_for += ' ';
    searched_for += written;
  }
  // The aspect: the question types asked, else the message's own words.
  std::string aspect;
  for (const std::string& type : interpretation.aspects()) {
    if (!aspect.empty()) aspect += ", ";
    aspect += type;
  }
  for (const QueryTerm& term : terms.all()) {
    if (!interpretation.aspects().empty()) break;
    if (term.role != TermRole::kOwn) continue;
    if (!aspect.empty()) aspect += ' ';
    aspect += term.text;
  }
  if (!aspect.empty()) searched_for += StrCat(" \u2014 ", aspect);
  use.set_searched_for(searched_for);
}

// Lists in the interpretation what the table searches for: the person's
// words (chatty ones as down-weighted), the conversation's topic, and each
// run of stems the vocabulary expanded with its phrases.
void Interpret(const QueryTerms& terms, const ContextTopic& context,
               v1::QueryInterpretation& interpretation) {
  DescribeContextUse(context, terms, interpretation);
  const std::vector<QueryTerm>& all = terms.all();
  v1::QueryExpansion* expansion = nullptr;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const QueryTerm& term = all[i];
    if (term.role == TermRole::kOwn || term.role == TermRole::kChatty) {
      interpretation.add_terms(term.text);
      if (term.role == TermRole::kChatty) interpretation.add_down_weighted(term.text);
    }
    if (term.role != TermRole::kExpansion) continue;
    if (i > 0 && all[i - 1].phrase == term.phrase) {  // The phrase goes on.
      const int last = expansion->expanded_to_size() - 1;
      expansion->mutable_expanded_to(last)->append(" ").append(term.stem);
      continue;
    }
    if (expansion == nullptr || expansion->phrase() != term.origin) {
      expansion = interpretation.add_expansions();
      expansion->set_phrase(term.origin);
    }
    expansion->add_expanded_to(term.stem);
  }
}

// The vocabulary's phrases of `terms`, in order, each matching all its
// stems; only those expanding a run of stems that `expanded` accepts (the
// term's origin), when given.
std::vector<Xapian::Query> ExpansionQueries(
    const QueryTerms& terms,
    const std::function<bool(const std::string& origin)>& expanded = {}) {
  const std::vector<QueryTerm>& all = terms.all();
  std::vector<Xapian::Query> expansions;
  std::vector<Xapian::Query> phrase;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].role != TermRole::kExpansion) continue;
    if (expanded && !expanded(all[i].origin)) continue;
    phrase.emplace_back(schema::StemTerm(all[i].stem));
    if (i + 1 == all.size() || all[i + 1].phrase != all[i].phrase) {
      expansions.emplace_back(Xapian::Query::OP_AND, phrase.begin(), phrase.end());
      phrase.clear();
    }
  }
  return expansions;
}

// BuiltQuery::naming_stem of `terms`. A follow-up's topic words come first
// in `terms`, so a word of the message that repeats the topic is read as the
// topic's and is neither named nor counted: the message's own words name.
std::string NamingStem(const QueryTerms& terms, const WordList* dictionary) {
  if (dictionary == nullptr) return {};
  const QueryTerm* best = nullptr;
  double total_idf = 0;
  bool all_indexed = true;
  terms.ForEachDistinct([&](const QueryTerm& term) {
    if (term.role != TermRole::kOwn) return;
    total_idf += term.idf;
    all_indexed = all_indexed && term.indexed;
    if (best == nullptr || term.idf > best->idf) best = &term;
  });
  // A word no post holds is as rare as a word one post holds (Idf counts
  // it as one), so when there is one it may be the rarest: nothing names.
  if (best == nullptr || !all_indexed || best->corrected ||
      best->idf < std::log(1 / confidence_model::kMaxNamingShare) ||
      best->idf < confidence_model::kMinNamingIdfShare * total_idf ||
      InDictionary(*dictionary, Xapian::Unicode::tolower(best->text))) {
    return {};
  }
  return best->stem;
}

// Stage 3: the Xapian query for `terms`: each term in the free text and the
// title, key concepts weighed up, repeats saturated, then the expansions.
// Empty when nothing is searched for.
Xapian::Query AssembleQuery(const QueryTerms& terms, const RankingOptions& ranking) {
  // Key concepts: with focus_exponent > 0, common words count less than the
  // rarest word searched for, beyond what the weighting's IDF already does.
  // A word no post contains matches nothing, so it is no yardstick: as the
  // rarest word it would only shrink the other words against expansions.
  // The conversation's topic is what the message is about: never weighed
  // down as a common word, however it was said.
  double max_idf = 0;
  std::unordered_set<std::string> subject;
  for (const QueryTerm& term : terms.all()) {
    if (term.role == TermRole::kContext) subject.insert(term.stem);
    if (term.role != TermRole::kExpansion && term.indexed) {
      max_idf = std::max(max_idf, term.idf);
    }
  }
  // Each stem is one leaf, weighing what all its occurrences do together:
  // the same score as a leaf per occurrence, but the matcher walks each
  // posting list once ("treated" and the aspect's "treat").
  struct Leaf {
    int occurrences = 0;
    double weight = 0;
  };
  std::unordered_map<std::string_view, Leaf> leaves;
  std::vector<std::string_view> stems;  // In the order first said.
  for (const QueryTerm& term : terms.all()) {
    if (term.role == TermRole::kExpansion) continue;
    Leaf& leaf = leaves[term.stem];
    if (leaf.occurrences == 0) stems.push_back(term.stem);
    double weight =
        term.weight * RepeatWeight(++leaf.occurrences, ranking.repeat_saturation);
    if (ranking.focus_exponent > 0 && max_idf > 0 && !subject.contains(term.stem)) {
      weight *= std::pow(term.idf / max_idf, ranking.focus_exponent);
    }
    leaf.weight += weight;
  }
  if (stems.empty()) return {};
  std::vector<Xapian::Query> free_text, title;
  for (std::string_view stem : stems) {
    const double weight = leaves[stem].weight;
    free_text.push_back(Scaled(Xapian::Query(schema::StemTerm(stem)), weight));
    title.push_back(Scaled(Xapian::Query(schema::TitleStemTerm(stem)), weight));
  }
  Xapian::Query query(Xapian::Query::OP_OR, free_text.begin(), free_text.end());
  if (ranking.title_weight > 0) {
    query = Xapian::Query(
        Xapian::Query::OP_OR, query,
        Scaled(Xapian::Query(Xapian::Query::OP_OR, title.begin(), title.end()),
               ranking.title_weight));
  }
  const std::vector<Xapian::Query> expansions = ExpansionQueries(terms);
  if (!expansions.empty()) {
    query = Xapian::Query(
        Xapian::Query::OP_OR, query,
        Scaled(Xapian::Query(Xapian::Query::OP_OR, expansions.begin(), expansions.end()),
               ranking.synonym_weight));
  }
  return query;
}

// `query`, matching only posts with a stem of `topic` or one of the
// vocabulary's phrases for it (`terms`' expansions of runs of its stems). A
// follow-up that names nothing of its own ("how is it treated?") is all
// aspect: a post that says nothing of the topic answers someone else's
// question. The matcher then walks the topic's posting lists and skips
// through the aspect words' long ones ("treatment" is in 29% of all posts).
Xapian::Query OnTopic(const Xapian::Query& query, const TurnTopic& topic,
                      const QueryTerms& terms) {
  const std::unordered_set<std::string_view> stems(topic.stems.begin(),
                                                   topic.stems.end());
  const auto of_topic = [&stems](const std::string& origin) {
    for (std::string_view rest = origin;;) {
      const std::size_t space = rest.find(' ');
      if (!stems.contains(rest.substr(0, space))) return false;
      if (space == std::string_view::npos) return true;
      rest.remove_prefix(space + 1);
    }
  };
  std::vector<Xapian::Query> on_topic = ExpansionQueries(terms, of_topic);
  for (const std::string& stem : topic.stems) {
    on_topic.emplace_back(schema::StemTerm(stem));
  }
  return Xapian::Query(
      Xapian::Query::OP_FILTER, query,
      Xapian::Query(Xapian::Query::OP_OR, on_topic.begin(), on_topic.end()));
}

// Accepts free-text stems only ("Zknee"), not field stems ("ZSknee") nor
// boolean terms.
class FreeTextStems : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    return schema::IsFreeTextStemTerm(term);
  }
};

}  // namespace

Xapian::ESet CharacteristicStems(const Xapian::Database& db,
                                 const std::vector<Xapian::docid>& docs,
                                 Xapian::termcount count) {
  Xapian::RSet rset;
  for (Xapian::docid docid : docs) rset.add_document(docid);
  const FreeTextStems decider;
  return Xapian::Enquire(db).get_eset(count, rset, &decider);
}

namespace {

// The question types' cues as stems: single words, and pairs of two.
struct CueStems {
  std::unordered_map<std::string, int> single;
  std::vector<QuestionTypePair> pairs;
};

const CueStems& QuestionTypeCueStems(const Xapian::Stem& stemmer) {
  // Every caller stems English (schema::kLanguage), so one table serves all.
  static const CueStems kCues = [&stemmer] {
    CueStems cues;
    const std::vector<QuestionType>& types = QuestionTypes();
    for (std::size_t i = 0; i < types.size(); ++i) {
      for (std::string_view cue : types[i].cues) {
        std::vector<std::string> stems;
        ForEachWord(cue, [&](const WordSpan&, const std::string& word) {
          stems.push_back(StemWord(stemmer, word));
        });
        const int type = static_cast<int>(i);
        if (stems.size() == 1) cues.single.emplace(std::move(stems[0]), type);
        if (stems.size() == 2) {
          cues.pairs.push_back({std::move(stems[0]), std::move(stems[1]), type});
        }
      }
    }
    return cues;
  }();
  return kCues;
}

}  // namespace

const std::unordered_map<std::string, int>& QuestionTypeStems(
    const Xapian::Stem& stemmer) {
  return QuestionTypeCueStems(stemmer).single;
}

const std::unordered_map<std::string, std::uint32_t>& PopulationStems(
    const Xapian::Stem& stemmer) {
  // Every caller stems English (schema::kLanguage), so one table serves all.
  static const std::unordered_map<std::string, std::uint32_t> kStems = [&stemmer] {
    std::unordered_map<std::string, std::uint32_t> stems;
    const std::vector<Population>& populations = Populations();
    for (std::size_t i = 0; i < populations.size(); ++i) {
      for (std::string_view word : populations[i].words) {
        stems[StemWord(stemmer, std::string(word))] |= 1U << i;
      }
    }
    return stems;
  }();
  return kStems;
}

const std::vector<QuestionTypePair>& QuestionTypePairs(const Xapian::Stem& stemmer) {
  return QuestionTypeCueStems(stemmer).pairs;
}

std::uint32_t QuestionTypesOfStems(const std::vector<std::string>& sorted_stems,
                                   const std::unordered_map<std::string, int>& types,
                                   const std::vector<QuestionTypePair>& pairs) {
  std::uint32_t asked = 0;
  for (const std::string& stem : sorted_stems) {
    if (auto type = types.find(stem); type != types.end()) {
      asked |= 1U << static_cast<unsigned>(type->second);
    }
  }
  // Sorted, so a pair is two lookups.
  for (const QuestionTypePair& pair : pairs) {
    if (std::binary_search(sorted_stems.begin(), sorted_stems.end(), pair.first) &&
        std::binary_search(sorted_stems.begin(), sorted_stems.end(), pair.second)) {
      asked |= 1U << static_cast<unsigned>(pair.type);
    }
  }
  return asked;
}

QueryTerms::QueryTerms(std::vector<QueryTerm> terms) : terms_(std::move(terms)) {
  // A stem the person's words, the topic or an aspect search for weighs what
  // they say, however the vocabulary also reaches it.
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    const QueryTerm& term = terms_[i];
    if (term.role == TermRole::kExpansion) continue;
    auto [found, inserted] = weights_.try_emplace(term.stem, 0.0);
    if (inserted) distinct_.push_back(i);
    found->second = std::max(found->second, term.weight);
  }
  std::unordered_set<std::string> said;
  for (const QueryTerm& term : terms_) {
    if (term.role == TermRole::kExpansion) weights_.try_emplace(term.stem, term.weight);
    if (term.role == TermRole::kAspect) only_aspect_.insert(term.stem);
    if (term.role != TermRole::kAspect && term.role != TermRole::kExpansion) {
      said.insert(term.stem);
    }
  }
  std::erase_if(only_aspect_,
                [&said](const std::string& stem) { return said.contains(stem); });
}

BuiltQuery BuildQuery(const Xapian::Database& db, const Xapian::Stem& stemmer,
                      const WordList* dictionary, const Message& text,
                      const std::vector<std::string>& context,
                      const RankingOptions& ranking, TurnMemo* memo, Locality locality) {
  BuiltQuery built;
  built.post_count = db.get_doccount();
  v1::QueryInterpretation& interpretation = built.interpretation;

  // 1. Understand the words.
  if (memo != nullptr) memo->impl().ReadWith(dictionary, ranking.spelling);
  const StemFacts::Use facts(memo != nullptr ? &memo->impl().facts : nullptr);
  const Understanding understood = Understand(db, stemmer, dictionary, text, context,
                                              ranking, memo, locality, interpretation);
  built.question_types = understood.question_types;
  built.question_type_boost = ranking.question_type_boost;
  if (understood.follow_up()) built.question_type_boost *= kFollowUpTypeEmphasis;
  // A follow-up is asked for the people the conversation is about, and
  // about every subject its turns joined.
  built.populations =
      PopulationsOf(stemmer, understood.message) | understood.context.populations;
  if (understood.follow_up() && understood.context.topic.parts.size() > 1) {
    built.topic_parts = understood.context.topic.parts;
  }
  std::vector<QueryTerm> terms = SaidTerms(stemmer, understood, ranking, interpretation);

  // 2. Expand: a follow-up's aspect in the words posts use, and synonyms.
  if (understood.follow_up()) AddAspectTerms(stemmer, built.question_types, terms);
  if (ranking.synonym_weight > 0) AddExpansions(db, ranking.synonym_weight, terms);
  CountPosts(db, static_cast<Xapian::doccount>(built.post_count), terms);
  built.terms = QueryTerms(std::move(terms));
  built.naming_stem = NamingStem(built.terms, dictionary);
  // The kinds the message designates, and those of the turn a follow-up's
  // topic comes from: "type 2" stays with the subject although the topic
  // names it without ("gaucher disease" from "she has gaucher type 1").
  AddKindsDesignated(text, built.kinds);
  if (understood.follow_up()) {
    for (const std::string& kind : understood.context.topic.kinds) {
      if (std::find(built.kinds.begin(), built.kinds.end(), kind) == built.kinds.end()) {
        built.kinds.push_back(kind);
      }
    }
  }
  Interpret(built.terms, understood.context, interpretation);

  // 3. Assemble the Xapian query from the table.
  built.query = AssembleQuery(built.terms, ranking);
  if (understood.context.all_aspect && !built.query.empty()) {
    built.query = OnTopic(built.query, understood.context.topic, built.terms);
  }
  return built;
}

}  // namespace guru::internal
