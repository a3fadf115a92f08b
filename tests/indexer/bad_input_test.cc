// Bad input gets a clear error that says where and why, and costs nothing
// else: every other record is indexed and every rejected record is kept,
// byte for byte, in the rejects file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "index/searcher.h"
#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

namespace fs = std::filesystem;
using ::guru::testing::ReadFile;
using ::guru::testing::RunIndexer;
using ::guru::testing::SourcePath;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kGoodPage =
    "Sore toe\n\nMay 1st, 2020\n\nMy big toe hurts in new shoes.\n\nThe Guru "
    "Responded:\n\n"
    "Hi Al- go up half a size.\n\nThe Guru\n";

// Each JSONL line of the bad-input file, and what the indexer must say of it.
struct JsonlCase {
  std::string line;
  std::string error;  // Empty: the record is indexed.
};

std::vector<JsonlCase> JsonlCases() {
  return {
      {"\xEF\xBB\xBF{\"id\":\"bom\",\"answer\":\"a byte-order mark starts the file\"}",
       ""},
      {R"({"id":"types","title":5,"answer":"x"})",
       "(title): invalid value 5 for type TYPE_STRING"},
      {R"({"id":"broken","answer":"x")", "Unexpected end of string"},
      {R"({"id":"unknown","answer":"ok","colour":"red"})", ""},
      {R"({"id":"dup","answer":"first"})", ""},
      {"{\"id\":\"" + std::string(257, 'x') + "\",\"answer\":\"long id\"}",
       "field 'id': is 257 bytes; at most 256 allowed"},
      {R"({"id":"noanswer","question":"where is my reply?"})",
       "field 'answer': required, but empty or missing"},
      {R"({"id":"nested","answer":"x","tags":)" + std::string(100, '[') +
           std::string(100, ']') + "}",
       "nested more than 16 levels deep at byte offset 50"},
      {"{\"id\":\"crlf\",\"answer\":\"windows line\"}\r", ""},
      {"{\"id\":\"badutf\",\"answer\":\"caf\xE9\"}", "invalid UTF-8 at byte offset 28"},
      {R"({"id":"dup","answer":"second"})", ""},
      {std::string("{\"id\":\"nul\",\"answer\":\"a\0b\"}", 28),
       "raw control character 0 inside a string (JSON requires \\u escapes) at byte "
       "offset 23"},
      {R"([1,2,3])", "Root element must be a message"},
      {R"({"id":"baddate","answer":"x","asked_on":"2019-02-30"})",
       "field 'asked_on': '2019-02-30' is not a valid YYYY-MM-DD date"},
  };
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string jsonl;
    for (const JsonlCase& c : JsonlCases()) jsonl += c.line + "\n";
    dir_.WriteFile("in/posts.jsonl", jsonl);
    dir_.WriteFile("in/good.txt", kGoodPage);
    dir_.WriteFile("in/empty.txt", "");
    dir_.WriteFile("in/bad-utf8.txt", "Title\n\nMy toe\xFF hurts.\n");
    dir_.WriteFile("in/nul.txt", std::string("Title\n\nMy\0toe\n", 14));
    std::string binary(4096, '\0');
    std::mt19937 random(7);
    for (char& c : binary) c = static_cast<char>(random());
    binary[10] = '\0';
    dir_.WriteFile("in/binary.txt", binary);
    {
      std::ofstream huge(dir_.Sub("in/huge.txt"), std::ios::binary);
      huge.seekp(50 * 1024 * 1024 - 1);
      huge.put('x');
    }
    fs::create_symlink("loop.txt", dir_.Sub("in/loop.txt"));
    fs::create_directory_symlink("..", dir_.Sub("in/up"));
    result_ = RunIndexer(
        {"--db", dir_.Sub("db"), "--rejects", dir_.Sub("rejects.jsonl"), dir_.Sub("in")});
  }

  TempDir dir_;
  guru::testing::RunResult result_;
};

