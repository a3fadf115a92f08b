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

// The stub's text: comments, then one line per shard and the synonyms line.
std::string StubText(int shards) {
  std::string text =
      StrCat("# Written by guru-indexer: ", shards,
             " shards of posts (a post's shard is FNV-1a 64 of its id modulo the shard\n"
             "# count) and the synonym table. Open this directory as one Xapian "
             "database.\n");
  for (int i = 0; i < shards; ++i) text += StrCat("auto ", ShardDirName(i), "\n");
  text += StrCat("auto ", kSynonymsDirName, "\n");
  return text;
}

// Writes the stub next to its final place, then renames it there, so a reader
// never sees half of it.
absl::Status WriteStub(const fs::path& dir, int shards) {
  std::error_code ec;
  const fs::path stub = dir / kStubFileName;
  const fs::path temp = dir / StrCat(kStubFileName, ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << StubText(shards);
    out.flush();
    if (!out) {
      return absl::UnavailableError(StrCat("cannot write ", temp.string()));
    }
  }
  fs::rename(temp, stub, ec);
  if (ec) {
    return absl::UnavailableError(
        StrCat("cannot write ", stub.string(), ": ", ec.message()));
  }
  return absl::OkStatus();
}

// Whether `dir` exists and has anything in it.
bool NonEmptyDirectory(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && !fs::is_empty(dir, ec);
}

// Whether `dir` holds what the creation of a sharded index leaves when it is
// cut short before its stub is written: shard and synonyms databases, perhaps
// the stub's temporary file, nothing else.
bool IsUnfinishedSharding(const fs::path& dir) {
  std::error_code ec;
  bool any = false;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("shard-") && name != kSynonymsDirName &&
        name != StrCat(kStubFileName, ".tmp")) {
      return false;
    }
    any = true;
  }
  return any && !ec;
}

// The databases of a sharded index of `shards` shards at `path`, as its stub
// lists them: the shards in order, then the synonyms database.
std::vector<std::string> DatabasePaths(const std::string& path, int shards) {
  std::vector<std::string> paths;
  paths.reserve(static_cast<std::size_t>(shards) + 1);
  for (int i = 0; i < shards; ++i) {
    paths.push_back((fs::path(path) / ShardDirName(i)).string());
  }
  paths.push_back((fs::path(path) / kSynonymsDirName).string());
  return paths;
}

using Writers = std::vector<std::unique_ptr<IndexWriter>>;

// Opens (or creates) each of `paths`, in order.
absl::StatusOr<Writers> OpenAll(const std::vector<std::string>& paths) {
  Writers writers;
  for (const std::string& db : paths) {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(db);
    if (!writer.ok()) return writer.status();
    writers.push_back(*std::move(writer));
  }
  return writers;
}

// The topmost directory of `path` that does not exist ("" when `path`
// exists): the one that creating `path` makes first.
fs::path TopmostMissing(const fs::path& path) {
  fs::path missing;
  std::error_code ec;
  for (fs::path p = path; !p.empty() && !fs::exists(p, ec) && !ec; p = p.parent_path()) {
    missing = p;
    if (p == p.parent_path()) break;
  }
  return missing;
}

