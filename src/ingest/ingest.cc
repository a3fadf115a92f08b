#include "ingest/ingest.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/page_html.h"
#include "core/page_text_parser.h"
#include "core/post_json.h"
#include "core/post_validation.h"
#include "core/str_cat.h"
#include "core/synonyms.h"
#include "core/text.h"
#include "index/index_writer.h"
#include "index/searcher.h"
#include "io/read_file.h"

namespace guru {
namespace {

namespace fs = std::filesystem;

enum class InputKind { kJsonl, kPage, kHtml, kOther };

InputKind KindOf(const fs::path& path) {
  const std::string ext = AsciiLower(path.extension().string());
  if (ext == ".jsonl") return InputKind::kJsonl;
  if (ext == ".txt") return InputKind::kPage;
  if (ext == ".html" || ext == ".htm") return InputKind::kHtml;
  return InputKind::kOther;
}

// Reads the next line of `in` (without its '\n') into `line`, keeping at
// most `keep` bytes of it, so that one huge line never fills memory;
// `length` is the whole line's length. False at the end of the input.
bool ReadLine(std::istream& in, std::uint64_t keep, std::string& line,
              std::uint64_t& length) {
  line.clear();
  length = 0;
  std::streambuf* buffer = in.rdbuf();
  for (bool any = false;; any = true) {
    const int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return any;
    }
    if (c == '\n') return true;
    if (++length <= keep) line.push_back(static_cast<char>(c));
  }
}

// A file to read, the category its place in an input directory implies, and
// its absolute path as recorded in the index.
struct InputFile {
  fs::path path;
  std::string category;
  std::string source;
  std::uintmax_t size = 0;
};

std::string AbsoluteSource(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal().string();
}

// Standard input read straight from its descriptor, so that the reading
// thread knows when the next read would wait (a pipe whose writer is slow
// or idle): it then calls `before_wait`, which hands over the records read
// so far, so none is held back, and asks it again every 100 ms while it
// waits, so that it stops (as at the end of the input) once the writer
// has: the hook answers false.
class WaitAwareInput : public std::streambuf {
 public:
  explicit WaitAwareInput(int fd) : fd_(fd) {}

  void set_before_wait(std::function<bool()> hook) { before_wait_ = std::move(hook); }
  // Whether reading failed (not the end of the input).
  bool failed() const { return failed_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    for (int timeout_ms = 0;;) {
      pollfd ready{fd_, POLLIN, 0};
      const int polled = ::poll(&ready, 1, timeout_ms);
      if (polled == 0 || (polled < 0 && errno == EINTR)) {
        if (before_wait_ && !before_wait_()) return traits_type::eof();
        timeout_ms = 100;
        continue;
      }
      const ssize_t got = ::read(fd_, buffer_.data(), buffer_.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        failed_ = got < 0;
        return traits_type::eof();
      }
      setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
      return traits_type::to_int_type(*gptr());
    }
  }

 private:
  const int fd_;
  std::array<char, 1 << 16> buffer_{};
  std::function<bool()> before_wait_;
  bool failed_ = false;
};

// One line of a JSONL input as the reading thread leaves it for the writing
// one (IngestRun::IngestJsonl).
struct JsonlRecord {
  enum class Kind {
    kBlank,      // Nothing to index.
    kTooLong,    // Longer than the limit; `why`.
    kRejected,   // Not a valid post; `why`, and the line in `raw`.
    kPost,       // A valid post, `prepared` unless it is a dry run.
    kReadError,  // The input failed; `why`. The last record.
    kFailed,     // Reading stopped on an exception; `why`. The last record.
  };
  // The record that ends the input, as `kind`.
  static JsonlRecord Last(Kind kind, std::string why) {
    JsonlRecord record;
    record.kind = kind;
    record.why = std::move(why);
    return record;
  }

  std::uint64_t number = 0;  // Line number; 0 after the last line.
  std::uint64_t length = 0;  // Bytes of the whole line, without its '\n'.
  Kind kind = Kind::kBlank;
  std::string why;
  std::string raw;
  std::vector<std::string> warnings;
  std::optional<PreparedPost> prepared;
};

// Records, in order, as the reading thread hands them to the writing one,
// and the bytes of their lines.
struct RecordBatch {
  std::vector<JsonlRecord> records;
  std::uint64_t bytes = 0;