TEST_F(BadInputTest, EachBadRecordIsReportedWithPlaceAndReason) {
  const std::vector<JsonlCase> cases = JsonlCases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].error.empty()) continue;
    const std::string where = dir_.Sub("in/posts.jsonl") + ":" + std::to_string(i + 1);
    EXPECT_THAT(result_.err, HasSubstr(where + ": rejected: ")) << where;
    EXPECT_THAT(result_.err, HasSubstr(cases[i].error)) << where;
  }
  EXPECT_THAT(result_.err, HasSubstr("posts.jsonl:4: ignored unknown field(s): colour"));
  EXPECT_THAT(result_.err,
              HasSubstr("posts.jsonl:11: id 'dup' also appears at " +
                        dir_.Sub("in/posts.jsonl") + ":5; the last record wins"));
  EXPECT_THAT(result_.err, HasSubstr("empty.txt: rejected: empty post"));
  EXPECT_THAT(
      result_.err,
      HasSubstr("bad-utf8.txt: rejected: line 3: invalid UTF-8 at byte offset 13"));
  EXPECT_THAT(result_.err,
              HasSubstr("nul.txt: rejected: line 3: NUL byte at byte offset 9"));
  EXPECT_THAT(result_.err, HasSubstr("binary.txt: rejected: "));
  EXPECT_THAT(result_.err,
              HasSubstr("huge.txt: rejected: file is 52428800 bytes; a page may "
                        "be at most 4194304"));
  EXPECT_THAT(result_.err, HasSubstr("loop.txt: symbolic link that leads nowhere"));
}

TEST_F(BadInputTest, EverythingElseIsIndexedAndTheExitCodeSaysSome) {
  EXPECT_EQ(result_.exit_code, 1) << result_.err;
  // bom, unknown, dup (once), crlf, and the good page.
  EXPECT_EQ(result_.out, "added 5, replaced 0, unchanged 0, deleted 0, rejected 14\n");
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir_.Sub("db"));
  ASSERT_TRUE(searcher.ok());
  EXPECT_EQ((*searcher)->PostCount(), 5u);
  absl::StatusOr<v1::Post> dup = (*searcher)->GetPost("dup");
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->answer(), "second");
  EXPECT_TRUE((*searcher)->GetPost("crlf").ok());
  EXPECT_TRUE((*searcher)->GetPost("bom").ok());
}

TEST_F(BadInputTest, RejectsFileHoldsEachRejectedRecordByteForByte) {
  std::string expected;
  for (const JsonlCase& c : JsonlCases()) {
    if (!c.error.empty()) expected += c.line + "\n";
  }
  EXPECT_EQ(ReadFile(dir_.Sub("rejects.jsonl")), expected);
  for (const char* page :
       {"empty.txt", "bad-utf8.txt", "nul.txt", "binary.txt", "huge.txt"}) {
    EXPECT_EQ(ReadFile(dir_.Sub(std::string("rejects.jsonl.pages/") + page)),
              ReadFile(dir_.Sub(std::string("in/") + page)))
        << page;
  }
  // Fixed and fed again, the rejected records go in.
  const auto again = RunIndexer({"--db", dir_.Sub("db"), dir_.Sub("rejects.jsonl")});
  EXPECT_EQ(again.exit_code, 2);  // Still all broken: nothing to do.
}

TEST(AllRejectedTest, ARunThatAcceptsNothingLeavesNoNewIndex) {
  // Exit 2 promises an untouched index: no empty index appears at a new
  // path for a server watching it to serve; an existing one stays.
  TempDir dir;
  const std::string bad = dir.WriteFile("bad.jsonl", "{\"bad\n");
  const auto none = RunIndexer({"--db", dir.Sub("db"), bad});
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("db")));
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db"), SourcePath("data/sample")}).exit_code, 0);
  EXPECT_EQ(RunIndexer({"--db", dir.Sub("db"), bad}).exit_code, 2);
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("db")));
}

// A 100 MiB line used to be read whole before the 16 MiB check (issue 14,
// item 15): memory grew with the line. Now only the limit is ever held, and
// the record, never held whole, is not copied to --rejects.
TEST(HugeRecordTest, AHugeLineIsRejectedWithoutBeingHeldInMemory) {
  TempDir dir;
  const std::string small = dir.WriteFile("small.jsonl", R"({"id":"s","answer":"Rest."})"
                                                         "\n");
  ASSERT_EQ(RunIndexer({"--db", dir.Sub("db0"), small}).exit_code, 0);
  rusage before{};
  getrusage(RUSAGE_CHILDREN, &before);

  const std::string huge = dir.Sub("huge.jsonl");
  {
    std::ofstream out(huge, std::ios::binary);
    out << R"({"id":"big","answer":")";
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "\"}\n"
        << R"({"id":"after","answer":"Ice it."})"
        << "\n";
  }
  const auto run =
      RunIndexer({"--db", dir.Sub("db"), "--rejects", dir.Sub("rejects.jsonl"), huge});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("huge.jsonl:1"));
  EXPECT_THAT(run.err, HasSubstr("104857"));  // The whole line's size.
  EXPECT_THAT(run.out, HasSubstr("added 1"));
  rusage after{};
  getrusage(RUSAGE_CHILDREN, &after);
  // ru_maxrss is in KiB: the largest child so far. The 16 MiB limit may be
  // held (twice, while a string grows); the 100 MiB line never.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024);
  EXPECT_FALSE(fs::exists(dir.Sub("rejects.jsonl")));
}

