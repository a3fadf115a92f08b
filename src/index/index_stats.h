// What an operator asks of an index: `guru-indexer stats`, and what the
// server logs when it opens or reloads one. Read-only; every function opens
// its own database handles, so any thread may call them.
#ifndef GURU_INDEX_INDEX_STATS_H_
#define GURU_INDEX_INDEX_STATS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace guru {

// The vocabulary (synonym table) an index was built with, as the indexer
// recorded it in the index's metadata.
struct IndexVocabulary {
  // Where it came from.
  enum class Source {
    // Nothing was ever chosen: an index written before vocabularies were
    // recorded with no table, or by a program that never loaded one.
    kNeverLoaded,
    // The vocabulary built into guru-indexer (data/synonyms/lay-clinical.txt
    // at build time), loaded by default.
    kBuiltIn,
    // Files named with --synonyms (or a table loaded before names were
    // recorded: then `name` is "unknown").
    kFiles,
    // Explicitly none (--synonyms none).
    kNone,
  };
  Source source = Source::kNeverLoaded;
  // "lay-clinical", the files' names without directory and extension joined
  // by "+" ("lay-clinical+medquad"), "unknown", or "none".
  std::string name = "none";
  // The files' "version N" lines joined by "+" ("3", "3+1"); empty for none.
  std::string version;

  // Whether the index has a synonym table to expand queries with.
  bool loaded() const { return source == Source::kBuiltIn || source == Source::kFiles; }
};

// "built-in", "files", "none" or "never-loaded": the source as stored in the
// index and printed by `stats --json`.
std::string_view VocabularySourceName(IndexVocabulary::Source source);

namespace internal {
// The vocabulary recorded in a database's metadata, read through `metadata`
// (key -> value, empty when unset). Shared by the reader and the writer.
IndexVocabulary VocabularyFromMetadata(
    const std::function<std::string(std::string_view)>& metadata);
}  // namespace internal

// One line for people: "lay-clinical version 3 (built in)",
// "lay-clinical+medquad version 3+1 (from --synonyms files)",
// "none (--synonyms none)", "none (never loaded)".
std::string DescribeVocabulary(const IndexVocabulary& vocabulary);

struct IndexStats {
  std::uint64_t posts = 0;
  // UTC time of the last commit that changed the index (ISO 8601); empty
  // for an index that was never written to.
  std::string last_update;
  // Xapian's revision number: goes up by one with each commit (for a sharded
  // index, the sum over its databases: up by one per database committed).
  std::uint64_t revision = 0;
  // Bytes of all files in the index directory (0 when not measured).
  std::uint64_t bytes_on_disk = 0;
  std::string schema_version;
  // Number of shards (index/shards.h); 0 for an index that is not sharded.
  int shards = 0;
  // What the synonym table was loaded from.
  IndexVocabulary vocabulary;
};

// Reads the stats of the index at `path` (read-only; works while an indexer
// writes). UNAVAILABLE when there is no index there. Without `measure_size`
// the directory is not walked and bytes_on_disk stays 0 (the server reads
// the stats at each reload and needs no size).
absl::StatusOr<IndexStats> ReadIndexStats(const std::string& path,
                                          bool measure_size = true);

}  // namespace guru

#endif  // GURU_INDEX_INDEX_STATS_H_
