// Internal to src/index: the one place Xapian exceptions become statuses.
#ifndef GURU_INDEX_XAPIAN_STATUS_H_
#define GURU_INDEX_XAPIAN_STATUS_H_

#include <xapian.h>

#include <string_view>

#include "absl/status/status.h"

namespace guru::internal {

// Maps a Xapian error to a status whose message starts with `context`,
// marked as for operators (core/status_detail.h: it names paths and
// Xapian's words):
//   DatabaseNotFoundError, DatabaseOpeningError, DatabaseLockError,
//   NetworkError                       -> UNAVAILABLE
//   DatabaseCorruptError, DocNotFoundError, and a DatabaseError reading
//   a block or inflating data (damaged files) -> DATA_LOSS
//   DatabaseVersionError               -> FAILED_PRECONDITION
//   DatabaseModifiedError              -> ABORTED (reopen and retry)
//   InvalidArgumentError, RangeError   -> INVALID_ARGUMENT
//   anything else                      -> INTERNAL
absl::Status XapianErrorToStatus(const Xapian::Error& error, std::string_view context);

}  // namespace guru::internal

#endif  // GURU_INDEX_XAPIAN_STATUS_H_
