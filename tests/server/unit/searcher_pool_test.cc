// SearcherPool over a sharded index whose shards are served by child
// processes: a child that dies takes its searcher with it, not the service.
#include "server/searcher_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>  // kill
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "index/index_writer.h"
#include "index/shards.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::TempDir;

// The pids of this process's children named `name`; with `alive`, not
// those that exited and were not reaped yet.
std::vector<pid_t> Children(const std::string& name, bool alive = false) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    pid_t pid = 0;
    std::string comm;
    char state = 0;
    pid_t parent = 0;
    if (stat >> pid >> comm >> state >> parent && parent == ::getpid() &&
        comm == "(" + name + ")" && (!alive || state != 'Z')) {
      pids.push_back(pid);
    }
  }
  return pids;
}

// The ids of the page for `query`, through the pool.
absl::StatusOr<std::vector<std::string>> Search(SearcherPool& pool,
                                                const std::string& query) {
  std::vector<std::string> ids;
  const absl::Status status =
      pool.Run(std::chrono::system_clock::now() + std::chrono::seconds(10),
               [&](Searcher& searcher) {
                 SearchParams params;
                 params.query = query;
                 absl::StatusOr<SearchPage> page = searcher.Search(params);
                 if (!page.ok()) return page.status();
                 for (const v1::SearchResult& result : page->response.results()) {
                   ids.push_back(result.post().id());
                 }
                 return absl::OkStatus();
               });
  if (!status.ok()) return status;
  return ids;
}

// Whether it dies under a search (a long refresh interval) or under the
// refresh before one (refreshed at every call), a searcher whose shard
// processes were killed is replaced, and so is every other idle one.
TEST(SearcherPoolTest, SearchersWhoseShardProcessesDiedAreReplaced) {
  if (!LocateShardServer().ok()) GTEST_SKIP() << "no xapian-progsrv (xapian-tools)";
  TempDir dir;
  const std::string db = dir.Sub("db");
  {
    auto writer = IndexWriter::Open(db, 3);
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (int i = 0; i < 12; ++i) {
      v1::Post post;
      post.set_id("post-" + std::to_string(i));
      post.set_title(i == 7 ? "Olecranon bursitis" : "Knee pain");
      post.set_answer(i == 7 ? "A swollen elbow." : "Rest the knee.");
      ASSERT_TRUE((*writer)->Upsert(post).ok());
    }
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  const std::string program(kShardServerProgram);
  for (const auto refresh :
       {std::chrono::milliseconds(60000), std::chrono::milliseconds(0)}) {
    SCOPED_TRACE(refresh.count());
    SearcherOptions options;
    options.shard_processes = 2;
    SearcherPool pool(db, refresh, options);
    {  // Two searchers in the pool, four children.
      absl::StatusOr<SearcherPool::Lease> first = pool.Acquire();
      absl::StatusOr<SearcherPool::Lease> second = pool.Acquire();
      ASSERT_TRUE(first.ok() && second.ok());
    }
    const std::vector<pid_t> children = Children(program);
    ASSERT_EQ(children.size(), 4u);
    for (const pid_t child : children) ASSERT_EQ(::kill(child, SIGKILL), 0);
    for (int call = 0; call < 3; ++call) {
      absl::StatusOr<std::vector<std::string>> found = Search(pool, "elbow bursitis");
      ASSERT_TRUE(found.ok()) << found.status();
      EXPECT_THAT(*found, ::testing::ElementsAre("post-7"));
    }
    // New children serve (a dead one stays a zombie until its idle
    // searcher is next taken and closed).
    EXPECT_GE(Children(program, /*alive=*/true).size(), 2u);
  }
}

}  // namespace
}  // namespace guru
