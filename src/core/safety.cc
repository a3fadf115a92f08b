// The safety classifier: a small matcher over normalised word tokens.
//
// A turn is split into tokens (as the index splits words), sentences and
// clauses. Concept groups (named sets of words and phrases) are found in it;
// each occurrence is then switched off when a cue of the rules file says it
// is negated, past history, hypothetical or part of a request for
// information. A rule fires when all the concepts of one of its patterns are
// found, switched on, within a window of words; a pattern's parts joined by
// '+' may come from different turns. Everything language-specific (cues,
// idioms, words never to correct as typos) lives in the rules file.
#include "core/safety.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "absl/status/status.h"
#include "core/query_text.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

// A negation cue switches off a concept starting at most this many words
// after it ("I don't have any chest pain": three words between).
constexpr int kNegationWindow = 4;
// A trailing negation ("chest pain has gone") at most this many words after.
constexpr int kNegationAfterWindow = 3;
// A '*' in a phrase stands for up to this many words.
constexpr int kWildcardMaxWords = 3;
// A history cue reaches this many words either side ("my dad had a stroke
// ten years ago"), so that a sign said later in a long clause ("... and the
// same crushing feeling came back") stays on.
constexpr int kHistoryWindow = 6;
// A state in @_became turns a trailing negation ("has gone") into a change
// ("has gone numb") when it starts at most this many words after it.
constexpr int kBecameReach = 2;
// Window when a pattern part gives none.
constexpr int kDefaultWindow = 8;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>{}(s);
  }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// One word of a phrase: a vocabulary word, a number range or a wildcard.
struct Element {
  enum class Kind { kWord, kNumber, kWildcard } kind = Kind::kWord;
  int word = -1;
  int low = 0;
  int high = 0;
};
using Phrase = std::vector<Element>;

struct Concept {
  std::string name;
  std::vector<Phrase> members;
};

// Concepts that must all be found within `window` words of one turn.
struct Part {
  std::vector<int> concepts;
  int window = kDefaultWindow;
};

// A semantic field test ('field' line): at least `need` of `groups` are
// found, switched on, in one sentence or the `reach` sentences either side,
// with `about` (who it is about: "I", "me", "my life"; -1: anyone) there.
struct FieldTest {
  std::vector<int> groups;
  int about = -1;
  int need = 2;
  int reach = 1;
  // 'asked': a question or a hypothetical does not switch its words off, for
  // signs that are the asking itself ("how high does a bridge have to be so
  // that it's certain").
  bool asked = false;
  // 'across': groups found in different turns add up ("I've had enough",
  // then "how long would it take in a closed garage").
  bool across = false;
};

struct Rule {
  std::string code;
  std::string description;
  std::string source;
  SafetyLevel level = SafetyLevel::kNone;
  // Alternatives (one per 'match' line); each is parts joined by '+'.
  std::vector<std::vector<Part>> patterns;
  std::vector<FieldTest> fields;
  int line = 0;
};

// A learned signal ('model' block): logistic regression over the features
// of a sentence (with `reach` sentences either side), fired when the
// probability reaches `threshold` (1 or more: switched off). A veto
// ('model CODE LEVEL veto') instead reads the sentences where the rules of
// its level matched, and the probability is that they are a false alarm (a
// joke, the past, someone else, a story): at `threshold` or more, those
// rules' signs are dropped.
struct LearnedModel {
  std::string code;
  std::string description;
  std::string source;
  SafetyLevel level = SafetyLevel::kNone;
  std::optional<double> bias;
  std::optional<double> threshold;
  bool veto = false;
  int reach = 0;
  StringMap<double> weights;  // As parsed; emptied by Engine::Index().
  // The weights by feature id (Engine::learned_features), 0 where none:
  // one lookup of a feature serves every signal.
  std::vector<double> weights_by_id;
  int line = 0;
};

// Reserved concept names: the cues the matcher itself uses.
enum Cue {
  kNegation,
  kNegationAfter,
  kNegationStop,
  kNotCue,
  kHistory,
  kHypothetical,
  kInformation,
  kNewSubject,
  kClauseBreak,
  kFigure,
  kNotTypo,
  kNow,
  kTopic,
  kBenign,
  kState,
  kBecame,
  kJoke,
  kCueCount
};
constexpr std::array<std::string_view, kCueCount> kCueNames = {"_negation",
                                                               "_negation_after",
                                                               "_negation_stop",
                                                               "_not_cue",
                                                               "_history",
                                                               "_hypothetical",
                                                               "_information",
                                                               "_new_subject",
                                                               "_clause_break",
                                                               "_figure",
                                                               "_not_typo",
                                                               "_now",
                                                               "_information_topic",
                                                               "_benign",
                                                               "_state",
                                                               "_became",
                                                               "_joke"};

// People often leave out apostrophes; rules are written with them.
const StringMap<std::string_view>& Contractions() {
  static const auto* kMap = new StringMap<std::string_view>{
      {"cant", "can't"},       {"cannot", "can't"},     {"dont", "don't"},
      {"doesnt", "doesn't"},   {"didnt", "didn't"},     {"isnt", "isn't"},
      {"wasnt", "wasn't"},     {"havent", "haven't"},   {"hasnt", "hasn't"},
      {"wont", "won't"},       {"im", "i'm"},           {"ive", "i've"},
      {"couldnt", "couldn't"}, {"wouldnt", "wouldn't"}, {"shouldnt", "shouldn't"},
      {"arent", "aren't"},     {"werent", "weren't"},   {"hes", "he's"},
      {"shes", "she's"},       {"whats", "what's"},     {"thats", "that's"},
      {"theres", "there's"},   {"youre", "you're"},     {"theyre", "they're"},
      {"didn't", "didn't"},    {"ain't", "isn't"},      {"aint", "isn't"}};
  return *kMap;
}

bool EndsWith(std::string_view s, std::string_view suffix) { return s.ends_with(suffix); }

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// A light suffix strip (-s, -es, -ies, -ed, -ing, final -e) so that
// inflections of a rule word meet at one stem: "breathe", "breathing" and
// "breathed" -> "breath". Short words are left alone.
std::string Stem(std::string_view word) {
  std::string s(word);
  auto strip = [&](std::size_t n) {
    s.resize(s.size() - n);
    // "stopping" -> "stopp" -> "stop".
    const std::size_t k = s.size();
    if (k >= 4 && s[k - 1] == s[k - 2] && !IsVowel(s[k - 1]) && s[k - 1] != 's' &&
        s[k - 1] != 'l') {
      s.pop_back();
    }
  };
  if (s.size() >= 6 && EndsWith(s, "ies")) {
    s.resize(s.size() - 3);
    s.push_back('y');
  } else if (s.size() >= 6 && EndsWith(s, "ing")) {
    strip(3);
  } else if (s.size() >= 5 && EndsWith(s, "ed")) {
    strip(2);
  } else if (s.size() >= 5 && (EndsWith(s, "ches") || EndsWith(s, "shes") ||
                               EndsWith(s, "xes") || EndsWith(s, "sses"))) {
    s.resize(s.size() - 2);
  } else if (s.size() >= 4 && s.back() == 's' && !EndsWith(s, "ss") &&
             !EndsWith(s, "us") && !EndsWith(s, "is")) {
    s.pop_back();
  }
  if (s.size() >= 5 && s.back() == 'e') s.pop_back();
  return s;
}

// Typos allowed in a word of this length: none below 5 letters, one from 5,
// two from 8 (short words have too many real neighbours).
int AllowedTypos(std::size_t length) {
  if (length >= 8) return 2;
  if (length >= 5) return 1;
  return 0;
}

// Calls `emit` with `word` with every choice of up to `depth` letters
// deleted, the first letter always kept (the symmetric-delete index: two
// words within distance d share a string reachable by at most d deletions
// from each; typo matches must share their first letter anyway).
template <typename Emit>
void ForEachDeletion(const std::string& word, int depth, std::size_t from, Emit&& emit) {
  emit(word);
  if (depth == 0) return;
  std::string shorter;
  for (std::size_t i = std::max<std::size_t>(from, 1); i < word.size(); ++i) {
    if (i > from && word[i] == word[i - 1]) continue;  // Same string as i - 1.
    shorter.assign(word, 0, i);
    shorter.append(word, i + 1);
    ForEachDeletion(shorter, depth - 1, i, emit);
  }
}

std::optional<int> ParseNumber(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 6) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A word of a turn, normalised, with where it lies and its sentence and
// clause (numbered from 0 over the turn).
struct Token {
  std::string text;
  std::size_t char_begin = 0;
  std::size_t char_end = 0;
  int sentence = 0;
  int clause = 0;
  std::optional<int> number;
  std::vector<int> words;  // Vocabulary words this token may stand for.
  // A single letter spelled on from the one before (SpellsOn); read by
  // JoinSpelledLetters only.
  bool spelled_on = false;
};

// What separates two words: a sentence end, a clause end, or neither. A
// point between digits is a decimal point ("38.5").
enum class Gap { kNone, kClause, kSentence };
Gap ClassifyGap(std::string_view gap, bool digits_around) {
  Gap result = Gap::kNone;
  for (std::size_t i = 0; i < gap.size(); ++i) {
    const char c = gap[i];
    if (c == '!' || c == '?' || c == '\n' ||
        (c == '.' && !(digits_around && gap == "."))) {
      return Gap::kSentence;
    }
    if (c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' ||
        (c == '-' && gap.size() > 1)) {
      result = Gap::kClause;
    }
    // U+2013 and U+2014 (en and em dash) in UTF-8: E2 80 93 / E2 80 94.
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < gap.size() &&
        static_cast<unsigned char>(gap[i + 1]) == 0x80) {
      result = Gap::kClause;
    }
  }
  return result;
}

// Spoken forms written as one word, and the two words they stand for.
const StringMap<std::pair<std::string_view, std::string_view>>& SpokenForms() {
  static const auto* kMap = new StringMap<std::pair<std::string_view, std::string_view>>{
      {"wanna", {"want", "to"}},  {"gonna", {"going", "to"}}, {"gotta", {"got", "to"}},
      {"wana", {"want", "to"}},   {"gona", {"going", "to"}},  {"hafta", {"have", "to"}},
      {"tryna", {"trying", "to"}}};
  return *kMap;
}

// "do not" -> "don't", "i am" -> "i'm": rules are written with the short
// forms, people write both.
void JoinNegations(std::vector<Token>& tokens) {
  static const auto* kJoined = new StringMap<std::string_view>{
      {"do", "don't"},         {"does", "doesn't"},   {"did", "didn't"},
      {"is", "isn't"},         {"was", "wasn't"},     {"are", "aren't"},
      {"were", "weren't"},     {"have", "haven't"},   {"has", "hasn't"},
      {"will", "won't"},       {"would", "wouldn't"}, {"could", "couldn't"},
      {"should", "shouldn't"}, {"can", "can't"}};
  std::size_t out = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i + 1 < tokens.size() && tokens[i].clause == tokens[i + 1].clause) {
      std::optional<std::string_view> joined;
      if (tokens[i + 1].text == "not") {
        if (auto it = kJoined->find(tokens[i].text); it != kJoined->end())
          joined = it->second;
      } else if (tokens[i].text == "i" && tokens[i + 1].text == "am") {
        joined = "i'm";
      }
      if (joined) {
        tokens[i].text = std::string(*joined);
        tokens[i].char_end = tokens[i + 1].char_end;
        // Never a self-move: it would leave the joined word empty.
        if (out != i) tokens[out] = std::move(tokens[i]);
        ++out;
        ++i;
        continue;
      }
    }
    if (out != i) tokens[out] = std::move(tokens[i]);
    ++out;
  }
  tokens.resize(out);
}

