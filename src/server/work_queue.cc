#include "server/work_queue.h"

#include <algorithm>

#include "core/str_cat.h"

namespace guru {

WorkQueue::WorkQueue(int workers, int max_in_flight)
    : max_in_flight_(std::max({1, workers, max_in_flight})) {
  const int count = std::max(1, workers);
  threads_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) threads_.emplace_back([this] { Work(); });
}

WorkQueue::~WorkQueue() { Stop(); }

absl::Status WorkQueue::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return absl::UnavailableError("the server is shutting down");
    if (in_flight_ >= max_in_flight_) {
      return absl::ResourceExhaustedError(
          StrCat("server overloaded: ", in_flight_,
                 " requests in flight, the limit (--max-in-flight) is ", max_in_flight_,
                 "; retry with backoff"));
    }
    ++in_flight_;
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return absl::OkStatus();
}

void WorkQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkQueue::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // Stopping, and nothing left to run.
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    lock.lock();
    --in_flight_;
  }
}

}  // namespace guru
