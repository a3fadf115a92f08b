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
// UTF-8, raw control characters (JSON requires them escaped), single-quoted
// strings, unknown escapes, trailing commas, and nesting deeper than any post
// needs (a post is at most 2 levels deep).
absl::Status CheckJsonText(std::string_view json) {
  if (auto bad = FindInvalidUtf8(json)) {
    return absl::InvalidArgumentError(StrCat("invalid UTF-8 at byte offset ", *bad));
  }
  constexpr int kMaxDepth = 16;
  constexpr std::string_view kEscapes = "\"\\/bfnrtu";
  auto error = [](std::string_view what, std::size_t at) {
    return absl::InvalidArgumentError(StrCat(what, " at byte offset ", at));
  };
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  char last_token = 0;  // Last non-space character outside strings.
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (static_cast<unsigned char>(c) < 0x20 &&
        (in_string || (c != '\t' && c != '\n' && c != '\r'))) {
      return error(
          StrCat("raw control character ", static_cast<int>(c),
                 in_string ? " inside a string (JSON requires \\u escapes)" : ""),
          i);
    }
    if (in_string) {
      if (escaped) {
        if (kEscapes.find(c) == std::string_view::npos)
          return error("unknown escape", i - 1);
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        last_token = '"';
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '\'':
        return error("single-quoted string (JSON needs double quotes)", i);
      case '{':
      case '[':
        if (++depth > kMaxDepth)
          return error(StrCat("nested more than ", kMaxDepth, " levels deep"), i);
        break;
      case '}':
      case ']':
        if (last_token == ',') return error("trailing comma", i);
        --depth;
        break;
      default:
        break;
    }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') last_token = c;
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