// Numbers written as words ("thirty-nine", "a hundred and two", "thirty
// eight point five"): the value of a unit word (zero to nineteen) or of a
// tens word (twenty to ninety), or nullopt.
std::optional<int> UnitWordValue(std::string_view word) {
  static constexpr std::array<std::string_view, 20> kUnits = {
      "zero",     "one",     "two",     "three",     "four",     "five",    "six",
      "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
      "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    if (word == kUnits[i]) return static_cast<int>(i);
  }
  return std::nullopt;
}
std::optional<int> TensWordValue(std::string_view word) {
  static constexpr std::array<std::string_view, 8> kTens = {
      "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
  for (std::size_t i = 0; i < kTens.size(); ++i) {
    if (word == kTens[i]) return static_cast<int>(20 + 10 * i);
  }
  return std::nullopt;
}

// Reads numbers written in words as numbers. A single number word keeps its
// text (so "one side" still matches) and gains its value; a number of
// several words ("thirty nine", "a hundred and two") becomes one token, so
// that "{38-43} degrees" matches "thirty-nine degrees". A fraction
// ("point five") is dropped, as "38.5" drops it.
void ReadNumberWords(std::vector<Token>& tokens) {
  std::vector<Token> out;
  out.reserve(tokens.size());
  const int n = static_cast<int>(tokens.size());
  auto text = [&](int i) -> std::string_view {
    return i < n ? std::string_view(tokens[i].text) : std::string_view();
  };
  auto same_clause = [&](int a, int b) { return tokens[a].clause == tokens[b].clause; };
  // The value of "tens [unit]" or "unit" at i; `end` past it.
  auto below_hundred = [&](int i, int& end) -> std::optional<int> {
    if (std::optional<int> tens = TensWordValue(text(i))) {
      end = i + 1;
      if (end < n && same_clause(i, end)) {
        if (std::optional<int> unit = UnitWordValue(text(end));
            unit && *unit > 0 && *unit < 10) {
          ++end;
          return *tens + *unit;
        }
      }
      return tens;
    }
    if (std::optional<int> unit = UnitWordValue(text(i))) {
      end = i + 1;
      return unit;
    }
    return std::nullopt;
  };
  for (int i = 0; i < n;) {
    int end = i;
    std::optional<int> value;
    if ((text(i) == "a" || text(i) == "one") && text(i + 1) == "hundred" &&
        same_clause(i, i + 1)) {
      value = 100;
      end = i + 2;
    } else if (text(i) == "hundred") {
      value = 100;
      end = i + 1;
    }
    if (value) {
      // "a hundred and two", "one hundred four".
      const int after = text(end) == "and" ? end + 1 : end;
      int rest_end = after;
      if (after < n && same_clause(i, after)) {
        if (std::optional<int> rest = below_hundred(after, rest_end)) {
          value = *value + *rest;
          end = rest_end;
        }
      }
    } else {
      value = below_hundred(i, end);
    }
    if (!value) {
      out.push_back(std::move(tokens[i]));
      ++i;
      continue;
    }
    // "point five": the fraction is dropped.
    if (text(end) == "point" && end + 1 < n && same_clause(i, end + 1) &&
        (UnitWordValue(text(end + 1)) || tokens[end + 1].number)) {
      end += 2;
    }
    Token merged = std::move(tokens[i]);
    if (end - i > 1) {
      merged.text = std::to_string(*value);
      merged.char_end = tokens[end - 1].char_end;
    }
    merged.number = *value;
    out.push_back(std::move(merged));
    i = end;
  }
  tokens = std::move(out);
}

// Whether `gap`, between two words, holds only characters that show nothing
// (zero-width space and joiners, word joiner, byte-order mark, soft hyphen):
// "ki\u200bll" is one word to a reader, and to the rules.
bool IsInvisibleGap(std::string_view gap) {
  if (gap.empty()) return false;
  for (std::size_t i = 0; i < gap.size();) {
    std::size_t length = 1;
    const std::optional<char32_t> cp = DecodeUtf8(gap, i, length);
    if (!cp || !(*cp == 0x00AD || (*cp >= 0x200B && *cp <= 0x200D) || *cp == 0x2060 ||
                 *cp == 0xFEFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

// `word` with fullwidth forms of ASCII ("ｋｉｌｌ", U+FF01 to U+FF5E) as the
// ASCII they stand for, lower-cased: the rules are written in ASCII.
std::string FoldWidth(const std::string& word) {
  if (word.find('\xEF') == std::string::npos) return word;
  std::string folded;
  for (std::size_t i = 0; i < word.size();) {
    std::size_t length = 1;
    const std::optional<char32_t> cp = DecodeUtf8(word, i, length);
    if (cp && *cp >= 0xFF01 && *cp <= 0xFF5E) {
      char c = static_cast<char>(*cp - 0xFEE0);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      folded.push_back(c);
    } else {
      folded.append(word, i, length);
    }
    i += length;
  }
  return folded;
}

// Whether a word of one ASCII letter, after a gap of one space, hyphen,
// point, star or underscore, spells a word on with the letter before it
// ("K I L L", "k-i-l-l").
bool SpellsOn(const Token& before, const std::string& word, std::string_view gap) {
  const auto letter = [](const std::string& w) {
    return w.size() == 1 && w[0] >= 'a' && w[0] <= 'z';
  };
  return letter(before.text) && letter(word) && gap.size() == 1 &&
         std::string_view(" -.*_").find(gap[0]) != std::string_view::npos;
}

// Joins each run of at least kMinSpelledLetters letters spelled on
// (Token::spelled_on) into the one word they spell.
constexpr std::size_t kMinSpelledLetters = 3;
void JoinSpelledLetters(std::vector<Token>& tokens) {
  std::vector<Token> out;
  out.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size();) {
    std::size_t end = i + 1;
    while (end < tokens.size() && tokens[end].spelled_on) ++end;
    if (end - i >= kMinSpelledLetters) {
      Token joined = std::move(tokens[i]);
      for (std::size_t k = i + 1; k < end; ++k) joined.text += tokens[k].text;
      joined.char_end = tokens[end - 1].char_end;
      out.push_back(std::move(joined));
    } else {
      for (std::size_t k = i; k < end; ++k) out.push_back(std::move(tokens[k]));
    }
    i = end;
  }
  for (Token& token : out) token.spelled_on = false;
  tokens = std::move(out);
}

std::vector<Token> Tokenise(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t previous_end = 0;
  int sentence = 0;
  int clause = 0;
  ForEachWord(text, [&](const WordSpan& span, const std::string& as_split) {
    const std::string word = FoldWidth(as_split);
    bool spelled_on = false;
    if (!tokens.empty()) {
      const std::string_view gap =
          text.substr(previous_end, span.byte_begin - previous_end);
      if (IsInvisibleGap(gap)) {
        previous_end = span.byte_end;
        Token& last = tokens.back();
        last.text += word;
        last.char_end = span.char_end;
        last.number = ParseNumber(last.text);
        return;
      }
      // Letters spelled out stay in their sentence: "K.I.L.L" is one word.
      spelled_on = SpellsOn(tokens.back(), word, gap);
      const bool digits_around = IsDigit(tokens.back().text.back()) && IsDigit(word[0]);
      if (digits_around && gap == ".") {
        previous_end = span.byte_end;
        // "38.5": the fraction is dropped; thresholds are whole numbers. A
        // unit written on it stays ("100.6F" -> "100" "f").
        std::size_t fraction = 0;
        while (fraction < word.size() && IsDigit(word[fraction])) ++fraction;
        if (fraction == word.size() || word[fraction] == '\'') return;
        Token unit;
        unit.text = word.substr(fraction);
        unit.char_begin = span.char_begin + fraction;
        unit.char_end = span.char_end;
        unit.sentence = sentence;
        unit.clause = clause;
        tokens.push_back(std::move(unit));
        return;
      }
      const Gap kind = spelled_on ? Gap::kNone : ClassifyGap(gap, digits_around);
      if (kind == Gap::kSentence) ++sentence;
      if (kind != Gap::kNone) ++clause;
    }
    previous_end = span.byte_end;
    std::size_t digits = 0;
    while (digits < word.size() && IsDigit(word[digits])) ++digits;
    auto push = [&](std::string piece, std::size_t begin, std::size_t end) {
      Token token;
      auto contraction = Contractions().find(piece);
      token.text = contraction != Contractions().end() ? std::string(contraction->second)
                                                       : std::move(piece);
      token.char_begin = begin;
      token.char_end = end;
      token.sentence = sentence;
      token.clause = clause;
      token.number = ParseNumber(token.text);
      token.spelled_on = spelled_on;
      tokens.push_back(std::move(token));
    };
    if (const auto it = SpokenForms().find(word); it != SpokenForms().end()) {
      // "wanna" -> "want to": two words over the one span.
      push(std::string(it->second.first), span.char_begin, span.char_end);
      push(std::string(it->second.second), span.char_begin, span.char_end);
    } else if (digits > 0 && digits < word.size() && word[digits] != '\'') {
      // "39c", "2months": the number and its unit as two words (ASCII, so
      // bytes are characters here).
      push(word.substr(0, digits), span.char_begin, span.char_begin + digits);
      push(word.substr(digits), span.char_begin + digits, span.char_end);
    } else {
      push(word, span.char_begin, span.char_end);
    }
  });
  JoinSpelledLetters(tokens);
  JoinNegations(tokens);
  ReadNumberWords(tokens);
  return tokens;
}

struct Occurrence {
  int concept_id = 0;
  int begin = 0;  // Token indexes, [begin, end).
  int end = 0;
  bool active = true;
  bool operator<(const Occurrence& other) const {
    return std::tie(concept_id, begin, end) <
           std::tie(other.concept_id, other.begin, other.end);
  }
};

// The parsed rules and the lookups built from them. (SafetyRules::Data is
// this; the matcher below works on it directly.)
struct Engine {
  std::string version;
  std::vector<std::string> words;
  StringMap<int> word_ids;
  StringMap<std::vector<int>> stem_ids;
  StringMap<std::vector<int>> deletions;
  // The longest word `deletions` holds, in bytes: a longer token is no typo
  // of any (a typo changes the length by at most the typos allowed), and
  // its deletions, quadratic in its length, are never listed.
  std::size_t longest_typo_word = 0;
  std::vector<Concept> concepts;
  StringMap<int> concept_ids;
  std::array<int, kCueCount> cues{};
  // For each concept, the cue it is, or kCueCount.
  std::vector<int> cue_of;
  std::vector<Rule> rules;
  // Learned signals, one per 'model' block, each with its own code.
  std::vector<LearnedModel> models;
  // Every feature some learned signal weighs, and its id.
  StringMap<int> learned_features;
  // For each rule, the id of its "r:CODE" feature, or -1.
  std::vector<int> rule_feature_ids;
  // Phrases by their first element: (concept, member).
  std::vector<std::vector<std::pair<int, int>>> starts_by_word;
  std::vector<std::pair<int, int>> starts_by_number;

  int AddWord(const std::string& word);
  void Index();
  void Resolve(Token& token) const;
  bool MatchFrom(const Phrase& phrase, std::size_t k, const std::vector<Token>& tokens,
                 int pos, int& end) const;
  std::vector<Occurrence> FindOccurrences(const std::vector<Token>& tokens) const;
};

int Engine::AddWord(const std::string& word) {
  auto [it, inserted] = word_ids.try_emplace(word, static_cast<int>(words.size()));
  if (inserted) words.push_back(word);
  return it->second;
}

// Builds the lookup structures once all concepts are known.
void Engine::Index() {
  for (const LearnedModel& model : models) {
    for (const auto& [feature, weight] : model.weights) {
      learned_features.try_emplace(feature, static_cast<int>(learned_features.size()));
    }
  }
  for (LearnedModel& model : models) {
    model.weights_by_id.assign(learned_features.size(), 0.0);
    for (const auto& [feature, weight] : model.weights) {
      model.weights_by_id[learned_features.at(feature)] = weight;
    }
    model.weights.clear();  // Read while parsing only.
  }
  for (const Rule& rule : rules) {
    const auto it = learned_features.find(StrCat("r:", rule.code));
    rule_feature_ids.push_back(it == learned_features.end() ? -1 : it->second);
  }
  for (int id = 0; id < static_cast<int>(words.size()); ++id) {
    const std::string& word = words[id];
    stem_ids[Stem(word)].push_back(id);
    const int typos = AllowedTypos(word.size());
    if (typos > 0) {
      longest_typo_word = std::max(longest_typo_word, word.size());
      ForEachDeletion(word, typos, 1, [&](const std::string& key) {
        std::vector<int>& ids = deletions[key];
        if (ids.empty() || ids.back() != id) ids.push_back(id);
      });
    }
  }
  cue_of.assign(concepts.size(), kCueCount);
  for (int cue = 0; cue < kCueCount; ++cue) {
    if (cues[cue] >= 0) cue_of[cues[cue]] = cue;
  }
  starts_by_word.assign(words.size(), {});
  for (int c = 0; c < static_cast<int>(concepts.size()); ++c) {
    for (int m = 0; m < static_cast<int>(concepts[c].members.size()); ++m) {
      const Element& first = concepts[c].members[m].front();
      if (first.kind == Element::Kind::kWord) {
        starts_by_word[first.word].emplace_back(c, m);
      } else {
        starts_by_number.emplace_back(c, m);
      }
    }
  }
}

// The vocabulary words a token may stand for: itself, a word with the same
// stem, or, failing both, a word one or two typos away with the same first
// letter (typos rarely hit the first letter, and requiring it keeps real
// words like "hitting" from turning into "fitting"). Real words that sit a
// typo away from a rule word are listed in '@_not_typo', which puts them in
// the vocabulary, so they resolve to themselves and are never corrected.
void Engine::Resolve(Token& token) const {
  const auto look_up = [&](const std::string& text) {
    if (auto it = word_ids.find(text); it != word_ids.end())
      token.words.push_back(it->second);
    if (auto it = stem_ids.find(Stem(text)); it != stem_ids.end()) {
      for (int id : it->second) {
        if (token.words.empty() || token.words.front() != id) token.words.push_back(id);
      }
    }
  };
  const std::string& text = token.text;
  look_up(text);
  // Digits written for letters ("k1ll", "su1c1de", "overd0se"), in a word
  // that starts with a letter (Tokenise splits "2months" apart): read as the
  // letters when that makes a vocabulary word.
  if (token.words.empty() && !token.number &&
      std::any_of(text.begin(), text.end(), IsDigit)) {
    // The letter each digit stands for, by digit ('1' is tried as both).
    constexpr std::string_view kLetterOf = "o??eas?t??";
    for (const char one : {'i', 'l'}) {
      std::string letters = text;
      for (char& c : letters) {
        if (IsDigit(c)) c = c == '1' ? one : kLetterOf[c - '0'];
      }
      if (letters.find('?') != std::string::npos) break;
      look_up(letters);
      if (!token.words.empty()) return;
    }
  }
  const int typos = AllowedTypos(text.size());
  if (!token.words.empty() || typos == 0 || token.number ||
      text.size() > longest_typo_word + static_cast<std::size_t>(typos)) {
    return;
  }
  ForEachDeletion(text, typos, 1, [&](const std::string& key) {
    auto it = deletions.find(key);
    if (it == deletions.end()) return;
    for (int id : it->second) {
      const std::string& word = words[id];
      if (word[0] != text[0]) continue;
      if (std::find(token.words.begin(), token.words.end(), id) != token.words.end())
        continue;
      const int limit = std::min(typos, AllowedTypos(word.size()));
      if (EditDistance(text, word, limit) <= limit) token.words.push_back(id);
    }
  });
}

bool Engine::MatchFrom(const Phrase& phrase, std::size_t k,
                       const std::vector<Token>& tokens, int pos, int& end) const {
  if (k == phrase.size()) {
    end = pos;
    return true;
  }
  const Element& element = phrase[k];
  if (element.kind == Element::Kind::kWildcard) {
    for (int skip = 0; skip <= kWildcardMaxWords; ++skip) {
      if (pos + skip > static_cast<int>(tokens.size())) break;
      if (MatchFrom(phrase, k + 1, tokens, pos + skip, end)) return true;
    }
    return false;
  }
  if (pos >= static_cast<int>(tokens.size())) return false;
  const Token& token = tokens[pos];
  bool ok = false;
  if (element.kind == Element::Kind::kNumber) {
    ok = token.number && *token.number >= element.low && *token.number <= element.high;
  } else {
    ok = std::find(token.words.begin(), token.words.end(), element.word) !=
         token.words.end();
  }
  return ok && MatchFrom(phrase, k + 1, tokens, pos + 1, end);
}

std::vector<Occurrence> Engine::FindOccurrences(const std::vector<Token>& tokens) const {
  std::vector<Occurrence> found;
  auto try_member = [&](int c, int m, int pos) {
    int end = 0;
    if (MatchFrom(concepts[c].members[m], 0, tokens, pos, end)) {
      found.push_back({c, pos, end, true});
    }
  };
  for (int pos = 0; pos < static_cast<int>(tokens.size()); ++pos) {
    for (int word : tokens[pos].words) {
      for (auto [c, m] : starts_by_word[word]) try_member(c, m, pos);
    }
    if (tokens[pos].number) {
      for (auto [c, m] : starts_by_number) try_member(c, m, pos);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end(),
                          [](const Occurrence& a, const Occurrence& b) {
                            return a.concept_id == b.concept_id && a.begin == b.begin &&
                                   a.end == b.end;
                          }),
              found.end());
  return found;
}

// The concepts found in one turn, those switched off by a cue removed.
class TurnMatch {
 public:
  TurnMatch(const Engine& engine, std::string_view text);

  using Range = std::pair<std::vector<Occurrence>::const_iterator,
                          std::vector<Occurrence>::const_iterator>;
  // The switched-on occurrences of a concept, in text order.
  Range Active(int concept_id) const {
    return std::equal_range(active_.begin(), active_.end(),
                            Occurrence{concept_id, -1, -1},
                            [](const Occurrence& a, const Occurrence& b) {
                              return a.concept_id < b.concept_id;
                            });
  }
  bool Present(int concept_id) const { return present_[concept_id]; }
  // Every switched-on occurrence, by concept.
  const std::vector<Occurrence>& active() const { return active_; }
  // Where a cue was found ("ten years ago", "what are the signs of").
  const std::vector<Occurrence>& cue(int cue) const { return cues_[cue]; }
  // As Active, but also the occurrences switched off only by a hypothetical
  // ("if I was gone"): a field counts them. With `asked`, also those switched
  // off only by a question or a hypothetical.
  Range FieldActive(int concept_id, bool asked) const {
    const std::vector<Occurrence>& list = asked ? asked_active_ : field_active_;
    return std::equal_range(list.begin(), list.end(), Occurrence{concept_id, -1, -1},
                            [](const Occurrence& a, const Occurrence& b) {
                              return a.concept_id < b.concept_id;
                            });
  }
  const std::vector<Token>& tokens() const { return tokens_; }
  // Whether a word is hidden as part of a figure of speech ("killing me").
  bool Figure(int token) const { return figure_[token]; }
  // Whether the cues switch off a whole sentence: an innocent explanation,
  // a topic ("suicide prevention"), or a request for information framing
  // its first clause with no new subject after it ("what are the signs of
  // ..."), unless it says it is happening now.
  bool SentenceGuarded(int sentence) const;
  // Whether an innocent explanation or a topic is in the sentence ("I'm
  // revising for my pharmacology exam").
  bool SentenceExplained(int sentence) const;
  // Whether a joke marker ("lol") is in a sentence of tokens [begin, end).
  bool Joking(int begin, int end) const;

 private:
  void SplitClauses();
  bool SameClause(int a, int b) const { return tokens_[a].clause == tokens_[b].clause; }
  bool Negated(const Occurrence& o) const;
  bool Suppressed(const Occurrence& o, bool hypothetical, bool information) const;
  bool Overlaps(int cue, const Occurrence& o) const;

  const Engine& engine_;
  std::vector<Token> tokens_;
  std::vector<Occurrence> active_;
  std::vector<Occurrence> field_active_;
  std::vector<Occurrence> asked_active_;
  std::array<std::vector<Occurrence>, kCueCount> cues_;
  std::vector<bool> negation_stop_;
  std::vector<bool> subject_reset_;
  std::vector<bool> present_;  // By concept: has a switched-on occurrence.
  std::vector<bool> figure_;   // By token.
};

// A conversation as the matcher reads it: each turn's match, newest first
// (owned by the caller, who may keep them for the next messages).
using Turns = std::vector<const TurnMatch*>;

TurnMatch::TurnMatch(const Engine& engine, std::string_view text)
    : engine_(engine), tokens_(Tokenise(text)) {
  for (Token& token : tokens_) engine_.Resolve(token);
  const std::vector<Occurrence> found = engine_.FindOccurrences(tokens_);
  auto cue_of = [&](int concept_id) { return engine_.cue_of[concept_id]; };
  for (const Occurrence& o : found) {
    const int cue = cue_of(o.concept_id);
    if (cue < kCueCount) cues_[cue].push_back(o);
  }
  SplitClauses();
  const int n = static_cast<int>(tokens_.size());
  // Idioms ("this pain is killing me") hide their words from every concept;
  // "not sure" or "as if" are not cues.
  std::vector<bool>& figure = figure_;
  figure.assign(n, false);
  std::vector<bool> not_cue(n, false);
  for (const Occurrence& o : cues_[kFigure])
    std::fill(figure.begin() + o.begin, figure.begin() + o.end, true);
  for (const Occurrence& o : cues_[kNotCue])
    std::fill(not_cue.begin() + o.begin, not_cue.begin() + o.end, true);
  for (int cue = 0; cue < kCueCount; ++cue) {
    std::erase_if(cues_[cue], [&](const Occurrence& o) {
      return cue != kNotCue && cue != kFigure &&
             std::any_of(not_cue.begin() + o.begin, not_cue.begin() + o.end,
                         [](bool b) { return b; });
    });
  }
  negation_stop_.assign(n, false);
  for (const Occurrence& o : cues_[kNegationStop]) negation_stop_[o.begin] = true;
  // "my arm has gone numb": 'gone' followed by a state means became, not
  // resolved. The state may follow a word or two later ("has gone all
  // tingly"), in the same clause and with no stop word ("and") between.
  std::vector<bool> became(n, false);
  for (const Occurrence& o : cues_[kBecame]) became[o.begin] = true;
  std::erase_if(cues_[kNegationAfter], [&](const Occurrence& o) {
    for (int i = o.end; i < n && i <= o.end + kBecameReach; ++i) {
      if (!SameClause(o.begin, i) || negation_stop_[i]) return false;
      if (became[i]) return true;
    }
    return false;
  });
  for (const Occurrence& o : found) {
    if (cue_of(o.concept_id) < kCueCount) continue;
    if (std::any_of(figure.begin() + o.begin, figure.begin() + o.end,
                    [](bool b) { return b; })) {
      continue;
    }
    if (Suppressed(o, /*hypothetical=*/false, /*information=*/false)) continue;
    asked_active_.push_back(o);
    if (Suppressed(o, /*hypothetical=*/false, /*information=*/true)) continue;
    field_active_.push_back(o);
    if (!Suppressed(o, /*hypothetical=*/true, /*information=*/true)) active_.push_back(o);
  }
  present_.assign(engine_.concepts.size(), false);
  for (const Occurrence& o : active_) present_[o.concept_id] = true;
}

// Clause-break words ("but", "however") start a new clause; a clause that
// starts with a new subject ("... , my arm is numb") ends the reach of an
// earlier question or hypothesis.
void TurnMatch::SplitClauses() {
  const int n = static_cast<int>(tokens_.size());
  std::vector<int> breaks(n + 1, 0);
  std::vector<bool> break_word(n, false);
  for (const Occurrence& o : cues_[kClauseBreak]) {
    breaks[o.begin] = 1;
    break_word[o.begin] = true;
  }
  int extra = 0;
  for (int i = 0; i < n; ++i) {
    extra += breaks[i];
    tokens_[i].clause += extra;
  }
  subject_reset_.assign(n, false);
  for (const Occurrence& o : cues_[kNewSubject]) {
    const int i = o.begin;
    const bool clause_start = i == 0 || tokens_[i].clause != tokens_[i - 1].clause ||
                              (i >= 1 && break_word[i - 1]);
    if (clause_start) subject_reset_[i] = true;
  }
}

bool TurnMatch::Negated(const Occurrence& o) const {
  for (const Occurrence& cue : cues_[kNegation]) {
    if (cue.end > o.begin || o.begin - cue.end > kNegationWindow) continue;
    if (!SameClause(cue.begin, o.begin)) continue;
    bool stopped = false;
    for (int i = cue.end; i < o.begin; ++i) stopped = stopped || negation_stop_[i];
    if (!stopped) return true;
  }
  for (const Occurrence& cue : cues_[kNegationAfter]) {
    if (cue.begin >= o.end && cue.begin - o.end <= kNegationAfterWindow &&
        SameClause(cue.begin, o.end - 1)) {
      return true;
    }
  }
  return false;
}

// Negated, past history, hypothetical (when `hypothetical`), asked about in
// general (when `information`), or explained away in its sentence.
bool TurnMatch::Suppressed(const Occurrence& o, bool hypothetical,
                           bool information) const {
  if (Negated(o)) return true;
  for (const Occurrence& cue : cues_[kBenign]) {
    if (tokens_[cue.begin].sentence == tokens_[o.begin].sentence) return true;
  }
  if (!Overlaps(kState, o)) {
    for (const Occurrence& cue : cues_[kHistory]) {
      const int gap = cue.begin >= o.end ? cue.begin - o.end : o.begin - cue.end;
      if (SameClause(cue.begin, o.begin) && gap <= kHistoryWindow) return true;
    }
  }
  // "suicide prevention", "febrile seizures in children": a topic, not a
  // person, whichever side of it the sign is.
  for (const Occurrence& cue : cues_[kTopic]) {
    if (SameClause(cue.begin, o.begin)) return true;
  }
  // "right now", "at the moment": a description, whatever framed it.
  for (const Occurrence& cue : cues_[kNow]) {
    if (SameClause(cue.begin, o.begin)) return false;
  }
  if (hypothetical) {
    for (const Occurrence& cue : cues_[kHypothetical]) {
      if (cue.end <= o.begin && SameClause(cue.begin, o.begin)) return true;
    }
  }
  if (!information) return false;
  for (const Occurrence& cue : cues_[kInformation]) {
    // The question may wrap the sign ("how is meningitis spread").
    if (cue.begin >= o.begin ||
        tokens_[cue.begin].sentence != tokens_[o.begin].sentence) {
      continue;
    }
    bool reset = false;
    for (int i = cue.begin + 1; i <= o.begin; ++i) reset = reset || subject_reset_[i];
    if (!reset) return true;
  }
  return false;
}

bool TurnMatch::SentenceExplained(int sentence) const {
  auto in_sentence = [&](const Occurrence& cue) {
    return tokens_[cue.begin].sentence == sentence;
  };
  return std::any_of(cues_[kBenign].begin(), cues_[kBenign].end(), in_sentence) ||
         std::any_of(cues_[kTopic].begin(), cues_[kTopic].end(), in_sentence);
}

bool TurnMatch::Joking(int begin, int end) const {
  const int first = tokens_[begin].sentence;
  const int last = tokens_[end - 1].sentence;
  return std::any_of(cues_[kJoke].begin(), cues_[kJoke].end(),
                     [&](const Occurrence& cue) {
                       const int sentence = tokens_[cue.begin].sentence;
                       return sentence >= first && sentence <= last;
                     });
}

bool TurnMatch::SentenceGuarded(int sentence) const {
  auto in_sentence = [&](const Occurrence& cue) {
    return tokens_[cue.begin].sentence == sentence;
  };
  if (SentenceExplained(sentence)) return true;
  if (std::any_of(cues_[kNow].begin(), cues_[kNow].end(), in_sentence)) return false;
  const int n = static_cast<int>(tokens_.size());
  for (const Occurrence& cue : cues_[kInformation]) {
    if (!in_sentence(cue)) continue;
    int first = cue.begin;
    while (first > 0 && tokens_[first - 1].sentence == sentence) --first;
    if (tokens_[first].clause != tokens_[cue.begin].clause) continue;
    bool reset = false;
    for (int i = cue.begin + 1; i < n && tokens_[i].sentence == sentence; ++i) {
      reset = reset || subject_reset_[i];
    }
    if (!reset) return true;
  }
  return false;
}

bool TurnMatch::Overlaps(int cue, const Occurrence& o) const {
  return std::any_of(cues_[cue].begin(), cues_[cue].end(), [&](const Occurrence& c) {
    return c.begin < o.end && o.begin < c.end;
  });
}

// Where a part of a pattern matched: its turn and tokens.
struct PartHit {
  int turn = -1;
  int begin = 0;
  int end = 0;
};

// Picks one switched-on occurrence per concept so that together they are
// within the part's window, in no sentence with a joke marker when
// `skip_jokes`. Terms found in the order the rule writes them are within
// the window when the last one starts within it: a term's own length does
// not count ("want to" and "go to sleep and never wake up" within 4; counting
// the whole span left such phrases no room). In another order ("die lol,
// really need to") the whole span must fit. [begin, end) is the span so far,
// `first_start` the first term's first word, and `last_start` the previous
// term's first word while the terms are in order (-1 once they are not).
bool MatchTerms(const TurnMatch& turn, const Part& part, bool skip_jokes, std::size_t k,
                int begin, int end, int first_start, int last_start, PartHit& hit) {
  if (k == 0) {
    for (int concept_id : part.concepts) {
      if (!turn.Present(concept_id)) return false;
    }
  }
  if (k == part.concepts.size()) {
    if (skip_jokes && turn.Joking(begin, end)) return false;
    hit.begin = begin;
    hit.end = end;
    return true;
  }
  auto [first, last] = turn.Active(part.concepts[k]);
  for (auto it = first; it != last; ++it) {
    const int b = k == 0 ? it->begin : std::min(begin, it->begin);
    const int e = k == 0 ? it->end : std::max(end, it->end);
    const int first_word = k == 0 ? it->begin : first_start;
    const bool in_order = k == 0 || (last_start >= 0 && it->begin > last_start);
    const int reach = in_order ? it->begin - first_word + 1 : e - b;
    if (part.concepts.size() > 1 && reach > part.window) continue;
    if (MatchTerms(turn, part, skip_jokes, k + 1, b, e, first_word,
                   in_order ? it->begin : -1, hit)) {
      return true;
    }
  }
  return false;
}

// A field's groups in one neighbourhood of a turn (a sentence and the
// `reach` sentences either side): which groups are there (bit g for
// field.groups[g]), the span of their occurrences and whether the subject
// is there.
struct FieldWindow {
  unsigned groups = 0;
  int begin = 0;
  int end = 0;
  bool subject = false;  // The subject is there (always, with no 'about').
};

// Every neighbourhood of `turn` that holds at least one of the field's
// groups, and the subject too when `need_subject`, in sentence order;
// without those with a joke marker when `skip_jokes`.
std::vector<FieldWindow> FieldWindows(const TurnMatch& turn, const FieldTest& field,
                                      bool need_subject, bool skip_jokes) {
  std::vector<FieldWindow> windows;
  const std::vector<Token>& tokens = turn.tokens();
  if (tokens.empty()) return windows;
  const int sentences = tokens.back().sentence + 1;
  const int groups = static_cast<int>(field.groups.size());
  // Per group (the subject last) and sentence: the span of its occurrences.
  constexpr int kNone = -1;
  std::vector<std::pair<int, int>> spans(
      static_cast<std::size_t>(groups + 1) * static_cast<std::size_t>(sentences),
      {kNone, kNone});
  bool any = false;
  for (int g = 0; g <= groups; ++g) {
    const int concept_id = g < groups ? field.groups[g] : field.about;
    if (concept_id < 0) continue;
    auto [first, last] = turn.FieldActive(concept_id, field.asked);
    for (auto it = first; it != last; ++it) {
      std::pair<int, int>& span = spans[g * sentences + tokens[it->begin].sentence];
      if (span.first == kNone) span = {it->begin, it->end};
      span.first = std::min(span.first, it->begin);
      span.second = std::max(span.second, it->end);
      any = any || g < groups;
    }
  }
  if (!any) return windows;
  for (int s = 0; s < sentences; ++s) {
    const int from = std::max(0, s - field.reach);
    const int to = std::min(sentences - 1, s + field.reach);
    auto present = [&](int g) {
      for (int t = from; t <= to; ++t) {
        if (spans[g * sentences + t].first != kNone) return true;
      }
      return false;
    };
    const bool subject = field.about < 0 || present(groups);
    if (need_subject && !subject) continue;
    // A question is no guard for an 'asked' field, so a study or news topic
    // anywhere near it is ("... the lethal dose? I'm revising for an exam").
    if (field.asked) {
      bool explained = false;
      for (int t = from; t <= to; ++t) explained = explained || turn.SentenceExplained(t);
      if (explained) continue;
    }
    FieldWindow window{0, static_cast<int>(tokens.size()), 0, subject};
    for (int g = 0; g < groups; ++g) {
      if (!present(g)) continue;
      window.groups |= 1U << g;
      for (int t = from; t <= to; ++t) {
        const std::pair<int, int>& span = spans[g * sentences + t];
        if (span.first == kNone) continue;
        window.begin = std::min(window.begin, span.first);
        window.end = std::max(window.end, span.second);
      }
    }
    if (window.groups == 0) continue;
    if (skip_jokes && turn.Joking(window.begin, window.end)) continue;
    windows.push_back(window);
  }
  return windows;
}

// A field test in one turn: the first neighbourhood that holds the subject
// and `need` of the groups. The hit spans the occurrences counted.
bool MatchField(const TurnMatch& turn, const FieldTest& field, bool skip_jokes,
                PartHit& hit) {
  for (const FieldWindow& window :
       FieldWindows(turn, field, /*need_subject=*/true, skip_jokes)) {
    if (std::popcount(window.groups) >= field.need) {
      hit.begin = window.begin;
      hit.end = window.end;
      return true;
    }
  }
  return false;
}

// An 'across' field over the conversation: `need` of the groups, found in
// any turns, with the subject beside at least one of them (every turn is
// the same person's, so "how long would it take" after "I've had enough"
// is theirs). The hit is reported in the newest turn that contributed.
std::optional<PartHit> MatchFieldAcross(const Turns& turns, const FieldTest& field,
                                        bool skip_jokes) {
  unsigned found = 0;
  bool subject = false;
  std::optional<PartHit> newest;
  for (int t = 0; t < static_cast<int>(turns.size()); ++t) {
    for (const FieldWindow& window :
         FieldWindows(*turns[t], field, /*need_subject=*/false, skip_jokes)) {
      if (!newest) newest = PartHit{t, window.begin, window.end};
      found |= window.groups;
      subject = subject || window.subject;
    }
  }
  if (!subject || std::popcount(found) < field.need) return std::nullopt;
  return newest;
}

// A word as the learned signals see it: contractions and spoken forms as
// the matcher reads them, suffixes stripped, any word with a digit as "#".
struct ModelWord {
  std::string text;
  int sentence = 0;
  std::size_t char_end = 0;
  bool hidden = false;   // Part of a figure of speech.
  bool negated = false;  // Within a negation's reach: `text` starts with '!'.
};

// A word this many words after a negation in its clause is read as negated
// ("!" before it): "I don't think I need antibiotics" is not despair.
constexpr int kModelNegationReach = 3;

bool IsModelNegation(std::string_view word) {
  static constexpr std::array<std::string_view, 14> kNegations = {
      "not",    "no",     "never",   "don't",   "doesn't", "didn't",  "isn't",
      "aren't", "wasn't", "weren't", "haven't", "hasn't",  "nothing", "nobody"};
  return std::find(kNegations.begin(), kNegations.end(), word) != kNegations.end();
}

std::vector<ModelWord> ModelWords(const TurnMatch& turn, std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> figures;
  const std::vector<Token>& tokens = turn.tokens();
  for (int i = 0; i < static_cast<int>(tokens.size()); ++i) {
    if (turn.Figure(i)) figures.emplace_back(tokens[i].char_begin, tokens[i].char_end);
  }
  std::vector<ModelWord> words;
  std::size_t previous_end = 0;
  char previous_last = ' ';
  int sentence = 0;
  int negation_scope = 0;  // Words still to be read as negated.
  ForEachWord(text, [&](const WordSpan& span, const std::string& word) {
    if (!words.empty()) {
      const std::string_view gap =
          text.substr(previous_end, span.byte_begin - previous_end);
      if (ClassifyGap(gap, IsDigit(previous_last) && IsDigit(word[0])) ==
          Gap::kSentence) {
        ++sentence;
      }
      if (gap.find_first_of(",;:.!?()\n") != std::string_view::npos) negation_scope = 0;
    }
    const bool negated = negation_scope > 0;
    negation_scope = std::max(negation_scope - 1, 0);
    previous_end = span.byte_end;
    previous_last = word.back();
    const bool hidden = std::any_of(figures.begin(), figures.end(), [&](const auto& f) {
      return f.first < span.char_end && span.char_begin < f.second;
    });
    auto push = [&](bool mark, std::string_view form) {
      words.push_back(
          {StrCat(mark ? "!" : "", form), sentence, span.char_end, hidden, mark});
    };
    if (const auto it = SpokenForms().find(word); it != SpokenForms().end()) {
      push(negated, it->second.first);
      push(negated, it->second.second);
    } else if (std::any_of(word.begin(), word.end(), IsDigit)) {
      push(false, "#");
    } else {
      const auto it2 = Contractions().find(word);
      const std::string_view form =
          it2 != Contractions().end() ? it2->second : std::string_view(word);
      if (IsModelNegation(form)) negation_scope = kModelNegationReach;
      push(negated, Stem(form));
    }
  });
  return words;
}

bool IsFirstPerson(std::string_view word) {
  return word == "i" || word == "me" || word == "my" || word == "myself" ||
         word == "mine" || word == "i'm" || word == "i've" || word == "i'd" ||
         word == "i'll";
}

// A rule's newest match (token indexes).
struct RuleHit {
  const Rule* rule = nullptr;
  PartHit hit;
};

// Calls emit(sentence, feature) for each of the learned signals' features
// of one turn read on its own: each word ("w:"), each pair of words in a
// sentence ("b:"), the character 4-grams of each plain word ("c:", for
// misspellings), a first-person marker ("p:i"), each concept of the rules
// switched on there ("k:", after negation, history, someone else, figures
// of speech and the other cues) and each cue found there ("q:", e.g.
// "q:_history"). Words of figures of speech are left out. A feature may come
// more than once. The conversation adds one more kind, each rule whose
// newest match starts in a sentence ("r:CODE", at the sentence
// TurnSentences gives its first token). bench/safety/train_learned.py
// trains on exactly these (guru-safety-eval --features).
struct TurnSentences {
  int count = 0;  // Sentences, as the signals split them.
  // For each token, its sentence; -1 for a word the signals do not read.
  std::vector<int> of_token;
};

template <typename Emit>
TurnSentences ForEachFeature(const Engine& engine, const TurnMatch& turn,
                             std::string_view text, Emit&& emit) {
  const std::vector<ModelWord> words = ModelWords(turn, text);
  TurnSentences sentences;
  const std::vector<Token>& tokens = turn.tokens();
  sentences.of_token.assign(tokens.size(), -1);
  if (words.empty()) return sentences;
  std::string feature;  // Reused: most features are looked up, never kept.
  const ModelWord* previous = nullptr;
  for (const ModelWord& word : words) {
    if (word.hidden) continue;
    emit(word.sentence, feature.assign("w:").append(word.text));
    if (previous != nullptr && previous->sentence == word.sentence) {
      emit(word.sentence,
           feature.assign("b:").append(previous->text).append("_").append(word.text));
    }
    previous = &word;
    if (IsFirstPerson(word.text)) emit(word.sentence, std::string_view("p:i"));
    const std::string_view bare =
        std::string_view(word.text).substr(word.negated ? 1 : 0);
    if (bare == "#" || !std::all_of(bare.begin(), bare.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x80;
        })) {
      continue;
    }
    const std::string marked = StrCat("<", bare, ">");
    for (std::size_t i = 0; i + 4 <= marked.size(); ++i) {
      emit(word.sentence, feature.assign("c:").append(marked, i, 4));
    }
  }
  // A token's sentence: that of the word it starts in, as the learned
  // signal splits sentences.
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const auto at = std::lower_bound(
        words.begin(), words.end(), tokens[t].char_begin,
        [](const ModelWord& w, std::size_t c) { return w.char_end <= c; });
    if (at != words.end() && !at->hidden) sentences.of_token[t] = at->sentence;
  }
  auto emit_at = [&](int token, std::string_view prefix, std::string_view name) {
    if (sentences.of_token[token] < 0) return;
    feature.assign(prefix).append(name);
    std::replace(feature.begin(), feature.end(), ' ', '_');  // A phrase's words.
    emit(sentences.of_token[token], feature);
  };
  for (const Occurrence& o : turn.active()) {
    emit_at(o.begin, "k:", engine.concepts[o.concept_id].name);
  }
  for (int cue = 0; cue < kCueCount; ++cue) {
    for (const Occurrence& o : turn.cue(cue)) emit_at(o.begin, "q:", kCueNames[cue]);
  }
  sentences.count = words.back().sentence + 1;
  return sentences;
}

// The weights a learned signal finds in one sentence.
struct SentenceWeights {
  bool read = false;  // Whether the sentence has any feature.
  std::vector<const double*> found;
};

}  // namespace

// What the matcher and the learned signals read of one turn on its own:
// everything but what depends on the other turns (the rules' hits). Kept by
// a TurnCache for the next messages of a conversation. Immutable.
struct SafetyRules::TurnReading {
  TurnReading(const Engine& engine, std::string_view text);

  TurnMatch match;
  TurnSentences sentences;
  // For each learned block (Engine::models) and sentence, the weights the
  // block finds there.
  std::vector<std::vector<SentenceWeights>> weights;
  // About how much memory the reading holds, for TurnCache's bound.
  std::size_t bytes = 0;
};

SafetyRules::TurnReading::TurnReading(const Engine& engine, std::string_view text)
    : match(engine, text) {
  // Tokens with their text and candidate words, the concepts and cues found
  // (about as many as the tokens), and the map from tokens to sentences.
  bytes =
      sizeof(TurnReading) + text.size() +
      match.tokens().size() * (sizeof(Token) + 4 * sizeof(Occurrence) + 2 * sizeof(int));
  if (engine.models.empty()) return;
  // Each sentence's weighed features, found once for every signal.
  std::vector<std::vector<int>> ids;
  std::vector<bool> read;
  sentences = ForEachFeature(engine, match, text, [&](int s, std::string_view feature) {
    if (s >= static_cast<int>(ids.size())) {
      ids.resize(s + 1);
      read.resize(s + 1);
    }
    read[s] = true;
    if (auto it = engine.learned_features.find(feature);
        it != engine.learned_features.end()) {
      ids[s].push_back(it->second);
    }
  });
  const int n = sentences.count;
  ids.resize(n);
  read.resize(n);
  for (std::vector<int>& sentence : ids) {
    std::sort(sentence.begin(), sentence.end());
    sentence.erase(std::unique(sentence.begin(), sentence.end()), sentence.end());
  }
  weights.resize(engine.models.size());
  for (std::size_t m = 0; m < engine.models.size(); ++m) {
    const std::vector<double>& by_id = engine.models[m].weights_by_id;
    weights[m].resize(n);
    for (int s = 0; s < n; ++s) {
      weights[m][s].read = read[s];
      for (int id : ids[s]) {
        if (by_id[id] != 0) weights[m][s].found.push_back(&by_id[id]);
      }
      bytes +=
          sizeof(SentenceWeights) + weights[m][s].found.size() * sizeof(const double*);
    }
  }
}

namespace {

using TurnReading = SafetyRules::TurnReading;
using Readings = std::vector<std::shared_ptr<const TurnReading>>;

// What the learned signals read of a conversation: each turn's own reading
// and the rules' hits (the "r:" features).
class LearnedReading {
 public:
  LearnedReading(const Engine& engine, const Readings& turns,
                 const std::vector<RuleHit>& hits)
      : turns_(turns), hit_sentences_(hits.size(), -1) {
    for (std::size_t h = 0; h < hits.size(); ++h) {
      const TurnSentences& sentences = turns[hits[h].hit.turn]->sentences;
      if (sentences.of_token.empty()) continue;  // No learned block.
      const int s = sentences.of_token[hits[h].hit.begin];
      hit_sentences_[h] = s;
      const int id = engine.rule_feature_ids[hits[h].rule - engine.rules.data()];
      if (s < 0 || id < 0) continue;
      for (std::size_t m = 0; m < engine.models.size(); ++m) {
        const double& weight = engine.models[m].weights_by_id[id];
        if (weight != 0) rule_weights_.push_back({m, hits[h].hit.turn, s, &weight});
      }
    }
  }

  // The sentences of turn `t` as block `m` reads them.
  const std::vector<SentenceWeights>& Sentences(std::size_t m, int t) const {
    return turns_[t]->weights[m];
  }
  // For each rule hit, the sentence of its turn it starts in (-1: in words
  // the signals do not read).
  const std::vector<int>& hit_sentences() const { return hit_sentences_; }

  // Adds the weights block `m` finds in the sentences [from, to] of turn `t`.
  void AddWeights(std::size_t m, int t, int from, int to,
                  std::vector<const double*>& found) const {
    const std::vector<SentenceWeights>& sentences = Sentences(m, t);
    for (int s = std::max(from, 0);
         s <= std::min(to, static_cast<int>(sentences.size()) - 1); ++s) {
      found.insert(found.end(), sentences[s].found.begin(), sentences[s].found.end());
    }
    for (const RuleWeight& rule : rule_weights_) {
      if (rule.model == m && rule.turn == t && rule.sentence >= from &&
          rule.sentence <= to) {
        found.push_back(rule.weight);
      }
    }
  }

 private:
  struct RuleWeight {
    std::size_t model;
    int turn;
    int sentence;
    const double* weight;
  };
  const Readings& turns_;
  std::vector<int> hit_sentences_;
  std::vector<RuleWeight> rule_weights_;
};

// The probability from the weights found. Each feature counts once.
double LearnedProbability(const LearnedModel& model, std::vector<const double*> found) {
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  double logit = *model.bias;
  for (const double* weight : found) logit += *weight;
  return 1.0 / (1.0 + std::exp(-logit));
}

// Learned signal `m` over a conversation: the most probable sentence of the
// newest turn that has one at or above the threshold, in code points. A
// sentence the cues switch off as a whole is not read.
std::optional<PartHit> MatchModel(const Turns& turns, const LearnedReading& learned,
                                  std::size_t m, const LearnedModel& model) {
  if (*model.threshold >= 1.0) return std::nullopt;
  for (int t = 0; t < static_cast<int>(turns.size()); ++t) {
    const std::vector<SentenceWeights>& sentences = learned.Sentences(m, t);
    double best = -1;
    int best_sentence = -1;
    for (int s = 0; s < static_cast<int>(sentences.size()); ++s) {
      if (!sentences[s].read || turns[t]->SentenceGuarded(s)) continue;
      std::vector<const double*> found;
      learned.AddWeights(m, t, s - model.reach, s + model.reach, found);
      const double p = LearnedProbability(model, std::move(found));
      if (p <= best) continue;
      best = p;
      best_sentence = s;
    }
    if (best < *model.threshold) continue;
    // The sentence's span: its first and last token.
    int begin = -1;
    int end = -1;
    const std::vector<Token>& tokens = turns[t]->tokens();
    for (int i = 0; i < static_cast<int>(tokens.size()); ++i) {
      if (tokens[i].sentence != best_sentence) continue;
      if (begin < 0) begin = i;
      end = i;
    }
    if (begin < 0) continue;
    return PartHit{t, static_cast<int>(tokens[begin].char_begin),
                   static_cast<int>(tokens[end].char_end)};
  }
  return std::nullopt;
}

// Whether veto `m` drops the signs of its level's rules: the probability
// over the sentences where they matched (with `reach` either side, every
// turn together) reaches its threshold.
bool Vetoes(const LearnedReading& learned, std::size_t m, const LearnedModel& veto,
            const std::vector<RuleHit>& hits) {
  if (*veto.threshold >= 1.0) return false;
  std::vector<const double*> found;
  bool any = false;
  for (std::size_t h = 0; h < hits.size(); ++h) {
    const int s = learned.hit_sentences()[h];
    if (hits[h].rule->level != veto.level || s < 0) continue;
    any = true;
    learned.AddWeights(m, hits[h].hit.turn, s - veto.reach, s + veto.reach, found);
  }
  return any && LearnedProbability(veto, std::move(found)) >= *veto.threshold;
}

}  // namespace

struct SafetyRules::Data : Engine {};

namespace {

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_'; }

// A stable rule id: lower-case words joined by dots, at least two of them.
bool IsRuleCode(std::string_view code) {
  if (code.find('.') == std::string_view::npos || code.front() == '.' ||
      code.back() == '.' || code.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return IsNameChar(c) || c == '.'; });
}

std::optional<SafetyLevel> ParseLevel(std::string_view name) {
  if (name == "see_doctor") return SafetyLevel::kSeeDoctor;
  if (name == "emergency") return SafetyLevel::kEmergency;
  if (name == "crisis") return SafetyLevel::kCrisis;
  return std::nullopt;
}

// Splits on runs of ASCII whitespace.
std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

// Reads the rules file line by line into an Engine.
class Parser {
 public:
  Parser(std::string_view source, Engine& engine) : source_(source), engine_(engine) {}
  absl::Status Parse(std::string_view text);

 private:
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(StrCat(source_, ":", line_, ": ", what));
  }
  absl::Status Line(std::string_view line);
  absl::Status ConceptLine(std::string_view line);
  absl::Status AddMembers(Concept& group, std::string_view members);
  absl::StatusOr<Phrase> ParsePhrase(std::string_view text);
  absl::Status RuleLine(std::string_view rest);
  absl::Status MatchLine(std::string_view rest);
  absl::Status FieldLine(std::string_view rest);
  absl::StatusOr<int> GroupTerm(std::string_view term);
  absl::StatusOr<Part> ParsePart(std::string_view text);
  absl::StatusOr<int> LiteralConcept(std::string_view text);
  absl::Status FinishRule();
  absl::Status ModelLine(std::string_view rest);
  absl::Status ModelFieldLine(std::string_view keyword, std::string_view rest);

  std::string_view source_;
  Engine& engine_;
  int line_ = 0;
  int last_concept_ = -1;  // The concept a '|' line continues.
  bool in_rule_ = false;
  bool in_model_ = false;
};

