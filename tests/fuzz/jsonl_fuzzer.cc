// Fuzzes the JSONL record reader: arbitrary bytes must parse to a post or an
// error; a post that validates must survive a round trip through JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/post_json.h"
#include "core/post_validation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<guru::JsonPost> parsed = guru::ParsePostJson(input);
  if (!parsed.ok() || !guru::ValidatePost(parsed->post).ok()) return 0;
  absl::StatusOr<guru::JsonPost> again =
      guru::ParsePostJson(guru::internal::PostToJson(parsed->post));
  if (!again.ok() ||
      again->post.SerializeAsString() != parsed->post.SerializeAsString()) {
    std::abort();
  }
  return 0;
}
