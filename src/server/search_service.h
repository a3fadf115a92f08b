// guru.v1.GuruSearch over the callback API. Handlers only translate: check
// the request, call the index through the pool, map the result and status.
#ifndef GURU_SERVER_SEARCH_SERVICE_H_
#define GURU_SERVER_SEARCH_SERVICE_H_

#include "guru/v1/search.grpc.pb.h"
#include "server/searcher_pool.h"

namespace guru {

// Request limits, enforced as INVALID_ARGUMENT naming the limit.
inline constexpr int kDefaultLimit = 10;
inline constexpr int kMaxLimit = 100;
inline constexpr std::size_t kMaxQueryBytes = std::size_t{16} * 1024;
inline constexpr int kDefaultRelatedLimit = 5;
// Conversation turns beyond this are ignored (the oldest ones).
inline constexpr int kMaxContextTurns = 10;
inline constexpr int kMaxFilterValues = 50;

// Thread-safe: holds no state of its own beyond the (thread-safe) pool, which
// it does not own and which must outlive it.
class SearchService final : public v1::GuruSearch::CallbackService {
 public:
  SearchService(SearcherPool& pool, const RankingOptions& ranking)
      : pool_(pool), ranking_(ranking) {}

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* context,
                                   const v1::SearchRequest* request,
                                   v1::SearchResponse* response) override;

  grpc::ServerUnaryReactor* GetPost(grpc::CallbackServerContext* context,
                                    const v1::GetPostRequest* request,
                                    v1::Post* response) override;

  grpc::ServerUnaryReactor* Related(grpc::CallbackServerContext* context,
                                    const v1::RelatedRequest* request,
                                    v1::RelatedResponse* response) override;

 private:
  SearcherPool& pool_;
  const RankingOptions ranking_;
};

}  // namespace guru

#endif  // GURU_SERVER_SEARCH_SERVICE_H_