// Creates the databases of a new sharded index, then its stub. The stub comes
// last so that it means "every database I list was created": one missing
// later was lost, not yet to be made. A failed creation removes what it made,
// unless another indexer holds a database: then that indexer is creating it.
absl::StatusOr<Writers> CreateSharded(const std::string& path, int shards) {
  const std::vector<std::string> paths = DatabasePaths(path, shards);
  std::vector<fs::path> made = {TopmostMissing(path)};
  for (const std::string& db : paths) made.push_back(TopmostMissing(db));
  absl::StatusOr<Writers> writers = OpenAll(paths);
  absl::Status status = writers.status();
  if (status.ok()) status = WriteStub(path, shards);
  if (status.ok()) return writers;
  writers = Writers();  // Closed before their directories go.
  if (!IsLockedByAnotherWriter(status)) {
    std::error_code ec;
    for (const fs::path& dir : made) {
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  }
  return status;
}

// Opens the databases of the existing sharded index at `path`. Each must be
// there: IndexWriter::Open would create an empty one in place of a lost
// shard, and its posts would vanish from every search without a word.
absl::StatusOr<Writers> OpenSharded(const std::string& path) {
  absl::StatusOr<std::vector<std::string>> paths = ShardedDatabasePaths(path);
  if (!paths.ok()) return paths.status();
  for (const std::string& db : *paths) {
    if (!HoldsDatabase(db)) {
      return absl::FailedPreconditionError(
          StrCat(path, " is missing its database ", fs::path(db).filename().string(),
                 " (none in ", db,
                 "); restore it from a copy, or reindex into a new directory: a lost "
                 "shard is not created again empty"));
    }
  }
  return OpenAll(*paths);
}

// The databases of the index at `path`, whose stub lists `count` shards (0:
// no stub), opened for a run that asked for `shards` (0: as it is).
absl::StatusOr<Writers> OpenDatabases(const std::string& path, int count, int shards) {
  if (count > 0) return OpenSharded(path);
  if (IsUnfinishedSharding(path)) {
    if (shards > 0) return CreateSharded(path, shards);
    return absl::FailedPreconditionError(
        StrCat(path, " holds a sharded index whose creation was cut short (no ",
               kStubFileName, " yet); run again with --shards to complete it"));
  }
  if (shards == 0) return OpenAll({path});
  if (NonEmptyDirectory(path)) {
    return absl::FailedPreconditionError(
        StrCat(path,
               " holds an index that is not sharded; reindex into a new "
               "directory to split it into ",
               shards, " shards"));
  }
  return CreateSharded(path, shards);
}

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

absl::StatusOr<std::vector<std::string>> ShardedDatabasePaths(const std::string& path) {
  absl::StatusOr<int> shards = ShardCount(path);
  if (!shards.ok()) return shards.status();
  if (*shards == 0) return std::vector<std::string>();
  return DatabasePaths(path, *shards);
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

ShardedIndexWriter::ShardedIndexWriter(std::vector<std::unique_ptr<IndexWriter>> shards,
                                       std::unique_ptr<IndexWriter> synonyms)
    : shards_(std::move(shards)), synonyms_(std::move(synonyms)) {}

ShardedIndexWriter::~ShardedIndexWriter() = default;

absl::StatusOr<std::unique_ptr<ShardedIndexWriter>> ShardedIndexWriter::Open(
    const std::string& path, int shards) {
  if (shards < 0 || shards > kMaxShards) {
    return absl::InvalidArgumentError(
        StrCat("shard count ", shards, " is out of range (1..", kMaxShards, ")"));
  }
  absl::StatusOr<int> existing = ShardCount(path);
  if (!existing.ok()) return existing.status();
  const int count = *existing;
  if (count > 0 && shards > 0 && shards != count) {
    return absl::FailedPreconditionError(
        StrCat(path, " is split into ", count, " shards, not ", shards,
               "; the shard count cannot change in place: reindex into a new "
               "directory with --shards ",
               shards, ", or leave --shards out to use the ", count, " there"));
  }
  absl::StatusOr<Writers> writers = OpenDatabases(path, count, shards);
  if (!writers.ok()) return writers.status();
  std::unique_ptr<IndexWriter> synonyms;
  if (count > 0 || shards > 0) {
    synonyms = std::move(writers->back());
    writers->pop_back();
  }
  return std::unique_ptr<ShardedIndexWriter>(
      new ShardedIndexWriter(*std::move(writers), std::move(synonyms)));
}

int ShardedIndexWriter::shard_count() const {
  return synonyms_ ? static_cast<int>(shards_.size()) : 0;
}

IndexWriter& ShardedIndexWriter::ShardFor(std::string_view id) {
  return *shards_[static_cast<std::size_t>(
      ShardOf(id, static_cast<int>(shards_.size())))];
}

absl::StatusOr<UpsertResult> ShardedIndexWriter::Upsert(const v1::Post& post,
                                                        std::string_view source) {
  return ShardFor(post.id()).Upsert(post, source);
}

absl::StatusOr<std::uint64_t> ShardedIndexWriter::Prune(
    std::string_view directory, const std::function<bool(std::string_view)>& present) {
  std::uint64_t deleted = 0;
  for (const auto& shard : shards_) {
    absl::StatusOr<std::uint64_t> pruned = shard->Prune(directory, present);
    if (!pruned.ok()) return pruned.status();
    deleted += *pruned;
  }
  return deleted;
}

absl::StatusOr<bool> ShardedIndexWriter::SetSynonyms(const SynonymFile& file,
                                                     const IndexVocabulary& vocabulary) {
  return (synonyms_ ? *synonyms_ : *shards_.front()).SetSynonyms(file, vocabulary);
}

absl::StatusOr<IndexVocabulary> ShardedIndexWriter::Vocabulary() const {
  return (synonyms_ ? *synonyms_ : *shards_.front()).Vocabulary();
}

absl::StatusOr<bool> ShardedIndexWriter::Delete(std::string_view id) {
  return ShardFor(id).Delete(id);
}

absl::Status ShardedIndexWriter::Commit() {
  for (const auto& shard : shards_) {
    if (absl::Status s = shard->Commit(); !s.ok()) return s;
  }
  return synonyms_ ? synonyms_->Commit() : absl::OkStatus();
}

absl::StatusOr<std::uint64_t> ShardedIndexWriter::PostCount() const {
  std::uint64_t posts = 0;
  for (const auto& shard : shards_) {
    absl::StatusOr<std::uint64_t> count = shard->PostCount();
    if (!count.ok()) return count.status();
    posts += *count;
  }
  return posts;
}

}  // namespace guru
