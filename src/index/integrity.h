// Checks that an index's files are whole before a server reads them.
//
// Xapian 1.4 trusts its tables: most damage raises an error, but some (bit
// flips inside a B-tree block) makes an ordinary read crash the process.
// The only read that cannot crash on bad data is Xapian's own checker, so the
// server runs it on each database whose files changed, and refuses to search
// a database it found damaged.
#ifndef GURU_INDEX_INTEGRITY_H_
#define GURU_INDEX_INTEGRITY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace guru {

// One database of an index (the index itself, or one shard, or the side
// database of a sharded index), and what its files looked like: any write,
// truncation or replacement of a file changes `signature`.
struct DatabaseFiles {
  std::string path;
  std::string signature;  // Names, sizes and modification times.
};

// The local databases the index at `path` reads, following stubs: the shards
// and side database of a sharded index, and the copy in use of a replica kept
// by xapian-replicate (remote shards are checked by the servers that hold
// them). UNAVAILABLE when there is no index there.
absl::StatusOr<std::vector<DatabaseFiles>> ListDatabaseFiles(const std::string& path);

// Runs Xapian's consistency check of every table of the database at `path`
// (what xapian-check does). OK when it is whole; DATA_LOSS naming the first
// problems found; UNAVAILABLE when it cannot be opened. Reads the whole
// database: about 40 µs per post. Safe while an indexer commits, but a commit
// during the check can make a whole database look damaged: compare the
// signature before believing DATA_LOSS.
absl::Status CheckDatabase(const std::string& path);

}  // namespace guru

#endif  // GURU_INDEX_INTEGRITY_H_
