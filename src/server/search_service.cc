#include "server/search_service.h"

#include "core/str_cat.h"
#include "core/text.h"
#include "server/limits.h"

namespace guru {
namespace {

absl::StatusOr<SearchParams> ToSearchParams(const v1::SearchRequest& request) {
  if (absl::Status limits = CheckQueryLimits(request.query(), kMaxQueryBytes);
      !limits.ok()) {
    return limits;
  }
  if (Trim(request.query()).empty()) {
    return absl::InvalidArgumentError("query: must not be empty");
  }
  SearchParams params;
  params.query = request.query();
  params.limit = request.limit() == 0 ? kDefaultLimit : request.limit();
  if (params.limit < 1 || params.limit > kMaxLimit) {
    return absl::InvalidArgumentError(StrCat("limit: must be between 1 and ", kMaxLimit,
                                             " (0 means ", kDefaultLimit, "); got ",
                                             request.limit()));
  }
  if (request.offset() < 0) {
    return absl::InvalidArgumentError(
        StrCat("offset: must not be negative; got ", request.offset()));
  }
  params.offset = request.offset();
  return params;
}

absl::Status RunSearch(SearcherPool& pool, const RankingOptions& ranking,
                       const v1::SearchRequest& request, v1::SearchResponse& response) {
  absl::StatusOr<SearchParams> params = ToSearchParams(request);
  if (!params.ok()) return params.status();
  params->ranking = ranking;
  absl::StatusOr<SearcherPool::Lease> searcher = pool.Acquire();
  if (!searcher.ok()) return searcher.status();
  absl::StatusOr<SearchPage> page = (*searcher)->Search(*params);
  if (!page.ok()) return page.status();
  response.set_total_estimate(page->total_estimate);
  for (SearchHit& hit : page->hits) {
    v1::SearchResult* result = response.add_results();
    *result->mutable_post() = std::move(hit.post);
    result->set_score(hit.score);
    result->set_snippet(std::move(hit.snippet));
  }
  return absl::OkStatus();
}

absl::Status RunGetPost(SearcherPool& pool, const v1::GetPostRequest& request,
                        v1::Post& response) {
  if (request.id().empty()) return absl::InvalidArgumentError("id: must not be empty");
  absl::StatusOr<SearcherPool::Lease> searcher = pool.Acquire();
  if (!searcher.ok()) return searcher.status();
  absl::StatusOr<v1::Post> post = (*searcher)->GetPost(request.id());
  if (!post.ok()) return post.status();
  response = *std::move(post);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* SearchService::Search(grpc::CallbackServerContext* context,
                                                const v1::SearchRequest* request,
                                                v1::SearchResponse* response) {
  return runner_.Run(context, "Search", request->query(), [this, request, response] {
    return RunSearch(pool_, ranking_, *request, *response);
  });
}

grpc::ServerUnaryReactor* SearchService::GetPost(grpc::CallbackServerContext* context,
                                                 const v1::GetPostRequest* request,
                                                 v1::Post* response) {
  return runner_.Run(context, "GetPost", {}, [this, request, response] {
    return RunGetPost(pool_, *request, *response);
  });
}

}  // namespace guru
