// Vocabulary files: groups of words or phrases that name the same thing
// ("kneecap | patella"), used to bridge a person's words and an expert's.
// Pure functions; thread-safe.
#ifndef GURU_CORE_SYNONYMS_H_
#define GURU_CORE_SYNONYMS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace guru {

struct SynonymFile {
  // From the "version N" line; part of what identifies the loaded table.
  std::string version;
  // Each group's members, as their content words (QueryWords: lower-case,
  // punctuation and stopwords gone), so that they match a query's words; a
  // member written in capitals is kept as written (IsWrittenInCapitals).
  std::vector<std::vector<std::vector<std::string>>> groups;
};

// True for a word written in capitals, as abbreviations are ("EDS", "PCOS",
// "CF1"): 2 to 10 ASCII letters and digits, the first a letter, no letter
// lower-case. A vocabulary member so written is matched by its letters in any
// case, not by its stem: the stemmer takes "EDS" (Ehlers-Danlos syndrome)
// for the plural of "ed" (ED, erectile dysfunction), and "POTS" for "pot".
bool IsWrittenInCapitals(std::string_view word);

// `word` upper-cased when that is a word written in capitals ("eds" ->
// "EDS"); empty otherwise.
std::string InCapitals(std::string_view word);

// Parses a vocabulary file:
//   # comments and blank lines are ignored
//   version 1                       (required, before the first group)
//   kneecap | knee cap | patella    (two or more members per line)
//   EDS | ehlers-danlos syndrome    (an abbreviation in capitals: its letters)
// INVALID_ARGUMENT "line N: ..." for a missing version, a group of fewer than
// two members, or a member with no content words.
absl::StatusOr<SynonymFile> ParseSynonymFile(std::string_view text);

}  // namespace guru

#endif  // GURU_CORE_SYNONYMS_H_
