#include "index/index_stats.h"

#include <xapian.h>

#include <filesystem>

#include "core/str_cat.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace guru {

absl::StatusOr<IndexStats> ReadIndexStats(const std::string& path) {
  IndexStats stats;
  try {
    Xapian::Database db(path);
    stats.posts = db.get_doccount();
    stats.revision = db.get_revision();
    stats.last_update = db.get_metadata(std::string(schema::kLastUpdateKey));
    stats.schema_version = db.get_metadata(std::string(schema::kSchemaVersionKey));
  } catch (const Xapian::Error& e) {
    return internal::XapianErrorToStatus(e, StrCat("opening index ", path));
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) stats.bytes_on_disk += entry.file_size(ec);
  }
  return stats;
}

}  // namespace guru
