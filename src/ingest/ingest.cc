#include "ingest/ingest.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "core/page_text_parser.h"
#include "core/post_json.h"
#include "core/post_validation.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "index/index_writer.h"

namespace guru {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

enum class InputKind { kJsonl, kPage, kOther };

InputKind KindOf(const fs::path& path) {
  const std::string ext = AsciiLower(path.extension().string());
  if (ext == ".jsonl") return InputKind::kJsonl;
  if (ext == ".txt") return InputKind::kPage;
  return InputKind::kOther;
}

// A file to read, and the category its place in an input directory implies.
struct InputFile {
  fs::path path;
  std::string category;
};

// The state of one run: the writer, the counts, and what each id looked like
// before the run, so that an id seen twice is counted once, by its final
// effect.
class IngestRun {
 public:
  IngestRun(IndexWriter& writer, const IngestOptions& options, const DiagnosticSink& sink)
      : writer_(writer), options_(options), sink_(sink) {}

  absl::Status OpenRejects() {
    if (options_.rejects_path.empty()) return absl::OkStatus();
    rejects_.open(options_.rejects_path, std::ios::binary | std::ios::trunc);
    if (!rejects_) {
      return absl::InvalidArgumentError(
          StrCat("--rejects ", options_.rejects_path, ": cannot open for writing"));
    }
    return absl::OkStatus();
  }

  absl::Status IngestJsonl(std::istream& in, const std::string& name) {
    std::string line;
    for (std::uint64_t number = 1; std::getline(in, line); ++number) {
      if (number == 1 && line.starts_with(kByteOrderMark)) {
        line.erase(0, kByteOrderMark.size());
      }
      std::string_view record = line;
      if (record.ends_with('\r')) record.remove_suffix(1);
      if (Trim(record).empty()) continue;
      const std::string where = StrCat(name, ":", number);
      if (record.size() > options_.max_record_bytes) {
        RejectRecord(where, line,
                     StrCat("record is ", record.size(), " bytes; at most ",
                            options_.max_record_bytes, " allowed"));
        continue;
      }
      absl::StatusOr<JsonPost> parsed = ParsePostJson(record);
      if (!parsed.ok()) {
        RejectRecord(where, line, ToStd(parsed.status().message()));
        continue;
      }
      for (const std::string& w : parsed->warnings) Warn(where, w);
      if (absl::Status s =
              Index(parsed->post, where,
                    [&](std::string_view why) { RejectRecord(where, line, why); });
          !s.ok()) {
        return s;
      }
    }
    if (in.bad()) {
      Error(name, "read error; the records after this point were not read");
      ++counts_.rejected;
    }
    return absl::OkStatus();
  }

  absl::Status IngestPage(const InputFile& file) {
    const std::string where = file.path.string();
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file.path, ec);
    if (ec) {
      RejectPage(file.path, StrCat("cannot read: ", ec.message()));
      return absl::OkStatus();
    }
    if (size > options_.max_page_bytes) {
      RejectPage(file.path, StrCat("file is ", size, " bytes; a page may be at most ",
                                   options_.max_page_bytes));
      return absl::OkStatus();
    }
    std::ifstream in(file.path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in || in.bad()) {
      RejectPage(file.path, "cannot read (permission denied or I/O error)");
      return absl::OkStatus();
    }
    absl::StatusOr<ParsedPage> page = ParsePageText(content.str());
    if (!page.ok()) {
      RejectPage(file.path, ToStd(page.status().message()));
      return absl::OkStatus();
    }
    for (const std::string& w : page->warnings) Warn(where, w);
    if (page->post.category().empty()) page->post.set_category(file.category);
    return Index(page->post, where,
                 [&](std::string_view why) { RejectPage(file.path, why); });
  }

  absl::Status Finish() { return writer_.Commit(); }

  void Warn(const std::string& where, std::string_view message) {
    ++counts_.warnings;
    sink_({Diagnostic::Severity::kWarning, where, std::string(message)});
  }

  const IngestCounts& counts() const { return counts_; }

 private:
  struct IdHistory {
    std::optional<std::uint64_t> before;  // Fingerprint before the run.
    UpsertOutcome counted_as;
    std::string first_seen_at;
  };

