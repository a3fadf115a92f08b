// Hands out Searchers to request handlers, one at a time each, because a
// Xapian database handle must not be shared between threads.
#ifndef GURU_SERVER_SEARCHER_POOL_H_
#define GURU_SERVER_SEARCHER_POOL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "index/searcher.h"

namespace guru {

// Thread-safe. Grows to the number of requests served at once; idle
// searchers are kept for reuse. A searcher is moved to the latest committed
// revision when it is handed out if it has not been refreshed for
// `refresh_interval`, so new posts are visible within that time without a
// restart; one whose refresh fails with UNAVAILABLE (its shard processes or
// remote shards are gone) is replaced by a new one. When no index exists
// yet, Acquire() fails with UNAVAILABLE and
// tries again on the next call; while the index is known to be damaged
// (SetDamage) it fails with DATA_LOSS and nothing reads the index.
// Each revision a searcher first moves to is logged once (info): when the
// index is opened, with the vocabulary it was built with (a warning when it
// has none, since lay words then miss clinical replies), and at each reload,
// with its revision, post count and the time the reopen took, so an
// operator can see when new posts became searchable.
class SearcherPool {
 public:
  using Clock = std::chrono::steady_clock;

  // Every searcher is opened with `options` (Searcher::Open).
  SearcherPool(std::string db_path, Clock::duration refresh_interval,
               SearcherOptions options = {});

  // A searcher on loan; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Searcher* operator->() const { return entry_.searcher.get(); }
    Searcher& operator*() const { return *entry_.searcher; }
    // Closes the searcher rather than returning it to the pool.
    void Discard() { entry_.searcher.reset(); }

   private:
    friend class SearcherPool;
    struct Entry {
      std::unique_ptr<Searcher> searcher;
      Clock::time_point refreshed_at;
      // SearcherPool::generation_ when it was opened.
      std::uint64_t generation = 0;
    };
    Lease(SearcherPool* pool, Entry entry);
    SearcherPool* pool_;
    Entry entry_;
  };

  absl::StatusOr<Lease> Acquire();

  // Runs `work` on a leased searcher, and again on a refreshed one while it
  // fails in a way a newer revision can cure, until `deadline`: ABORTED (a
  // commit discarded blocks the work read), DATA_LOSS (a read racing a
  // commit looks like damage; when it persists, the index is reported
  // suspect), and NOT_FOUND once (the post may be newer than this
  // searcher's revision: a GetPost sees at least what the Search before it
  // saw, whichever searcher served that). A searcher whose work failed with
  // UNAVAILABLE is closed, and the work run once more on a new one: a shard
  // process that died (SearcherOptions::shard_processes) or a remote shard
  // that dropped its connection leaves the searcher unable to read again.
  absl::Status Run(std::chrono::system_clock::time_point deadline,
                   const std::function<absl::Status(Searcher&)>& work);

  // Damage found in the index (DATA_LOSS), or OK. Thread-safe.
  void SetDamage(absl::Status damage);
  // Whether a request met damage since the last call (and forgets it).
  bool TakeSuspicion();

 private:
  using Entry = Lease::Entry;
  // Acquire, from the idle searchers when `reuse`, else a newly opened one.
  absl::StatusOr<Lease> Take(bool reuse);
  void Release(Entry entry);
  // Called after a searcher was opened or moved to a newer revision, which
  // took `took`: logs the revision the index is now at, unless an earlier
  // call did.
  void NoteMoved(const Searcher& searcher, Clock::duration took);
  // Returns `status`; DATA_LOSS makes the index suspect (TakeSuspicion).
  absl::Status Suspect(absl::Status status);

  const std::string db_path_;
  const Clock::duration refresh_interval_;
  const SearcherOptions options_;
  std::mutex mutex_;
  std::vector<Entry> idle_ ABSL_GUARDED_BY(mutex_);
  absl::Status damage_ ABSL_GUARDED_BY(mutex_);
  bool suspected_ ABSL_GUARDED_BY(mutex_) = false;
  // Goes up when damage is found: searchers opened before are closed, since
  // a database restored with the same revision would not be reopened.
  std::uint64_t generation_ ABSL_GUARDED_BY(mutex_) = 0;

  // What NoteMoved last logged: one line per revision, in order.
  std::mutex log_mutex_;
  bool logged_ ABSL_GUARDED_BY(log_mutex_) = false;
  std::uint64_t logged_revision_ ABSL_GUARDED_BY(log_mutex_) = 0;
  std::uint64_t logged_posts_ ABSL_GUARDED_BY(log_mutex_) = 0;
  std::string logged_vocabulary_ ABSL_GUARDED_BY(log_mutex_);
};

}  // namespace guru

#endif  // GURU_SERVER_SEARCHER_POOL_H_
