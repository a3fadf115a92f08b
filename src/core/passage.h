// Best passage: the one to three whole sentences of an expert's reply that
// best answer a query, with the query's words marked. Pure functions;
// thread-safe.
#ifndef GURU_CORE_PASSAGE_H_
#define GURU_CORE_PASSAGE_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace guru {

// [begin, end) in code points (characters) of the whole answer.
struct CharSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct BestPassage {
  std::string text;
  CharSpan span;
  std::vector<CharSpan> highlights;
};

struct PassageOptions {
  int max_sentences = 3;
  // A window is not grown past this many characters, so passages stay
  // readable in a chat bubble (a single longer sentence is still whole).
  std::size_t max_chars = 400;
  // Shorter windows are extended by a neighbouring sentence when one exists.
  std::size_t min_chars = 40;
  // Work per answer is bounded: text after this many bytes is not examined.
  std::size_t max_scan_bytes = std::size_t{32} * 1024;
  // A single sentence longer than this (a list without full stops) is cut
  // at the last space before it.
  std::size_t max_sentence_chars = 1200;
};

// What the query makes of a lower-cased word of the answer: the term it
// counts as (e.g. its stem, so "knees" and "knee" count once) and its weight.
struct WordMatch {
  std::string term;
  double weight = 0;
};
// Called for every word scanned: null when the query does not search for the
// word (or its weight is not positive). The caller owns what it points to,
// which must stay where it is until FindBestPassage returns (a node-based
// map's entries do; a flat map's move as it grows); a caller whose answer is
// costly (stemming) caches it, and a cache is then also what it points into.
using WordWeight = std::function<const WordMatch*(const std::string& lower_word)>;

// Splits `answer` into sentences (and list items, see SplitSentences) and
// picks the window of consecutive sentences (within one paragraph) whose
// distinct query words weigh most; ties go to the shorter, then the earlier
// window. A window that ends with a list's introduction ("...include the
// following:") takes the item after it, and more items while it stays within
// `max_chars` and `max_sentences`. When no sentence has a query word, the
// answer's opening sentences are returned. Empty for an empty answer.
BestPassage FindBestPassage(std::string_view answer, const WordWeight& weight,
                            const PassageOptions& options = {});

// A plain-text extract of about `max_chars` characters of `answer` (valid
// UTF-8) that starts at character `begin` (a passage's start): cut after a
// whole word, whitespace collapsed, "..." where text is left out at either
// end. Costs one pass over the extract, unlike a search engine's snippet.
std::string SnippetAt(std::string_view answer, std::size_t begin, std::size_t max_chars);

namespace internal {

// Internal to passage.cc (declared for its tests): the sentences of `text` as [begin,
// end) byte ranges, whitespace trimmed: a sentence ends after '.', '!' or '?' (and
// closing quotes or brackets) followed by whitespace, unless the word before is a common
// abbreviation
// ("e.g.", "Dr.") or a single letter; a line break ends a sentence too when
// the next line is blank or starts a list item ("- ", "* ", "• ", "1. "), or
// when the line ends without punctuation (a heading, a list item written
// without a full stop) and the next one starts with a capital or a digit
// (a hard-wrapped sentence, going on in lower case, stays whole). List items
// are units of their own, so a passage never cuts one: on its own line, and
// also in a list written on one line (" - " after a colon that introduces
// the list, or inside a unit that is a list item: "Call 911 if your child:
// - Cannot walk - Has a seizure" is three units).
std::vector<std::pair<std::size_t, std::size_t>> SplitSentences(std::string_view text);

}  // namespace internal
}  // namespace guru

#endif  // GURU_CORE_PASSAGE_H_