  // Validates and upserts one post; `reject` is called when it is invalid.
  // Only index failures are returned as errors.
  template <typename Reject>
  absl::Status Index(const v1::Post& post, const std::string& where, Reject reject) {
    if (absl::Status valid = ValidatePost(post); !valid.ok()) {
      reject(ToStd(valid.message()));
      return absl::OkStatus();
    }
    absl::StatusOr<UpsertResult> result = writer_.Upsert(post);
    if (!result.ok()) return result.status();
    auto [it, first_time] = history_.try_emplace(post.id());
    IdHistory& seen = it->second;
    if (first_time) {
      seen = {result->previous_fingerprint, result->outcome, where};
    } else {
      Warn(where, StrCat("id '", post.id(), "' also appears at ", seen.first_seen_at,
                         "; the last record wins"));
      --Count(seen.counted_as);
      seen.counted_as = !seen.before                          ? UpsertOutcome::kAdded
                        : *seen.before == result->fingerprint ? UpsertOutcome::kUnchanged
                                                              : UpsertOutcome::kReplaced;
    }
    ++Count(seen.counted_as);
    if (++uncommitted_ >= options_.commit_every) {
      uncommitted_ = 0;
      return writer_.Commit();
    }
    return absl::OkStatus();
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

  void Error(const std::string& where, std::string_view message) {
    sink_({Diagnostic::Severity::kError, where, std::string(message)});
  }

  void RejectRecord(const std::string& where, const std::string& raw,
                    std::string_view why) {
    ++counts_.rejected;
    Error(where, StrCat("rejected: ", why));
    if (rejects_.is_open()) rejects_ << raw << '\n' << std::flush;
  }

  void RejectPage(const fs::path& path, std::string_view why) {
    ++counts_.rejected;
    Error(path.string(), StrCat("rejected: ", why));
    if (options_.rejects_path.empty()) return;
    const fs::path dir = options_.rejects_path + ".pages";
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::path target = dir / path.filename();
    for (int n = 2; fs::exists(target, ec); ++n) {
      target = dir / StrCat(path.stem().string(), "-", n, path.extension().string());
    }
    if (!fs::copy_file(path, target, ec)) {
      Error(path.string(),
            StrCat("could not copy to ", target.string(), ": ", ec.message()));
    }
  }

  IndexWriter& writer_;
  const IngestOptions& options_;
  const DiagnosticSink& sink_;
  IngestCounts counts_;
  std::unordered_map<std::string, IdHistory> history_;
  std::ofstream rejects_;
  std::size_t uncommitted_ = 0;
};

// Lists the .jsonl and .txt files below `root`, sorted so that runs are
// repeatable. Unreadable subdirectories are warned about and skipped.
std::vector<InputFile> ListDirectory(const fs::path& root, IngestRun& run) {
  std::vector<InputFile> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                      ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      if (::access(entry.path().c_str(), R_OK | X_OK) != 0) {
        run.Warn(entry.path().string(), "directory not readable; skipped");
      }
      continue;
    }
    if (!entry.is_regular_file(type_ec)) {
      if (entry.is_symlink(type_ec)) {
        run.Warn(entry.path().string(), "broken symbolic link; skipped");
      }
      continue;
    }
    if (KindOf(entry.path()) == InputKind::kOther) continue;
    InputFile file{entry.path(), ""};
    if (entry.path().parent_path() != root) {
      file.category = entry.path().parent_path().filename().string();
    }
    files.push_back(std::move(file));
  }
  if (ec) run.Warn(root.string(), StrCat("listing stopped: ", ec.message()));
  std::sort(files.begin(), files.end(),
            [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return files;
}

absl::Status CheckInputs(const std::vector<std::string>& inputs) {
  if (inputs.empty()) return absl::InvalidArgumentError("no INPUT given");
  for (const std::string& input : inputs) {
    if (input == "-") continue;
    std::error_code ec;
    const fs::file_status status = fs::status(input, ec);
    if (ec || !fs::exists(status)) {
      return absl::InvalidArgumentError(
          StrCat("input ", input, ": no such file or directory"));
    }
    if (fs::is_directory(status)) continue;
    if (KindOf(input) == InputKind::kOther) {
      return absl::InvalidArgumentError(StrCat(
          "input ", input, ": not a .jsonl file, a .txt page, a directory or '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status IngestFile(const InputFile& file, IngestRun& run) {
  if (KindOf(file.path) == InputKind::kPage) return run.IngestPage(file);
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    run.Warn(file.path.string(), "cannot open (permission denied?); skipped");
    return absl::OkStatus();
  }
  return run.IngestJsonl(in, file.path.string());
}

}  // namespace

std::string FormatSummary(const IngestCounts& counts) {
  return StrCat("added ", counts.added, ", replaced ", counts.replaced, ", unchanged ",
                counts.unchanged, ", deleted ", counts.deleted, ", rejected ",
                counts.rejected);
}

absl::StatusOr<IngestCounts> IngestInputs(const std::vector<std::string>& inputs,
                                          const IngestOptions& options,
                                          const DiagnosticSink& sink) {
  if (absl::Status s = CheckInputs(inputs); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(options.db_path);
  if (!writer.ok()) return writer.status();
  IngestRun run(**writer, options, sink);
  if (absl::Status s = run.OpenRejects(); !s.ok()) return s;

  for (const std::string& input : inputs) {
    absl::Status status;
    if (input == "-") {
      status = run.IngestJsonl(std::cin, "-");
    } else if (fs::is_directory(input)) {
      for (const InputFile& file : ListDirectory(input, run)) {
        if (status = IngestFile(file, run); !status.ok()) break;
      }
    } else {
      status = IngestFile(InputFile{input, ""}, run);
    }
    if (!status.ok()) return status;
  }
  if (absl::Status s = run.Finish(); !s.ok()) return s;
  return run.counts();
}

absl::StatusOr<IngestCounts> DeletePosts(const std::vector<std::string>& ids,
                                         const IngestOptions& options,
                                         const DiagnosticSink& sink) {
  if (ids.empty()) return absl::InvalidArgumentError("--delete needs at least one ID");
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(options.db_path);
  if (!writer.ok()) return writer.status();
  IngestCounts counts;
  for (const std::string& id : ids) {
    absl::StatusOr<bool> deleted = (*writer)->Delete(id);
    if (!deleted.ok()) return deleted.status();
    if (*deleted) {
      ++counts.deleted;
    } else {
      ++counts.warnings;
      sink({Diagnostic::Severity::kWarning, id, "no post with this id; nothing deleted"});
    }
  }
  if (absl::Status s = (*writer)->Commit(); !s.ok()) return s;
  return counts;
}

}  // namespace guru