  void Add(JsonlRecord record) {
    bytes += record.length;
    records.push_back(std::move(record));
  }
};

// Hands batches of records from the reading thread to the writing one in
// order: a hand-over per record cost more than the records themselves when
// the writer has little to do (a re-run). At most kMaxBatches batches, or
// kMaxBytes of lines (but always one batch), wait at a time, so that a fast
// reader never fills memory. Thread-safe.
class RecordChannel {
 public:
  static constexpr std::size_t kMaxBatches = 8;
  static constexpr std::uint64_t kMaxBytes = 64u << 20;

  // Whether Cancel() was called; the reader stops reading.
  bool cancelled() const { return cancelled_; }

  // Waits for room; false, with `batch` dropped, once Cancel() was called.
  bool Push(RecordBatch batch) {
    const std::uint64_t bytes = batch.bytes;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      return cancelled_ || queue_.empty() ||
             (queue_.size() < kMaxBatches && bytes_ + bytes <= kMaxBytes);
    });
    if (cancelled_) return false;
    bytes_ += bytes;
    queue_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }

  // No more batches will come.
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  // The writer stops taking batches: Push() drops them from now on.
  void Cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

  // The next batch; none once the channel is closed and empty.
  std::optional<RecordBatch> Pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || !queue_.empty(); });
    if (queue_.empty()) return std::nullopt;
    RecordBatch batch = std::move(queue_.front());
    queue_.pop_front();
    bytes_ -= batch.bytes;
    changed_.notify_all();
    return batch;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RecordBatch> queue_;
  std::uint64_t bytes_ = 0;
  bool closed_ = false;
  std::atomic<bool> cancelled_ = false;
};

// The state of one run: the writer (none in a dry run), the counts, and what
// each id looked like before the run, so that an id seen twice is counted
// once, by its final effect.
class IngestRun {
 public:
  // `counts` starts with the vocabulary the run set (IngestCounts).
  IngestRun(IndexWriter* writer, const IngestOptions& options, const DiagnosticSink& sink,
            const ProgressSink& progress, std::uint64_t bytes_total, IngestCounts counts)
      : writer_(writer),
        options_(options),
        sink_(sink),
        progress_(progress),
        counts_(std::move(counts)),
        bytes_total_(bytes_total) {}

  // Parsing, validating and preparing a post (its document above all) is
  // about 40% of its cost and needs no writer, so a second thread does it, a
  // bounded number of records ahead; this thread writes them in order and
  // reports, so diagnostics, counts and commits are exactly as if one
  // thread did both.
  // `waitable` is `in`'s buffer when reading may wait for a writer
  // (standard input), else null.
  absl::Status IngestJsonl(std::istream& in, const std::string& name,
                           const std::string& source,
                           WaitAwareInput* waitable = nullptr) {
    if (writer_ != nullptr && preparer_ == nullptr) preparer_ = writer_->NewPreparer();
    RecordChannel channel;
    std::thread reader([&] { ReadJsonl(in, name, source, waitable, channel); });
    absl::Status status;
    try {
      while (std::optional<RecordBatch> batch = channel.Pop()) {
        for (JsonlRecord& record : batch->records) {
          status = WriteRecord(record, name);
          if (!status.ok()) break;
        }
        if (!status.ok()) break;
      }
    } catch (...) {
      channel.Cancel();
      reader.join();
      throw;
    }
    channel.Cancel();  // Stops the reader when the writer stopped early.
    reader.join();
    return status;
  }

  absl::Status IngestFile(const InputFile& file) {
    const InputKind kind = KindOf(file.path);
    std::ifstream in(file.path, std::ios::binary);
    if (!in) {
      Reject(file.path.string(), "cannot open (permission denied?)");
      return absl::OkStatus();
    }
    if (kind == InputKind::kJsonl) {
      return IngestJsonl(in, file.path.string(), file.source);
    }
    bytes_done_ += file.size;
    if (file.size > options_.max_page_bytes) {
      RejectPage(file.path,
                 StrCat("file is ", file.size, " bytes; a page may be at most ",
                        options_.max_page_bytes));
      return absl::OkStatus();
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
      RejectPage(file.path, "read error");
      return absl::OkStatus();
    }
    const std::string text = content.str();
    absl::StatusOr<ParsedPage> page = kind == InputKind::kHtml || LooksLikeHtml(text)
                                          ? ParsePageHtml(text)
                                          : ParsePageText(text);
    const std::string where = file.path.string();
    if (!page.ok()) {
      RejectPage(file.path, ToStd(page.status().message()));
      return absl::OkStatus();
    }
    for (const std::string& w : page->warnings) Warn(where, w);
    if (page->post.category().empty()) page->post.set_category(file.category);
    return Index(page->post, where, file.source,
                 [&](std::string_view why) { RejectPage(file.path, why); });
  }

