#include "index/xapian_status.h"

#include "core/status_detail.h"
#include "core/str_cat.h"

namespace guru::internal {

namespace {
absl::Status Classify(const Xapian::Error& error, std::string_view context) {
  // Xapian's error classes are not polymorphic; get_type() names the class.
  const std::string_view type = error.get_type();
  const std::string message = StrCat(context, ": ", type, ": ", error.get_msg());
  if (type == "DatabaseCorruptError") return absl::DataLossError(message);
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
