// Statuses whose message carries a library's words (Xapian's error text,
// file paths): right for an operator's log or a CLI, wrong for a remote
// client. The layer that raises one marks it; the server's one status
// mapping then sends the client a plain message and logs the detail.
#ifndef GURU_CORE_STATUS_DETAIL_H_
#define GURU_CORE_STATUS_DETAIL_H_

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"

namespace guru {

inline constexpr absl::string_view kOperatorDetailPayload = "type.guru/operator-detail";

// `status` with its message marked as for operators only.
inline absl::Status ForOperators(absl::Status status) {
  status.SetPayload(kOperatorDetailPayload, absl::Cord("1"));
  return status;
}

inline bool IsForOperators(const absl::Status& status) {
  return status.GetPayload(kOperatorDetailPayload).has_value();
}

}  // namespace guru

#endif  // GURU_CORE_STATUS_DETAIL_H_
