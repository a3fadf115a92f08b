#include "server/integrity_monitor.h"

#include "index/integrity.h"

namespace guru {
namespace {
// Checks may use this share of one core over time.
constexpr int kIdleTimesCheckTime = 9;

// Whether the database at `path` still has the files `signature` describes.
bool Unchanged(const std::string& db_path, const DatabaseFiles& database) {
  absl::StatusOr<std::vector<DatabaseFiles>> now = ListDatabaseFiles(db_path);
  if (!now.ok()) return false;
  for (const DatabaseFiles& again : *now) {
    if (again.path == database.path) return again.signature == database.signature;
  }
  return false;
}

}  // namespace

absl::Status IntegrityMonitor::Update(bool suspected) {
  suspicion_pending_ = suspected || suspicion_pending_;
  absl::StatusOr<std::vector<DatabaseFiles>> databases = ListDatabaseFiles(db_path_);
  if (!databases.ok()) {
    // No index (yet): nothing to check; opening it reports why.
    checked_.clear();
    return absl::OkStatus();
  }
  const bool may_check = Clock::now() >= next_check_allowed_;
  const Clock::time_point start = Clock::now();
  std::map<std::string, Checked> now;
  absl::Status damage;
  for (const DatabaseFiles& database : *databases) {
    auto known = checked_.find(database.path);
    Checked entry = known == checked_.end() ? Checked{} : known->second;
    const bool changed = entry.signature != database.signature;
    if (may_check && (changed || suspicion_pending_)) {
      absl::Status result = CheckDatabase(database.path);
      // Damage found while a commit rewrote the files proves nothing: the
      // changed signature brings another check.
      if (result.ok() || Unchanged(db_path_, database)) {
        entry = Checked{database.signature, std::move(result)};
      }
    }
    // A database changed since damage was found stays refused until its
    // check: a repaired index is served again a moment later, a damaged one
    // is never read before it is checked.
    if (damage.ok() && !entry.result.ok()) damage = entry.result;
    now[database.path] = std::move(entry);
  }
  checked_ = std::move(now);
  if (may_check) {
    suspicion_pending_ = false;
    next_check_allowed_ = Clock::now() + kIdleTimesCheckTime * (Clock::now() - start);
  }
  return damage;
}

}  // namespace guru
