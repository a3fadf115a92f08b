#include "server/searcher_pool.h"

namespace guru {

SearcherPool::SearcherPool(std::string db_path, Clock::duration refresh_interval,
                           std::shared_ptr<const WordList> dictionary)
    : db_path_(std::move(db_path)),
      refresh_interval_(refresh_interval),
      dictionary_(std::move(dictionary)) {}

SearcherPool::Lease::Lease(SearcherPool* pool, Entry entry)
    : pool_(pool), entry_(std::move(entry)) {}

SearcherPool::Lease::~Lease() {
  if (entry_.searcher) pool_->Release(std::move(entry_));
}

absl::StatusOr<SearcherPool::Lease> SearcherPool::Acquire() {
  Entry entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      entry = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  const Clock::time_point now = Clock::now();
  if (!entry.searcher) {
    // Opening happens outside the lock: it reads from disk.
    absl::StatusOr<std::unique_ptr<Searcher>> opened =
        Searcher::Open(db_path_, dictionary_);
    if (!opened.ok()) return opened.status();
    entry = Entry{*std::move(opened), now};
  } else if (now - entry.refreshed_at >= refresh_interval_) {
    // A failed refresh drops this searcher; the next request opens a new one.
    if (absl::Status s = entry.searcher->Refresh(); !s.ok()) return s;
    entry.refreshed_at = now;
  }
  return Lease(this, std::move(entry));
}

void SearcherPool::Release(Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(entry));
}

}  // namespace guru