absl::Status Parser::Parse(std::string_view text) {
  engine_.cues.fill(-1);
  for (std::string_view raw : SplitLines(text)) {
    ++line_;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.starts_with('#')) continue;
    if (absl::Status status = Line(line); !status.ok()) return status;
  }
  if (absl::Status status = FinishRule(); !status.ok()) return status;
  if (engine_.version.empty()) {
    return absl::InvalidArgumentError(StrCat(source_, ": no 'version' line"));
  }
  if (engine_.rules.empty()) {
    return absl::InvalidArgumentError(StrCat(source_, ": no rules"));
  }
  engine_.Index();
  return absl::OkStatus();
}

absl::Status Parser::Line(std::string_view line) {
  const std::size_t space = line.find_first_of(" \t");
  const std::string_view keyword = line.substr(0, space);
  const std::string_view rest =
      space == std::string_view::npos ? std::string_view() : Trim(line.substr(space));
  if (line.starts_with('@')) return ConceptLine(line);
  if (line.starts_with('|')) {
    if (last_concept_ < 0) return Error("a '|' line must continue a concept group");
    return AddMembers(engine_.concepts[last_concept_], line.substr(1));
  }
  last_concept_ = -1;
  if (keyword == "version") {
    if (!engine_.version.empty()) return Error("a second 'version' line");
    if (rest.empty()) return Error("'version' needs a value");
    engine_.version = std::string(rest);
    return absl::OkStatus();
  }
  if (engine_.version.empty()) return Error("the 'version' line must come first");
  if (keyword == "rule") return RuleLine(rest);
  if (keyword == "model") return ModelLine(rest);
  if (in_model_ &&
      (keyword == "description" || keyword == "source" || keyword == "bias" ||
       keyword == "threshold" || keyword == "reach" || keyword == "weight")) {
    return ModelFieldLine(keyword, rest);
  }
  if (keyword == "bias" || keyword == "threshold" || keyword == "reach" ||
      keyword == "weight") {
    return Error(StrCat("'", keyword, "' outside a model"));
  }
  if (keyword == "description" || keyword == "source" || keyword == "match" ||
      keyword == "field") {
    if (!in_rule_) return Error(StrCat("'", keyword, "' outside a rule"));
    if (rest.empty()) return Error(StrCat("'", keyword, "' needs a value"));
    Rule& rule = engine_.rules.back();
    if (keyword == "match") return MatchLine(rest);
    if (keyword == "field") return FieldLine(rest);
    std::string& field = keyword == "source" ? rule.source : rule.description;
    if (!field.empty()) return Error(StrCat("a second '", keyword, "' line"));
    field = std::string(rest);
    return absl::OkStatus();
  }
  return Error(
      StrCat("unknown keyword '", keyword,
             "' (expected version, @group, rule, description, source, match, field, "
             "model, bias, threshold, reach or weight)"));
}