  absl::Status Prune(const std::string& directory,
                     const std::unordered_set<std::string>& present) {
    if (writer_ == nullptr) return absl::OkStatus();
    absl::StatusOr<std::uint64_t> pruned = writer_->Prune(
        directory,
        [&](std::string_view path) { return present.contains(std::string(path)); });
    if (!pruned.ok()) return pruned.status();
    counts_.deleted += *pruned;
    return absl::OkStatus();
  }

  absl::Status Finish() { return writer_ ? Commit() : absl::OkStatus(); }

  // What the commits so far made durable: returned, with `error`, when the
  // run stops part way.
  absl::StatusOr<IngestCounts> StoppedBy(absl::Status error) const {
    if (!committed_) return error;
    IngestCounts counts = *committed_;
    counts.stopped = std::move(error);
    return counts;
  }

  void Warn(const std::string& where, std::string_view message) {
    ++counts_.warnings;
    sink_({Diagnostic::Severity::kWarning, where, std::string(message)});
  }

  const IngestCounts& counts() const { return counts_; }

 private:
  struct IdHistory {
    std::optional<std::string> before;  // Fingerprint before the run.
    UpsertOutcome counted_as;
    std::string first_seen_at;
  };

  // Validates and upserts one post; `reject` is called when it is invalid.
  // Only index failures are returned as errors.
  template <typename Reject>
  absl::Status Index(const v1::Post& post, const std::string& where,
                     const std::string& source, Reject reject) {
    if (absl::Status valid = ValidatePost(post); !valid.ok()) {
      reject(ToStd(valid.message()));
      return absl::OkStatus();
    }
    ++counts_.valid;
    Report();
    if (writer_ == nullptr) return absl::OkStatus();
    return Account(post.id(), writer_->Upsert(post, source), where);
  }

  // Counts what an upsert of the post with `id`, read at `where`, did, and
  // commits every IngestOptions::commit_every posts.
  absl::Status Account(const std::string& id, const absl::StatusOr<UpsertResult>& result,
                       const std::string& where) {
    if (!result.ok()) return result.status();
    auto [it, first_time] = history_.try_emplace(id);
    IdHistory& seen = it->second;
    if (first_time) {
      seen = {result->previous_fingerprint, result->outcome, where};
    } else {
      Warn(where, StrCat("id '", id, "' also appears at ", seen.first_seen_at,
                         "; the last record wins"));
      --Count(seen.counted_as);
      seen.counted_as = !seen.before                          ? UpsertOutcome::kAdded
                        : *seen.before == result->fingerprint ? UpsertOutcome::kUnchanged
                                                              : UpsertOutcome::kReplaced;
    }
    ++Count(seen.counted_as);
    if (++uncommitted_ >= options_.commit_every) {
      uncommitted_ = 0;
      return Commit();
    }
    return absl::OkStatus();
  }

  // The reading thread's half of IngestJsonl: every line of `in`, read,
  // parsed, validated and prepared, into `out`. Touches nothing of the run
  // but the preparer, which only this thread uses while it runs.
  void ReadJsonl(std::istream& in, const std::string& name, const std::string& source,
                 WaitAwareInput* waitable, RecordChannel& out) {
    constexpr std::size_t kBatchRecords = 64;
    constexpr std::uint64_t kBatchBytes = 1u << 20;
    RecordBatch batch;
    if (waitable != nullptr) {
      waitable->set_before_wait([&] {
        if (!batch.records.empty() && !out.Push(std::exchange(batch, {}))) return false;
        return !out.cancelled();
      });
    }
    try {
      std::string line;
      std::uint64_t length = 0;
      for (std::uint64_t number = 1;
           !out.cancelled() && ReadLine(in, options_.max_record_bytes + 2, line, length);
           ++number) {
        JsonlRecord record;
        record.number = number;
        record.length = length;
        PrepareRecord(line, source, record);
        batch.Add(std::move(record));
        // Handed over when full (and by `waitable` before a read that may
        // wait, so that no record waits for later ones).
        if (batch.records.size() >= kBatchRecords || batch.bytes >= kBatchBytes) {
          if (!out.Push(std::exchange(batch, {}))) break;  // The writer stopped.
        }
      }
      if (in.bad() || (waitable != nullptr && waitable->failed())) {
        batch.Add(
            JsonlRecord::Last(JsonlRecord::Kind::kReadError,
                              "read error; the records after this point were not read"));
      }
    } catch (const std::exception& e) {
      batch.Add(JsonlRecord::Last(JsonlRecord::Kind::kFailed,
                                  StrCat(name, ": reading stopped: ", e.what())));
    }
    if (!batch.records.empty()) out.Push(std::move(batch));
    if (waitable != nullptr) waitable->set_before_wait(nullptr);
    out.Close();
  }

