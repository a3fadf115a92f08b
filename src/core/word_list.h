// A dictionary of correctly spelled words (e.g. Debian's /usr/share/dict/words):
// spelling correction leaves these alone even when no post contains them, so
// "my wife" is never "corrected" to "my life" by an index that lacks "wife".
// Immutable once built; thread-safe.
#ifndef GURU_CORE_WORD_LIST_H_
#define GURU_CORE_WORD_LIST_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace guru {

// Debian's word list (package wamerican, or another that provides it).
inline constexpr std::string_view kDefaultDictionaryFile = "/usr/share/dict/words";

class WordList {
 public:
  // One word per line (UTF-8, a byte-order mark ignored); surrounding
  // whitespace and blank lines are ignored. Letters are lower-cased as
  // queries are (ASCII and the Latin-1 capitals, e.g. "Ångström"). Any text
  // parses: a word list has no syntax to get wrong.
  static WordList Parse(std::string_view text);

  // `lower_word`: a query word, already lower-cased.
  bool Contains(std::string_view lower_word) const;
  std::size_t size() const { return words_.size(); }

 private:
  // The folded text, on the heap so that moving a WordList keeps `words_`
  // valid, and the words as views into it, sorted and unique: one allocation
  // and a sort of small views (about 2.5 MiB and 40 ms for wamerican's 100k
  // words), and a lookup per query word is a binary search.
  std::unique_ptr<std::string> text_;
  std::vector<std::string_view> words_;
};

}  // namespace guru

#endif  // GURU_CORE_WORD_LIST_H_
