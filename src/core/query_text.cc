#include "core/query_text.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/text.h"

namespace guru {
namespace {

// Sorted, for binary search. English function words: articles, pronouns,
// auxiliaries, conjunctions and prepositions that carry no topic, so long
// chatty questions do not match on "the" and "my".
constexpr std::array<std::string_view, 104> kStopwords = {
    "a",       "about",  "am",   "an",     "and",   "any",     "are",     "as",
    "at",      "be",     "been", "being",  "but",   "by",      "can",     "could",
    "did",     "do",     "does", "doing",  "for",   "from",    "had",     "has",
    "have",    "having", "he",   "her",    "here",  "hers",    "herself", "him",
    "himself", "his",    "how",  "i",      "i'm",   "i've",    "if",      "in",
    "into",    "is",     "it",   "it's",   "its",   "itself",  "just",    "me",
    "more",    "most",   "my",   "myself", "no",    "nor",     "not",     "now",
    "of",      "on",     "once", "only",   "or",    "other",   "our",     "ours",
    "out",     "over",   "own",  "same",   "she",   "should",  "so",      "some",
    "such",    "than",   "that", "the",    "their", "theirs",  "them",    "then",
    "there",   "these",  "they", "this",   "those", "through", "to",      "too",
    "very",    "was",    "we",   "were",   "what",  "when",    "where",   "which",
    "while",   "who",    "whom", "why",    "will",  "with",    "would",   "you"};

// Sorted. Courtesy and question framing, common in messages to an expert.
constexpr std::array<std::string_view, 38> kChattyWords = {
    "advice",    "advise",    "anybody", "anyone",    "appreciate",  "appreciated",
    "dear",      "doctor",    "dr",      "greetings", "hello",       "help",
    "helpful",   "hey",       "hi",      "info",      "information", "kind",
    "kindly",    "know",      "let",     "like",      "need",        "please",
    "question",  "questions", "regards", "sir",       "someone",     "tell",
    "thank",     "thanks",    "want",    "wanted",    "wonder",      "wondered",
    "wondering", "writing"};

enum class CharClass { kWord, kApostrophe, kSeparator };

CharClass Classify(std::uint32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
    return CharClass::kWord;
  }
  if (cp == '\'' || cp == 0x2019) return CharClass::kApostrophe;
  if (cp < 0x80 || cp == 0xA0 || cp == 0xFFFD || (cp >= 0x2000 && cp <= 0x206F) ||
      (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 ||
      cp == 0xF7) {
    return CharClass::kSeparator;
  }
  return CharClass::kWord;  // Letters of other scripts, accented letters.
}

}  // namespace

bool IsStopword(std::string_view lower_word) {
  return std::binary_search(kStopwords.begin(), kStopwords.end(), lower_word);
}

bool IsChattyWord(std::string_view lower_word) {
  return std::binary_search(kChattyWords.begin(), kChattyWords.end(), lower_word);
}

void ForEachWord(
    std::string_view text,
    const std::function<void(const WordSpan&, const std::string&)>& on_word) {
  std::string word;
  WordSpan span;
  std::size_t chars = 0;
  auto flush = [&] {
    // span ends at the last letter or digit, so trailing apostrophes go.
    while (!word.empty() && word.back() == '\'') word.pop_back();
    if (!word.empty()) on_word(span, word);
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++chars) {
    std::size_t length = 0;
    // A byte that starts no well-formed sequence is a separator.
    const std::uint32_t cp = DecodeUtf8(text, i, length).value_or(0xFFFD);
    const CharClass char_class = Classify(cp);
    if (char_class == CharClass::kSeparator ||
        (char_class == CharClass::kApostrophe && word.empty())) {
      flush();
    } else {
      if (word.empty()) {
        span.byte_begin = i;
        span.char_begin = chars;
      }
      if (char_class == CharClass::kApostrophe) {
        word.push_back('\'');
      } else if (cp < 0x80) {
        word.push_back(cp >= 'A' && cp <= 'Z' ? static_cast<char>(cp - 'A' + 'a')
                                              : static_cast<char>(cp));
      } else {
        word.append(text.substr(i, length));
      }
      if (char_class == CharClass::kWord) {
        span.byte_end = i + length;
        span.char_end = chars + 1;
      }
    }
    i += length;
  }
  flush();
}

std::vector<std::string> QueryWords(std::string_view text) {
  std::vector<std::string> words;
  ForEachWord(text, [&](const WordSpan&, const std::string& word) {
    if (!IsStopword(word)) words.push_back(word);
  });
  return words;
}

}  // namespace guru
