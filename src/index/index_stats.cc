#include "index/index_stats.h"

#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "core/str_cat.h"
#include "index/schema.h"
#include "index/shards.h"
#include "index/xapian_status.h"

namespace guru {

absl::StatusOr<IndexStats> ReadIndexStats(const std::string& path) {
  IndexStats stats;
  absl::StatusOr<std::vector<std::string>> databases = ShardedDatabasePaths(path);
  if (!databases.ok()) return databases.status();
  if (databases->empty()) {
    databases->push_back(path);
  } else {
    stats.shards = static_cast<int>(databases->size()) - 1;
  }
  for (const std::string& database : *databases) {
    try {
      Xapian::Database db(database);
      stats.posts += db.get_doccount();
      stats.revision += db.get_revision();
      stats.last_update = std::max(stats.last_update,
                                   db.get_metadata(std::string(schema::kLastUpdateKey)));
      if (stats.schema_version.empty()) {
        stats.schema_version = db.get_metadata(std::string(schema::kSchemaVersionKey));
      }
    } catch (const Xapian::Error& e) {
      return internal::XapianErrorToStatus(e, StrCat("opening index ", database));
    }
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) stats.bytes_on_disk += entry.file_size(ec);
  }
  return stats;
}

}  // namespace guru
