#include "core/passage.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/query_text.h"
#include "core/text.h"

namespace guru {
namespace {

struct Sentence {
  std::size_t begin = 0;  // Bytes.
  std::size_t end = 0;
  int paragraph = 0;
  // Code points of the text before `begin` and before `end` (CountChars),
  // set by CountSentenceChars for windows measured again and again.
  std::size_t chars_before_begin = 0;
  std::size_t chars_before_end = 0;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Sorted. Words that end in a full stop without ending a sentence.
constexpr std::array<std::string_view, 14> kAbbreviations = {
    "al", "approx", "ca", "cf", "dr",   "fig", "jr",
    "mr", "mrs",    "ms", "no", "prof", "st",  "vs"};

// True when the '.' at `dot` belongs to an abbreviation or an initial.
bool IsAbbreviationDot(std::string_view text, std::size_t dot) {
  std::size_t begin = dot;
  while (begin > 0 && std::isalnum(static_cast<unsigned char>(text[begin - 1])) != 0) {
    --begin;
  }
  const std::size_t length = dot - begin;
  if (length == 1) return true;  // "e.g.", "J. Smith", "1. Rest".
  std::string word(text.substr(begin, length));
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::binary_search(kAbbreviations.begin(), kAbbreviations.end(), word);
}

// Length in bytes of closing quotes and brackets starting at `pos`.
std::size_t ClosingMarks(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size()) {
    const char c = text[end];
    if (c == '"' || c == '\'' || c == ')' || c == ']') {
      ++end;
    } else if (text.substr(end, 3) == "\xE2\x80\x9D" ||
               text.substr(end, 3) == "\xE2\x80\x99") {
      end += 3;  // Right double and single quotation marks.
    } else {
      break;
    }
  }
  return end - pos;
}

bool StartsListItem(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  line.remove_prefix(i);
  if (line.starts_with("- ") || line.starts_with("* ") ||
      line.starts_with("\xE2\x80\xA2")) {
    return true;
  }
  std::size_t digits = 0;
  while (digits < line.size() &&
         std::isdigit(static_cast<unsigned char>(line[digits])) != 0) {
    ++digits;
  }
  return digits > 0 && digits < line.size() &&
         (line[digits] == '.' || line[digits] == ')');
}

bool IsUpperOrDigit(char c) {
  return std::isupper(static_cast<unsigned char>(c)) != 0 ||
         std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// True when a line that ends with `last` (its last non-space character) and
// is followed by a line starting with `next` ends a unit although it has no
// full stop: a heading ("Stage IV Pancreatic Cancer") or a list item written
// without final punctuation ("Cannot walk"). A hard-wrapped sentence goes on
// in lower case, or after a comma, a hyphen or another mark that continues.
bool EndsUnpunctuatedLine(char last, char next) {
  if (!IsUpperOrDigit(next)) return false;
  return std::isalnum(static_cast<unsigned char>(last)) != 0 || last == ')' ||
         last == '%';
}

// Whether the unit that starts at `begin` (whitespace allowed before it) is
// a list item: "- item", "* item", "• item", "1. item".
bool UnitIsListItem(std::string_view text, std::size_t begin, std::size_t at) {
  return StartsListItem(text.substr(begin, at - begin));
}

// True when the " - " at `dash` (text[dash] == '-') starts an item of a list
// written on one line, as in MedQuAD ("Call 911 if your child: - Cannot
// walk - Has a seizure"): after a colon that introduces the list, or inside
// a unit that is itself a list item. "2 - 3 days" is a range, not an item.
bool StartsInlineListItem(std::string_view text, std::size_t unit_begin,
                          std::size_t dash) {
  if (dash == 0 || dash + 2 >= text.size() || text[dash - 1] != ' ' ||
      text[dash + 1] != ' ' || IsSpace(text[dash + 2])) {
    return false;
  }
  std::size_t before = dash - 1;
  while (before > unit_begin && IsSpace(text[before - 1])) --before;
  if (before == unit_begin) return false;  // Nothing before it in this unit.
  const char previous = text[before - 1];
  if (std::isdigit(static_cast<unsigned char>(previous)) != 0 &&
      std::isdigit(static_cast<unsigned char>(text[dash + 2])) != 0) {
    return false;
  }
  return previous == ':' || UnitIsListItem(text, unit_begin, before);
}

std::vector<Sentence> Sentences(std::string_view text) {
  std::vector<Sentence> sentences;
  int paragraph = 0;
  std::size_t begin = 0;
  auto emit = [&](std::size_t end) {
    while (begin < end && IsSpace(text[begin])) ++begin;
    std::size_t trimmed = end;
    while (trimmed > begin && IsSpace(text[trimmed - 1])) --trimmed;
    if (trimmed > begin) sentences.push_back({begin, trimmed, paragraph});
    begin = end;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' || c == '!' || c == '?') {
      const std::size_t end = i + 1 + ClosingMarks(text, i + 1);
      if ((end == text.size() || IsSpace(text[end])) &&
          (c != '.' || !IsAbbreviationDot(text, i))) {
        emit(end);
        i = end - 1;
      }
    } else if (c == '-' && StartsInlineListItem(text, begin, i)) {
      emit(i);
    } else if (c == '\n') {
      const std::size_t next_line = i + 1;
      const std::size_t line_end = std::min(text.find('\n', next_line), text.size());
      const std::string_view line = text.substr(next_line, line_end - next_line);
      const std::size_t first = line.find_first_not_of(" \t\r");
      const bool blank = first == std::string_view::npos;
      std::size_t last = i;
      while (last > begin && IsSpace(text[last - 1])) --last;
      if (blank || StartsListItem(line) ||
          (last > begin && EndsUnpunctuatedLine(text[last - 1], line[first]))) {
        emit(i);
        if (blank) ++paragraph;
      }
    }
  }
  emit(text.size());
  return sentences;
}

bool StartsChar(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

// Code points in `text`, which is valid UTF-8.
std::size_t CountChars(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), StartsChar));
}

