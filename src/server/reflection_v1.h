// grpc.reflection.v1.ServerReflection, which Debian's gRPC 1.51 lacks (its
// plugin serves v1alpha only, and current grpcurl, buf curl and Postman ask
// for v1 first). Answers from the generated descriptor pool, as the v1alpha
// plugin does: every message and service linked into the server, including
// grpc.health.v1 (the server links its descriptors for this reason).
#ifndef GURU_SERVER_REFLECTION_V1_H_
#define GURU_SERVER_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace guru {

// Immutable after construction; thread-safe. Each stream keeps its own record
// of the files already sent, so a dependency is sent once per stream.
class ReflectionV1Service final : public grpc::reflection::v1::ServerReflection::Service {
 public:
  // `services`: the full names list_services answers.
  explicit ReflectionV1Service(std::vector<std::string> services);

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<grpc::reflection::v1::ServerReflectionResponse,
                               grpc::reflection::v1::ServerReflectionRequest>* stream)
      override;

 private:
  const std::vector<std::string> services_;
};

}  // namespace guru

#endif  // GURU_SERVER_REFLECTION_V1_H_
