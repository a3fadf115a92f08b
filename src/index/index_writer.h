// Writes posts into the index on disk: the one public writer, over a plain
// index or a sharded one.
#ifndef GURU_INDEX_INDEX_WRITER_H_
#define GURU_INDEX_INDEX_WRITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/synonyms.h"
#include "guru/v1/post.pb.h"
#include "index/index_stats.h"

namespace guru {
namespace internal {
class DatabaseWriter;
struct PreparedPostData;
}  // namespace internal

enum class UpsertOutcome { kAdded, kReplaced, kUnchanged };

struct UpsertResult {
  // What happened relative to the index as it was just before this call.
  UpsertOutcome outcome = UpsertOutcome::kAdded;
  // Fingerprint of the stored form of the post written (or kept), and of the
  // one it replaced; equal fingerprints mean equal posts. Callers use them to
  // account for the same id seen twice in one run.
  std::string fingerprint;
  std::optional<std::string> previous_fingerprint;
};

// A post made ready for IndexWriter::Upsert: its stored form, fingerprint
// and, unless the index already held it unchanged, its document. Making it
// is much of a post's indexing work and needs no writer, so another thread
// can do it (PostPreparer). Move-only; owns its copy of the post.
class PreparedPost {
 public:
  explicit PreparedPost(std::unique_ptr<internal::PreparedPostData> data);
  ~PreparedPost();
  PreparedPost(PreparedPost&&) noexcept;
  PreparedPost& operator=(PreparedPost&&) noexcept;

  const v1::Post& post() const;

 private:
  friend class IndexWriter;
  std::unique_ptr<internal::PreparedPostData> data_;
};

// Prepares posts for one IndexWriter on another thread than the writer's.
// Reads the fingerprints of the index as committed when it first prepares
// a post (its own reader; 8 bytes a post) to leave out the document of a
// post stored there unchanged, so that re-running over the same posts
// builds nothing; the writer checks again against its own view and builds
// whatever is missing, so a stale view costs time, never correctness. Not
// thread-safe: one per thread.
class PostPreparer {
 public:
  ~PostPreparer();
  PostPreparer(const PostPreparer&) = delete;
  PostPreparer& operator=(const PostPreparer&) = delete;

  // `post` must have passed ValidatePost; `source` as for Upsert.
  PreparedPost Prepare(v1::Post post, std::string source);

 private:
  friend class IndexWriter;
  struct Impl;
  explicit PostPreparer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes posts into an index on disk, a plain one or one split into shards
// (shards.h): upsert by id, prune, delete, the synonym table, commit.
//
// Owns each database's single writer lock for its lifetime. Changes are made
// inside a transaction: nothing is visible to readers, or survives a crash,
// until Commit() returns OK; destroying the writer without Commit() discards
// the changes made since the last Commit(). Xapian commits are atomic, so a
// database on disk is always the state of its last successful Commit(). Each
// shard commits on its own; a crash between two shards' commits leaves some
// shards one batch ahead, and running the same command again completes the
// rest (upserts are idempotent).
// Not thread-safe: use from one thread.
class IndexWriter {
 public:
  // Opens the index at `path`, creating it (and missing parent directories)
  // if needed. `shards` 0 opens it as it is (a new one is a plain index);
  // `shards` N >= 1 creates a sharded directory of N shards (the stub last,
  // so a creation cut short is completed by the next run with `shards`), or
  // opens one that has N.
  // UNAVAILABLE when a database cannot be created, or at once, with "index is
  // locked by another indexer", while another writer holds it;
  // FAILED_PRECONDITION when a database was written with another schema
  // version, naming both counts when `path` is sharded with another count or
  // holds a plain index, and naming the shard when a database the stub lists
  // is missing (it is never created again empty). A failed creation removes
  // the directories it created.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(const std::string& path,
                                                           int shards = 0);

  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  // Number of shards; 0 for a plain index.
  int shard_count() const;

  // Adds `post` (to its shard), or replaces the post with the same id; a post
  // identical to the stored one, from the same source, is left alone
  // (kUnchanged), found by the fingerprint kept in the document without
  // reading the post. `source` is the absolute path of the file the post
  // came from (empty for standard input), recorded for Prune(). The post
  // must have passed ValidatePost.
  absl::StatusOr<UpsertResult> Upsert(const v1::Post& post, std::string_view source = {});
  // The same for a post a PostPreparer of this writer made ready.
  absl::StatusOr<UpsertResult> Upsert(PreparedPost prepared);

  // A preparer for this writer's index, to use on another thread.
  std::unique_ptr<PostPreparer> NewPreparer() const;

  // Deletes the posts whose recorded source file lies under `directory` and
  // is not in `present` (absolute paths), in every shard. Returns how many
  // were deleted.
  absl::StatusOr<std::uint64_t> Prune(
      std::string_view directory, const std::function<bool(std::string_view)>& present);

  // Makes the index's synonym table (in a sharded index, its synonyms
  // database) hold exactly `file`'s groups (every member of a group a
  // synonym of every other, as stems) and records where they came from,
  // `vocabulary` (its version is `file`'s; a vocabulary of
  // Source::kNeverLoaded is recorded as unnamed files), for ReadIndexStats.
  // Loading the same file from the same source again changes nothing.
  // Returns whether the table or its record changed.
  absl::StatusOr<bool> SetSynonyms(const SynonymFile& file,
                                   const IndexVocabulary& vocabulary = {});

  // What the synonym table was last loaded from (uncommitted changes
  // included).
  absl::StatusOr<IndexVocabulary> Vocabulary() const;

  // Removes the post with `id` (from its shard); returns false when there
  // was none.
  absl::StatusOr<bool> Delete(std::string_view id);

  // Makes all changes since the last commit durable and visible to readers:
  // every database that has changes, the side database of a sharded index
  // first (its spelling data counts the shards' words), then shard by shard.
  absl::Status Commit();

  // Posts in all shards, including uncommitted changes.
  absl::StatusOr<std::uint64_t> PostCount() const;

 private:
  IndexWriter(std::string path,
              std::vector<std::unique_ptr<internal::DatabaseWriter>> shards,
              std::unique_ptr<internal::DatabaseWriter> side);
  internal::DatabaseWriter& ShardFor(std::string_view id);

  std::string path_;
  // One writer for a plain index, else one per shard.
  std::vector<std::unique_ptr<internal::DatabaseWriter>> shards_;
  // The side database of a sharded index (its synonym table and spelling
  // data, shards.h); null for a plain one.
  std::unique_ptr<internal::DatabaseWriter> side_;
};

// Whether `status`, from IndexWriter::Open, says that another writer holds
// the database: a directory the failed call created is then that writer's,
// not the caller's to remove.
bool IsLockedByAnotherWriter(const absl::Status& status);

}  // namespace guru

#endif  // GURU_INDEX_INDEX_WRITER_H_
