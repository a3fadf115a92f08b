#include "server/limits.h"

#include "core/str_cat.h"

namespace guru {

absl::StatusOr<Message> CheckQueryLimits(std::string_view query, std::size_t max_bytes) {
  if (query.size() > max_bytes) {
    return absl::InvalidArgumentError(StrCat(
        "query: ", query.size(), " bytes is over the limit of ", max_bytes, " bytes"));
  }
  Message message{std::string(query)};
  const std::size_t terms = message.SearchableWordCount();
  if (terms > kMaxQueryTerms) {
    return absl::InvalidArgumentError(StrCat("query: ", terms,
                                             " searchable words is over the limit of ",
                                             kMaxQueryTerms, " terms"));
  }
  return message;
}

}  // namespace guru
