#include "server/status_mapping.h"

#include <spdlog/spdlog.h>

#include <string>

#include "core/status_detail.h"
#include "core/str_cat.h"

namespace guru {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (IsForOperators(status) &&
      (status.code() == absl::StatusCode::kUnavailable ||
       status.code() == absl::StatusCode::kFailedPrecondition)) {
    // Paths and library words stay in the log. Debug: while no index exists
    // every call would say the same (the health watcher logs the change).
    spdlog::debug("{}: {}", absl::StatusCodeToString(status.code()),
                  ToStd(status.message()));
    return grpc::Status(code, status.code() == absl::StatusCode::kUnavailable
                                  ? "the index is not available right now; retry later"
                                  : "the index cannot be served by this server version");
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kUnavailable:
      return grpc::Status(code, std::string(ToStd(status.message())));
    case absl::StatusCode::kDataLoss:
      spdlog::error("index corrupt: {}", ToStd(status.message()));
      return grpc::Status(grpc::StatusCode::DATA_LOSS,
                          "the index is corrupt; the operator must rebuild it");
    default:
      spdlog::error("internal error ({}): {}", absl::StatusCodeToString(status.code()),
                    ToStd(status.message()));
      return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
}

}  // namespace guru
