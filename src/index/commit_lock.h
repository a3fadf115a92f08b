// Lets a slow read finish on one revision while an indexer commits often.
//
// Xapian 1.4 reuses a revision's blocks once newer revisions are committed:
// a read that outlasts two commits fails (DatabaseModifiedError), and no
// number of retries helps a read that always takes longer than the
// indexer's commit interval (1,024 terms while committing every 10 posts).
// So each database directory has a lock file. The writer holds it
// exclusively while it writes a commit (CommitLock); a reader that a commit
// has already overtaken holds it shared while it reads again (ReadPin), and
// the writer waits for such readers, up to kMaxCommitWait. Readers that
// were not overtaken never touch it, and without readers a commit only
// takes an uncontended lock.
#ifndef GURU_INDEX_COMMIT_LOCK_H_
#define GURU_INDEX_COMMIT_LOCK_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace guru {

// In each database directory (a plain index, each shard, the synonyms
// database of a sharded one); created by the writer.
inline constexpr std::string_view kCommitLockFileName = "guru-commit.lock";

// Longest a commit waits for pinned readers before it goes ahead anyway.
inline constexpr std::chrono::seconds kMaxCommitWait{5};

// Shared locks on the commit lock files of the index at `path`, released on
// destruction. Move-only; not thread-safe (one per request).
class ReadPin {
 public:
  // Waits while a commit is being written (at most `wait`). Best effort: a
  // database without the file (an older index, a remote shard) is not
  // pinned, and neither is one whose lock stayed taken.
  static ReadPin Hold(const std::string& path, std::chrono::milliseconds wait);

  ReadPin(ReadPin&& other) noexcept;
  ReadPin& operator=(ReadPin&&) = delete;
  ~ReadPin();

  // Number of databases pinned.
  std::size_t size() const { return fds_.size(); }

 private:
  ReadPin() = default;
  std::vector<int> fds_;
};

// The writer's side: opened with the database, taken around each commit.
// Not thread-safe; one per writer.
class CommitLock {
 public:
  // Opens (creating) the lock file of the database directory `dir`; a lock
  // file that cannot be created leaves commits unguarded, as before.
  explicit CommitLock(const std::string& dir);
  ~CommitLock();
  CommitLock(const CommitLock&) = delete;
  CommitLock& operator=(const CommitLock&) = delete;

  // Takes the lock exclusively, waiting up to kMaxCommitWait for pinned
  // readers; false when it went ahead without it.
  bool Lock();
  void Unlock();

 private:
  int fd_ = -1;
  bool held_ = false;
};

}  // namespace guru

#endif  // GURU_INDEX_COMMIT_LOCK_H_
