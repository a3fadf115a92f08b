// A search never fails because of a concurrent commit (issue 14, item 5):
// the real guru-indexer commits every 10 posts, again and again, while
// client threads call Search (short, slow and paged), GetPost and Related on
// a real guru-server that refreshes every 10 ms. Every call must succeed and
// health must stay SERVING. COMMIT_STORM_SECONDS sets the length (default 8;
// the issue's long run: 60).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/guru_env.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::RunIndexer;
using ::guru::testing::ServerProcess;
using ::guru::testing::TempDir;
using Health = grpc::health::v1::HealthCheckResponse;

constexpr int kPosts = 600;
constexpr int kClients = 6;

// The posts of round `round`: the same ids each round, new text, so that
// every commit rewrites documents the searches are reading.
std::string Posts(int round) {
  std::string posts;
  for (int i = 0; i < kPosts; ++i) {
    std::string answer;
    for (int w = 0; w < 60; ++w) {
      answer += "w" + std::to_string((i * 31 + w * 17 + round * 7) % 2000) + " ";
    }
    posts += R"({"id":"p)" + std::to_string(i) + R"(","title":"knee pain w)" +
             std::to_string(i % 40) + R"(","answer":"knee pain round )" +
             std::to_string(round) + " " + answer + R"("})" + "\n";
  }
  return posts;
}

// 1,000 frequent and rare words: the slowest legal query, read longest.
std::string SlowQuery() {
  std::string query = "knee pain";
  for (int w = 0; w < 998; ++w) query += " w" + std::to_string(w * 2);
  return query;
}

int StormSeconds() {
  const char* seconds = std::getenv("COMMIT_STORM_SECONDS");
  return seconds != nullptr ? std::atoi(seconds) : 8;
}

TEST(CommitStormTest, NoCallFailsWhileTheIndexerCommitsEveryTenPosts) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  ASSERT_EQ(RunIndexer({"--db", db, dir.WriteFile("round0.jsonl", Posts(0))}).exit_code,
            0);
  ServerProcess server(
      db, {"--dictionary", "none", "--refresh-ms", "10", "--shutdown-grace-ms", "0"});
  ASSERT_TRUE(server.WaitForHealth(Health::SERVING));

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> health_flaps{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  auto record = [&](const grpc::Status& status, const std::string& what) {
    ++calls;
    if (status.ok()) return;
    std::lock_guard<std::mutex> lock(failures_mutex);
    failures.push_back(what + ": code " + std::to_string(status.error_code()) + " " +
                       status.error_message());
  };
  const std::string slow = SlowQuery();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; !stop; ++i) {
        v1::SearchRequest request;
        request.set_query(i % 5 == 0 ? slow
                                     : "knee pain w" + std::to_string((c + i) % 40));
        request.set_limit(10);
        v1::SearchResponse response;
        record(server.search().Search(ServerProcess::Context().get(), request, &response),
               "Search");
        if (!response.next_page_token().empty()) {
          request.set_page_token(response.next_page_token());
          v1::SearchResponse next;
          record(server.search().Search(ServerProcess::Context().get(), request, &next),
                 "Search page 2");
        }
        if (response.results_size() > 0) {
          v1::GetPostRequest get;
          get.set_id(response.results(0).post().id());
          v1::Post post;
          record(server.search().GetPost(ServerProcess::Context().get(), get, &post),
                 "GetPost");
          v1::RelatedRequest related;
          related.set_id(get.id());
          v1::RelatedResponse related_response;
          record(server.search().Related(ServerProcess::Context().get(), related,
                                         &related_response),
                 "Related");
        }
      }
    });
  }
  std::thread health([&] {
    while (!stop) {
      if (server.HealthStatus() != Health::SERVING) ++health_flaps;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  const auto end =
      std::chrono::steady_clock::now() + std::chrono::seconds(StormSeconds());
  int rounds = 0;
  while (std::chrono::steady_clock::now() < end) {
    ++rounds;
    const std::string input = dir.WriteFile("round.jsonl", Posts(rounds));
    const auto indexed = RunIndexer({"--db", db, "--commit-every", "10", input});
    ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  }
  stop = true;
  for (std::thread& client : clients) client.join();
  health.join();

  EXPECT_GT(calls.load(), 100);
  EXPECT_GE(rounds, 1);
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << calls.load()
                                << " calls failed, first: " << failures.front();
  server.process().WaitForLine("\x01", std::chrono::milliseconds(200));
  EXPECT_EQ(health_flaps.load(), 0) << server.process().err();
  EXPECT_TRUE(failures.empty()) << server.process().err();
  // A CI log shows the start of a long failure message: the end of the
  // server's log (a sanitizer's report, the last thing it did) comes first.
  const int exit_code = server.process().Stop(SIGTERM, std::chrono::seconds(20));
  const std::string& log = server.process().err();
  EXPECT_EQ(exit_code, 0) << "the log ends: "
                          << log.substr(log.size() -
                                        std::min<std::size_t>(log.size(), 3000))
                          << "\nthe whole log: " << log;
}

}  // namespace
}  // namespace guru
