#include "core/post_json.h"

#include <google/protobuf/util/json_util.h>

#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

namespace pbu = google::protobuf::util;

// Protobuf's parser reports an unknown field with this phrase; it is the one
// error we tolerate (with a warning) by parsing again leniently.
constexpr std::string_view kUnknownFieldPhrase = "Cannot find field";

// Protobuf's messages run over several lines with a caret; the first line
// says what is wrong.
std::string FirstLine(absl::string_view message) {
  const std::string_view text = ToStd(message);
  return std::string(Trim(text.substr(0, text.find('\n'))));
}

// Checks what protobuf's parser lets through or reports poorly: invalid
// UTF-8, raw control characters (JSON requires them escaped) and nesting
// deeper than any post needs (a post is at most 2 levels deep).
absl::Status CheckJsonText(std::string_view json) {
  if (auto bad = FindInvalidUtf8(json)) {
    return absl::InvalidArgumentError(StrCat("invalid UTF-8 at byte offset ", *bad));
  }
  constexpr int kMaxDepth = 16;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto c = static_cast<unsigned char>(json[i]);
    if (c < 0x20 && !(!in_string && (c == '\t' || c == '\n' || c == '\r'))) {
      return absl::InvalidArgumentError(
          StrCat("raw control character ", static_cast<int>(c), " at byte offset ", i,
                 in_string ? " inside a string (JSON requires \\u escapes)" : ""));
    }
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) {
        return absl::InvalidArgumentError(
            StrCat("nested more than ", kMaxDepth, " levels deep at byte offset ", i));
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return absl::OkStatus();
}

absl::Status ParseInto(std::string_view json, bool ignore_unknown, v1::Post& post) {
  pbu::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown;
  post.Clear();
  const auto status = pbu::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &post, options);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      FirstLine(absl::string_view(status.message().data(), status.message().size())));
}

}  // namespace

absl::StatusOr<JsonPost> ParsePostJson(std::string_view json) {
  if (absl::Status s = CheckJsonText(json); !s.ok()) {
    return absl::InvalidArgumentError(StrCat("not a valid post object: ", s.message()));
  }
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
