#include "server/call_runner.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "absl/strings/escaping.h"
#include "server/status_mapping.h"

namespace guru {
namespace {

// Compares without an early exit, so the time taken says nothing about how
// much of a guessed token was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

}  // namespace

bool CallRunner::Authorized(const grpc::CallbackServerContext& context) const {
  if (policy_.auth_token.empty()) return true;
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("authorization");
  if (found == metadata.end()) return false;
  const std::string_view value(found->second.data(), found->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.substr(0, kBearer.size()) != kBearer) return false;
  return ConstantTimeEquals(value.substr(kBearer.size()), policy_.auth_token);
}

grpc::ServerUnaryReactor* CallRunner::Run(grpc::CallbackServerContext* context,
                                          std::string_view method, std::string_view query,
                                          Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const auto received = std::chrono::steady_clock::now();
  std::string logged_query =
      policy_.log_queries ? absl::CEscape(absl::string_view(query.data(), query.size()))
                          : std::string();
  auto finish = [this, reactor, received, method,
                 logged_query = std::move(logged_query)](const grpc::Status& status) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - received)
            .count();
    metrics_.RecordRequest(method, status.error_code(), seconds);
    if (policy_.log_queries) {
      spdlog::info("{} {} {:.2f} ms query=\"{}\"", method,
                   StatusCodeName(status.error_code()), seconds * 1000, logged_query);
    }
    reactor->Finish(status);
  };

  if (!Authorized(*context)) {
    finish(
        grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                     "this server wants the metadata 'authorization: Bearer <token>'"));
    return reactor;
  }
  // The task owns what it needs; `finish` is shared with the refusal path
  // below, which only runs when the task was never accepted.
  auto shared_finish = std::make_shared<decltype(finish)>(std::move(finish));
  metrics_.AddInFlight(1);
  const absl::Status accepted =
      queue_.Submit([this, context, shared_finish, work = std::move(work)] {
        grpc::Status status;
        if (context->IsCancelled()) {
          status = grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled");
        } else if (context->deadline() <= std::chrono::system_clock::now()) {
          status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                "deadline passed before the work started");
        } else {
          status = ToGrpcStatus(work());
        }
        metrics_.AddInFlight(-1);
        (*shared_finish)(status);
      });
  if (!accepted.ok()) {
    metrics_.AddInFlight(-1);
    (*shared_finish)(ToGrpcStatus(accepted));
  }
  return reactor;
}

}  // namespace guru
