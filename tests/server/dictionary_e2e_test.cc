// guru-server without its default word list (/usr/share/dict/words): it
// warns and corrects spelling without the list, instead of refusing to
// start. Where the file exists (wamerican installed), the server runs in a
// private mount namespace in which an empty tmpfs hides the file's
// directory from it alone.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/word_list.h"
#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::Child;
using ::guru::testing::RunIndexer;
using ::guru::testing::SourcePath;
using ::guru::testing::TempDir;
using ::testing::HasSubstr;

constexpr const char* kUnshare = "/usr/bin/unshare";

// The default dictionary's directory, from the constant the server uses.
std::string DictionaryDirectory() {
  return std::filesystem::path(kDefaultDictionaryFile).parent_path().string();
}

// The shell command that hides the directory, then runs "$0" "$@".
std::string HideDirectoryThen(const std::string& then) {
  return "mount -t tmpfs guru-test-empty " + DictionaryDirectory() + " && " + then;
}

TEST(DictionaryTest, WithoutTheDefaultWordListTheServerWarnsAndCorrectsWithoutIt) {
  TempDir dir;
  const auto indexed = RunIndexer({"--db", dir.Sub("db"), SourcePath("data/sample")});
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;

  // No --dictionary: the server looks for the default file.
  std::vector<std::string> argv = {
      GURU_SERVER_BIN,       "--db", dir.Sub("db"), "--listen", "127.0.0.1:0",
      "--shutdown-grace-ms", "0"};
  struct stat info {};
  if (::stat(std::string(kDefaultDictionaryFile).c_str(), &info) == 0) {
    // -U -r: a user namespace, so that mounting needs no privilege outside.
    const auto hidden =
        testing::Run({kUnshare, "-Urm", "sh", "-c", HideDirectoryThen("test ! -e \"$0\""),
                      std::string(kDefaultDictionaryFile)});
    if (hidden.exit_code != 0) {
      GTEST_SKIP() << kDefaultDictionaryFile
                   << " exists and cannot be hidden here (no mount namespace): "
                   << hidden.err;
    }
    argv.insert(argv.begin(),
                {kUnshare, "-Urm", "sh", "-c", HideDirectoryThen("exec \"$0\" \"$@\"")});
  }
  Child server(argv);
  const std::string listening =
      server.WaitForLine("listening on 127.0.0.1:", std::chrono::seconds(20));
  ASSERT_FALSE(listening.empty()) << "the server did not start:\n" << server.err();
  EXPECT_THAT(server.err(), HasSubstr(std::string("warning no word list at ") +
                                      std::string(kDefaultDictionaryFile)));

  const std::string port = listening.substr(listening.rfind(':') + 1);
  auto stub = v1::GuruSearch::NewStub(
      grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials()));
  v1::SearchRequest request;
  request.set_query("achilles tendonitus");
  v1::SearchResponse response;
  grpc::Status status;
  // The index opens a moment after the port (UNAVAILABLE until then).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  do {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    status = stub->Search(&context, request, &response);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < give_up);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // As with --dictionary none (SearchApiTest.SpellingLeavesTheDictionarysWordsAlone).
  EXPECT_EQ(response.interpretation().did_you_mean(), "achilles tendinitis");
}

}  // namespace
}  // namespace guru
