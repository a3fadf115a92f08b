// Reading the small files that options name (certificates, tokens, rules,
// word lists, vocabularies): one reader, so that every program refuses a
// device or a pipe and a file too large to be one of them alike.
// Thread-safe (no state).
#ifndef GURU_IO_READ_FILE_H_
#define GURU_IO_READ_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace guru {

// The whole content of `path`. INVALID_ARGUMENT "<option> <path>: <why>"
// when it cannot be read ("cannot read"), is not a regular file ("not a
// regular file (a device, pipe or socket)": it would be read for ever) or
// is over 64 MiB.
absl::StatusOr<std::string> ReadWholeFile(std::string_view option,
                                          const std::string& path);

}  // namespace guru

#endif  // GURU_IO_READ_FILE_H_
