// Reading the small files that options name (certificates, tokens, rules).
#ifndef GURU_SERVER_READ_FILE_H_
#define GURU_SERVER_READ_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace guru {

// The whole content of `path`; INVALID_ARGUMENT "<option> <path>: cannot
// read" when it cannot be read.
absl::StatusOr<std::string> ReadWholeFile(std::string_view option,
                                          const std::string& path);

}  // namespace guru

#endif  // GURU_SERVER_READ_FILE_H_