// Sets each sentence's character offsets in one pass over `text`.
void CountSentenceChars(std::string_view text, std::vector<Sentence>& sentences) {
  std::size_t byte = 0;
  std::size_t chars = 0;
  const auto count_to = [&](std::size_t end) {
    for (; byte < end; ++byte) chars += StartsChar(text[byte]) ? 1 : 0;
    return chars;
  };
  for (Sentence& sentence : sentences) {
    sentence.chars_before_begin = count_to(sentence.begin);
    sentence.chars_before_end = count_to(sentence.end);
  }
}

// Characters of sentences [first, last] with what lies between them.
std::size_t WindowChars(const std::vector<Sentence>& sentences, std::size_t first,
                        std::size_t last) {
  return sentences[last].chars_before_end - sentences[first].chars_before_begin;
}

struct MatchedWord {
  WordSpan span;
  std::size_t term;  // Index of its term among the answer's distinct ones.
  double weight;
  std::size_t sentence;
};

// The query's words in an answer, in order, and where each sentence's start.
struct MatchedWords {
  std::vector<MatchedWord> words;
  std::size_t distinct_terms = 0;
  // words[first_of[s]] is sentence s's first matched word, if it has one;
  // first_of[s + 1] is where the words of later sentences start.
  std::vector<std::size_t> first_of;
};

struct Window {
  std::size_t first = 0;
  std::size_t last = 0;  // Inclusive.
  double score = 0;
  std::size_t bytes = 0;
};

}  // namespace

namespace internal {

std::vector<std::pair<std::size_t, std::size_t>> SplitSentences(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const Sentence& sentence : Sentences(text)) {
    ranges.emplace_back(sentence.begin, sentence.end);
  }
  return ranges;
}

}  // namespace internal

