// A damaged index never takes the server down (issue 14, items 1 and 6):
// copies of a real index with each table truncated, zeroed in part or
// bit-flipped (several seeds) are served by a real guru-server, before it
// starts and while it runs. Every call succeeds or fails DATA_LOSS, health
// is NOT_SERVING while Xapian's checker finds damage, and the server exits
// cleanly when stopped (a crash in Xapian would kill it).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "index/integrity.h"
#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

namespace fs = std::filesystem;
using ::guru::testing::RunIndexer;
using ::guru::testing::ServerProcess;
using ::guru::testing::TempDir;
using Health = grpc::health::v1::HealthCheckResponse;

constexpr int kPosts = 400;
// No grace at shutdown: the test's open channel would hold it for the whole
// grace period.
const std::vector<std::string> kServerFlags = {"--dictionary", "none",
                                               "--shutdown-grace-ms", "0"};
constexpr std::size_t kBlockSize = 8192;  // Glass's default block size.

// Posts whose words vary enough that every table spans many blocks.
std::string Posts() {
  std::string posts;
  std::mt19937 random(42);
  for (int i = 0; i < kPosts; ++i) {
    std::string answer;
    for (int w = 0; w < 120; ++w) answer += "w" + std::to_string(random() % 3000) + " ";
    posts += R"({"id":"p)" + std::to_string(i) + R"(","title":"knee pain w)" +
             std::to_string(i % 50) + R"(","category":"c)" + std::to_string(i % 7) +
             R"(","answer":"knee )" + answer + R"("})" + "\n";
  }
  return posts;
}

enum class Damage { kTruncateHalf, kTruncateAll, kZeroBlock, kFlipBits };

void Corrupt(const fs::path& table, Damage damage, unsigned seed) {
  const auto size = fs::file_size(table);
  std::mt19937_64 random(seed);
  switch (damage) {
    case Damage::kTruncateHalf:
      fs::resize_file(table, size / 2);
      return;
    case Damage::kTruncateAll:
      fs::resize_file(table, 0);
      return;
    case Damage::kZeroBlock: {
      std::fstream file(table, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(static_cast<std::streamoff>((1 + random() % (size / kBlockSize - 1)) *
                                             kBlockSize));
      const std::string zeros(kBlockSize, '\0');
      file.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
      return;
    }
    case Damage::kFlipBits: {
      std::fstream file(table, std::ios::in | std::ios::out | std::ios::binary);
      for (int i = 0; i < 300; ++i) {
        const auto offset = static_cast<std::streamoff>(random() % size);
        char byte = 0;
        file.seekg(offset);
        file.read(&byte, 1);
        byte = static_cast<char>(byte ^ (1 << (random() % 8)));
        file.seekp(offset);
        file.write(&byte, 1);
      }
      return;
    }
  }
}

// Calls every index-reading rpc a few times; returns how many did not end OK
// or DATA_LOSS (described in `bad`).
int CallEverything(ServerProcess& server, std::string& bad) {
  int wrong = 0;
  auto expect = [&](const grpc::Status& status, const std::string& what) {
    if (status.ok() || status.error_code() == grpc::StatusCode::DATA_LOSS) return;
    ++wrong;
    bad += what + ": code " + std::to_string(status.error_code()) + " " +
           status.error_message() + "\n";
  };
  for (int i = 0; i < 6; ++i) {
    v1::SearchRequest request;
    request.set_query("knee pain w" + std::to_string(i * 7) + " w" +
                      std::to_string(i * 13));
    v1::SearchResponse response;
    expect(server.search().Search(ServerProcess::Context().get(), request, &response),
           "Search");
    v1::GetPostRequest get;
    get.set_id("p" + std::to_string(i * 61));
    v1::Post post;
    expect(server.search().GetPost(ServerProcess::Context().get(), get, &post),
           "GetPost");
    v1::RelatedRequest related;
    related.set_id(get.id());
    v1::RelatedResponse related_response;
    expect(server.search().Related(ServerProcess::Context().get(), related,
                                   &related_response),
           "Related");
  }
  return wrong;
}

class CorruptionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clean_ = new TempDir;
    const std::string input = clean_->WriteFile("posts.jsonl", Posts());
    const auto indexed = RunIndexer({"--db", clean_->Sub("db"), input});
    ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  }
  static void TearDownTestSuite() { delete clean_; }

  // A fresh copy of the clean index, in `dir`.
  static std::string CopyOfIndex(const TempDir& dir) {
    const std::string copy = dir.Sub("db");
    fs::copy(clean_->Sub("db"), copy, fs::copy_options::recursive);
    return copy;
  }

  static TempDir* clean_;
};
TempDir* CorruptionTest::clean_ = nullptr;