absl::Status Parser::ConceptLine(std::string_view line) {
  if (engine_.version.empty()) return Error("the 'version' line must come first");
  if (in_rule_) {
    if (absl::Status status = FinishRule(); !status.ok()) return status;
  }
  const std::size_t equals = line.find('=');
  if (equals == std::string_view::npos)
    return Error("expected '@name = member | member'");
  const std::string_view name = Trim(line.substr(1, equals - 1));
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return Error(StrCat("bad group name '", name, "' (use a-z, 0-9 and _)"));
  }
  const auto reserved = std::find(kCueNames.begin(), kCueNames.end(), name);
  if (name.front() == '_' && reserved == kCueNames.end()) {
    return Error(StrCat("unknown reserved group '@", name, "'"));
  }
  const int id = static_cast<int>(engine_.concepts.size());
  if (!engine_.concept_ids.try_emplace(std::string(name), id).second) {
    return Error(StrCat("group '@", name, "' is defined twice"));
  }
  if (reserved != kCueNames.end()) engine_.cues[reserved - kCueNames.begin()] = id;
  engine_.concepts.push_back({std::string(name), {}});
  last_concept_ = id;
  return AddMembers(engine_.concepts.back(), line.substr(equals + 1));
}

absl::Status Parser::AddMembers(Concept& group, std::string_view members) {
  std::size_t start = 0;
  while (start <= members.size()) {
    std::size_t bar = members.find('|', start);
    if (bar == std::string_view::npos) bar = members.size();
    const std::string_view member = Trim(members.substr(start, bar - start));
    absl::StatusOr<Phrase> phrase = ParsePhrase(member);
    if (!phrase.ok()) return phrase.status();
    group.members.push_back(*std::move(phrase));
    start = bar + 1;
  }
  return absl::OkStatus();
}

