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
  // punctuation and stopwords gone), so that they match a query's words.
  std::vector<std::vector<std::vector<std::string>>> groups;
};

// Parses a vocabulary file:
//   # comments and blank lines are ignored
//   version 1                       (required, before the first group)
//   kneecap | knee cap | patella    (two or more members per line)
// INVALID_ARGUMENT "line N: ..." for a missing version, a group of fewer than
// two members, or a member with no content words.
absl::StatusOr<SynonymFile> ParseSynonymFile(std::string_view text);

}  // namespace guru

#endif  // GURU_CORE_SYNONYMS_H_
