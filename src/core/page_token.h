// Page tokens: the opaque `page_token` of the Search API. A token says where
// the next page starts, for which request and which index, so that a token
// used with another query or another index fails clearly instead of
// returning the wrong page. Pure functions; thread-safe.
#ifndef GURU_CORE_PAGE_TOKEN_H_
#define GURU_CORE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace guru {

struct PageToken {
  // Fingerprint of everything that defines the ranking: query, filter,
  // context (not the page size).
  std::uint64_t request_fingerprint = 0;
  // Rank of the first result of the next page.
  std::int64_t offset = 0;
  // Xapian's UUID of the index ("" when unknown); survives reopening and
  // restarts, changes when the index is rebuilt elsewhere.
  std::string index_id;
};

// URL-safe base64; at most a few hundred bytes.
std::string EncodePageToken(const PageToken& token);

// INVALID_ARGUMENT ("page_token: ...") when `text` is not a token this
// version wrote.
absl::StatusOr<PageToken> DecodePageToken(std::string_view text);

}  // namespace guru

#endif  // GURU_CORE_PAGE_TOKEN_H_
