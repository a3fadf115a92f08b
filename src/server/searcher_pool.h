// Hands out Searchers to request handlers, one at a time each, because a
// Xapian database handle must not be shared between threads.
#ifndef GURU_SERVER_SEARCHER_POOL_H_
#define GURU_SERVER_SEARCHER_POOL_H_

#include <chrono>
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
// restart. When no index exists yet, Acquire() fails with UNAVAILABLE and
// tries again on the next call.
class SearcherPool {
 public:
  using Clock = std::chrono::steady_clock;

  // `dictionary` (may be null) is given to every searcher (Searcher::Open).
  SearcherPool(std::string db_path, Clock::duration refresh_interval,
               std::shared_ptr<const WordList> dictionary = nullptr);

  // A searcher on loan; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Searcher* operator->() const { return entry_.searcher.get(); }
    Searcher& operator*() const { return *entry_.searcher; }

   private:
    friend class SearcherPool;
    struct Entry {
      std::unique_ptr<Searcher> searcher;
      Clock::time_point refreshed_at;
    };
    Lease(SearcherPool* pool, Entry entry);
    SearcherPool* pool_;
    Entry entry_;
  };

  absl::StatusOr<Lease> Acquire();

 private:
  using Entry = Lease::Entry;
  void Release(Entry entry);

  const std::string db_path_;
  const Clock::duration refresh_interval_;
  const std::shared_ptr<const WordList> dictionary_;
  std::mutex mutex_;
  std::vector<Entry> idle_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace guru

#endif  // GURU_SERVER_SEARCHER_POOL_H_