// Binds a Unix socket at `path` (left in place when the descriptor closes).
bool MakeSocket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    ::close(fd);
    return false;
  }
  path.copy(address.sun_path, path.size());
  const bool bound =
      ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return bound;
}

// A link to /dev/zero used to be "a symbolic link that leads nowhere", and
// read as a page, "18446744073709551615 bytes"; one named .jsonl was read
// for ever, and a pipe waited for a writer (issue 14, item 19). Devices,
// pipes and sockets are now refused by name and never opened.
TEST(DeviceInputTest, DevicesPipesAndSocketsAreNotRegularFilesAndAreNeverRead) {
  TempDir dir;
  dir.WriteFile("in/good.txt", kGoodPage);
  fs::create_symlink("/dev/zero", dir.Sub("in/zero.txt"));
  fs::create_symlink("/dev/zero", dir.Sub("in/zero.jsonl"));
  ASSERT_EQ(::mkfifo(dir.Sub("in/pipe.jsonl").c_str(), 0600), 0);
  ASSERT_TRUE(MakeSocket(dir.Sub("in/socket.txt")));
  fs::create_symlink("pipe.jsonl", dir.Sub("in/link-to-pipe.jsonl"));
  const std::string kWhy = "not a regular file (a device, pipe or socket)";

  // Given on the command line: a usage error, before any index is created.
  for (const std::string& input :
       {std::string("/dev/zero"), dir.Sub("in/zero.txt"), dir.Sub("in/zero.jsonl"),
        dir.Sub("in/pipe.jsonl"), dir.Sub("in/socket.txt"),
        dir.Sub("in/link-to-pipe.jsonl")}) {
    SCOPED_TRACE(input);
    const auto result = RunIndexer({"--db", dir.Sub("db"), input});
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_THAT(result.err, HasSubstr("input " + input + ": " + kWhy));
    EXPECT_THAT(result.err, Not(HasSubstr("leads nowhere")));
    EXPECT_THAT(result.err, Not(HasSubstr("18446744073709551615")));
    EXPECT_FALSE(fs::exists(dir.Sub("db")));
  }
  const auto synonyms =
      RunIndexer({"--db", dir.Sub("db"), "--synonyms", "/dev/zero", dir.Sub("in")});
  EXPECT_EQ(synonyms.exit_code, 2) << synonyms.err;
  EXPECT_THAT(synonyms.err, HasSubstr("--synonyms /dev/zero: " + kWhy));
  EXPECT_FALSE(fs::exists(dir.Sub("db")));

  // Found in a directory: each named and skipped; the rest is indexed.
  const auto listed = RunIndexer({"--db", dir.Sub("db"), dir.Sub("in")});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, "added 1, replaced 0, unchanged 0, deleted 0, rejected 0\n");
  for (const char* name :
       {"zero.txt", "zero.jsonl", "pipe.jsonl", "socket.txt", "link-to-pipe.jsonl"}) {
    EXPECT_THAT(listed.err,
                HasSubstr(dir.Sub(std::string("in/") + name) + ": " + kWhy + "; skipped"))
        << name;
  }
  EXPECT_THAT(listed.err, Not(HasSubstr("leads nowhere")));
}

TEST(UnreadableInputTest, UnreadableFileIsRejectedOthersIndexed) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);  // Let an unprivileged indexer in.
  dir.WriteFile("in/good.txt", kGoodPage);
  const std::string secret = dir.WriteFile("in/secret.txt", kGoodPage);
  fs::permissions(secret, fs::perms::none);
  fs::create_directories(dir.Sub("db"));
  fs::permissions(dir.Sub("db"), fs::perms::all);
  // Root reads everything, so the indexer runs as "nobody" when we are root.
  const std::optional<uid_t> uid =
      ::getuid() == 0 ? std::optional<uid_t>(65534) : std::nullopt;
  const auto result = guru::testing::Run(
      {GURU_INDEXER_BIN, "--db", dir.Sub("db"), dir.Sub("in")}, "", uid);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.out, "added 1, replaced 0, unchanged 0, deleted 0, rejected 1\n");
  EXPECT_THAT(result.err, HasSubstr(secret + ": rejected: cannot open"));
}

}  // namespace
}  // namespace guru
