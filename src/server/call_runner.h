// What every guru.v1.GuruSearch call goes through before and after its
// handler's work: the bearer-token check, admission to the bounded work
// queue (RESOURCE_EXHAUSTED when full), the deadline check when a worker
// picks it up, the one status mapping, metrics (guru_requests_total, and
// guru_answers_total from each Search response sent) and the access log.
#ifndef GURU_SERVER_CALL_RUNNER_H_
#define GURU_SERVER_CALL_RUNNER_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "server/metrics.h"
#include "server/work_queue.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace guru {

struct CallPolicy {
  // When not empty, calls must carry `authorization: Bearer <token>`;
  // others are answered UNAUTHENTICATED.
  std::string auth_token;
  // Log one line per call without its text (--access-log): method, status
  // code, milliseconds, and for a call answered OK the number of results
  // and, for Search, the answer status.
  bool access_log = false;
  // Log each call's query text too (personal health data: off by default);
  // implies the access log's line, with the text at its end.
  bool log_queries = false;
};

// Thread-safe. Does not own the queue or the metrics, which must outlive it.
class CallRunner {
 public:
  CallRunner(WorkQueue& queue, ServerMetrics& metrics, CallPolicy policy)
      : queue_(queue), metrics_(metrics), policy_(std::move(policy)) {}

  // The work of one call; runs on a worker thread, at most once.
  using Work = std::function<absl::Status()>;

  // Checks the call, queues `work`, and finishes the call with its status
  // (through ToGrpcStatus). Work is skipped when the call was cancelled or
  // its deadline passed while it waited (DEADLINE_EXCEEDED). The call is
  // logged under CallPolicy::access_log or log_queries, `query` only under
  // log_queries. The request and response the
  // work refers to stay valid until the call is finished.
  // When the work succeeds, `response` (the call's response message, which
  // outlives the call) is checked before it is sent. A string field holding
  // invalid UTF-8 serializes without error but makes every client's parse
  // fail (C++: UNIMPLEMENTED "No message returned", Python: INTERNAL) while
  // the server would count OK; instead the call is answered INTERNAL, logged
  // naming the field and counted as INTERNAL.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                std::string_view method, std::string_view query,
                                const google::protobuf::Message& response, Work work);

  // True when `metadata` (a call's) carries the token (always when none is
  // required).
  bool Authorized(
      const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) const;

  // The answer to a call without the token.
  static grpc::Status Unauthenticated();

 private:
  // OK, or INTERNAL (logged) when `response` holds invalid UTF-8.
  static grpc::Status CheckResponse(std::string_view method,
                                    const google::protobuf::Message& response);

  WorkQueue& queue_;
  ServerMetrics& metrics_;
  const CallPolicy policy_;
};

}  // namespace guru

#endif  // GURU_SERVER_CALL_RUNNER_H_
