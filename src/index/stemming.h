// Internal to src/index: words to the stems the index holds, one way for the
// writer and the searcher alike.
#ifndef GURU_INDEX_STEMMING_H_
#define GURU_INDEX_STEMMING_H_

#include <xapian.h>

#include <string>
#include <vector>

namespace guru::internal {

// TermGenerator's default: longer words are not indexed.
inline constexpr std::size_t kMaxWordBytes = 64;

// The stem of a content word (from QueryWords), lower-cased as TermGenerator
// lower-cases; empty for a word too long to be indexed.
inline std::string StemWord(const Xapian::Stem& stemmer, const std::string& word) {
  const std::string lower = Xapian::Unicode::tolower(word);
  return lower.size() > kMaxWordBytes ? std::string() : stemmer(lower);
}

// A phrase's stems joined by single spaces: the key and value form of the
// synonym table.
inline std::string StemPhrase(const Xapian::Stem& stemmer,
                              const std::vector<std::string>& words) {
  std::string phrase;
  for (const std::string& word : words) {
    const std::string stem = StemWord(stemmer, word);
    if (stem.empty()) continue;
    if (!phrase.empty()) phrase.push_back(' ');
    phrase += stem;
  }
  return phrase;
}

}  // namespace guru::internal

#endif  // GURU_INDEX_STEMMING_H_
