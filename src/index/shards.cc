#include "index/shards.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kShardLinePrefix = "auto shard-";

}  // namespace

int ShardOf(std::string_view id, int shards) {
  return static_cast<int>(Fnv1a64(id) % static_cast<std::uint64_t>(shards));
}

std::string ShardDirName(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "shard-%03d", index);
  return name;
}

absl::StatusOr<int> ShardCount(const std::string& path) {
  const fs::path stub = fs::path(path) / kStubFileName;
  std::error_code ec;
  if (!fs::is_regular_file(stub, ec)) return 0;
  std::ifstream in(stub, std::ios::binary);
  if (!in) return absl::UnavailableError(StrCat("cannot read ", stub.string()));
  int shards = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(kShardLinePrefix)) ++shards;
  }
  if (shards == 0) {
    return absl::InvalidArgumentError(StrCat(
        stub.string(), " lists no guru-indexer shards (\"auto shard-NNN\" lines)"));
  }
  return shards;
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
  std::ifstream in(stub, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t start = line.find_first_not_of(" \t");
    if (start != std::string::npos && line.compare(start, 7, "remote ") == 0) return true;
  }
  return false;
}

}  // namespace guru
