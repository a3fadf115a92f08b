// What the indexer tests read back from an index they built: the posts a
// search finds, and a line of `guru-indexer stats`.
#ifndef GURU_TESTS_INDEXER_INDEX_CHECKS_H_
#define GURU_TESTS_INDEXER_INDEX_CHECKS_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "index/searcher.h"
#include "support/guru_env.h"

namespace guru::testing {

// The ids of the posts a search of `query` in the index at `db` finds.
inline std::vector<std::string> SearchIds(const std::string& db,
                                          const std::string& query) {
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(db);
  EXPECT_TRUE(searcher.ok()) << searcher.status();
  if (!searcher.ok()) return {};
  SearchParams params;
  params.query = query;
  absl::StatusOr<SearchPage> page = (*searcher)->Search(params);
  EXPECT_TRUE(page.ok()) << page.status();
  std::vector<std::string> ids;
  if (page.ok()) {
    for (const v1::SearchResult& hit : page->response.results())
      ids.push_back(hit.post().id());
  }
  return ids;
}

// The line of `guru-indexer stats --db DB` that starts with `label` ("revision ").
inline std::string StatsLine(const std::string& db, const std::string& label) {
  const auto stats = RunIndexer({"stats", "--db", db});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  const std::size_t at = stats.out.find(label);
  return at == std::string::npos ? ""
                                 : stats.out.substr(at, stats.out.find('\n', at) - at);
}

}  // namespace guru::testing

#endif  // GURU_TESTS_INDEXER_INDEX_CHECKS_H_
