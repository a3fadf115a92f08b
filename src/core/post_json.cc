#include "core/post_json.h"

#include <google/protobuf/util/json_util.h>

#include "core/str_cat.h"

namespace guru {
namespace {

namespace pbu = google::protobuf::util;

// Protobuf's parser reports an unknown field with this phrase; it is the one
// error we tolerate (with a warning) by parsing again leniently.
constexpr std::string_view kUnknownFieldPhrase = "Cannot find field";

absl::Status ParseInto(std::string_view json, bool ignore_unknown, v1::Post& post) {
  pbu::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown;
  post.Clear();
  const auto status = pbu::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &post, options);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string(status.message()));
}

}  // namespace

absl::StatusOr<JsonPost> ParsePostJson(std::string_view json) {
  JsonPost result;
  absl::Status strict = ParseInto(json, /*ignore_unknown=*/false, result.post);
  if (strict.ok()) return result;
  if (std::string(strict.message()).find(kUnknownFieldPhrase) == std::string::npos) {
    return absl::InvalidArgumentError(
        StrCat("not a valid post object: ", strict.message()));
  }
  absl::Status lenient = ParseInto(json, /*ignore_unknown=*/true, result.post);
  if (!lenient.ok()) {
    return absl::InvalidArgumentError(
        StrCat("not a valid post object: ", lenient.message()));
  }
  result.warnings.push_back(StrCat("ignored unknown field(s): ", strict.message()));
  return result;
}

std::string PostToJson(const v1::Post& post) {
  pbu::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  // Printing a well-formed message cannot fail.
  (void)pbu::MessageToJsonString(post, &out, options);
  return out;
}

}  // namespace guru
