// An index split into shards: N Xapian databases under one directory, listed
// by a Xapian stub database file, so that every Xapian reader (guru-server,
// xapian-delve, a stub of `remote` shards) opens the whole as one database.
//
//   DIR/XAPIANDB      the stub: "auto shard-000" ... and "auto synonyms"
//   DIR/shard-000/    posts whose id hashes to 0 (FNV-1a 64 of the id mod N)
//   DIR/shard-001/    ...
//   DIR/synonyms/     no posts: the synonym table (see below)
//
// A post's shard depends only on its id and N, so upserts, deletions and
// prunes reach the shard that holds it. N is fixed when the directory is
// created; changing it means reindexing into a new directory.
//
// The synonym table lives in its own database rather than in the shards
// because Xapian's remote backend does not serve synonyms: a stub of
// `remote` shards lists a local copy of DIR/synonyms to keep them
// (docs/SCALING.md).
#ifndef GURU_INDEX_SHARDS_H_
#define GURU_INDEX_SHARDS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/synonyms.h"
#include "guru/v1/post.pb.h"
#include "index/index_writer.h"

namespace guru {

// Most shards one index may have.
inline constexpr int kMaxShards = 1024;

// Name of the stub file inside a sharded index directory (Xapian opens a
// directory holding this file as the databases it lists).
inline constexpr std::string_view kStubFileName = "XAPIANDB";

// Name of the database of the synonym table inside a sharded directory.
inline constexpr std::string_view kSynonymsDirName = "synonyms";

// The shard, in [0, shards), that holds the post with `id`: FNV-1a 64 of the
// id's bytes modulo `shards`. Stable across runs, machines and releases.
int ShardOf(std::string_view id, int shards);

// "shard-007": the directory of shard `index` inside a sharded directory.
std::string ShardDirName(int index);

// How many shards the index at `path` has: 0 when `path` is not a sharded
// directory (a plain index, or nothing yet). INVALID_ARGUMENT when its stub
// lists no shards; UNAVAILABLE when the stub cannot be read.
absl::StatusOr<int> ShardCount(const std::string& path);

// The directories of the shards of the sharded index at `path`, in order,
// followed by the synonyms database's; empty when `path` is not sharded.
absl::StatusOr<std::vector<std::string>> ShardedDatabasePaths(const std::string& path);

// Whether `path` is a Xapian stub database (a stub file, or a directory
// holding one) that lists a `remote` database, i.e. one reached over
// xapian-tcpsrv, where every lookup the engine makes is a network round
// trip. False when it cannot be read: opening it will report that.
bool ListsRemoteDatabases(const std::string& path);

// Writes posts into a plain index or a sharded one, with IndexWriter's
// contract for each database. Each shard commits atomically on its own; a
// crash between two shards' commits leaves some shards one batch ahead, and
// running the same command again completes the rest (upserts are idempotent).
// Not thread-safe: use from one thread.
class ShardedIndexWriter {
 public:
  // Opens the index at `path`. `shards` 0 opens it as it is (a new one is a
  // plain index); `shards` N >= 1 creates a sharded directory of N shards
  // (the stub last, so a creation cut short is completed by the next run
  // with `shards`), or opens one that has N. FAILED_PRECONDITION, naming both
  // counts, when `path` is sharded with another count or holds a plain index;
  // naming the shard, when a database the stub lists is missing (it is never
  // created again empty); otherwise IndexWriter::Open's errors, for any shard.
  // A failed creation removes what it created.
  static absl::StatusOr<std::unique_ptr<ShardedIndexWriter>> Open(const std::string& path,
                                                                  int shards);

  ~ShardedIndexWriter();
  ShardedIndexWriter(const ShardedIndexWriter&) = delete;
  ShardedIndexWriter& operator=(const ShardedIndexWriter&) = delete;

  // Number of shards; 0 for a plain index.
  int shard_count() const;

  // IndexWriter::Upsert in the post's shard.
  absl::StatusOr<UpsertResult> Upsert(const v1::Post& post, std::string_view source = {});

  // IndexWriter::Prune in every shard; returns the total deleted.
  absl::StatusOr<std::uint64_t> Prune(
      std::string_view directory, const std::function<bool(std::string_view)>& present);

  // IndexWriter::SetSynonyms, in the synonyms database of a sharded index.
  absl::StatusOr<bool> SetSynonyms(const SynonymFile& file,
                                   const IndexVocabulary& vocabulary = {});
  // IndexWriter::Vocabulary, of the database that holds the synonym table.
  absl::StatusOr<IndexVocabulary> Vocabulary() const;

  // IndexWriter::Delete in the id's shard.
  absl::StatusOr<bool> Delete(std::string_view id);

  // Commits every database that has changes, shard by shard.
  absl::Status Commit();

  // Posts in all shards, including uncommitted changes.
  absl::StatusOr<std::uint64_t> PostCount() const;

 private:
  explicit ShardedIndexWriter(std::vector<std::unique_ptr<IndexWriter>> shards,
                              std::unique_ptr<IndexWriter> synonyms);
  IndexWriter& ShardFor(std::string_view id);

  // One writer for a plain index, else one per shard.
  std::vector<std::unique_ptr<IndexWriter>> shards_;
  // The synonyms database of a sharded index; null for a plain one.
  std::unique_ptr<IndexWriter> synonyms_;
};

}  // namespace guru

#endif  // GURU_INDEX_SHARDS_H_
