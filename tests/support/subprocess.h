// Runs the project's binaries as child processes, the way users start them.
#ifndef GURU_TESTS_SUPPORT_SUBPROCESS_H_
#define GURU_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace guru::testing {

struct RunResult {
  int exit_code = -1;  // 128 + the signal when a signal killed it.
  std::string out;
  std::string err;
};

// Runs `argv` to completion with `input` on its standard input; as user
// `uid` (and its group) when given, which needs root.
RunResult Run(const std::vector<std::string>& argv, const std::string& input = "",
              std::optional<uid_t> uid = std::nullopt);

// A child process running in the background (a server). It is sent SIGTERM
// when this object is destroyed, and SIGKILL by the kernel if the test
// process dies first, so no server outlives its test.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Reads the child's standard error until a line contains `needle`, and
  // returns that line; empty if the child exits or `timeout` passes first.
  std::string WaitForLine(const std::string& needle, std::chrono::milliseconds timeout);

  // Sends `signal` and waits for the exit; returns the exit code (128 + the
  // signal if a signal killed the child; -1 if it did not exit within
  // `timeout`, and was killed).
  int Stop(int signal, std::chrono::milliseconds timeout);

  // Everything read from standard error so far.
  const std::string& err() const { return err_; }

 private:
  pid_t pid_ = -1;
  int err_fd_ = -1;
  std::string err_;
  std::size_t scanned_ = 0;
};

}  // namespace guru::testing

#endif  // GURU_TESTS_SUPPORT_SUBPROCESS_H_
