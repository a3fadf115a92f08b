// An index split into shards: N Xapian databases under one directory, listed
// by a Xapian stub database file, so that every Xapian reader (guru-server,
// xapian-delve, a stub of `remote` shards) opens the whole as one database.
//
//   DIR/XAPIANDB      the stub: "auto shard-000" ... and "auto synonyms"
//   DIR/shard-000/    posts whose id hashes to 0 (FNV-1a 64 of the id mod N)
//   DIR/shard-001/    ...
//   DIR/synonyms/     no posts: the side database, with the synonym table
//                     and the spelling data of all shards (see below)
//
// A post's shard depends only on its id and N, so upserts, deletions and
// prunes reach the shard that holds it. N is fixed when the directory is
// created; changing it means reindexing into a new directory.
//
// The synonym table and the spelling data live in their own database rather
// than in the shards because Xapian's remote backend serves neither: a stub
// of `remote` shards lists a local copy of DIR/synonyms to keep them
// (docs/SCALING.md). One spelling table also corrects a word as one index
// would: over a stub of shards each holding its own, Xapian 1.4 corrected 17
// of the 87 unknown words of the LiveQA development questions otherwise.
#ifndef GURU_INDEX_SHARDS_H_
#define GURU_INDEX_SHARDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace guru {

// Most shards one index may have.
inline constexpr int kMaxShards = 1024;

// Name of the stub file inside a sharded index directory (Xapian opens a
// directory holding this file as the databases it lists).
inline constexpr std::string_view kStubFileName = "XAPIANDB";

// Name of the side database (synonym table, spelling data) inside a sharded
// directory.
inline constexpr std::string_view kSynonymsDirName = "synonyms";

// The shard, in [0, shards), that holds the post with `id`: FNV-1a 64 of the
// id's bytes modulo `shards`. Stable across runs, machines and releases.
int ShardOf(std::string_view id, int shards);

// What the directory of every shard inside a sharded directory starts with.
inline constexpr std::string_view kShardDirPrefix = "shard-";

// "shard-007": the directory of shard `index` inside a sharded directory.
std::string ShardDirName(int index);

// How many shards the index at `path` has: 0 when `path` is not a sharded
// directory (a plain index, or nothing yet). INVALID_ARGUMENT when its stub
// lists no shards; UNAVAILABLE when the stub cannot be read.
absl::StatusOr<int> ShardCount(const std::string& path);

// The directories of the shards of the sharded index at `path`, in order,
// followed by the side database's; empty when `path` is not sharded.
absl::StatusOr<std::vector<std::string>> ShardedDatabasePaths(const std::string& path);

// The databases of a sharded index of `shards` shards at `path`, as its stub
// lists them: the shards in order, then the side database.
std::vector<std::string> ShardedDatabasePaths(const std::string& path, int shards);

// One database line of a Xapian stub file, split as Xapian 1.4 splits it:
// the type ("auto", "glass", "remote", ...) up to the first space, the rest
// of the line after that space as its argument (a path, relative to the
// stub's directory, or a remote's address).
struct StubLine {
  std::string type;
  std::string argument;
};

// The database lines of the stub file `stub`, in order; blank lines and
// '#' comments are skipped, as Xapian skips them. UNAVAILABLE when it cannot
// be read.
absl::StatusOr<std::vector<StubLine>> ReadStub(const std::string& stub);

// Whether `path` is a Xapian stub database (a stub file, or a directory
// holding one) that lists a `remote` database, i.e. one reached over
// xapian-tcpsrv, where every lookup the engine makes is a network round
// trip. False when it cannot be read: opening it will report that.
bool ListsRemoteDatabases(const std::string& path);

// The program that serves shards to a searcher in child processes (see
// SearcherOptions::shard_processes): Xapian's own remote server, which
// speaks its remote protocol over a pipe.
inline constexpr std::string_view kShardServerProgram = "xapian-progsrv";

// The absolute path of kShardServerProgram, found on PATH as a shell finds
// it; FAILED_PRECONDITION naming the Debian package when it is not there.
absl::StatusOr<std::string> LocateShardServer();

}  // namespace guru

#endif  // GURU_INDEX_SHARDS_H_
