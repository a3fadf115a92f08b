// One indexing run: every record of every input is parsed, validated and
// upserted, or rejected with a reason and kept for the operator to fix.
#ifndef GURU_INGEST_INGEST_H_
#define GURU_INGEST_INGEST_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "index/index_stats.h"

namespace guru {

struct IngestOptions {
  // Index directory; created when missing.
  std::string db_path;
  // Split the index into this many shards (index/shards.h); 0 takes the
  // index as it is (a new one is not sharded). A sharded index must be given
  // its own count, or 0.
  int shards = 0;
  // When set, each rejected JSONL record is appended to this file byte for
  // byte, one per line, ready to be fixed and fed again; each rejected page
  // file is copied, byte for byte, into the directory `<rejects_path>.pages/`.
  // The file is created at the first reject and never truncated. It may not
  // be an input, lie below an input directory or inside the index.
  std::string rejects_path;
  // Posts per commit. Each commit is atomic, so a crash loses at most the
  // posts since the last one and never leaves a half-written index.
  std::size_t commit_every = 10000;
  // Largest page-text file read; larger ones are rejected unread.
  std::uintmax_t max_page_bytes = 4u << 20;
  // Longest JSONL record; longer lines are rejected.
  std::size_t max_record_bytes = 16u << 20;
  // After the run, delete posts whose source file, under one of the input
  // directories, no longer exists there.
  bool prune = false;
  // Parse and validate only; the index is neither opened nor created.
  bool dry_run = false;
  // Vocabulary files (core/synonyms.h format) to load into the index's
  // synonym table, replacing what was there; loading the same files again
  // changes nothing. When not empty, `vocabulary` is not looked at.
  std::vector<std::string> synonym_files;
  // Which vocabulary the run leaves in the index when no file is named.
  enum class Vocabulary {
    // The table is left as it is.
    kKeep,
    // guru-indexer's default: the built-in vocabulary (BuiltinVocabulary),
    // unless the index records one an operator chose (files, or none),
    // which is kept. So a run that names none never undoes a choice, a new
    // index is never built without one by oversight, and an index on the
    // built-in vocabulary gets the version this program carries.
    kDefault,
    // The built-in vocabulary, whatever the index had (--synonyms built-in).
    kBuiltIn,
    // An empty table, recorded as chosen (--synonyms none).
    kNone,
  };
  Vocabulary vocabulary = Vocabulary::kKeep;
};

// The name under which the built-in vocabulary is recorded and reported.
inline constexpr std::string_view kBuiltinVocabularyName = "lay-clinical";

// data/synonyms/lay-clinical.txt as it was when this program was built
// (cmake/EmbedText.cmake).
std::string_view BuiltinVocabulary();

struct IngestCounts {
  // Records that passed validation (in a dry run, the only count besides
  // rejected and warnings).
  std::uint64_t valid = 0;
  std::uint64_t added = 0;
  std::uint64_t replaced = 0;
  std::uint64_t unchanged = 0;
  std::uint64_t deleted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t warnings = 0;
  // The vocabulary the index has after the run (IngestOptions::vocabulary),
  // and whether the run changed it (committed with the first commit).
  IndexVocabulary vocabulary;
  bool vocabulary_changed = false;
  // Not OK when an error (a full disk...) stopped the run after some of its
  // commits: the counts above are then those of the posts committed before
  // it, which stay in the index.
  absl::Status stopped;
};

// "added A, replaced R, unchanged U, deleted D, rejected X".
std::string FormatSummary(const IngestCounts& counts);

// The same as one JSON object, for scripts:
// {"added":A,"replaced":R,"unchanged":U,"deleted":D,"rejected":X,
//  "valid":V,"warnings":W}.
std::string FormatSummaryJson(const IngestCounts& counts);

// Where a run is, reported after every record.
struct IngestProgress {
  const IngestCounts& counts;
  // Input bytes consumed so far, and in all (0 when unknown: standard input).
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
};
using ProgressSink = std::function<void(const IngestProgress&)>;

struct Diagnostic {
  enum class Severity { kWarning, kError };
  Severity severity;
  // Where: "path:line" for a JSONL record, "path" for a page file, "-:line"
  // for standard input, or the id for a deletion.
  std::string location;
  std::string message;
};
using DiagnosticSink = std::function<void(const Diagnostic&)>;

// Indexes `inputs`: `.jsonl` files, `.txt` page files, `.html`/`.htm` pages,
// directories (searched recursively for all three; other files are skipped;
// symbolic links to directories are not followed, so links cannot loop) and
// "-" (JSONL on standard input). A `.txt` file whose content is HTML is read
// as HTML. A page file found below an input directory in a subdirectory
// takes that subdirectory's name as its category, unless the page names one.
//
// Bad records are reported to `sink` and counted as rejected; the run goes
// on. Within one run the last record with a given id wins (warned), and the
// counts describe the change from the index before the run.
//
// Errors (nothing indexed): INVALID_ARGUMENT when an input does not exist or
// is not a .jsonl/.txt/.html file or directory, a synonym file cannot be
// read or parsed (with its line), or the rejects path is an input or synonym
// file, lies below an input directory or inside the index (compared after
// resolving links), or cannot be written; the index's errors when it cannot
// be opened; an index error before the first commit. The vocabulary is set
// (IngestOptions::vocabulary) before the first post, in the same commit. An index error
// after a commit (a full disk) returns the counts of what was committed, with the error
// in IngestCounts::stopped.
//
// JSONL records are read and prepared on a second thread, ahead of the
// writer; `sink` and `progress` are only ever called from the calling thread.
absl::StatusOr<IngestCounts> IngestInputs(const std::vector<std::string>& inputs,
                                          const IngestOptions& options,
                                          const DiagnosticSink& sink,
                                          const ProgressSink& progress = nullptr);

// Removes the posts with `ids`; an id that is not indexed is warned about.
absl::StatusOr<IngestCounts> DeletePosts(const std::vector<std::string>& ids,
                                         const IngestOptions& options,
                                         const DiagnosticSink& sink);

}  // namespace guru

#endif  // GURU_INGEST_INGEST_H_
