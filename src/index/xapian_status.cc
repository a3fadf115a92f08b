#include "index/xapian_status.h"

#include "core/status_detail.h"
#include "core/str_cat.h"

namespace guru::internal {

namespace {

// Errors a reader meets only when the files are damaged (truncated, bit
// flips, zeroed blocks): a listed document that is not there, a block past
// the end of its table, data that does not inflate. Xapian raises most of
// them as the generic DatabaseError.
bool IsDamage(std::string_view type, std::string_view message) {
  if (type == "DatabaseCorruptError" || type == "DocNotFoundError") return true;
  if (type != "DatabaseError") return false;
  for (std::string_view sign : {"reading block", "inflate failed", "EOF"}) {
    if (message.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

absl::Status Classify(const Xapian::Error& error, std::string_view context) {
  // Xapian's error classes are not polymorphic; get_type() names the class.
  const std::string_view type = error.get_type();
  // The system's words when there are some ("No space left on device").
  const char* system_error = error.get_error_string();
  const std::string message =
      StrCat(context, ": ", type, ": ", error.get_msg(),
             system_error != nullptr ? StrCat(" (", system_error, ")") : std::string());
  if (IsDamage(type, error.get_msg())) return absl::DataLossError(message);
  if (type == "DatabaseVersionError") {
    return absl::FailedPreconditionError(message);
  }
  if (type == "DatabaseModifiedError") return absl::AbortedError(message);
  if (type == "DatabaseOpeningError" || type == "DatabaseNotFoundError" ||
      type == "DatabaseLockError" || type == "DatabaseCreateError" ||
      type == "NetworkError" || type == "NetworkTimeoutError") {
    return absl::UnavailableError(message);
  }
  if (type == "InvalidArgumentError" || type == "RangeError") {
    return absl::InvalidArgumentError(message);
  }
  return absl::InternalError(message);
}
}  // namespace

absl::Status XapianErrorToStatus(const Xapian::Error& error, std::string_view context) {
  return ForOperators(Classify(error, context));
}

}  // namespace guru::internal
