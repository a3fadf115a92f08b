// StemPrefixFilter: what passages rely on to skip stemming most words. Its
// promise rests on a property of the English stemmer, checked here on every
// word of the system's word list where there is one.
#include "index/stemming.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <fstream>
#include <string>
#include <vector>

#include "index/schema.h"

namespace guru::internal {
namespace {

// True when a filter holding only the stem of `word` lets `word` through.
bool PassesItsOwnStem(const Xapian::Stem& stemmer, const std::string& word) {
  StemPrefixFilter filter;
  filter.Add(StemWord(stemmer, word));
  return filter.MayStemToAny(word);
}

TEST(StemPrefixFilterTest, EveryWordPassesAFilterOfItsOwnStem) {
  const Xapian::Stem stemmer{std::string(schema::kLanguage)};
  // The stemmer's irregular forms and endings it rewrites most.
  std::vector<std::string> words = {
      "dying", "lying",  "tying", "skies",  "skis",    "aed",     "d's",     "news",
      "idly",  "gently", "ugly",  "early",  "only",    "singly",  "running", "studies",
      "knees", "y",      "yes",   "yearly", "happily", "cycling", "i",       "a's"};
  // And every word of the system's list, lower-cased as passages see them.
  std::ifstream list("/usr/share/dict/words");
  for (std::string line; std::getline(list, line);) {
    words.push_back(Xapian::Unicode::tolower(line));
  }
  int failures = 0;
  for (const std::string& word : words) {
    if (!PassesItsOwnStem(stemmer, word) && ++failures <= 20) {
      ADD_FAILURE() << word << " -> " << StemWord(stemmer, word);
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(StemPrefixFilterTest, TurnsAwayWordsThatStartOtherwise) {
  StemPrefixFilter filter;
  filter.Add("knee");
  filter.Add("a");
  EXPECT_TRUE(filter.MayStemToAny("kneeling"));
  EXPECT_TRUE(filter.MayStemToAny("ankle"));  // Might stem to "a", as "aed" does.
  EXPECT_TRUE(filter.MayStemToAny("a"));
  EXPECT_FALSE(filter.MayStemToAny("pain"));
  EXPECT_FALSE(filter.MayStemToAny("k"));
  EXPECT_FALSE(filter.MayStemToAny(""));
  // Bytes it cannot reason about go through.
  EXPECT_TRUE(filter.MayStemToAny("\xC3\xA9tude"));
  EXPECT_TRUE(filter.MayStemToAny("p\xC3\xA9"));
}

}  // namespace
}  // namespace guru::internal
