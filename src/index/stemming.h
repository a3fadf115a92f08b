// Internal to src/index: words to the stems the index holds, one way for the
// writer and the searcher alike.
#ifndef GURU_INDEX_STEMMING_H_
#define GURU_INDEX_STEMMING_H_

#include <xapian.h>

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

#include "core/synonyms.h"

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

// The synonym table's key for a vocabulary member (its words, as
// SynonymFile has them) whose stems are `stems`: the stems, but for an
// abbreviation written in capitals that the stemmer changes ("EDS" -> "ed",
// which is ED's key), its capitals, which no stem can be.
inline std::string MemberKey(const std::vector<std::string>& member,
                             const std::string& stems) {
  if (member.size() == 1 && IsWrittenInCapitals(member[0]) &&
      stems != Xapian::Unicode::tolower(member[0])) {
    return member[0];
  }
  return stems;
}

// The key a word of a message is listed under as an abbreviation (MemberKey)
// when the stemmer changed it ("eds", stem "ed" -> "EDS"); empty otherwise.
// The caller looks it up before the stem.
inline std::string AbbreviationKey(const std::string& lower_word,
                                   const std::string& stem) {
  return stem == lower_word ? std::string() : InCapitals(lower_word);
}

// Tells, without stemming, which lower-cased words cannot stem to any of a
// few stems. The English (Porter2) stemmer rewrites only a word's ending:
// a stem keeps its word's first byte and, but for "dying", "lying" and
// "tying" (-> "die", "lie", "tie"), its second; keys fold 'y' into 'i' to
// keep those. A passage looks up every word of ten answers, and most words
// share no two-byte start with the query's stems, so most need no stemming.
// Words whose first two bytes are not both ASCII are always let through, so
// stems that start so need no key. A value; Add and MayStemToAny on one
// filter from several threads need the caller's lock.
class StemPrefixFilter {
 public:
  void Add(std::string_view stem) {
    if (stem.empty() || !IsAscii(stem[0])) return;
    if (stem.size() == 1) {
      one_byte_.set(Byte(stem[0]));
    } else if (IsAscii(stem[1])) {
      two_bytes_.set(Key(stem[0], stem[1]));
    }
  }

  // False only when `lower_word` stems to none of the stems added.
  bool MayStemToAny(std::string_view lower_word) const {
    if (lower_word.empty()) return false;
    if (!IsAscii(lower_word[0])) return true;
    if (one_byte_.test(Byte(lower_word[0]))) return true;
    if (lower_word.size() == 1) return false;
    if (!IsAscii(lower_word[1])) return true;
    return two_bytes_.test(Key(lower_word[0], lower_word[1]));
  }

 private:
  static bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }
  static std::size_t Byte(char c) { return static_cast<unsigned char>(c); }
  static std::size_t Key(char first, char second) {
    return Byte(first) << 7 | Byte(second == 'y' ? 'i' : second);
  }

  std::bitset<std::size_t{1} << 14> two_bytes_;  // Two ASCII bytes.
  std::bitset<128> one_byte_;
};

}  // namespace guru::internal

#endif  // GURU_INDEX_STEMMING_H_
