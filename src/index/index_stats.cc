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

std::string_view VocabularySourceName(IndexVocabulary::Source source) {
  switch (source) {
    case IndexVocabulary::Source::kBuiltIn:
      return "built-in";
    case IndexVocabulary::Source::kFiles:
      return "files";
    case IndexVocabulary::Source::kNone:
      return "none";
    case IndexVocabulary::Source::kNeverLoaded:
      break;
  }
  return "never-loaded";
}

std::string DescribeVocabulary(const IndexVocabulary& vocabulary) {
  switch (vocabulary.source) {
    case IndexVocabulary::Source::kBuiltIn:
      return StrCat(vocabulary.name, " version ", vocabulary.version, " (built in)");
    case IndexVocabulary::Source::kFiles:
      if (vocabulary.version.empty()) {
        return StrCat(vocabulary.name, " (loaded by an older guru-indexer)");
      }
      return StrCat(vocabulary.name, " version ", vocabulary.version,
                    " (from --synonyms files)");
    case IndexVocabulary::Source::kNone:
      return "none (--synonyms none)";
    case IndexVocabulary::Source::kNeverLoaded:
      break;
  }
  return "none (never loaded)";
}

namespace internal {
IndexVocabulary VocabularyFromMetadata(
    const std::function<std::string(std::string_view)>& metadata) {
  IndexVocabulary vocabulary;
  const std::string source = metadata(schema::kVocabularySourceKey);
  if (source == VocabularySourceName(IndexVocabulary::Source::kBuiltIn)) {
    vocabulary.source = IndexVocabulary::Source::kBuiltIn;
  } else if (source == VocabularySourceName(IndexVocabulary::Source::kFiles)) {
    vocabulary.source = IndexVocabulary::Source::kFiles;
  } else if (source == VocabularySourceName(IndexVocabulary::Source::kNone)) {
    vocabulary.source = IndexVocabulary::Source::kNone;
  } else if (!metadata(schema::kSynonymsKey).empty()) {
    // Loaded by a guru-indexer that recorded only the table's fingerprint:
    // from files an operator named, but which is no longer known.
    vocabulary.source = IndexVocabulary::Source::kFiles;
    vocabulary.name = "unknown";
    return vocabulary;
  } else {
    return vocabulary;
  }
  vocabulary.name = metadata(schema::kVocabularyKey);
  vocabulary.version = metadata(schema::kVocabularyVersionKey);
  if (vocabulary.name.empty()) vocabulary.name = "unknown";
  return vocabulary;
}
}  // namespace internal

absl::StatusOr<IndexStats> ReadIndexStats(const std::string& path, bool measure_size) {
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
      // A sharded index keeps its table (and what it was loaded from) in
      // the synonyms database, which comes last; a plain one in itself.
      if (database == databases->back()) {
        stats.vocabulary = internal::VocabularyFromMetadata(
            [&db](std::string_view key) { return db.get_metadata(std::string(key)); });
      }
    } catch (const Xapian::Error& e) {
      return internal::XapianErrorToStatus(e, StrCat("opening index ", database));
    }
  }
  if (!measure_size) return stats;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) stats.bytes_on_disk += entry.file_size(ec);
  }
  return stats;
}

}  // namespace guru
