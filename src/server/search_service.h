// guru.v1.GuruSearch over the callback API. Handlers only translate: check
// the request, call the index through the pool, map the result and status.
#ifndef GURU_SERVER_SEARCH_SERVICE_H_
#define GURU_SERVER_SEARCH_SERVICE_H_

#include "guru/v1/search.grpc.pb.h"
#include "server/call_runner.h"
#include "server/limits.h"
#include "server/metrics.h"
#include "server/safety_check.h"
#include "server/searcher_pool.h"

namespace guru {

// Thread-safe: holds no state of its own beyond the (thread-safe) pool, call
// runner, safety check and metrics, which it does not own and which must
// outlive it. Each call's work runs through the runner (auth, overload,
// deadline, metrics).
class SearchService final : public v1::GuruSearch::CallbackService {
 public:
  SearchService(SearcherPool& pool, CallRunner& runner, const SafetyCheck& safety,
                ServerMetrics& metrics)
      : pool_(pool), runner_(runner), safety_(safety), metrics_(metrics) {}

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* context,
                                   const v1::SearchRequest* request,
                                   v1::SearchResponse* response) override;

  grpc::ServerUnaryReactor* GetPost(grpc::CallbackServerContext* context,
                                    const v1::GetPostRequest* request,
                                    v1::Post* response) override;

  grpc::ServerUnaryReactor* Related(grpc::CallbackServerContext* context,
                                    const v1::RelatedRequest* request,
                                    v1::RelatedResponse* response) override;

  grpc::ServerUnaryReactor* CheckSafety(grpc::CallbackServerContext* context,
                                        const v1::CheckSafetyRequest* request,
                                        v1::Safety* response) override;

 private:
  // The safety of a message and its context, counted in the metrics.
  v1::Safety AssessSafety(const std::string& query,
                          const google::protobuf::RepeatedPtrField<std::string>& context);
  // Retries on a fresh revision until `deadline` (SearcherPool::Run).
  absl::Status RunSearch(std::chrono::system_clock::time_point deadline,
                         const v1::SearchRequest& request, v1::SearchResponse& response);

  SearcherPool& pool_;
  CallRunner& runner_;
  const SafetyCheck& safety_;
  ServerMetrics& metrics_;
};

}  // namespace guru

#endif  // GURU_SERVER_SEARCH_SERVICE_H_