  // Fills `record` from its `line`.
  void PrepareRecord(std::string& line, const std::string& source, JsonlRecord& record) {
    using Kind = JsonlRecord::Kind;
    if (record.length > line.size()) {
      // Never held whole: neither parsed nor copied to --rejects.
      record.kind = Kind::kTooLong;
      record.why =
          StrCat("record is ", record.length, " bytes; at most ",
                 options_.max_record_bytes, " allowed (not copied to --rejects)");
      return;
    }
    if (record.number == 1 && line.starts_with(kByteOrderMark)) {
      line.erase(0, kByteOrderMark.size());
    }
    std::string_view text = line;
    if (text.ends_with('\r')) text.remove_suffix(1);
    if (Trim(text).empty()) return;  // kBlank
    auto reject = [&](std::string_view why) {
      record.kind = Kind::kRejected;
      record.why = std::string(why);
      record.raw = std::move(line);
    };
    if (text.size() > options_.max_record_bytes) {
      return reject(StrCat("record is ", text.size(), " bytes; at most ",
                           options_.max_record_bytes, " allowed"));
    }
    absl::StatusOr<JsonPost> parsed = ParsePostJson(text);
    if (!parsed.ok()) return reject(ToStd(parsed.status().message()));
    record.warnings = std::move(parsed->warnings);
    if (absl::Status valid = ValidatePost(parsed->post); !valid.ok()) {
      return reject(ToStd(valid.message()));
    }
    record.kind = Kind::kPost;
    if (preparer_ != nullptr) {
      record.prepared = preparer_->Prepare(std::move(parsed->post), source);
    }
  }

  // The writing thread's half of IngestJsonl, for one record of `name`.
  absl::Status WriteRecord(JsonlRecord& record, const std::string& name) {
    using Kind = JsonlRecord::Kind;
    if (record.number > 0) bytes_done_ += record.length + 1;
    const std::string where = StrCat(name, ":", record.number);
    for (const std::string& w : record.warnings) Warn(where, w);
    switch (record.kind) {
      case Kind::kBlank:
        return absl::OkStatus();
      case Kind::kTooLong:
        Reject(where, record.why);
        return absl::OkStatus();
      case Kind::kRejected:
        RejectRecord(where, record.raw, record.why);
        return absl::OkStatus();
      case Kind::kReadError:
        Reject(name, record.why);
        return absl::OkStatus();
      case Kind::kFailed:
        return absl::InternalError(record.why);
      case Kind::kPost:
        break;
    }
    ++counts_.valid;
    Report();
    if (!record.prepared) return absl::OkStatus();  // A dry run.
    const std::string id = record.prepared->post().id();
    return Account(id, writer_->Upsert(*std::move(record.prepared)), where);
  }

  absl::Status Commit() {
    absl::Status status = writer_->Commit();
    if (status.ok()) committed_ = counts_;
    return status;
  }

  std::uint64_t& Count(UpsertOutcome outcome) {
    switch (outcome) {
      case UpsertOutcome::kAdded:
        return counts_.added;
      case UpsertOutcome::kReplaced:
        return counts_.replaced;
      case UpsertOutcome::kUnchanged:
        break;
    }
    return counts_.unchanged;
  }

  void Report() {
    if (progress_) progress_(IngestProgress{counts_, bytes_done_, bytes_total_});
  }

  void Reject(const std::string& where, std::string_view message) {
    ++counts_.rejected;
    sink_({Diagnostic::Severity::kError, where, StrCat("rejected: ", message)});
    Report();
  }

  // The rejects file is opened when the first record is rejected, so that a
  // clean run leaves no file behind, and opened for appending, so that what
  // an earlier run kept there is never lost.
  void RejectRecord(const std::string& where, const std::string& raw,
                    std::string_view why) {
    Reject(where, why);
    if (options_.rejects_path.empty()) return;
    if (!rejects_.is_open() && !rejects_failed_) {
      rejects_.open(options_.rejects_path, std::ios::binary | std::ios::app);
      if (!rejects_) {
        rejects_failed_ = true;
        sink_({Diagnostic::Severity::kError, options_.rejects_path,
               "--rejects: cannot open for appending; rejected records are not kept"});
      }
    }
    if (rejects_.is_open()) rejects_ << raw << '\n' << std::flush;
  }