// A member: words, '*' (up to kWildcardMaxWords words) and number ranges
// '{38-45}', tokenised as messages are.
absl::StatusOr<Phrase> Parser::ParsePhrase(std::string_view text) {
  Phrase phrase;
  std::string run;
  auto flush = [&] {
    for (const Token& token : Tokenise(run)) {
      phrase.push_back({Element::Kind::kWord, engine_.AddWord(token.text)});
    }
    run.clear();
  };
  for (std::string_view field : Fields(text)) {
    if (field == "*" || field.starts_with('{')) flush();
    if (field == "*") {
      phrase.push_back({Element::Kind::kWildcard});
      continue;
    }
    if (field.starts_with('{')) {
      const std::size_t dash = field.find('-');
      std::optional<int> low, high;
      if (field.ends_with('}') && dash != std::string_view::npos) {
        low = ParseNumber(field.substr(1, dash - 1));
        high = ParseNumber(field.substr(dash + 1, field.size() - dash - 2));
      }
      if (!low || !high || *low > *high) {
        return Error(StrCat("bad number range '", field, "' (expected {LOW-HIGH})"));
      }
      phrase.push_back({Element::Kind::kNumber, -1, *low, *high});
      continue;
    }
    // Runs of plain words are read together, as a message is ("do not").
    if (!run.empty()) run += ' ';
    run.append(field);
  }
  flush();
  if (phrase.empty()) return Error(StrCat("member '", text, "' has no words to match"));
  if (phrase.front().kind == Element::Kind::kWildcard ||
      phrase.back().kind == Element::Kind::kWildcard) {
    return Error(StrCat("member '", text, "' starts or ends with '*'"));
  }
  return phrase;
}

