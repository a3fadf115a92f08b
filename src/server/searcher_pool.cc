#include "server/searcher_pool.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "index/commit_lock.h"

namespace guru {
namespace {
// Longest wait between two attempts of one request.
constexpr std::chrono::milliseconds kMaxPause{100};
// Longest a request waits for a commit being written to end.
constexpr std::chrono::milliseconds kMaxPinWait{1000};
// Longest a request retries, whatever its deadline.
constexpr std::chrono::seconds kRetryFor{5};
}  // namespace

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
  std::uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!damage_.ok()) return damage_;
    generation = generation_;
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
    entry = Entry{*std::move(opened), now, generation};
  } else if (now - entry.refreshed_at >= refresh_interval_) {
    // A failed refresh drops this searcher; the next request opens a new one.
    if (absl::StatusOr<bool> s = entry.searcher->Refresh(); !s.ok()) return s.status();
    entry.refreshed_at = now;
  }
  return Lease(this, std::move(entry));
}

absl::Status SearcherPool::Run(std::chrono::system_clock::time_point deadline,
                               const std::function<absl::Status(Searcher&)>& work) {
  const auto give_up = std::min(deadline, std::chrono::system_clock::now() + kRetryFor);
  bool retried_not_found = false;
  std::optional<ReadPin> pin;
  for (std::chrono::milliseconds pause{5};; pause = std::min(pause * 2, kMaxPause)) {
    absl::StatusOr<Lease> searcher = Acquire();
    if (!searcher.ok()) return searcher.status();
    absl::Status status = work(**searcher);
    const bool aborted = absl::IsAborted(status);
    const bool damaged = absl::IsDataLoss(status);
    const bool not_found = absl::IsNotFound(status) && !retried_not_found;
    if (!aborted && !damaged && !not_found) return status;
    if (aborted && !pin) {
      // Commits keep overtaking this request: hold them off while it runs
      // again (index/commit_lock.h).
      pin.emplace(ReadPin::Hold(db_path_, kMaxPinWait));
    } else if (aborted || damaged) {
      if (std::chrono::system_clock::now() + pause >= give_up) return Suspect(status);
      std::this_thread::sleep_for(pause);
    }
    retried_not_found = retried_not_found || not_found;
    // Without a newer revision the post is not there and the damage is real.
    const absl::StatusOr<bool> moved = (*searcher)->Refresh();
    if (!moved.ok() || (!*moved && !aborted)) return Suspect(status);
  }
}

absl::Status SearcherPool::Suspect(absl::Status status) {
  if (absl::IsDataLoss(status)) {
    std::lock_guard<std::mutex> lock(mutex_);
    suspected_ = true;
  }
  return status;
}

void SearcherPool::SetDamage(absl::Status damage) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!damage.ok() && damage_.ok()) {
    ++generation_;
    idle_.clear();
  }
  damage_ = std::move(damage);
}

bool SearcherPool::TakeSuspicion() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(suspected_, false);
}

void SearcherPool::Release(Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entry.generation == generation_) idle_.push_back(std::move(entry));
}

}  // namespace guru