  void RejectPage(const fs::path& path, std::string_view why) {
    Reject(path.string(), why);
    if (options_.rejects_path.empty()) return;
    const fs::path dir = options_.rejects_path + ".pages";
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::path target = dir / path.filename();
    for (int n = 2; fs::exists(target, ec); ++n) {
      target = dir / StrCat(path.stem().string(), "-", n, path.extension().string());
    }
    if (!fs::copy_file(path, target, ec)) {
      sink_({Diagnostic::Severity::kError, path.string(),
             StrCat("could not copy to ", target.string(), ": ", ec.message())});
    }
  }

  IndexWriter* writer_;
  // Used by the thread that reads JSONL records (IngestJsonl), made once.
  std::unique_ptr<PostPreparer> preparer_;
  const IngestOptions& options_;
  const DiagnosticSink& sink_;
  const ProgressSink& progress_;
  IngestCounts counts_;
  // The counts at the last commit (none yet: nothing was committed).
  std::optional<IngestCounts> committed_;
  std::unordered_map<std::string, IdHistory> history_;
  std::ofstream rejects_;
  bool rejects_failed_ = false;
  std::size_t uncommitted_ = 0;
  std::uint64_t bytes_done_ = 0;
  const std::uint64_t bytes_total_;
};

// What an input that is neither a regular file nor a directory (directly
// or through a symbolic link) is called.
constexpr std::string_view kNotARegularFile =
    "not a regular file (a device, pipe or socket)";

// One command-line input, resolved: its files (sorted, so that runs are
// repeatable), or standard input.
struct ResolvedInput {
  bool is_stdin = false;
  bool is_directory = false;
  std::string directory_source;  // Absolute, for --prune.
  std::vector<InputFile> files;
};

// The category a page's folder gives it: the folder's name, from the
// absolute path, so that "knees/x.txt", "./x.txt" run inside knees/ and the
// file found by listing knees/'s parent all give "knees".
std::string FolderCategory(const std::string& source) {
  return fs::path(source).parent_path().filename().string();
}

