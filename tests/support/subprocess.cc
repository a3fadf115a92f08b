#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace guru::testing {
namespace {

std::vector<char*> ArgvOf(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& arg : argv) out.push_back(const_cast<char*>(arg.c_str()));
  out.push_back(nullptr);
  return out;
}

void MakePipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
}

// In the child after fork: wire the standard streams and exec. `args` is
// built before the fork: the parent has other threads (gRPC, test threads),
// one of which may hold the allocator's lock at the fork, so the child must
// not allocate (under ASan this deadlocked the child before its exec).
[[noreturn]] void ExecChild(const std::vector<char*>& args, int in_fd, int out_fd,
                            int err_fd, std::optional<uid_t> uid = std::nullopt) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (uid && (::setgid(*uid) != 0 || ::setuid(*uid) != 0)) ::_exit(126);
  if (in_fd >= 0) ::dup2(in_fd, 0);
  if (out_fd >= 0) ::dup2(out_fd, 1);
  if (err_fd >= 0) ::dup2(err_fd, 2);
  ::execv(args[0], args.data());
  ::_exit(127);
}

// As a shell reports it: 128 + the signal for a child a signal killed
// (134 for SIGABRT, which is how a sanitizer report ends).
int ExitCodeOf(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

RunResult Run(const std::vector<std::string>& argv, const std::string& input,
              std::optional<uid_t> uid) {
  int in[2], out[2], err[2];
  MakePipe(in);
  MakePipe(out);
  MakePipe(err);
  const std::vector<char*> args = ArgvOf(argv);
  const pid_t pid = ::fork();
  if (pid == 0) ExecChild(args, in[0], out[1], err[1], uid);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  // A child that exits before reading its input (an indexer refused at
  // once) must cost the test a failed write, not SIGPIPE.
  static const bool kIgnoreSigpipe = [] {
    return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  }();
  (void)kIgnoreSigpipe;
  // Feed stdin from a thread so a child that writes a lot before reading
  // cannot deadlock against us.
  std::thread feeder([fd = in[1], &input] {
    std::size_t done = 0;
    while (done < input.size()) {
      const ssize_t n = ::write(fd, input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  RunResult result;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  feeder.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = ExitCodeOf(status);
  return result;
}

Child::Child(const std::vector<std::string>& argv) {
  int err[2];
  MakePipe(err);
  const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const std::vector<char*> args = ArgvOf(argv);
  pid_ = ::fork();
  if (pid_ == 0) ExecChild(args, devnull, devnull, err[1]);
  ::close(devnull);
  ::close(err[1]);
  err_fd_ = err[0];
}

Child::~Child() {
  if (pid_ > 0) Stop(SIGTERM, std::chrono::seconds(10));
  if (err_fd_ >= 0) ::close(err_fd_);
}

std::string Child::WaitForLine(const std::string& needle,
                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Look at complete lines not yet scanned.
    std::size_t end;
    while ((end = err_.find('\n', scanned_)) != std::string::npos) {
      std::string line = err_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || err_fd_ < 0) return "";
    pollfd fd = {err_fd_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(err_fd_, buffer, sizeof buffer);
    if (n <= 0) {
      ::close(err_fd_);
      err_fd_ = -1;
      return "";
    }
    err_.append(buffer, static_cast<std::size_t>(n));
  }
}

int Child::Stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  // Collect what the child wrote before it exited.
  if (err_fd_ >= 0) {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(err_fd_, buffer, sizeof buffer)) > 0) {
      err_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  return ExitCodeOf(status);
}

}  // namespace guru::testing
