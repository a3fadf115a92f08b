#include "core/post_validation.h"

#include <string>

#include "core/dates.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

absl::Status FieldError(std::string_view field, std::string_view reason) {
  return absl::InvalidArgumentError(StrCat("field '", field, "': ", reason));
}

absl::Status CheckDate(std::string_view field, const std::string& value) {
  if (value.empty() || IsValidIsoDate(value)) return absl::OkStatus();
  return FieldError(field, StrCat("'", value, "' is not a valid YYYY-MM-DD date"));
}

}  // namespace

absl::Status ValidatePost(const v1::Post& post) {
  if (const std::size_t bytes = post.ByteSizeLong(); bytes > kMaxPostBytes) {
    return FieldError("post", StrCat("is ", bytes, " bytes; at most ", kMaxPostBytes,
                                     " allowed (a page of 20 results must fit one "
                                     "response)"));
  }
  if (Trim(post.id()).empty()) return FieldError("id", "required, but blank or missing");
  if (post.id().size() > kMaxPostIdBytes) {
    return FieldError("id", StrCat("is ", post.id().size(), " bytes; at most ",
                                   kMaxPostIdBytes, " allowed"));
  }
  for (unsigned char c : post.id()) {
    if (c < 0x20 || c == 0x7F) {
      return FieldError("id", "contains a control character");
    }
  }
  if (Trim(post.answer()).empty()) {
    return FieldError("answer", "required, but empty or missing");
  }
  // Clients link to it: a "javascript:" or "data:" URL would run in the page
  // of one that does not check.
  if (!post.url().empty() && !IsHttpUrl(post.url())) {
    return FieldError(
        "url", StrCat("'", Utf8Prefix(post.url(), 40), "' is not an http or https URL"));
  }
  if (absl::Status s = CheckDate("asked_on", post.asked_on()); !s.ok()) return s;
  return CheckDate("answered_on", post.answered_on());
}

}  // namespace guru