// Lists the input files below `root`. Unreadable subdirectories and broken
// or looping links are reported through `warn` and skipped.
std::vector<InputFile> ListDirectory(
    const fs::path& root,
    const std::function<void(const std::string&, std::string_view)>& warn) {
  std::vector<InputFile> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                      ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      if (!entry.is_symlink(type_ec) &&
          ::access(entry.path().c_str(), R_OK | X_OK) != 0) {
        warn(entry.path().string(), "directory not readable; skipped");
      }
      continue;
    }
    if (!entry.is_regular_file(type_ec)) {
      if (entry.exists(type_ec)) {
        // A device, pipe or socket, or a link to one: never read (a device
        // may never end, a pipe may never start). Warned about only where its
        // name says it was meant as an input.
        if (KindOf(entry.path()) != InputKind::kOther) {
          warn(entry.path().string(), StrCat(kNotARegularFile, "; skipped"));
        }
      } else if (entry.is_symlink(type_ec)) {
        warn(entry.path().string(),
             "symbolic link that leads nowhere (broken or a loop); skipped");
      }
      continue;
    }
    if (KindOf(entry.path()) == InputKind::kOther) continue;
    InputFile file{entry.path(), "", AbsoluteSource(entry.path()),
                   entry.file_size(type_ec)};
    if (it.depth() > 0) file.category = FolderCategory(file.source);
    files.push_back(std::move(file));
  }
  if (ec) warn(root.string(), StrCat("listing stopped: ", ec.message()));
  std::sort(files.begin(), files.end(),
            [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return files;
}

// Reads and merges the vocabulary files; their versions join with "+", and
// their names (file names without directory and extension) in `name`.
absl::StatusOr<SynonymFile> LoadSynonyms(const std::vector<std::string>& paths,
                                         std::string& name) {
  SynonymFile merged;
  for (const std::string& path : paths) {
    name += StrCat(name.empty() ? "" : "+", fs::path(path).stem().string());
    absl::StatusOr<std::string> content = ReadWholeFile("--synonyms", path);
    if (!content.ok()) return content.status();
    absl::StatusOr<SynonymFile> file = ParseSynonymFile(*content);
    if (!file.ok()) {
      return absl::InvalidArgumentError(
          StrCat("--synonyms ", path, ": ", file.status().message()));
    }
    merged.version += StrCat(merged.version.empty() ? "" : "+", file->version);
    for (auto& group : file->groups) merged.groups.push_back(std::move(group));
  }
  return merged;
}

// Leaves the vocabulary `options` asks for in the index's synonym table
// (IngestOptions::vocabulary), recording it in `counts`.
absl::Status SetVocabulary(IndexWriter& writer, const IngestOptions& options,
                           const SynonymFile& files, const std::string& files_name,
                           const SynonymFile& builtin, IngestCounts& counts) {
  using Vocabulary = IngestOptions::Vocabulary;
  using Source = IndexVocabulary::Source;
  absl::StatusOr<IndexVocabulary> current = writer.Vocabulary();
  if (!current.ok()) return current.status();
  counts.vocabulary = *current;
  const SynonymFile* file = nullptr;
  IndexVocabulary wanted;
  if (!options.synonym_files.empty()) {
    file = &files;
    wanted.source = Source::kFiles;
    wanted.name = files_name;
  } else if (options.vocabulary == Vocabulary::kBuiltIn ||
             (options.vocabulary == Vocabulary::kDefault &&
              current->source != Source::kFiles && current->source != Source::kNone)) {
    file = &builtin;
    wanted.source = Source::kBuiltIn;
    wanted.name = std::string(kBuiltinVocabularyName);
  } else if (options.vocabulary == Vocabulary::kNone) {
    static const SynonymFile kEmpty;
    file = &kEmpty;
    wanted.source = Source::kNone;
    wanted.name = "none";
  }
  if (file == nullptr) return absl::OkStatus();
  absl::StatusOr<bool> changed = writer.SetSynonyms(*file, wanted);
  if (!changed.ok()) return changed.status();
  wanted.version = file->version;
  counts.vocabulary = wanted;
  counts.vocabulary_changed = *changed;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ResolvedInput>> ResolveInputs(
    const std::vector<std::string>& inputs,
    const std::function<void(const std::string&, std::string_view)>& warn) {
  std::vector<ResolvedInput> resolved;
  for (const std::string& input : inputs) {
    ResolvedInput r;
    if (input == "-") {
      r.is_stdin = true;
      resolved.push_back(std::move(r));
      continue;
    }
    std::error_code ec;
    const fs::file_status status = fs::status(input, ec);
    if (ec || !fs::exists(status)) {
      return absl::InvalidArgumentError(
          StrCat("input ", input, ": no such file or directory"));
    }
    if (fs::is_directory(status)) {
      r.is_directory = true;
      r.directory_source = AbsoluteSource(input);
      r.files = ListDirectory(input, warn);
    } else if (!fs::is_regular_file(status)) {
      return absl::InvalidArgumentError(StrCat("input ", input, ": ", kNotARegularFile));
    } else if (KindOf(input) == InputKind::kOther) {
      return absl::InvalidArgumentError(
          StrCat("input ", input,
                 ": not a .jsonl file, a .txt or .html page, a directory or '-'"));
    } else {
      const std::string source = AbsoluteSource(input);
      r.files.push_back(
          InputFile{input, FolderCategory(source), source, fs::file_size(input, ec)});
    }
    resolved.push_back(std::move(r));
  }
  return resolved;
}

// `path` with its symbolic links resolved, made absolute and normal; for a
// path that does not exist yet, its deepest existing parent's, plus the rest.
fs::path Canonical(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) return path.lexically_normal();
  const fs::path canonical = fs::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal() : canonical;
}

// Whether the canonical `path` is `dir` or lies below it. Empty components
// (a trailing separator) are not names.
bool IsWithin(const fs::path& path, const fs::path& dir) {
  auto next = path.begin();
  for (const fs::path& part : dir) {
    if (part.empty()) continue;
    while (next != path.end() && next->empty()) ++next;
    if (next == path.end() || *next != part) return false;
    ++next;
  }
  return true;
}

// Whether `a` and `b` are one existing file under two names (a hard link).
bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

// Refuses a --rejects FILE that would destroy or pollute what the run reads
// or writes: an input or synonym file, a file below an input directory, or
// anything inside the index. FILE.pages/, where rejected pages are copied,
// may not overlap an input or the index either. Called before anything is
// opened, so a mistaken path costs nothing.
absl::Status CheckRejectsPath(const IngestOptions& options,
                              const std::vector<std::string>& inputs) {
  if (options.rejects_path.empty()) return absl::OkStatus();
  const fs::path rejects = Canonical(options.rejects_path);
  const fs::path pages = Canonical(options.rejects_path + ".pages");
  auto refuse = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        StrCat("--rejects ", options.rejects_path, ": ", why, "; nothing was done"));
  };
  std::vector<std::string> read = inputs;
  read.insert(read.end(), options.synonym_files.begin(), options.synonym_files.end());
  for (const std::string& input : read) {
    if (input == "-") continue;
    const fs::path canonical = Canonical(input);
    if (rejects == canonical || SameFile(options.rejects_path, input)) {
      return refuse(StrCat("is the input ", input));
    }
    if (IsWithin(rejects, canonical)) {
      return refuse(StrCat("lies in the input directory ", input));
    }
    if (IsWithin(pages, canonical) || IsWithin(canonical, pages)) {
      return refuse(StrCat("its page folder ", options.rejects_path,
                           ".pages overlaps the input ", input));
    }
  }
  if (!options.db_path.empty()) {
    const fs::path db = Canonical(options.db_path);
    if (IsWithin(rejects, db) || IsWithin(pages, db) || IsWithin(db, pages)) {
      return refuse(StrCat("lies inside the index ", options.db_path));
    }
  }
  // Writable: found out now, without creating the file, rather than at the
  // first reject.
  std::error_code ec;
  const bool exists = fs::exists(rejects, ec);
  if ((exists && fs::is_directory(rejects, ec)) ||
      ::access((exists ? rejects : rejects.parent_path()).c_str(), W_OK) != 0) {
    return refuse("cannot open for writing");
  }
  return absl::OkStatus();
}

}  // namespace

