#include "index/integrity.h"

#include <sys/stat.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <vector>

#include "core/status_detail.h"
#include "core/str_cat.h"
#include "index/database_writer.h"
#include "index/shards.h"
#include "index/xapian_status.h"

namespace guru {
namespace {

namespace fs = std::filesystem;

// What Xapian's checker printed that says what is wrong: its report lists
// every table it checked, and the damage among them.
constexpr std::size_t kMaxReportedProblems = 3;

std::string ProblemsIn(const std::string& report) {
  std::istringstream lines(report);
  std::string line;
  std::string problems;
  std::size_t count = 0;
  while (std::getline(lines, line) && count < kMaxReportedProblems) {
    // Table headers ("termlist:") and summaries are not problems.
    if (line.empty() || line.back() == ':' ||
        line.find("checked OK") != std::string::npos ||
        line.find("errors found") != std::string::npos) {
      continue;
    }
    if (!problems.empty()) problems += "; ";
    problems += line;
    ++count;
  }
  return problems;
}

// Inode and change time too: a copy that keeps sizes and modification times
// (cp -p, rsync) still gets new ones.
absl::StatusOr<std::string> SignatureOf(const std::string& dir) {
  std::error_code error;
  std::vector<std::string> entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    struct stat info {};
    if (::stat(entry.path().c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    entries.push_back(StrCat(entry.path().filename().string(), " ", info.st_ino, " ",
                             info.st_size, " ", info.st_mtim.tv_sec, ".",
                             info.st_mtim.tv_nsec, " ", info.st_ctim.tv_sec, ".",
                             info.st_ctim.tv_nsec));
  }
  if (error) {
    return absl::UnavailableError(StrCat("cannot list ", dir, ": ", error.message()));
  }
  std::sort(entries.begin(), entries.end());
  std::string signature;
  for (const std::string& entry : entries) signature += entry + "\n";
  return signature;
}

// Most stubs followed one inside another: a sharded index's, then a
// replica's in each of its databases.
constexpr int kMaxStubDepth = 4;

// Adds the databases that directory `dir` stands for to `paths`: itself when
// it holds a database or no stub; else the local databases its stub lists,
// each resolved the same way. A sharded index's stub lists its shards and
// side database (shards.h); a copy that xapian-replicate keeps lists the one
// of its replica_0 and replica_1 in use. `remote` lines are for the servers
// that hold those databases to check.
absl::Status AddStubbedDatabases(const fs::path& dir, int depth,
                                 std::vector<std::string>* paths) {
  std::error_code error;
  const fs::path stub = dir / kStubFileName;
  if (internal::HoldsDatabase(dir.string()) || !fs::is_regular_file(stub, error)) {
    paths->push_back(dir.string());
    return absl::OkStatus();
  }
  if (depth == kMaxStubDepth) {
    return absl::InvalidArgumentError(
        StrCat(stub.string(), ": stubs nested more than ", kMaxStubDepth, " deep"));
  }
  absl::StatusOr<std::vector<StubLine>> lines = ReadStub(stub.string());
  if (!lines.ok()) return lines.status();
  for (const StubLine& line : *lines) {
    if ((line.type != "auto" && line.type != "glass") || line.argument.empty()) continue;
    fs::path database(line.argument);
    if (database.is_relative()) database = dir / database;
    if (absl::Status s = AddStubbedDatabases(database, depth + 1, paths); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<DatabaseFiles>> ListDatabaseFiles(const std::string& path) {
  std::error_code error;
  if (!fs::is_directory(path, error)) {
    // A stub file of the operator's: its local databases are theirs to check.
    if (fs::exists(path, error)) return std::vector<DatabaseFiles>{};
    return ForOperators(absl::UnavailableError(StrCat("no index at ", path)));
  }
  std::vector<std::string> paths;
  if (absl::Status listed = AddStubbedDatabases(path, 0, &paths); !listed.ok()) {
    return listed;
  }
  std::vector<DatabaseFiles> databases;
  for (std::string& database : paths) {
    absl::StatusOr<std::string> signature = SignatureOf(database);
    if (!signature.ok()) return signature.status();
    databases.push_back({std::move(database), *std::move(signature)});
  }
  return databases;
}

absl::Status CheckDatabase(const std::string& path) {
  std::ostringstream report;
  try {
    if (Xapian::Database::check(path, 0, &report) == 0) return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    // A database that is not there (replaced, removed) is not damaged; what
    // the checker meets while reading it is.
    absl::Status status =
        internal::XapianErrorToStatus(e, StrCat("checking index ", path));
    if (absl::IsUnavailable(status)) return status;
    report << e.get_type() << ": " << e.get_msg();
  }
  return ForOperators(absl::DataLossError(
      StrCat("index ", path, " is damaged: ", ProblemsIn(report.str()))));
}

}  // namespace guru
