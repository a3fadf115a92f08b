// Internal to src/index: writes posts into one Xapian database on disk
// (upsert by id, delete, commit). IndexWriter (index_writer.h), the public
// writer, holds one of these for a plain index, or one per shard.
#ifndef GURU_INDEX_DATABASE_WRITER_H_
#define GURU_INDEX_DATABASE_WRITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/synonyms.h"
#include "guru/v1/post.pb.h"
#include "index/index_stats.h"
#include "index/index_writer.h"

namespace guru::internal {

// IndexWriter's contract (locking, transactions, atomic commits), for one
// database. Not thread-safe: use from one thread.
class DatabaseWriter {
 public:
  // Opens the database at `path`, creating it (and missing parent
  // directories) if needed, with IndexWriter::Open's errors; when it fails,
  // the directories it created are removed again.
  static absl::StatusOr<std::unique_ptr<DatabaseWriter>> Open(const std::string& path);

  ~DatabaseWriter();
  DatabaseWriter(const DatabaseWriter&) = delete;
  DatabaseWriter& operator=(const DatabaseWriter&) = delete;

  // Each as IndexWriter's method of the same name, in this database.
  absl::StatusOr<UpsertResult> Upsert(const v1::Post& post, std::string_view source);
  absl::StatusOr<std::uint64_t> Prune(
      std::string_view directory, const std::function<bool(std::string_view)>& present);
  absl::StatusOr<bool> SetSynonyms(const SynonymFile& file,
                                   const IndexVocabulary& vocabulary);
  absl::StatusOr<IndexVocabulary> Vocabulary() const;
  absl::StatusOr<bool> Delete(std::string_view id);
  absl::Status Commit();
  absl::StatusOr<std::uint64_t> PostCount() const;

 private:
  struct Impl;
  explicit DatabaseWriter(std::unique_ptr<Impl> impl);
  // Open, once the directory exists.
  static absl::StatusOr<std::unique_ptr<DatabaseWriter>> OpenDatabase(
      const std::string& path);
  std::unique_ptr<Impl> impl_;
};

// Whether `path` holds a Xapian database whose creation finished (its
// version file is written last).
bool HoldsDatabase(const std::string& path);

}  // namespace guru::internal

#endif  // GURU_INDEX_DATABASE_WRITER_H_