std::string FormatSummary(const IngestCounts& counts) {
  return StrCat("added ", counts.added, ", replaced ", counts.replaced, ", unchanged ",
                counts.unchanged, ", deleted ", counts.deleted, ", rejected ",
                counts.rejected);
}

std::string FormatSummaryJson(const IngestCounts& counts) {
  return StrCat("{\"added\":", counts.added, ",\"replaced\":", counts.replaced,
                ",\"unchanged\":", counts.unchanged, ",\"deleted\":", counts.deleted,
                ",\"rejected\":", counts.rejected, ",\"valid\":", counts.valid,
                ",\"warnings\":", counts.warnings, "}");
}

namespace {

// The vocabularies a run may load: the --synonyms files (merged; their
// names joined in `files_name`) and the built-in one.
struct Vocabularies {
  SynonymFile files;
  std::string files_name;
  SynonymFile builtin;
};

absl::StatusOr<Vocabularies> LoadVocabularies(const IngestOptions& options) {
  Vocabularies vocabularies;
  absl::StatusOr<SynonymFile> files =
      LoadSynonyms(options.synonym_files, vocabularies.files_name);
  if (!files.ok()) return files.status();
  vocabularies.files = *std::move(files);
  absl::StatusOr<SynonymFile> builtin = ParseSynonymFile(BuiltinVocabulary());
  if (!builtin.ok()) {
    // Checked by the tests at build time; here only to fail loudly.
    return absl::InternalError(
        StrCat("the built-in vocabulary does not parse: ", builtin.status().message()));
  }
  vocabularies.builtin = *std::move(builtin);
  return vocabularies;
}

// The writer of a run, its vocabulary set (what that changed is counted in
// `vocabulary_change`); null for a dry run, which opens no index.
absl::StatusOr<std::unique_ptr<IndexWriter>> OpenWriter(const IngestOptions& options,
                                                        const Vocabularies& vocabularies,
                                                        IngestCounts& vocabulary_change) {
  if (options.dry_run) return nullptr;
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(options.db_path, options.shards);
  if (!writer.ok()) return writer.status();
  if (absl::Status s =
          SetVocabulary(**writer, options, vocabularies.files, vocabularies.files_name,
                        vocabularies.builtin, vocabulary_change);
      !s.ok()) {
    return s;
  }
  return writer;
}

// Bytes of all input files; 0 (unknown) when standard input is one.
std::uint64_t TotalBytes(const std::vector<ResolvedInput>& resolved) {
  std::uint64_t bytes = 0;
  for (const ResolvedInput& input : resolved) {
    if (input.is_stdin) return 0;
    for (const InputFile& file : input.files) bytes += file.size;
  }
  return bytes;
}

// Feeds every input to `run`, in order, pruning each directory after it
// when asked to; the first error stops it.
absl::Status IngestAll(IngestRun& run, const std::vector<ResolvedInput>& resolved,
                       const IngestOptions& options) {
  for (const ResolvedInput& input : resolved) {
    if (input.is_stdin) {
      WaitAwareInput buffer(STDIN_FILENO);
      std::istream in(&buffer);
      if (absl::Status s = run.IngestJsonl(in, "-", "", &buffer); !s.ok()) return s;
      continue;
    }
    for (const InputFile& file : input.files) {
      if (absl::Status s = run.IngestFile(file); !s.ok()) return s;
    }
    if (options.prune && input.is_directory) {
      std::unordered_set<std::string> present;
      for (const InputFile& file : input.files) present.insert(file.source);
      if (absl::Status s = run.Prune(input.directory_source, present); !s.ok()) return s;
    }
  }
  return run.Finish();
}

}  // namespace