absl::Status Parser::RuleLine(std::string_view rest) {
  if (absl::Status status = FinishRule(); !status.ok()) return status;
  const std::vector<std::string_view> fields = Fields(rest);
  if (fields.size() != 2) return Error("expected 'rule CODE LEVEL'");
  if (!IsRuleCode(fields[0])) {
    return Error(
        StrCat("bad rule code '", fields[0], "' (expected e.g. cardiac.chest_pain)"));
  }
  const std::optional<SafetyLevel> level = ParseLevel(fields[1]);
  if (!level) {
    return Error(
        StrCat("bad level '", fields[1], "' (expected see_doctor, emergency or crisis)"));
  }
  for (const Rule& rule : engine_.rules) {
    if (rule.code == fields[0]) {
      return Error(StrCat("rule '", fields[0], "' is defined twice (first at line ",
                          rule.line, ")"));
    }
  }
  Rule rule;
  rule.code = std::string(fields[0]);
  rule.level = *level;
  rule.line = line_;
  engine_.rules.push_back(std::move(rule));
  in_rule_ = true;
  return absl::OkStatus();
}

absl::Status Parser::FinishRule() {
  if (in_model_) {
    in_model_ = false;
    const LearnedModel& model = engine_.models.back();
    const char* missing = model.description.empty() ? "description"
                          : model.source.empty()    ? "source"
                          : !model.bias             ? "bias"
                          : !model.threshold        ? "threshold"
                                                    : nullptr;
    if (missing != nullptr) {
      return absl::InvalidArgumentError(StrCat(source_, ":", model.line, ": model '",
                                               model.code, "' has no '", missing,
                                               "' line"));
    }
  }
  if (!in_rule_) return absl::OkStatus();
  in_rule_ = false;
  const Rule& rule = engine_.rules.back();
  const char* missing = rule.description.empty()                       ? "description"
                        : rule.source.empty()                          ? "source"
                        : rule.patterns.empty() && rule.fields.empty() ? "match"
                                                                       : nullptr;
  if (missing == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(StrCat(source_, ":", rule.line, ": rule '", rule.code,
                                           "' has no '", missing, "' line"));
}

absl::Status Parser::ModelLine(std::string_view rest) {
  if (absl::Status status = FinishRule(); !status.ok()) return status;
  const std::vector<std::string_view> fields = Fields(rest);
  if (fields.size() != 2 && !(fields.size() == 3 && fields[2] == "veto")) {
    return Error("expected 'model CODE LEVEL' or 'model CODE LEVEL veto'");
  }
  if (!IsRuleCode(fields[0])) {
    return Error(
        StrCat("bad model code '", fields[0], "' (expected e.g. crisis.learned)"));
  }
  const std::optional<SafetyLevel> level = ParseLevel(fields[1]);
  if (!level) {
    return Error(
        StrCat("bad level '", fields[1], "' (expected see_doctor, emergency or crisis)"));
  }
  for (const LearnedModel& model : engine_.models) {
    if (model.code == fields[0]) {
      return Error(StrCat("a second model '", fields[0], "' (the first at line ",
                          model.line, ")"));
    }
  }
  LearnedModel& model = engine_.models.emplace_back();
  model.code = std::string(fields[0]);
  model.level = *level;
  model.veto = fields.size() == 3;
  model.line = line_;
  in_model_ = true;
  return absl::OkStatus();
}

absl::Status Parser::ModelFieldLine(std::string_view keyword, std::string_view rest) {
  LearnedModel& model = engine_.models.back();
  if (rest.empty()) return Error(StrCat("'", keyword, "' needs a value"));
  if (keyword == "description" || keyword == "source") {
    std::string& field = keyword == "source" ? model.source : model.description;
    if (!field.empty()) return Error(StrCat("a second '", keyword, "' line"));
    field = std::string(rest);
    return absl::OkStatus();
  }
  const std::vector<std::string_view> fields = Fields(rest);
  if (keyword == "weight") {
    const std::optional<double> value =
        fields.size() == 2 ? ParseReal(fields[1]) : std::nullopt;
    if (!value) return Error("expected 'weight FEATURE NUMBER'");
    if (!model.weights.try_emplace(std::string(fields[0]), *value).second) {
      return Error(StrCat("feature '", fields[0], "' weighted twice"));
    }
    return absl::OkStatus();
  }
  const std::optional<double> value =
      fields.size() == 1 ? ParseReal(fields[0]) : std::nullopt;
  if (keyword == "reach") {
    if (!value || *value < 0 || *value > 3 || *value != std::floor(*value)) {
      return Error("'reach' needs a whole number from 0 to 3");
    }
    model.reach = static_cast<int>(*value);
    return absl::OkStatus();
  }
  std::optional<double>& field = keyword == "bias" ? model.bias : model.threshold;
  if (field) return Error(StrCat("a second '", keyword, "' line"));
  if (!value) return Error(StrCat("'", keyword, "' needs a number"));
  if (keyword == "threshold" && (*value < 0 || *value > 1)) {
    return Error("'threshold' needs a probability from 0 to 1 (1: off)");
  }
  field = value;
  return absl::OkStatus();
}

absl::Status Parser::MatchLine(std::string_view rest) {
  std::vector<Part> parts;
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t plus = rest.find('+', start);
    if (plus == std::string_view::npos) plus = rest.size();
    absl::StatusOr<Part> part = ParsePart(Trim(rest.substr(start, plus - start)));
    if (!part.ok()) return part.status();
    parts.push_back(*std::move(part));
    start = plus + 1;
  }
  engine_.rules.back().patterns.push_back(std::move(parts));
  return absl::OkStatus();
}

