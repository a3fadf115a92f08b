// WorkQueue: the bound on calls accepted at once, and that every accepted
// task runs, also across Stop().
#include "server/work_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace guru {
namespace {

using ::testing::HasSubstr;

TEST(WorkQueueTest, RefusesBeyondTheLimitAndNamesIt) {
  WorkQueue queue(/*workers=*/1, /*max_in_flight=*/2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  auto blocked = [&] {
    released.wait();
    ++ran;
  };
  ASSERT_TRUE(queue.Submit(blocked).ok());
  ASSERT_TRUE(queue.Submit(blocked).ok());
  const absl::Status refused = queue.Submit(blocked);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("--max-in-flight"));
  EXPECT_THAT(refused.message(), HasSubstr("2"));
  release.set_value();
  queue.Stop();
  EXPECT_EQ(ran.load(), 2);
}

TEST(WorkQueueTest, AcceptsAgainOnceTasksFinish) {
  WorkQueue queue(1, 1);
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    // The slot frees just after the previous task returns.
    while (!queue.Submit([&] { ++ran; }).ok()) std::this_thread::yield();
  }
  queue.Stop();
  EXPECT_EQ(ran.load(), 20);
}

TEST(WorkQueueTest, StopRunsWhatWasAcceptedThenRefuses) {
  std::atomic<int> ran{0};
  WorkQueue queue(2, 100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(queue.Submit([&] { ++ran; }).ok());
  queue.Stop();
  EXPECT_EQ(ran.load(), 50);
  EXPECT_EQ(queue.Submit([&] { ++ran; }).code(), absl::StatusCode::kUnavailable);
  queue.Stop();  // Idempotent.
}

TEST(WorkQueueTest, LimitIsAtLeastTheWorkers) {
  WorkQueue queue(/*workers=*/4, /*max_in_flight=*/1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(queue.Submit([released] { released.wait(); }).ok()) << "task " << i;
  }
  const absl::Status refused = queue.Submit([] {});
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("4"));
  release.set_value();
  queue.Stop();
}

}  // namespace
}  // namespace guru
