// A fixed set of worker threads with a bounded queue in front of them: where
// guru-server runs request handlers, so that gRPC's own threads never block
// on the index and an overload is refused (RESOURCE_EXHAUSTED) instead of
// piling up in an unbounded queue.
#ifndef GURU_SERVER_WORK_QUEUE_H_
#define GURU_SERVER_WORK_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"

namespace guru {

// Thread-safe. Owns its threads; the destructor calls Stop().
class WorkQueue {
 public:
  // `workers` threads (at least 1) run tasks in arrival order; at most
  // `max_in_flight` tasks (running plus waiting, at least `workers`) are
  // accepted at a time.
  WorkQueue(int workers, int max_in_flight);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `task`. RESOURCE_EXHAUSTED, naming the limit, when max_in_flight
  // tasks are already accepted; UNAVAILABLE after Stop(). A task that
  // was accepted always runs.
  absl::Status Submit(std::function<void()> task);

  // Runs the tasks already accepted, then joins the workers. Idempotent.
  void Stop();

 private:
  void Work();

  const int max_in_flight_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  int in_flight_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace guru

#endif  // GURU_SERVER_WORK_QUEUE_H_
