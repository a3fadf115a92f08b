#include "index/index_writer.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "core/str_cat.h"
#include "index/database_writer.h"
#include "index/document_builder.h"
#include "index/schema.h"
#include "index/shards.h"

namespace guru {
namespace {

namespace fs = std::filesystem;

using internal::DatabaseWriter;
using internal::DescribePost;
using internal::DocumentBuilder;
using internal::HoldsDatabase;
using internal::PreparedPostData;

// The stub's text: comments, then one line per shard and one for the side database.
std::string StubText(int shards) {
  std::string text =
      StrCat("# Written by guru-indexer: ", shards,
             " shards of posts (a post's shard is FNV-1a 64 of its id modulo the shard\n"
             "# count) and the side database of the synonym table and spelling data.\n"
             "# Open this directory as one Xapian database.\n");
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
    if (!name.starts_with(kShardDirPrefix) && name != kSynonymsDirName &&
        name != StrCat(kStubFileName, ".tmp")) {
      return false;
    }
    any = true;
  }
  return any && !ec;
}

using Writers = std::vector<std::unique_ptr<DatabaseWriter>>;

// `status`, its message saying which database of a sharded index it is about.
absl::Status InDatabase(const absl::Status& status, std::string_view database) {
  absl::Status named(status.code(), StrCat(database, ": ", status.message()));
  status.ForEachPayload([&named](absl::string_view url, const absl::Cord& payload) {
    named.SetPayload(url, payload);
  });
  return named;
}

// Opens (or creates) each of `paths`, in order.
absl::StatusOr<Writers> OpenAll(const std::vector<std::string>& paths) {
  Writers writers;
  for (const std::string& db : paths) {
    absl::StatusOr<std::unique_ptr<DatabaseWriter>> writer = DatabaseWriter::Open(db);
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
  const std::vector<std::string> paths = ShardedDatabasePaths(path, shards);
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
// there: DatabaseWriter::Open would create an empty one in place of a lost
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

IndexWriter::IndexWriter(std::string path,
                         std::vector<std::unique_ptr<DatabaseWriter>> shards,
                         std::unique_ptr<DatabaseWriter> side)
    : path_(std::move(path)), shards_(std::move(shards)), side_(std::move(side)) {}

IndexWriter::~IndexWriter() = default;

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path,
                                                               int shards) {
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
  std::unique_ptr<DatabaseWriter> side;
  if (count > 0 || shards > 0) {
    side = std::move(writers->back());
    writers->pop_back();
  }
  // Shards written before the spelling data moved to the side database
  // still hold theirs; this run's first commit moves it.
  if (side) {
    for (std::size_t i = 0; i < writers->size(); ++i) {
      const std::string name = ShardDirName(static_cast<int>(i));
      if (absl::Status s = (*writers)[i]->MoveStoredSpellingTo(*side, name); !s.ok()) {
        return InDatabase(s, StrCat(path, "/", name));
      }
    }
  }
  return std::unique_ptr<IndexWriter>(
      new IndexWriter(path, *std::move(writers), std::move(side)));
}

int IndexWriter::shard_count() const {
  return side_ ? static_cast<int>(shards_.size()) : 0;
}

DatabaseWriter& IndexWriter::ShardFor(std::string_view id) {
  return *shards_[static_cast<std::size_t>(
      ShardOf(id, static_cast<int>(shards_.size())))];
}

absl::StatusOr<UpsertResult> IndexWriter::Upsert(const v1::Post& post,
                                                 std::string_view source) {
  PreparedPostData prepared = DescribePost(post, std::string(source));
  return ShardFor(post.id()).Upsert(prepared);
}

absl::StatusOr<UpsertResult> IndexWriter::Upsert(PreparedPost prepared) {
  return ShardFor(prepared.post().id()).Upsert(*prepared.data_);
}

PreparedPost::PreparedPost(std::unique_ptr<PreparedPostData> data)
    : data_(std::move(data)) {}
PreparedPost::~PreparedPost() = default;
PreparedPost::PreparedPost(PreparedPost&&) noexcept = default;
PreparedPost& PreparedPost::operator=(PreparedPost&&) noexcept = default;
const v1::Post& PreparedPost::post() const { return data_->post; }

struct PostPreparer::Impl {
  explicit Impl(std::string index_path) : path(std::move(index_path)) {}

  // Whether the index as committed when first asked holds a post with this
  // fingerprint (of its id, content and source). Read once, as a sorted
  // list, so that asking costs no B-tree lookup: that would make the
  // preparer as slow as the writer on a re-run. When the index cannot be
  // read the answer is no: the writer decides.
  bool StoredUnchanged(std::string_view fingerprint) {
    if (!stored) stored = ReadStoredFingerprints(path);
    const std::optional<std::uint64_t> key = FingerprintKey(fingerprint);
    return key && std::binary_search(stored->begin(), stored->end(), *key);
  }

  static std::optional<std::uint64_t> FingerprintKey(std::string_view hex) {
    std::uint64_t key = 0;
    const auto [end, error] =
        std::from_chars(hex.data(), hex.data() + hex.size(), key, 16);
    if (error != std::errc() || end != hex.data() + hex.size()) return std::nullopt;
    return key;
  }

  static std::vector<std::uint64_t> ReadStoredFingerprints(const std::string& path) {
    std::vector<std::uint64_t> keys;
    try {
      Xapian::Database db(path);
      for (auto it = db.valuestream_begin(schema::kFingerprintSlot);
           it != db.valuestream_end(schema::kFingerprintSlot); ++it) {
        if (std::optional<std::uint64_t> key = FingerprintKey(*it)) keys.push_back(*key);
      }
    } catch (const Xapian::Error&) {
      keys.clear();  // E.g. modified while read: every post is built.
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  const std::string path;
  DocumentBuilder builder;
  std::optional<std::vector<std::uint64_t>> stored;
};

PostPreparer::PostPreparer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PostPreparer::~PostPreparer() = default;

PreparedPost PostPreparer::Prepare(v1::Post post, std::string source) {
  auto data = std::make_unique<PreparedPostData>(
      DescribePost(std::move(post), std::move(source)));
  if (!impl_->StoredUnchanged(data->fingerprint)) {
    try {
      data->document = impl_->builder.Build(data->post, data->data);
    } catch (const Xapian::Error&) {
      // Left to the writer, which builds it again and reports the error.
    }
  }
  return PreparedPost(std::move(data));
}

std::unique_ptr<PostPreparer> IndexWriter::NewPreparer() const {
  return std::unique_ptr<PostPreparer>(
      new PostPreparer(std::make_unique<PostPreparer::Impl>(path_)));
}

absl::StatusOr<std::uint64_t> IndexWriter::Prune(
    std::string_view directory, const std::function<bool(std::string_view)>& present) {
  std::uint64_t deleted = 0;
  for (const auto& shard : shards_) {
    absl::StatusOr<std::uint64_t> pruned = shard->Prune(directory, present);
    if (!pruned.ok()) return pruned.status();
    deleted += *pruned;
  }
  return deleted;
}

absl::StatusOr<bool> IndexWriter::SetSynonyms(const SynonymFile& file,
                                              const IndexVocabulary& vocabulary) {
  return (side_ ? *side_ : *shards_.front()).SetSynonyms(file, vocabulary);
}

absl::StatusOr<IndexVocabulary> IndexWriter::Vocabulary() const {
  return (side_ ? *side_ : *shards_.front()).Vocabulary();
}

absl::StatusOr<bool> IndexWriter::Delete(std::string_view id) {
  return ShardFor(id).Delete(id);
}

absl::Status IndexWriter::Commit() {
  if (side_) {
    // The side database commits first. When a shard's commit then fails (a
    // crash, a full disk), the run that indexes the batch again counts its
    // words again: added posts' twice, and deleted or replaced posts' old
    // words out twice. The other order would instead lose the batch's words
    // for good, as that run finds the committed posts unchanged. Either way
    // only suggestions' ranking by frequency is off; reindexing recounts.
    for (const auto& shard : shards_) {
      if (absl::Status s = side_->AddSpellingChanges(shard->TakeSpellingChanges());
          !s.ok()) {
        return s;
      }
    }
    if (absl::Status s = side_->Commit(); !s.ok()) return InDatabase(s, kSynonymsDirName);
  }
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    if (absl::Status s = shards_[i]->Commit(); !s.ok()) {
      return side_ ? InDatabase(s, ShardDirName(static_cast<int>(i))) : s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::uint64_t> IndexWriter::PostCount() const {
  std::uint64_t posts = 0;
  for (const auto& shard : shards_) {
    absl::StatusOr<std::uint64_t> count = shard->PostCount();
    if (!count.ok()) return count.status();
    posts += *count;
  }
  return posts;
}

}  // namespace guru
