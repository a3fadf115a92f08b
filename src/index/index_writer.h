// Writes posts into a Xapian database on disk: upsert by id, delete, commit.
#ifndef GURU_INDEX_INDEX_WRITER_H_
#define GURU_INDEX_INDEX_WRITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/synonyms.h"
#include "guru/v1/post.pb.h"
#include "index/index_stats.h"

namespace guru {

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

// Owns the database's single writer lock for its lifetime. Changes are made
// inside a transaction: nothing is visible to readers, or survives a crash,
// until Commit() returns OK; destroying the writer without Commit() discards
// the changes made since the last Commit(). Xapian commits are atomic, so the
// database on disk is always the state of the last successful Commit().
// Not thread-safe: use from one thread.
class IndexWriter {
 public:
  // Opens the database at `path`, creating it (and missing parent
  // directories) if needed. UNAVAILABLE when it cannot be created, or at once,
  // with "index is locked by another indexer", while another writer holds it;
  // FAILED_PRECONDITION when it was written with another schema version.
  // When it fails, the directories it created are removed again.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(const std::string& path);

  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  // Adds `post`, or replaces the post with the same id; a post identical to
  // the stored one, from the same source, is left alone (kUnchanged), found
  // by the fingerprint kept in the document without reading the post.
  // `source` is the absolute path of the file the post came from (empty for
  // standard input), recorded for Prune(). The post must have passed
  // ValidatePost.
  absl::StatusOr<UpsertResult> Upsert(const v1::Post& post, std::string_view source = {});

  // Deletes the posts whose recorded source file lies under `directory` and
  // is not in `present` (absolute paths). Returns how many were deleted.
  absl::StatusOr<std::uint64_t> Prune(
      std::string_view directory, const std::function<bool(std::string_view)>& present);

  // Makes the index's synonym table hold exactly `file`'s groups (every
  // member of a group a synonym of every other, as stems) and records where
  // they came from, `vocabulary` (its version is `file`'s; a vocabulary of
  // Source::kNeverLoaded is recorded as unnamed files), for ReadIndexStats.
  // Loading the same file from the same source again changes nothing.
  // Returns whether the table or its record changed.
  absl::StatusOr<bool> SetSynonyms(const SynonymFile& file,
                                   const IndexVocabulary& vocabulary = {});

  // What the synonym table was last loaded from (uncommitted changes
  // included).
  absl::StatusOr<IndexVocabulary> Vocabulary() const;

  // Removes the post with `id`; returns false when there was none.
  absl::StatusOr<bool> Delete(std::string_view id);

  // Makes all changes since the last commit durable and visible to readers.
  absl::Status Commit();

  // Number of posts, including uncommitted changes.
  absl::StatusOr<std::uint64_t> PostCount() const;

 private:
  struct Impl;
  explicit IndexWriter(std::unique_ptr<Impl> impl);
  // Open, once the directory exists.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> OpenDatabase(
      const std::string& path);
  std::unique_ptr<Impl> impl_;
};

// Whether `path` holds a Xapian database whose creation finished (its
// version file is written last).
bool HoldsDatabase(const std::string& path);

// Whether `status`, from IndexWriter::Open, says that another writer holds
// the database: a directory the failed call created is then that writer's,
// not the caller's to remove.
bool IsLockedByAnotherWriter(const absl::Status& status);

}  // namespace guru

#endif  // GURU_INDEX_INDEX_WRITER_H_
