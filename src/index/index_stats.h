// What an operator asks of an index: `guru-indexer stats`.
#ifndef GURU_INDEX_INDEX_STATS_H_
#define GURU_INDEX_INDEX_STATS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace guru {

struct IndexStats {
  std::uint64_t posts = 0;
  // UTC time of the last commit that changed the index (ISO 8601); empty
  // for an index that was never written to.
  std::string last_update;
  // Xapian's revision number: goes up by one with each commit (for a sharded
  // index, the sum over its databases: up by one per database committed).
  std::uint64_t revision = 0;
  // Bytes of all files in the index directory.
  std::uint64_t bytes_on_disk = 0;
  std::string schema_version;
  // Number of shards (index/shards.h); 0 for an index that is not sharded.
  int shards = 0;
};

// Reads the stats of the index at `path` (read-only; works while an indexer
// writes). UNAVAILABLE when there is no index there.
absl::StatusOr<IndexStats> ReadIndexStats(const std::string& path);

}  // namespace guru

#endif  // GURU_INDEX_INDEX_STATS_H_
