#include "server/searcher_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "core/str_cat.h"
#include "index/commit_lock.h"
#include "index/index_stats.h"

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
                           SearcherOptions options)
    : db_path_(std::move(db_path)),
      refresh_interval_(refresh_interval),
      options_(std::move(options)) {}

SearcherPool::Lease::Lease(SearcherPool* pool, Entry entry)
    : pool_(pool), entry_(std::move(entry)) {}

SearcherPool::Lease::~Lease() {
  if (entry_.searcher) pool_->Release(std::move(entry_));
}

absl::StatusOr<SearcherPool::Lease> SearcherPool::Acquire() { return Take(true); }

absl::StatusOr<SearcherPool::Lease> SearcherPool::Take(bool reuse) {
  Entry entry;
  std::uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!damage_.ok()) return damage_;
    generation = generation_;
    if (reuse && !idle_.empty()) {
      entry = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  const Clock::time_point now = Clock::now();
  if (entry.searcher && now - entry.refreshed_at >= refresh_interval_) {
    // A failed refresh drops this searcher. One that lost its shard
    // processes or remote shards (UNAVAILABLE) is replaced at once; other
    // failures are the caller's to retry.
    absl::StatusOr<bool> moved = entry.searcher->Refresh();
    if (!moved.ok() && !absl::IsUnavailable(moved.status())) return moved.status();
    if (!moved.ok()) {
      entry.searcher.reset();
    } else {
      entry.refreshed_at = now;
      if (*moved) NoteMoved(*entry.searcher, Clock::now() - now);
    }
  }
  if (!entry.searcher) {
    // Opening happens outside the lock: it reads from disk.
    absl::StatusOr<std::unique_ptr<Searcher>> opened = Searcher::Open(db_path_, options_);
    if (!opened.ok()) return opened.status();
    entry = Entry{*std::move(opened), now, generation};
    NoteMoved(*entry.searcher, Clock::now() - now);
  }
  return Lease(this, std::move(entry));
}

absl::Status SearcherPool::Run(std::chrono::system_clock::time_point deadline,
                               const std::function<absl::Status(Searcher&)>& work) {
  const auto give_up = std::min(deadline, std::chrono::system_clock::now() + kRetryFor);
  bool retried_not_found = false;
  bool reopened_unavailable = false;
  std::optional<ReadPin> pin;
  for (std::chrono::milliseconds pause{5};; pause = std::min(pause * 2, kMaxPause)) {
    // After UNAVAILABLE, a searcher of its own: the idle ones may have lost
    // their shard processes too.
    absl::StatusOr<Lease> searcher = Take(!reopened_unavailable);
    if (!searcher.ok()) {
      // A refresh that a commit overtook looks like damage too ("Expected
      // block 35 to be level 1"): Acquire dropped that searcher, so try once
      // more under the pin, where no commit can overtake the next one.
      const absl::Status& failed = searcher.status();
      if (pin || (!absl::IsAborted(failed) && !absl::IsDataLoss(failed))) return failed;
      pin.emplace(ReadPin::Hold(db_path_, kMaxPinWait));
      continue;
    }
    absl::Status status = work(**searcher);
    if (absl::IsUnavailable(status)) {
      searcher->Discard();
      if (reopened_unavailable || std::chrono::system_clock::now() >= give_up)
        return status;
      reopened_unavailable = true;
      continue;
    }
    const bool aborted = absl::IsAborted(status);
    const bool damaged = absl::IsDataLoss(status);
    const bool not_found = absl::IsNotFound(status) && !retried_not_found;
    if (!aborted && !damaged && !not_found) return status;
    const bool first_pinned_run = (aborted || damaged) && !pin;
    if (first_pinned_run) {
      // Commits keep overtaking this request, or overtook a read that then
      // looked like damage: hold them off while it runs again
      // (index/commit_lock.h).
      pin.emplace(ReadPin::Hold(db_path_, kMaxPinWait));
    } else if (aborted || damaged) {
      if (std::chrono::system_clock::now() + pause >= give_up) return Suspect(status);
      std::this_thread::sleep_for(pause);
    }
    retried_not_found = retried_not_found || not_found;
    // Without a newer revision the post is not there and the damage is real.
    // The first run under the pin goes ahead regardless: the searcher's own
    // retries have already moved it to the newest revision, so "no newer
    // one" says nothing about the revision the failed read was on.
    const absl::StatusOr<bool> moved = (*searcher)->Refresh();
    if (!moved.ok() || (!*moved && !aborted && !first_pinned_run)) return Suspect(status);
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

void SearcherPool::NoteMoved(const Searcher& searcher, Clock::duration took) {
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  // The revision and vocabulary come from the index's metadata, read apart
  // from the searcher (whose handle serves requests); it may already be a
  // newer revision than the searcher's, which is then the one logged.
  const absl::StatusOr<IndexStats> stats =
      ReadIndexStats(db_path_, /*measure_size=*/false);
  std::lock_guard<std::mutex> lock(log_mutex_);
  if (!stats.ok()) {
    // Remote shards: no metadata to read here; the count is the searcher's.
    if (!logged_) {
      spdlog::info("index {} opened: {} posts, {:.1f} ms", db_path_, searcher.PostCount(),
                   ms);
      logged_ = true;
    }
    return;
  }
  if (logged_ && stats->revision <= logged_revision_) return;
  const std::string vocabulary = DescribeVocabulary(stats->vocabulary);
  const bool vocabulary_changed = !logged_ || vocabulary != logged_vocabulary_;
  if (!logged_) {
    spdlog::info("index {} opened: revision {}, {} posts, {:.1f} ms; vocabulary {}",
                 db_path_, stats->revision, stats->posts, ms, vocabulary);
  } else {
    const auto delta = static_cast<std::int64_t>(stats->posts) -
                       static_cast<std::int64_t>(logged_posts_);
    spdlog::info("index {} reloaded: revision {} (was {}), {} posts ({:+d}), {:.1f} ms{}",
                 db_path_, stats->revision, logged_revision_, stats->posts, delta, ms,
                 vocabulary_changed ? StrCat("; vocabulary now ", vocabulary) : "");
  }
  if (vocabulary_changed && !stats->vocabulary.loaded()) {
    spdlog::warn(
        "index {} has no vocabulary ({}): lay words such as \"tummy\" or \"kneecap\" "
        "will not find replies written in clinical terms; run guru-indexer --db {} "
        "--synonyms built-in (or FILE) to load one",
        db_path_,
        stats->vocabulary.source == IndexVocabulary::Source::kNone
            ? "it was built with --synonyms none"
            : "none was ever loaded",
        db_path_);
  }
  logged_ = true;
  logged_revision_ = stats->revision;
  logged_posts_ = stats->posts;
  logged_vocabulary_ = vocabulary;
}

void SearcherPool::Release(Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entry.generation == generation_) idle_.push_back(std::move(entry));
}

}  // namespace guru
