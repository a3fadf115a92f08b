#include "server/read_file.h"

#include <fstream>
#include <iterator>

#include "core/str_cat.h"

namespace guru {

absl::StatusOr<std::string> ReadWholeFile(std::string_view option,
                                          const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(StrCat(option, " ", path, ": cannot read"));
  // Not `stream << rdbuf()`, which fails on an empty file: the caller says
  // "empty", which is the truth.
  std::string content((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  if (in.bad()) {
    return absl::InvalidArgumentError(StrCat(option, " ", path, ": cannot read"));
  }
  return content;
}

}  // namespace guru
