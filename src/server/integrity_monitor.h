// Decides when the index's databases are checked for damage
// (index/integrity.h) and remembers what the checks found.
#ifndef GURU_SERVER_INTEGRITY_MONITOR_H_
#define GURU_SERVER_INTEGRITY_MONITOR_H_

#include <chrono>
#include <map>
#include <string>

#include "absl/status/status.h"

namespace guru {

// Not thread-safe: one thread (the server's health watcher) calls Update().
// The watcher logs the damage, as the reason it reports NOT_SERVING.
//
// A database is checked when its files change (a commit, a truncation, a
// copy over it) and when a search suspects it. Checks read the whole
// database, so they are spaced: after a check that took T, the next one
// waits 9T, which keeps them under a tenth of one core whatever the size of
// the index or the rate of commits. Until then a new revision is searched
// unchecked: requests still map its errors to DATA_LOSS, but a crash in
// Xapian on damage that appears between checks is not prevented.
class IntegrityMonitor {
 public:
  explicit IntegrityMonitor(std::string db_path) : db_path_(std::move(db_path)) {}

  // Checks what is due and returns the damage known now: OK, or DATA_LOSS
  // naming the damaged database and its first problems. `suspected` asks
  // for every database to be checked again (when its spacing allows).
  // Damage is believed only when the database's files did not change
  // during the check; otherwise it is checked again.
  absl::Status Update(bool suspected);

 private:
  using Clock = std::chrono::steady_clock;
  struct Checked {
    std::string signature;
    absl::Status result;
  };

  const std::string db_path_;
  std::map<std::string, Checked> checked_;  // By database path.
  bool suspicion_pending_ = false;
  Clock::time_point next_check_allowed_{};
};

}  // namespace guru

#endif  // GURU_SERVER_INTEGRITY_MONITOR_H_
