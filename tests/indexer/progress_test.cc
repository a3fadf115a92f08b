// guru-indexer's progress on standard error: a live line on a terminal
// (posts per second, counts, percentage and ETA when the input size is
// known), a log line every ten seconds otherwise.
//
// Progress is shown only once a run has lasted a while (a quarter second
// on a terminal, ten seconds otherwise). A run is made to last that long
// without depending on the machine's speed: every record carries an
// unknown field, so every record writes a warning to standard error, and
// the test stops reading it for a while; the indexer then blocks on a full
// pipe (or terminal) and goes on, past the interval, when reading resumes.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

// Enough warnings (about 150 bytes each) to fill any pipe or terminal
// buffer many times over.
constexpr int kPosts = 4000;

std::string Posts() {
  std::string jsonl;
  for (int i = 0; i < kPosts; ++i) {
    jsonl +=
        R"({"id": "p)" + std::to_string(i) +
        R"(", "answer": "Rest the knee and ice it.", "favourite_colour_of_the_asker": "blue"})"
        "\n";
  }
  return jsonl;
}

struct Finished {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::chrono::duration<double> lasted{};
};

// Reads `fd` into `sink` until `needle` has arrived (true) or the end.
bool ReadUntil(int fd, std::string& sink, const std::string& needle) {
  char buffer[4096];
  while (needle.empty() || sink.find(needle) == std::string::npos) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;  // The end; a terminal whose writer is gone: EIO.
    sink.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

// The last `bytes` of `text`, for failure messages.
std::string Tail(const std::string& text, std::size_t bytes) {
  return text.substr(text.size() - std::min(text.size(), bytes));
}

// The parts of `text` that follow each `separator`.
std::vector<std::string> PartsAfter(const std::string& text,
                                    const std::string& separator) {
  std::vector<std::string> parts;
  for (std::size_t at = text.find(separator); at != std::string::npos;) {
    const std::size_t start = at + separator.size();
    at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string::npos ? at : at - start));
  }
  return parts;
}

// Runs guru-indexer with `args`, standard error on a terminal or a pipe:
// reads standard error up to the first warning, pauses reading for `pause`,
// then reads both streams to the end.
Finished RunIndexerPausing(const std::vector<std::string>& args, bool terminal,
                           std::chrono::milliseconds pause) {
  std::vector<std::string> argv_strings = {GURU_INDEXER_BIN};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int err_read = -1;
  int err_write = -1;
  if (terminal) {
    termios raw{};
    ::cfmakeraw(&raw);  // No "\n" -> "\r\n": the bytes as the indexer wrote them.
    EXPECT_EQ(::openpty(&err_read, &err_write, nullptr, &raw, nullptr), 0);
    ::fcntl(err_read, F_SETFD, FD_CLOEXEC);
    ::fcntl(err_write, F_SETFD, FD_CLOEXEC);
  } else {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    err_read = fds[0];
    err_write = fds[1];
  }
  int out[2];
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  const Clock::time_point started = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // No allocation between fork and exec: other threads may hold locks.
    ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(err_write, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(devnull);
  ::close(out[1]);
  ::close(err_write);

  Finished finished;
  EXPECT_TRUE(ReadUntil(err_read, finished.err, "ignored unknown field"))
      << "no warning came: " << finished.err;
  std::this_thread::sleep_for(pause);
  ReadUntil(err_read, finished.err, "");  // To the end.
  ReadUntil(out[0], finished.out, "");
  ::close(err_read);
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  finished.lasted = Clock::now() - started;
  finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return finished;
}

// "N posts (R/s): added A, replaced 0, unchanged 0, rejected 0, P%, ETA Ts"
// for a fresh index fed one file.
constexpr const char* kProgress =
    R"(([0-9]+) posts \([0-9]+/s\): added ([0-9]+), replaced 0, unchanged 0, )"
    R"(rejected 0, ([0-9]+)%, ETA [0-9]+s)";

// Posts done (read so far; the latest may not be added yet) and added within
// the input, a percentage up to 100.
void ExpectSane(const std::smatch& m) {
  const int done = std::stoi(m[1]);
  const int added = std::stoi(m[2]);
  EXPECT_LE(added, done) << m.str();
  EXPECT_LE(done, kPosts) << m.str();
  EXPECT_LE(std::stoi(m[3]), 100) << m.str();
}

TEST(IndexerProgressTest, ATerminalGetsALiveLineWithRateCountsPercentageAndEta) {
  TempDir dir;
  const std::string input = dir.WriteFile("posts.jsonl", Posts());
  const Finished run =
      RunIndexerPausing({"--db", dir.Sub("db"), input},
                        /*terminal=*/true, std::chrono::milliseconds(500));
  ASSERT_EQ(run.exit_code, 0) << Tail(run.err, 2000);
  EXPECT_THAT(run.out, HasSubstr("added 4000, replaced 0"));

  // Each update rewrites the line in place: carriage return, erase line;
  // the last erase clears it before whatever follows.
  const std::regex live(kProgress);
  const std::vector<std::string> parts = PartsAfter(run.err, "\r\x1b[K");
  ASSERT_GE(parts.size(), 2U) << Tail(run.err, 2000);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::smatch m;
    const bool progress =
        std::regex_search(parts[i], m, live, std::regex_constants::match_continuous);
    if (i + 1 == parts.size()) {
      EXPECT_FALSE(progress) << "the live line was left on the terminal: " << m.str();
      continue;
    }
    ASSERT_TRUE(progress) << parts[i].substr(0, 200);
    ExpectSane(m);
  }
  // Every report was a live line.
  std::size_t reports = 0;
  for (std::size_t at = 0; (at = run.err.find(" posts (", at)) != std::string::npos;
       ++at) {
    ++reports;
  }
  EXPECT_EQ(reports, parts.size() - 1);
}

TEST(IndexerProgressTest, OtherwiseALogLineEveryTenSeconds) {
  TempDir dir;
  const std::string input = dir.WriteFile("posts.jsonl", Posts());
  // Ten seconds after the first warning, the reporter's clock (started
  // before it) has passed ten seconds for certain.
  const Finished run =
      RunIndexerPausing({"--db", dir.Sub("db"), input},
                        /*terminal=*/false, std::chrono::milliseconds(10200));
  ASSERT_EQ(run.exit_code, 0) << Tail(run.err, 2000);
  EXPECT_THAT(run.out, HasSubstr("added 4000, replaced 0"));

  const std::regex logged(std::string("^info: ") + kProgress + "$");
  int lines = 0;
  for (const std::string& line : PartsAfter("\n" + run.err, "\n")) {
    if (line.find(" posts (") == std::string::npos) continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, logged)) << line;
    ++lines;
    ExpectSane(m);
  }
  EXPECT_GE(lines, 1) << Tail(run.err, 2000);
  // At most one line per ten seconds of the run.
  EXPECT_LE(lines, static_cast<int>(run.lasted.count() / 10))
      << run.lasted.count() << " s";
  // No terminal control in a log.
  EXPECT_THAT(run.err, Not(HasSubstr("\r")));
  EXPECT_THAT(run.err, Not(HasSubstr("\x1b[K")));
}

}  // namespace
}  // namespace guru