namespace {

// The words of `scanned` that the query searches for, each with its
// sentence.
MatchedWords MatchWords(std::string_view scanned, const std::vector<Sentence>& sentences,
                        const WordWeight& weight) {
  MatchedWords matched;
  // An answer holds a few distinct query terms: a search beats hashing.
  std::vector<std::string_view> terms;
  std::size_t sentence = 0;
  ForEachWord(scanned, [&](const WordSpan& span, const std::string& word) {
    while (sentence + 1 < sentences.size() &&
           span.byte_begin >= sentences[sentence].end) {
      ++sentence;
    }
    const WordMatch* match = weight(word);
    if (match == nullptr || !(match->weight > 0)) return;
    const auto known = std::find(terms.begin(), terms.end(), match->term);
    const auto term = static_cast<std::size_t>(known - terms.begin());
    if (known == terms.end()) terms.push_back(match->term);
    matched.words.push_back({span, term, match->weight, sentence});
  });
  matched.distinct_terms = terms.size();
  matched.first_of.reserve(sentences.size() + 1);
  std::size_t word = 0;
  for (std::size_t s = 0; s <= sentences.size(); ++s) {
    while (word < matched.words.size() && matched.words[word].sentence < s) ++word;
    matched.first_of.push_back(word);
  }
  return matched;
}

// The summed weight of the distinct terms in sentences [first, last]: a
// repeat says little and would favour longer windows over the sentence that
// has it all. Summed in the words' order. `seen` has a false for each
// distinct term, and has them again on return.
double ScoreOf(const MatchedWords& matched, std::size_t first, std::size_t last,
               std::vector<bool>& seen) {
  const auto begin =
      matched.words.begin() + static_cast<std::ptrdiff_t>(matched.first_of[first]);
  const auto end =
      matched.words.begin() + static_cast<std::ptrdiff_t>(matched.first_of[last + 1]);
  double score = 0;
  for (auto word = begin; word != end; ++word) {
    if (seen[word->term]) continue;
    seen[word->term] = true;
    score += word->weight;
  }
  for (auto word = begin; word != end; ++word) seen[word->term] = false;
  return score;
}

// The best-scoring window of up to max_sentences sentences within one
// paragraph and max_chars (a single sentence may be longer); ties go to the
// shorter, then the earlier. The first sentence when nothing scores.
Window BestWindow(const std::vector<Sentence>& sentences, const MatchedWords& matched,
                  const PassageOptions& options) {
  const auto better = [](const Window& a, const Window& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.bytes != b.bytes) return a.bytes < b.bytes;
    return a.first < b.first;
  };
  Window best{0, 0, -1, 0};
  std::vector<bool> seen(matched.distinct_terms);
  for (std::size_t first = 0; first < sentences.size(); ++first) {
    for (std::size_t last = first;
         last < sentences.size() &&
         last - first < static_cast<std::size_t>(options.max_sentences) &&
         sentences[last].paragraph == sentences[first].paragraph;
         ++last) {
      const std::size_t bytes = sentences[last].end - sentences[first].begin;
      if (last > first && WindowChars(sentences, first, last) > options.max_chars) break;
      const Window window{first, last, ScoreOf(matched, first, last, seen), bytes};
      if (better(window, best)) best = window;
    }
  }
  if (best.score <= 0) best = {0, 0, 0, sentences[0].end - sentences[0].begin};
  return best;
}

// Grows `best` where it reads badly alone: a very short passage takes the
// sentence after it; a list's introduction ("... include the following:")
// takes its first item always, more within max_chars. Never past
// max_sentences or the paragraph.
void Extend(std::string_view answer, const std::vector<Sentence>& sentences,
            const PassageOptions& options, Window& best) {
  const auto window_chars = [&](std::size_t first, std::size_t last) {
    return WindowChars(sentences, first, last);
  };
  const auto same_paragraph = [&](std::size_t next) {
    return next < sentences.size() &&
           sentences[next].paragraph == sentences[best.first].paragraph;
  };
  const auto max_sentences = static_cast<std::size_t>(options.max_sentences);
  while (same_paragraph(best.last + 1) && best.last - best.first + 1 < max_sentences &&
         window_chars(best.first, best.last) < options.min_chars) {
    ++best.last;
  }
  if (same_paragraph(best.last + 1) && answer[sentences[best.last].end - 1] == ':') {
    // Still at most max_sentences: the first sentence makes room if need be.
    if (best.last - best.first + 1 >= max_sentences && best.last > best.first) {
      ++best.first;
    }
    ++best.last;
    while (same_paragraph(best.last + 1) && best.last - best.first + 1 < max_sentences &&
           window_chars(best.first, best.last + 1) <= options.max_chars) {
      ++best.last;
    }
  }
}

