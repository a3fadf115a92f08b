// The request limits of guru-server, in one place. Each is documented in
// README.md ("Limits"); a request over one is answered INVALID_ARGUMENT with a
// message that names the limit, except the message size, which gRPC itself
// enforces before any handler runs (RESOURCE_EXHAUSTED, "Received message
// larger than max").
#ifndef GURU_SERVER_LIMITS_H_
#define GURU_SERVER_LIMITS_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/post_validation.h"
#include "core/query_text.h"

namespace guru {

// Results a Search or Related returns when the request asks for none (0),
// and the most it may ask for: `limit` (or `page_size`) in 1..kMaxLimit.
inline constexpr int kDefaultLimit = 10;
inline constexpr int kDefaultRelatedLimit = 5;
inline constexpr int kMaxLimit = 100;

// Bytes of a query, and of each earlier turn of its conversation.
inline constexpr std::size_t kMaxQueryBytes = std::size_t{16} * 1024;

// Conversation turns used, newest first; older ones are ignored, not refused.
inline constexpr int kMaxContextTurns = 10;

// Categories, and experts, one filter may name.
inline constexpr int kMaxFilterValues = 50;

// Searchable words in a query (QueryWords: stopwords and punctuation do not
// count). Each word becomes a term of the Xapian query, so this bounds the
// work one request can ask for.
inline constexpr std::size_t kMaxQueryTerms = 1024;

// Deepest result a search serves: `offset` (or a page token's position)
// at most this. Ranking reads offset + limit candidates, so without a
// bound one request could make the server rank millions.
inline constexpr int kMaxOffset = 1000;

// Largest request message the server accepts, and largest response it sends:
// what gRPC clients accept by default (4 MiB), since a larger one fails in
// the client as RESOURCE_EXHAUSTED, which says "retry". A query is at most
// 16 KiB (kMaxQueryBytes); a page of 20 of the largest posts the indexer
// accepts fits, and 100 posts of MedQuAD's largest (27 KB). A response over
// it is answered FAILED_PRECONDITION, "ask for fewer results".
inline constexpr int kMaxReceiveMessageBytes = 1024 * 1024;
inline constexpr int kMaxSendMessageBytes = 4 * 1024 * 1024;
static_assert(20 * kMaxPostBytes <= std::size_t{kMaxSendMessageBytes} / 5 * 4);

// `query` split into words (once, for every later reader), or
// INVALID_ARGUMENT naming the limit when it has more than `max_bytes` bytes
// (checked before splitting) or more than kMaxQueryTerms searchable words.
absl::StatusOr<Message> CheckQueryLimits(std::string_view query, std::size_t max_bytes);

}  // namespace guru

#endif  // GURU_SERVER_LIMITS_H_