// A concept group named in a field line: @name, defined, not reserved.
absl::StatusOr<int> Parser::GroupTerm(std::string_view term) {
  if (!term.starts_with('@')) {
    return Error(StrCat("expected a @group in field, got '", term, "'"));
  }
  auto it = engine_.concept_ids.find(term.substr(1));
  if (it == engine_.concept_ids.end()) {
    return Error(StrCat("unknown group '", term, "' (define it before the rule)"));
  }
  if (term.size() > 1 && term[1] == '_') {
    return Error(StrCat("reserved group '", term, "' in a field"));
  }
  return it->second;
}

// @group @group... [about @group] [need K] [reach R].
absl::Status Parser::FieldLine(std::string_view rest) {
  const std::vector<std::string_view> fields = Fields(rest);
  FieldTest field;
  std::size_t i = 0;
  auto is_option = [](std::string_view word) {
    return word == "about" || word == "need" || word == "reach" || word == "asked" ||
           word == "across";
  };
  for (; i < fields.size() && !is_option(fields[i]); ++i) {
    absl::StatusOr<int> id = GroupTerm(fields[i]);
    if (!id.ok()) return id.status();
    if (std::find(field.groups.begin(), field.groups.end(), *id) != field.groups.end()) {
      return Error(StrCat("group '", fields[i], "' named twice in field"));
    }
    field.groups.push_back(*id);
  }
  if (field.groups.empty()) return Error("field needs at least one @group");
  if (field.groups.size() > 32) return Error("field names more than 32 groups");
  if (i < fields.size() && fields[i] == "about") {
    if (i + 1 >= fields.size()) return Error("'about' needs a @group");
    absl::StatusOr<int> about = GroupTerm(fields[i + 1]);
    if (!about.ok()) return about.status();
    field.about = *about;
    i += 2;
  }
  while (i < fields.size()) {
    if (fields[i] == "asked" || fields[i] == "across") {
      bool& flag = fields[i] == "asked" ? field.asked : field.across;
      if (flag) return Error(StrCat("'", fields[i], "' named twice in field"));
      flag = true;
      ++i;
      continue;
    }
    const int value =
        i + 1 < fields.size() ? ParseNumber(fields[i + 1]).value_or(-1) : -1;
    if (fields[i] == "need" && value >= 1 &&
        value <= static_cast<int>(field.groups.size())) {
      field.need = value;
    } else if (fields[i] == "reach" && value >= 0 && value <= 3) {
      field.reach = value;
    } else {
      return Error(StrCat("bad '", fields[i],
                          "' in field (expected need 1..groups, reach 0..3, asked, "
                          "across)"));
    }
    i += 2;
  }
  if (field.need > static_cast<int>(field.groups.size())) {
    return Error("field needs more groups than it names");
  }
  engine_.rules.back().fields.push_back(std::move(field));
  return absl::OkStatus();
}

