#include "io/read_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/str_cat.h"

namespace guru {

namespace {
// Far above any token, PEM bundle, rules or advice file.
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;
}  // namespace

absl::StatusOr<std::string> ReadWholeFile(std::string_view option,
                                          const std::string& path) {
  // A device or a pipe (/dev/zero, a fifo) would be read for ever.
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (!error && std::filesystem::exists(status) &&
      !std::filesystem::is_regular_file(status)) {
    return absl::InvalidArgumentError(
        StrCat(option, " ", path, ": not a regular file (a device, pipe or socket)"));
  }
  if (const std::uintmax_t size = std::filesystem::file_size(path, error);
      !error && size > kMaxFileBytes) {
    return absl::InvalidArgumentError(
        StrCat(option, " ", path, ": ", size, " bytes; at most ", kMaxFileBytes));
  }
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
