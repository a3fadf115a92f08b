#include "index/shards.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

namespace fs = std::filesystem;

}  // namespace

int ShardOf(std::string_view id, int shards) {
  return static_cast<int>(Fnv1a64(id) % static_cast<std::uint64_t>(shards));
}

std::string ShardDirName(int index) {
  char number[16];
  std::snprintf(number, sizeof number, "%03d", index);
  return StrCat(kShardDirPrefix, number);
}

absl::StatusOr<std::vector<StubLine>> ReadStub(const std::string& stub) {
  std::ifstream in(stub, std::ios::binary);
  if (!in) return absl::UnavailableError(StrCat("cannot read ", stub));
  std::vector<StubLine> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    const std::size_t space = std::min(line.find(' '), line.size());
    lines.push_back({line.substr(0, space),
                     space < line.size() ? line.substr(space + 1) : std::string()});
  }
  if (in.bad()) return absl::UnavailableError(StrCat("cannot read ", stub));
  return lines;
}

absl::StatusOr<int> ShardCount(const std::string& path) {
  const fs::path stub = fs::path(path) / kStubFileName;
  std::error_code ec;
  if (!fs::is_regular_file(stub, ec)) return 0;
  absl::StatusOr<std::vector<StubLine>> lines = ReadStub(stub.string());
  if (!lines.ok()) return lines.status();
  const auto shards =
      std::count_if(lines->begin(), lines->end(), [](const StubLine& line) {
        return line.type == "auto" && line.argument.starts_with(kShardDirPrefix);
      });
  if (shards == 0) {
    return absl::InvalidArgumentError(StrCat(
        stub.string(), " lists no guru-indexer shards (\"auto shard-NNN\" lines)"));
  }
  return static_cast<int>(shards);
}

std::vector<std::string> ShardedDatabasePaths(const std::string& path, int shards) {
  std::vector<std::string> paths;
  paths.reserve(static_cast<std::size_t>(shards) + 1);
  for (int i = 0; i < shards; ++i) {
    paths.push_back((fs::path(path) / ShardDirName(i)).string());
  }
  paths.push_back((fs::path(path) / kSynonymsDirName).string());
  return paths;
}

absl::StatusOr<std::vector<std::string>> ShardedDatabasePaths(const std::string& path) {
  absl::StatusOr<int> shards = ShardCount(path);
  if (!shards.ok()) return shards.status();
  if (*shards == 0) return std::vector<std::string>();
  return ShardedDatabasePaths(path, *shards);
}

bool ListsRemoteDatabases(const std::string& path) {
  std::error_code ec;
  fs::path stub(path);
  if (fs::is_directory(stub, ec)) stub /= kStubFileName;
  if (!fs::is_regular_file(stub, ec)) return false;
  absl::StatusOr<std::vector<StubLine>> lines = ReadStub(stub.string());
  return lines.ok() &&
         std::any_of(lines->begin(), lines->end(),
                     [](const StubLine& line) { return line.type == "remote"; });
}

absl::StatusOr<std::string> LocateShardServer() {
  const char* search_path = std::getenv("PATH");
  std::string_view dirs = search_path != nullptr ? search_path : "/usr/bin:/bin";
  while (true) {
    const std::size_t colon = std::min(dirs.find(':'), dirs.size());
    // An empty entry is the working directory, as for execvp.
    const fs::path dir = colon == 0 ? fs::path(".") : fs::path(dirs.substr(0, colon));
    const fs::path program = dir / kShardServerProgram;
    if (::access(program.c_str(), X_OK) == 0) {
      std::error_code ec;
      const fs::path absolute = fs::absolute(program, ec);
      return ec ? program.string() : absolute.string();
    }
    if (colon == dirs.size()) break;
    dirs.remove_prefix(colon + 1);
  }
  return absl::FailedPreconditionError(
      StrCat(kShardServerProgram,
             " is not on PATH; install Debian's xapian-tools to match "
             "shards in child processes"));
}

}  // namespace guru
