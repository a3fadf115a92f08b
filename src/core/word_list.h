// A dictionary of correctly spelled words (e.g. Debian's /usr/share/dict/words):
// spelling correction leaves these alone even when no post contains them, so
// "my wife" is never "corrected" to "my life" by an index that lacks "wife".
// Immutable once built; thread-safe.
#ifndef GURU_CORE_WORD_LIST_H_
#define GURU_CORE_WORD_LIST_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

namespace guru {

class WordList {
 public:
  // One word per line; surrounding whitespace and blank lines are ignored,
  // ASCII letters are lower-cased. Any text parses (a word list has no
  // syntax to get wrong).
  static WordList Parse(std::string_view text);

  // `lower_word` as QueryWords yields it (lower-case ASCII letters).
  bool Contains(std::string_view lower_word) const;
  std::size_t size() const { return words_.size(); }

 private:
  std::unordered_set<std::string> words_;
};

}  // namespace guru

#endif  // GURU_CORE_WORD_LIST_H_
