// The word list that a --dictionary option names, for spelling correction
// (guru-server, guru-features).
#ifndef GURU_IO_DICTIONARY_H_
#define GURU_IO_DICTIONARY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/word_list.h"

namespace guru {

// The word list at `path` for Searcher::Open: null for "none" or "". A
// missing default file (kDefaultDictionaryFile) only costs correction
// quality: null, with `warning` saying so. Any other file that cannot be
// read is INVALID_ARGUMENT naming --dictionary and the file.
absl::StatusOr<std::shared_ptr<const WordList>> LoadDictionary(const std::string& path,
                                                               std::string& warning);

}  // namespace guru

#endif  // GURU_IO_DICTIONARY_H_