// TERM... [within N]; a term is @group, a word, or a "quoted phrase".
absl::StatusOr<Part> Parser::ParsePart(std::string_view text) {
  Part part;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    std::size_t end = text.find_first_of(" \t", i);
    if (text[i] == '"') {
      end = text.find('"', i + 1);
      if (end == std::string_view::npos) return Error("unclosed '\"' in match");
      absl::StatusOr<int> id = LiteralConcept(text.substr(i + 1, end - i - 1));
      if (!id.ok()) return id.status();
      part.concepts.push_back(*id);
      i = end + 1;
      continue;
    }
    if (end == std::string_view::npos) end = text.size();
    const std::string_view term = text.substr(i, end - i);
    i = end;
    if (term == "within") {
      const std::vector<std::string_view> tail = Fields(text.substr(i));
      const std::optional<int> window =
          tail.size() == 1 ? ParseNumber(tail[0]) : std::nullopt;
      if (!window || *window < 1 || *window > 60) {
        return Error("'within' needs a number of words from 1 to 60, and ends a part");
      }
      part.window = *window;
      break;
    }
    if (term.starts_with('@')) {
      auto it = engine_.concept_ids.find(term.substr(1));
      if (it == engine_.concept_ids.end()) {
        return Error(StrCat("unknown group '", term, "' (define it before the rule)"));
      }
      if (term[1] == '_') return Error(StrCat("reserved group '", term, "' in a match"));
      part.concepts.push_back(it->second);
    } else {
      absl::StatusOr<int> id = LiteralConcept(term);
      if (!id.ok()) return id.status();
      part.concepts.push_back(*id);
    }
  }
  if (part.concepts.empty()) return Error("empty pattern part in match");
  return part;
}

// A word or phrase written in a pattern: a one-member group of its own.
absl::StatusOr<int> Parser::LiteralConcept(std::string_view text) {
  const std::string name = StrCat("\"", text, "\"");
  if (auto it = engine_.concept_ids.find(name); it != engine_.concept_ids.end()) {
    return it->second;
  }
  absl::StatusOr<Phrase> phrase = ParsePhrase(text);
  if (!phrase.ok()) return phrase.status();
  const int id = static_cast<int>(engine_.concepts.size());
  engine_.concept_ids.emplace(name, id);
  engine_.concepts.push_back({name, {*std::move(phrase)}});
  return id;
}

// The newest turn where `part` matches.
std::optional<PartHit> FindPart(const Turns& turns, const Part& part, bool skip_jokes) {
  for (int t = 0; t < static_cast<int>(turns.size()); ++t) {
    PartHit hit;
    if (MatchTerms(*turns[t], part, skip_jokes, 0, 0, 0, 0, -1, hit)) {
      hit.turn = t;
      return hit;
    }
  }
  return std::nullopt;
}

// A rule's newest match: the pattern whose newest part is newest; the sign
// is reported where that part was said. A joke marker takes back an
// emergency ("having a heart attack at this bill lol") in its sentence
// only, and never a crisis: talk of suicide made light of is still a warning
// sign (Samaritans).
std::optional<PartHit> MatchRule(const Turns& turns, const Rule& rule) {
  const bool skip_jokes = rule.level != SafetyLevel::kCrisis;
  std::optional<PartHit> best;
  for (const std::vector<Part>& pattern : rule.patterns) {
    std::optional<PartHit> newest;
    bool all = true;
    for (const Part& part : pattern) {
      std::optional<PartHit> hit = FindPart(turns, part, skip_jokes);
      if (!hit) {
        all = false;
        break;
      }
      if (!newest || hit->turn < newest->turn) newest = hit;
    }
    if (all && (!best || newest->turn < best->turn)) best = newest;
  }
  for (const FieldTest& field : rule.fields) {
    if (field.across) {
      std::optional<PartHit> hit = MatchFieldAcross(turns, field, skip_jokes);
      if (hit && (!best || hit->turn < best->turn)) best = hit;
      continue;
    }
    for (int t = 0; t < static_cast<int>(turns.size()); ++t) {
      if (best && best->turn <= t) break;
      PartHit hit;
      if (MatchField(*turns[t], field, skip_jokes, hit)) {
        hit.turn = t;
        best = hit;
        break;
      }
    }
  }
  return best;
}

// Every rule's newest match, in the rules' order.
std::vector<RuleHit> RuleHits(const Engine& engine, const Turns& matches) {
  std::vector<RuleHit> hits;
  for (const Rule& rule : engine.rules) {
    if (const std::optional<PartHit> hit = MatchRule(matches, rule)) {
      hits.push_back({&rule, *hit});
    }
  }
  return hits;
}

}  // namespace

std::string_view SafetyLevelName(SafetyLevel level) {
  switch (level) {
    case SafetyLevel::kNone:
      return "none";
    case SafetyLevel::kSeeDoctor:
      return "see_doctor";
    case SafetyLevel::kEmergency:
      return "emergency";
    case SafetyLevel::kCrisis:
      return "crisis";
  }
  return "none";
}

SafetyRules::SafetyRules(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
SafetyRules::SafetyRules(SafetyRules&&) noexcept = default;
SafetyRules& SafetyRules::operator=(SafetyRules&&) noexcept = default;
SafetyRules::~SafetyRules() = default;

absl::StatusOr<SafetyRules> SafetyRules::Parse(std::string_view text,
                                               std::string_view source) {
  auto data = std::make_shared<Data>();
  Parser parser(source, *data);
  if (absl::Status status = parser.Parse(text); !status.ok()) return status;
  return SafetyRules(std::move(data));
}

const std::string& SafetyRules::version() const { return data_->version; }

std::size_t SafetyRules::size() const { return data_->rules.size(); }

// Two generations of readings: one found in the older moves to the newer,
// and when the newer is full the older is dropped. A bounded cache with no
// bookkeeping per entry, which keeps the turns of conversations still going
// (as the query builder's TurnMemo).
struct SafetyRules::TurnCache::Impl {
  std::mutex mutex;
  // The rules the readings were made with, kept alive while they are held.
  std::shared_ptr<const void> rules;
  StringMap<std::shared_ptr<const TurnReading>> newer;
  StringMap<std::shared_ptr<const TurnReading>> older;
  std::size_t newer_bytes = 0;  // TurnReading::bytes of those in `newer`.
};

SafetyRules::TurnCache::TurnCache() : impl_(std::make_unique<Impl>()) {}
SafetyRules::TurnCache::~TurnCache() = default;

std::size_t SafetyRules::TurnCache::size() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->newer.size() + impl_->older.size();
}

std::shared_ptr<const SafetyRules::TurnReading> SafetyRules::Read(
    std::string_view text, TurnCache* cache) const {
  if (cache == nullptr || text.size() > TurnCache::kMaxTurnBytes) {
    return std::make_shared<const TurnReading>(*data_, text);
  }
  TurnCache::Impl& held = *cache->impl_;
  // Made room for in the newer generation, under the lock.
  auto keep = [&](std::string_view key, std::shared_ptr<const TurnReading> reading) {
    if (held.newer_bytes + reading->bytes > TurnCache::kBytesPerGeneration) {
      held.older = std::exchange(held.newer, {});
      held.newer_bytes = 0;
    }
    held.newer_bytes += reading->bytes;
    held.newer.emplace(std::string(key), std::move(reading));
  };
  {
    std::lock_guard lock(held.mutex);
    if (held.rules.get() != data_.get()) {
      held.newer.clear();
      held.older.clear();
      held.newer_bytes = 0;
      held.rules = data_;
    }
    if (const auto it = held.newer.find(text); it != held.newer.end()) return it->second;
    if (const auto it = held.older.find(text); it != held.older.end()) {
      std::shared_ptr<const TurnReading> reading = std::move(it->second);
      held.older.erase(it);
      keep(text, reading);
      return reading;
    }
  }
  // Read outside the lock; two threads reading the same new turn at once
  // both read it, and the first kept serves from then on.
  auto reading = std::make_shared<const TurnReading>(*data_, text);
  std::lock_guard lock(held.mutex);
  if (held.rules.get() == data_.get() && !held.newer.contains(text) &&
      !held.older.contains(text)) {
    keep(text, reading);
  }
  return reading;
}

std::vector<std::vector<SafetyRules::LearnedSentence>> SafetyRules::LearnedFeatures(
    const std::vector<std::string_view>& turns) const {
  // The matches alone: a TurnReading would weigh the features that this
  // lists by name.
  std::vector<TurnMatch> owned;
  owned.reserve(turns.size());
  Turns matches;
  for (std::string_view turn : turns)
    matches.push_back(&owned.emplace_back(*data_, turn));
  const std::vector<RuleHit> hits = RuleHits(*data_, matches);
  std::vector<std::vector<LearnedSentence>> features(turns.size());
  for (std::size_t t = 0; t < turns.size(); ++t) {
    std::vector<LearnedSentence>& sentences = features[t];
    const TurnSentences split = ForEachFeature(
        *data_, *matches[t], turns[t], [&](int s, std::string_view feature) {
          if (s >= static_cast<int>(sentences.size())) sentences.resize(s + 1);
          sentences[s].features.emplace_back(feature);
        });
    sentences.resize(split.count);
    for (const RuleHit& hit : hits) {
      if (hit.hit.turn != static_cast<int>(t)) continue;
      const int s = split.of_token[hit.hit.begin];
      if (s >= 0) sentences[s].features.push_back(StrCat("r:", hit.rule->code));
    }
    for (int s = 0; s < split.count; ++s) {
      std::vector<std::string>& list = sentences[s].features;
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
      sentences[s].guarded = matches[t]->SentenceGuarded(s);
    }
  }
  return features;
}

SafetyAssessment SafetyRules::Assess(const std::vector<std::string_view>& turns,
                                     TurnCache* cache) const {
  Readings readings;
  Turns matches;
  readings.reserve(turns.size());
  for (std::string_view turn : turns) {
    readings.push_back(Read(turn, cache));
    matches.push_back(&readings.back()->match);
  }
  const std::vector<RuleHit> hits = RuleHits(*data_, matches);
  const LearnedReading learned(*data_, readings, hits);
  std::vector<SafetyLevel> vetoed;
  for (std::size_t m = 0; m < data_->models.size(); ++m) {
    const LearnedModel& model = data_->models[m];
    if (model.veto && Vetoes(learned, m, model, hits)) vetoed.push_back(model.level);
  }
  SafetyAssessment assessment;
  for (const RuleHit& hit : hits) {
    if (std::find(vetoed.begin(), vetoed.end(), hit.rule->level) != vetoed.end())
      continue;
    const std::vector<Token>& tokens = matches[hit.hit.turn]->tokens();
    assessment.signs.push_back({hit.rule->code, hit.rule->description, hit.rule->level,
                                hit.hit.turn, tokens[hit.hit.begin].char_begin,
                                tokens[hit.hit.end - 1].char_end});
    assessment.level = std::max(assessment.level, hit.rule->level);
  }
  for (std::size_t m = 0; m < data_->models.size(); ++m) {
    const LearnedModel& model = data_->models[m];
    if (model.veto) continue;
    if (const std::optional<PartHit> hit = MatchModel(matches, learned, m, model)) {
      // The hit's span is in code points already.
      assessment.signs.push_back({model.code, model.description, model.level, hit->turn,
                                  static_cast<std::size_t>(hit->begin),
                                  static_cast<std::size_t>(hit->end)});
      assessment.level = std::max(assessment.level, model.level);
    }
  }
  std::stable_sort(assessment.signs.begin(), assessment.signs.end(),
                   [](const SafetySignMatch& a, const SafetySignMatch& b) {
                     if (a.level != b.level) return a.level > b.level;
                     if (a.turn != b.turn) return a.turn < b.turn;
                     return a.char_begin < b.char_begin;
                   });
  return assessment;
}

}  // namespace guru
