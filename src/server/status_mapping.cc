#include "server/status_mapping.h"

#include <spdlog/spdlog.h>

#include <string>

#include "core/str_cat.h"

namespace guru {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
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
