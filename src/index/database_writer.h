// Internal to src/index: writes posts into one Xapian database on disk
// (upsert by id, delete, commit). IndexWriter (index_writer.h), the public
// writer, holds one of these for a plain index, or one per shard.
#ifndef GURU_INDEX_DATABASE_WRITER_H_
#define GURU_INDEX_DATABASE_WRITER_H_

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/synonyms.h"
#include "guru/v1/post.pb.h"
#include "index/index_stats.h"
#include "index/index_writer.h"

namespace guru::internal {

// Changes to the spelling data's word frequencies (word -> change), summed
// until a commit hands them to Xapian.
using SpellingChanges = std::unordered_map<std::string, std::int64_t>;

// A post as PostPreparer leaves it for the writer (index_writer.h).
struct PreparedPostData {
  v1::Post post;
  std::string source;
  std::string data;         // SerializePost(post)
  std::string fingerprint;  // of data and source
  // Built by the preparer unless the committed index already held the same
  // post; the writer builds what is missing.
  std::optional<Xapian::Document> document;
};

// The stored form and fingerprint of `post` from `source`, without a
// document.
PreparedPostData DescribePost(v1::Post post, std::string source);

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
  absl::StatusOr<UpsertResult> Upsert(PreparedPostData& prepared);
  absl::StatusOr<std::uint64_t> Prune(
      std::string_view directory, const std::function<bool(std::string_view)>& present);
  absl::StatusOr<bool> SetSynonyms(const SynonymFile& file,
                                   const IndexVocabulary& vocabulary);
  absl::StatusOr<IndexVocabulary> Vocabulary() const;
  absl::StatusOr<bool> Delete(std::string_view id);
  absl::Status Commit();
  absl::StatusOr<std::uint64_t> PostCount() const;

  // The spelling data of a sharded index lives in its side database, so
  // that one table serves every reader, remote shards included (shards.h).
  // A shard's writer counts its posts' words as any writer does; the index
  // writer takes the changes here and adds them to the side database's
  // writer before either commits.
  SpellingChanges TakeSpellingChanges();
  absl::Status AddSpellingChanges(const SpellingChanges& changes);
  // Moves the spelling data stored in this database, `name` of its index,
  // into `to`'s uncommitted changes: a shard of an index written before the
  // spelling data moved to the side database hands it over on the next run.
  // `to` records the move, so data a crash left behind here is removed, not
  // counted again.
  absl::Status MoveStoredSpellingTo(DatabaseWriter& to, const std::string& name);

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