absl::StatusOr<IngestCounts> IngestInputs(const std::vector<std::string>& inputs,
                                          const IngestOptions& options,
                                          const DiagnosticSink& sink,
                                          const ProgressSink& progress) {
  std::vector<Diagnostic> listing_warnings;
  absl::StatusOr<std::vector<ResolvedInput>> resolved =
      ResolveInputs(inputs, [&](const std::string& where, std::string_view message) {
        listing_warnings.push_back(
            {Diagnostic::Severity::kWarning, where, std::string(message)});
      });
  if (!resolved.ok()) return resolved.status();
  using Vocabulary = IngestOptions::Vocabulary;
  if (inputs.empty() && options.synonym_files.empty() &&
      options.vocabulary != Vocabulary::kNone &&
      options.vocabulary != Vocabulary::kBuiltIn) {
    return absl::InvalidArgumentError("no INPUT given");
  }
  if (absl::Status s = CheckRejectsPath(options, inputs); !s.ok()) return s;
  absl::StatusOr<Vocabularies> vocabularies = LoadVocabularies(options);
  if (!vocabularies.ok()) return vocabularies.status();

  IngestCounts vocabulary_change;
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      OpenWriter(options, *vocabularies, vocabulary_change);
  if (!writer.ok()) return writer.status();
  IngestRun run(writer->get(), options, sink, progress, TotalBytes(*resolved),
                std::move(vocabulary_change));
  for (const Diagnostic& d : listing_warnings) run.Warn(d.location, d.message);
  if (absl::Status s = IngestAll(run, *resolved, options); !s.ok()) {
    return run.StoppedBy(s);
  }
  return run.counts();
}

namespace {
// Whether `index` has a post with `id`.
absl::StatusOr<bool> HasPost(Searcher& index, const std::string& id) {
  absl::StatusOr<v1::Post> post = index.GetPost(id);
  if (post.ok()) return true;
  if (post.status().code() == absl::StatusCode::kNotFound) return false;
  return post.status();
}
}  // namespace

absl::StatusOr<IngestCounts> DeletePosts(const std::vector<std::string>& ids,
                                         const IngestOptions& options,
                                         const DiagnosticSink& sink) {
  if (ids.empty()) return absl::InvalidArgumentError("--delete needs at least one ID");
  // A dry run only reads: Xapian commits a writer's pending changes when it
  // closes, so it opens no writer at all.
  std::unique_ptr<Searcher> reader;
  std::unique_ptr<IndexWriter> writer;
  if (options.dry_run) {
    absl::StatusOr<std::unique_ptr<Searcher>> opened = Searcher::Open(options.db_path);
    if (!opened.ok()) return opened.status();
    reader = *std::move(opened);
  } else {
    absl::StatusOr<std::unique_ptr<IndexWriter>> opened =
        IndexWriter::Open(options.db_path, options.shards);
    if (!opened.ok()) return opened.status();
    writer = *std::move(opened);
  }
  IngestCounts counts;
  for (const std::string& id : ids) {
    absl::StatusOr<bool> deleted = reader ? HasPost(*reader, id) : writer->Delete(id);
    if (!deleted.ok()) return deleted.status();
    if (*deleted) {
      ++counts.deleted;
    } else {
      ++counts.warnings;
      sink({Diagnostic::Severity::kWarning, id, "no post with this id; nothing deleted"});
    }
  }
  if (writer) {
    if (absl::Status s = writer->Commit(); !s.ok()) return s;
  }
  return counts;
}

}  // namespace guru
