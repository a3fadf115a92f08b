#include "server/search_service.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "core/dates.h"
#include "core/page_token.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "server/limits.h"

namespace guru {
namespace {

absl::Status CheckFilter(const v1::SearchFilter& filter) {
  if (filter.categories_size() > kMaxFilterValues ||
      filter.experts_size() > kMaxFilterValues) {
    return absl::InvalidArgumentError(
        StrCat("filter: at most ", kMaxFilterValues, " categories and experts each"));
  }
  for (const auto& [name, date] : {std::pair{"filter.date_from", &filter.date_from()},
                                   std::pair{"filter.date_to", &filter.date_to()}}) {
    if (!date->empty() && !IsValidIsoDate(*date)) {
      return absl::InvalidArgumentError(
          StrCat(name, ": ", QuotedPrefix(*date), " is not a YYYY-MM-DD date"));
    }
  }
  if (!filter.date_from().empty() && !filter.date_to().empty() &&
      filter.date_from() > filter.date_to()) {
    return absl::InvalidArgumentError("filter: date_from is after date_to");
  }
  return absl::OkStatus();
}

// What defines the ranking of a request, so that a page token is only
// honoured for the request it was issued for.
std::uint64_t RequestFingerprint(const v1::SearchRequest& request) {
  v1::SearchRequest key;
  key.set_query(request.query());
  *key.mutable_filter() = request.filter();
  *key.mutable_context() = request.context();
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  key.SerializeToCodedStream(&coded);
  coded.Trim();
  return Fnv1a64(bytes);
}

absl::StatusOr<int> PageSize(const v1::SearchRequest& request) {
  if (request.limit() != 0 && request.page_size() != 0 &&
      request.limit() != request.page_size()) {
    return absl::InvalidArgumentError(StrCat("limit (", request.limit(),
                                             ") and page_size (", request.page_size(),
                                             ") differ; set one of them"));
  }
  const int asked = request.page_size() != 0 ? request.page_size() : request.limit();
  const int size = asked == 0 ? kDefaultLimit : asked;
  if (size < 1 || size > kMaxLimit) {
    return absl::InvalidArgumentError(StrCat("limit: must be between 1 and ", kMaxLimit,
                                             " (0 means ", kDefaultLimit, "); got ",
                                             asked));
  }
  return size;
}

// The checks of a message and its earlier turns that Search and
// CheckSafety share; the message, split into words once for every later
// reader.
absl::StatusOr<Message> CheckConversation(
    const std::string& query,
    const google::protobuf::RepeatedPtrField<std::string>& context) {
  absl::StatusOr<Message> message = CheckQueryLimits(query, kMaxQueryBytes);
  if (!message.ok()) return message.status();
  if (Trim(query).empty()) return absl::InvalidArgumentError("query: must not be empty");
  for (int turn = 0; turn < context.size() && turn < kMaxContextTurns; ++turn) {
    if (context[turn].size() > kMaxQueryBytes) {
      return absl::InvalidArgumentError(
          StrCat("context: a turn of ", context[turn].size(),
                 " bytes is over the limit of ", kMaxQueryBytes));
    }
  }
  return *std::move(message);
}

absl::StatusOr<SearchParams> ToSearchParams(const v1::SearchRequest& request,
                                            Message message) {
  SearchParams params;
  params.query = std::move(message);
  absl::StatusOr<int> limit = PageSize(request);
  if (!limit.ok()) return limit.status();
  params.limit = *limit;
  if (request.offset() < 0 || request.offset() > kMaxOffset) {
    return absl::InvalidArgumentError(
        StrCat("offset: must be between 0 and ", kMaxOffset, "; got ", request.offset()));
  }
  if (request.offset() != 0 && !request.page_token().empty()) {
    return absl::InvalidArgumentError("offset: must be 0 when page_token is given");
  }
  params.offset = request.offset();
  if (absl::Status status = CheckFilter(request.filter()); !status.ok()) return status;
  const auto& filter = request.filter();
  params.filter.categories.assign(filter.categories().begin(), filter.categories().end());
  params.filter.experts.assign(filter.experts().begin(), filter.experts().end());
  params.filter.date_from = filter.date_from();
  params.filter.date_to = filter.date_to();
  params.facets = request.include_facets();
  for (const std::string& turn : request.context()) {
    if (params.context.size() == kMaxContextTurns) break;
    params.context.push_back(turn);
  }
  return params;
}

// Applies `request.page_token` to `params` for the index `index_id`.
absl::Status ApplyPageToken(const v1::SearchRequest& request, const std::string& index_id,
                            SearchParams& params) {
  if (request.page_token().empty()) return absl::OkStatus();
  absl::StatusOr<PageToken> token = DecodePageToken(request.page_token());
  if (!token.ok()) return token.status();
  if (token->offset < 0 || token->offset > kMaxOffset) {
    return absl::InvalidArgumentError(
        StrCat("page_token: points past the deepest result served (", kMaxOffset, ")"));
  }
  if (token->request_fingerprint != RequestFingerprint(request)) {
    return absl::InvalidArgumentError(
        "page_token: issued for a different query, filter or context");
  }
  if (!token->index_id.empty() && !index_id.empty() && token->index_id != index_id) {
    return absl::FailedPreconditionError(
        "page_token: issued by another index (it was rebuilt or replaced); search again "
        "without a page_token");
  }
  params.offset = static_cast<int>(token->offset);
  return absl::OkStatus();
}

// The index's page with what the server adds: `safety`, and the next
// page's token.
void ToResponse(SearchPage& page, const SearchParams& params,
                const v1::SearchRequest& request, const std::string& index_id,
                v1::Safety safety, v1::SearchResponse& response) {
  response = std::move(page.response);
  *response.mutable_safety() = std::move(safety);
  // No token leads past kMaxOffset: the last page served ends there.
  if (page.has_more && params.offset + params.limit <= kMaxOffset) {
    response.set_next_page_token(EncodePageToken(
        {RequestFingerprint(request), params.offset + params.limit, index_id}));
  }
}

absl::Status RunGetPost(Searcher& searcher, const v1::GetPostRequest& request,
                        v1::Post& response) {
  absl::StatusOr<v1::Post> post = searcher.GetPost(request.id());
  if (!post.ok()) return post.status();
  response = *std::move(post);
  return absl::OkStatus();
}

// The checks of a Related request, made before any index work; its limit.
absl::StatusOr<int> RelatedLimit(const v1::RelatedRequest& request) {
  if (request.id().empty()) return absl::InvalidArgumentError("id: must not be empty");
  const int limit = request.limit() == 0 ? kDefaultRelatedLimit : request.limit();
  if (limit < 1 || limit > kMaxLimit) {
    return absl::InvalidArgumentError(StrCat("limit: must be between 1 and ", kMaxLimit,
                                             " (0 means ", kDefaultRelatedLimit,
                                             "); got ", request.limit()));
  }
  return limit;
}

absl::Status RunRelated(Searcher& searcher, const v1::RelatedRequest& request, int limit,
                        v1::RelatedResponse& response) {
  absl::StatusOr<v1::RelatedResponse> related = searcher.Related(request.id(), limit);
  if (!related.ok()) return related.status();
  response = *std::move(related);
  return absl::OkStatus();
}

}  // namespace

v1::Safety SearchService::AssessSafety(
    const std::string& query,
    const google::protobuf::RepeatedPtrField<std::string>& context) {
  v1::Safety safety = safety_.Check(query, context, kMaxContextTurns);
  metrics_.RecordSafety(static_cast<SafetyLevel>(safety.level()));
  return safety;
}

absl::Status SearchService::RunSearch(std::chrono::system_clock::time_point deadline,
                                      const v1::SearchRequest& request,
                                      v1::SearchResponse& response) {
  absl::StatusOr<Message> message = CheckConversation(request.query(), request.context());
  if (!message.ok()) return message.status();
  absl::StatusOr<SearchParams> params = ToSearchParams(request, *std::move(message));
  if (!params.ok()) return params.status();
  // Every limit before any index work, a page token's position too; which
  // index issued the token can only be checked once one is open.
  if (absl::Status status = ApplyPageToken(request, "", *params); !status.ok()) {
    return status;
  }
  // Decided before and apart from retrieval, and so also on NO_MATCH.
  const v1::Safety safety = AssessSafety(request.query(), request.context());
  return pool_.Run(deadline, [&](Searcher& searcher) {
    const std::string index_id = searcher.IndexId();
    if (absl::Status status = ApplyPageToken(request, index_id, *params); !status.ok()) {
      return status;
    }
    absl::StatusOr<SearchPage> page = searcher.Search(*params);
    if (!page.ok()) return page.status();
    ToResponse(*page, *params, request, index_id, safety, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SearchService::Search(grpc::CallbackServerContext* context,
                                                const v1::SearchRequest* request,
                                                v1::SearchResponse* response) {
  return runner_.Run(context, "Search", request->query(), *response,
                     [this, context, request, response] {
                       return RunSearch(context->deadline(), *request, *response);
                     });
}

grpc::ServerUnaryReactor* SearchService::CheckSafety(
    grpc::CallbackServerContext* context, const v1::CheckSafetyRequest* request,
    v1::Safety* response) {
  return runner_.Run(context, "CheckSafety", request->query(), *response,
                     [this, request, response] {
                       if (absl::StatusOr<Message> message =
                               CheckConversation(request->query(), request->context());
                           !message.ok()) {
                         return message.status();
                       }
                       *response = AssessSafety(request->query(), request->context());
                       return absl::OkStatus();
                     });
}

grpc::ServerUnaryReactor* SearchService::GetPost(grpc::CallbackServerContext* context,
                                                 const v1::GetPostRequest* request,
                                                 v1::Post* response) {
  return runner_.Run(context, "GetPost", {}, *response,
                     [this, context, request, response] {
                       if (request->id().empty()) {
                         return absl::InvalidArgumentError("id: must not be empty");
                       }
                       return pool_.Run(context->deadline(), [&](Searcher& searcher) {
                         return RunGetPost(searcher, *request, *response);
                       });
                     });
}

grpc::ServerUnaryReactor* SearchService::Related(grpc::CallbackServerContext* context,
                                                 const v1::RelatedRequest* request,
                                                 v1::RelatedResponse* response) {
  return runner_.Run(context, "Related", {}, *response,
                     [this, context, request, response] {
                       absl::StatusOr<int> limit = RelatedLimit(*request);
                       if (!limit.ok()) return limit.status();
                       return pool_.Run(context->deadline(), [&](Searcher& searcher) {
                         return RunRelated(searcher, *request, *limit, *response);
                       });
                     });
}

}  // namespace guru
