#include "core/post_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <optional>
#include <unordered_map>
#include <vector>

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

absl::Status JsonError(std::string_view what, std::size_t at) {
  return absl::InvalidArgumentError(StrCat(what, " at byte offset ", at));
}

// One pass over JSON text, a character at a time, tracking just enough
// (strings, escapes, depth, the last token) for CheckJsonText's checks.
class JsonTextScan {
 public:
  // The next character, `c` at byte `at`: OK, or what is wrong there.
  absl::Status Next(char c, std::size_t at) {
    if (static_cast<unsigned char>(c) < 0x20 &&
        (in_string_ || (c != '\t' && c != '\n' && c != '\r'))) {
      return JsonError(
          StrCat("raw control character ", static_cast<int>(c),
                 in_string_ ? " inside a string (JSON requires \\u escapes)" : ""),
          at);
    }
    return in_string_ ? InString(c, at) : Outside(c, at);
  }

 private:
  static constexpr int kMaxDepth = 16;
  static constexpr std::string_view kEscapes = "\"\\/bfnrtu";

  absl::Status InString(char c, std::size_t at) {
    if (escaped_) {
      if (kEscapes.find(c) == std::string_view::npos)
        return JsonError("unknown escape", at - 1);
      escaped_ = false;
    } else if (c == '\\') {
      escaped_ = true;
    } else if (c == '"') {
      in_string_ = false;
      last_token_ = '"';
    }
    return absl::OkStatus();
  }

  absl::Status Outside(char c, std::size_t at) {
    switch (c) {
      case '"':
        in_string_ = true;
        break;
      case '\'':
        return JsonError("single-quoted string (JSON needs double quotes)", at);
      case '{':
      case '[':
        if (++depth_ > kMaxDepth) {
          return JsonError(StrCat("nested more than ", kMaxDepth, " levels deep"), at);
        }
        break;
      case '}':
      case ']':
        if (last_token_ == ',') return JsonError("trailing comma", at);
        --depth_;
        break;
      default:
        break;
    }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') last_token_ = c;
    return absl::OkStatus();
  }

  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  char last_token_ = 0;  // Last non-space character outside strings.
};

// Checks what protobuf's parser lets through or reports poorly: invalid
// UTF-8, raw control characters (JSON requires them escaped), single-quoted
// strings, unknown escapes, trailing commas, and nesting deeper than any post
// needs (a post is at most 2 levels deep).
absl::Status CheckJsonText(std::string_view json) {
  if (auto bad = FindInvalidUtf8(json)) {
    return absl::InvalidArgumentError(StrCat("invalid UTF-8 at byte offset ", *bad));
  }
  JsonTextScan scan;
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (absl::Status s = scan.Next(json[i], i); !s.ok()) return s;
  }
  return absl::OkStatus();
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// The code unit of the "\uXXXX" escape at json[at], or nullopt.
std::optional<char32_t> ReadUnicodeEscape(std::string_view json, std::size_t at) {
  if (at + 6 > json.size() || json[at] != '\\' || json[at + 1] != 'u')
    return std::nullopt;
  char32_t unit = 0;
  for (std::size_t k = at + 2; k < at + 6; ++k) {
    const char h = json[k];
    const int digit = h >= '0' && h <= '9'   ? h - '0'
                      : h >= 'a' && h <= 'f' ? h - 'a' + 10
                      : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                             : -1;
    if (digit < 0) return std::nullopt;
    unit = unit * 16 + static_cast<char32_t>(digit);
  }
  return unit;
}

// Decodes the escape at json[i] (a backslash) onto `out` and leaves `i` on
// its last character.
void DecodeEscape(std::string_view json, std::size_t& i, std::string& out) {
  std::optional<char32_t> unit = ReadUnicodeEscape(json, i);
  if (!unit) {
    if (++i < json.size()) {
      constexpr std::string_view kFrom = "bfnrt", kTo = "\b\f\n\r\t";
      const std::size_t at = kFrom.find(json[i]);
      out.push_back(at == kFrom.npos ? json[i] : kTo[at]);
    }
    return;
  }
  i += 5;
  // A surrogate pair spells one character, as its UTF-8 form does.
  if (*unit >= 0xD800 && *unit < 0xDC00) {
    if (std::optional<char32_t> low = ReadUnicodeEscape(json, i + 1);
        low && *low >= 0xDC00 && *low < 0xE000) {
      *unit = 0x10000 + ((*unit - 0xD800) << 10) + (*low - 0xDC00);
      i += 6;
    }
  }
  AppendUtf8(*unit, out);
}

// The value of the JSON string whose opening quote is at json[i], escapes
// decoded (so that "\u0074itle" is "title"); leaves `i` on its closing quote.
std::string ReadJsonString(std::string_view json, std::size_t& i) {
  std::string value;
  for (++i; i < json.size() && json[i] != '"'; ++i) {
    if (json[i] == '\\') {
      DecodeEscape(json, i, value);
    } else {
      value.push_back(json[i]);
    }
  }
  return value;
}

// The post's field that a key names, by its proto or its JSON name.
const google::protobuf::FieldDescriptor* PostField(const std::string& key) {
  const google::protobuf::Descriptor* post = v1::Post::descriptor();
  for (int i = 0; i < post->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = post->field(i);
    if (field->name() == key || field->json_name() == key) return field;
  }
  return nullptr;
}

// Records `key` (as written: `raw`) among the keys of its object; an error
// when it is there already. In the post object, the two names of a field
// are one key.
absl::Status AddKey(std::string key, std::string_view raw, bool in_post,
                    std::unordered_map<std::string, std::string_view>& keys) {
  const google::protobuf::FieldDescriptor* field = in_post ? PostField(key) : nullptr;
  if (field != nullptr) key = field->name();
  const auto [it, added] = keys.emplace(key, raw);
  if (added) return absl::OkStatus();
  std::string what =
      StrCat(in_post ? "field " : "key ", QuotedPrefix(key), ": given more than once");
  if (it->second != raw) {
    what += StrCat(" (as ", QuotedPrefix(it->second), " and ", QuotedPrefix(raw), ")");
  }
  return absl::InvalidArgumentError(what);
}

// Rejects a key given twice in one object, which protobuf's parser lets
// through keeping one of the values, so that a record's meaning never
// depends on which. Runs on text that parsed as JSON.
absl::Status CheckDuplicateKeys(std::string_view json) {
  struct Level {
    bool object;
    std::unordered_map<std::string, std::string_view> keys;
  };
  std::vector<Level> levels;
  char last = 0;  // Last non-space character outside strings.
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') {
      const std::size_t start = i + 1;
      std::string value = ReadJsonString(json, i);
      if (!levels.empty() && levels.back().object && (last == '{' || last == ',')) {
        const std::string_view raw = json.substr(start, i - start);
        if (absl::Status s =
                AddKey(std::move(value), raw, levels.size() == 1, levels.back().keys);
            !s.ok()) {
          return s;
        }
      }
      last = '"';
      continue;
    }
    if (c == '{' || c == '[') levels.push_back({c == '{', {}});
    if ((c == '}' || c == ']') && !levels.empty()) levels.pop_back();
    if (!IsJsonSpace(c)) last = c;
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
  if (!strict.ok()) {
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
  }
  // Only once the text is known to be JSON: its own errors say more.
  if (absl::Status s = CheckDuplicateKeys(json); !s.ok()) return s;
  return result;
}

namespace internal {

std::string PostToJson(const v1::Post& post) {
  pbu::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  // Printing a well-formed message cannot fail.
  (void)pbu::MessageToJsonString(post, &out, options);
  return out;
}

}  // namespace internal

}  // namespace guru
