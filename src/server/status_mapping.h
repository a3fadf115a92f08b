// The one mapping from internal statuses to gRPC statuses.
#ifndef GURU_SERVER_STATUS_MAPPING_H_
#define GURU_SERVER_STATUS_MAPPING_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace guru {

// Codes carry over one to one (absl and gRPC share their numbering). Messages
// of INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED and
// UNAVAILABLE are the caller's business and pass through; for INTERNAL,
// DATA_LOSS and anything else the details are logged here and the client gets
// a fixed message, so no exception text or path leaks out.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace guru

#endif  // GURU_SERVER_STATUS_MAPPING_H_
