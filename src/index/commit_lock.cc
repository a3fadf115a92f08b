#include "index/commit_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <thread>

#include "absl/status/statusor.h"
#include "index/shards.h"

namespace guru {
namespace {

constexpr std::chrono::milliseconds kPoll{2};

std::string LockPath(const std::string& dir) {
  return dir + "/" + std::string(kCommitLockFileName);
}

// flock(`operation` | LOCK_NB) until it succeeds or `wait` passes.
bool LockWithin(int fd, int operation, std::chrono::milliseconds wait) {
  const auto give_up = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return false;
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(kPoll);
  }
  return true;
}

}  // namespace

ReadPin ReadPin::Hold(const std::string& path, std::chrono::milliseconds wait) {
  ReadPin pin;
  absl::StatusOr<std::vector<std::string>> shards = ShardedDatabasePaths(path);
  std::vector<std::string> dirs = shards.ok() && !shards->empty()
                                      ? *std::move(shards)
                                      : std::vector<std::string>{path};
  for (const std::string& dir : dirs) {
    const int fd = ::open(LockPath(dir).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (LockWithin(fd, LOCK_SH, wait)) {
      pin.fds_.push_back(fd);
    } else {
      ::close(fd);
    }
  }
  return pin;
}

ReadPin::ReadPin(ReadPin&& other) noexcept : fds_(std::move(other.fds_)) {
  other.fds_.clear();
}

ReadPin::~ReadPin() {
  for (int fd : fds_) ::close(fd);  // Closing releases the lock.
}

CommitLock::CommitLock(const std::string& dir)
    : fd_(::open(LockPath(dir).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {}

CommitLock::~CommitLock() {
  if (fd_ >= 0) ::close(fd_);
}

bool CommitLock::Lock() {
  held_ =
      fd_ >= 0 &&
      LockWithin(fd_, LOCK_EX,
                 std::chrono::duration_cast<std::chrono::milliseconds>(kMaxCommitWait));
  return held_;
}

void CommitLock::Unlock() {
  if (held_) ::flock(fd_, LOCK_UN);
  held_ = false;
}

}  // namespace guru
