#include "server/read_file.h"

#include <fstream>
#include <sstream>

#include "core/str_cat.h"

namespace guru {

absl::StatusOr<std::string> ReadWholeFile(std::string_view option,
                                          const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (!in || !(content << in.rdbuf())) {
    return absl::InvalidArgumentError(StrCat(option, " ", path, ": cannot read"));
  }
  return content.str();
}

}  // namespace guru