// The passage of `answer` bytes [begin, end), cut at the last space within
// max_sentence_chars when longer, with the highlights of `words` in it.
BestPassage PassageOf(std::string_view answer, std::size_t begin, std::size_t end,
                      const std::vector<MatchedWord>& words,
                      const PassageOptions& options) {
  const std::size_t begin_chars = CountChars(answer.substr(0, begin));
  std::size_t chars = CountChars(answer.substr(begin, end - begin));
  if (chars > options.max_sentence_chars) {
    // Cut at the last space that keeps it within bounds; count back bytes.
    std::size_t cut = begin;
    std::size_t counted = 0;
    for (std::size_t i = begin; i < end && counted <= options.max_sentence_chars; ++i) {
      if (StartsChar(answer[i])) ++counted;
      if (IsSpace(answer[i]) && counted <= options.max_sentence_chars) cut = i;
    }
    if (cut > begin) end = cut;
    chars = CountChars(answer.substr(begin, end - begin));
  }
  BestPassage passage;
  passage.text = std::string(answer.substr(begin, end - begin));
  passage.span = {begin_chars, begin_chars + chars};
  for (const MatchedWord& word : words) {
    if (word.span.byte_begin >= begin && word.span.byte_end <= end) {
      passage.highlights.push_back({word.span.char_begin, word.span.char_end});
    }
  }
  return passage;
}

}  // namespace

BestPassage FindBestPassage(std::string_view answer, const WordWeight& weight,
                            const PassageOptions& options) {
  // On a character boundary: a sentence may end at the bound, and its text
  // becomes the passage.
  std::string_view scanned = Utf8Prefix(answer, options.max_scan_bytes);
  std::vector<Sentence> sentences = Sentences(scanned);
  if (scanned.size() < answer.size() && sentences.size() > 1) {
    sentences.pop_back();  // Probably cut short by the scan bound.
  }
  if (sentences.empty()) return {};
  CountSentenceChars(scanned, sentences);
  const MatchedWords matched = MatchWords(scanned, sentences, weight);
  Window best = BestWindow(sentences, matched, options);
  Extend(answer, sentences, options, best);
  return PassageOf(answer, sentences[best.first].begin, sentences[best.last].end,
                   matched.words, options);
}

std::string SnippetAt(std::string_view answer, std::size_t begin, std::size_t max_chars) {
  const auto starts_char = [&](std::size_t i) { return StartsChar(answer[i]); };
  std::size_t start = 0;
  for (std::size_t chars = 0; start < answer.size(); ++start) {
    if (starts_char(start) && chars++ == begin) break;
  }
  // The first byte past `max_chars` characters, then back to a word's end.
  std::size_t end = start;
  for (std::size_t chars = 0; end < answer.size(); ++end) {
    if (starts_char(end) && chars++ == max_chars) break;
  }
  const bool cut = end < answer.size();
  if (cut) {
    std::size_t space = end;
    while (space > start && !IsSpace(answer[space])) --space;
    if (space > start) end = space;  // One unbroken word is cut where it is.
  }
  std::string snippet = CollapseWhitespace(answer.substr(start, end - start));
  if (snippet.empty()) return snippet;
  if (start > 0) snippet.insert(0, "...");
  if (cut) snippet += "...";
  return snippet;
}

}  // namespace guru