TEST_F(CorruptionTest, EveryDamagedTableIsRefusedWithDataLossAndNeverCrashes) {
  int damaged_cases = 0;
  for (const char* table : {"postlist", "termlist", "docdata"}) {
    for (Damage damage : {Damage::kTruncateHalf, Damage::kTruncateAll, Damage::kZeroBlock,
                          Damage::kFlipBits}) {
      const unsigned seeds = damage == Damage::kFlipBits ? 4 : 1;
      for (unsigned seed = 1; seed <= seeds; ++seed) {
        SCOPED_TRACE(std::string(table) + " damage " +
                     std::to_string(static_cast<int>(damage)) + " seed " +
                     std::to_string(seed));
        TempDir dir;
        const std::string db = CopyOfIndex(dir);
        Corrupt(fs::path(db) / (std::string(table) + ".glass"), damage, seed);
        const bool damaged = !CheckDatabase(db).ok();
        damaged_cases += damaged;
        ServerProcess server(db, kServerFlags);
        if (damaged) {
          EXPECT_TRUE(server.WaitForHealth(Health::NOT_SERVING));
        }
        std::string bad;
        EXPECT_EQ(CallEverything(server, bad), 0) << bad;
        EXPECT_EQ(server.process().Stop(SIGTERM, std::chrono::seconds(20)), 0)
            << server.process().err();
      }
    }
  }
  // The matrix is a test of damage, not of lucky flips into free space.
  EXPECT_GE(damaged_cases, 18);
}

TEST_F(CorruptionTest, DamageWhileServingGoesNotServingAndARepairServesAgain) {
  TempDir dir;
  const std::string db = CopyOfIndex(dir);
  std::vector<std::string> flags = kServerFlags;
  flags.insert(flags.end(), {"--refresh-ms", "50"});
  ServerProcess server(db, flags);
  ASSERT_TRUE(server.WaitForHealth(Health::SERVING));
  std::string bad;
  ASSERT_EQ(CallEverything(server, bad), 0) << bad;

  Corrupt(fs::path(db) / "termlist.glass", Damage::kFlipBits, 7);
  ASSERT_FALSE(CheckDatabase(db).ok());
  EXPECT_TRUE(server.WaitForHealth(Health::NOT_SERVING));
  v1::SearchRequest request;
  request.set_query("knee pain");
  v1::SearchResponse response;
  const grpc::Status refused =
      server.search().Search(ServerProcess::Context().get(), request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::DATA_LOSS);
  // Clients learn what happened, not where: no path, no library words.
  EXPECT_EQ(refused.error_message().find(db), std::string::npos);
  EXPECT_NE(server.process().WaitForLine("is damaged", std::chrono::seconds(5)), "");

  // The operator restores the index from a good copy.
  fs::remove_all(db);
  fs::copy(clean_->Sub("db"), db, fs::copy_options::recursive);
  EXPECT_TRUE(server.WaitForHealth(Health::SERVING));
  EXPECT_EQ(CallEverything(server, bad), 0) << bad;
  EXPECT_TRUE(
      server.search().Search(ServerProcess::Context().get(), request, &response).ok());
  EXPECT_EQ(server.process().Stop(SIGTERM, std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace guru
