#include "server/http_transcoding.h"

#include <google/protobuf/util/json_util.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <type_traits>

#include "absl/status/status.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "google/api/annotations.pb.h"
#include "server/metrics.h"

namespace guru {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    const std::size_t end = std::min(path.find('/', start), path.size());
    segments.emplace_back(path.substr(start, end - start));
    start = end;
  }
  return segments;
}

bool IsVariable(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string_view VariableName(std::string_view segment) {
  return segment.substr(1, segment.size() - 2);
}

template <typename Int>
bool ParseInteger(std::string_view text, Int& value) {
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end && !text.empty();
}

bool ParseDouble(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// Sets (or, for a repeated field, appends) `field` of `message` from the text
// of a query parameter or path segment.
absl::Status SetFromText(Message& message, const FieldDescriptor& field,
                         std::string_view name, const std::string& text) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  const auto invalid = [&](std::string_view expected) {
    return absl::InvalidArgumentError(StrCat(name, ": '", text, "' is not ", expected));
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      // A string field holds UTF-8 (a bytes field would take any bytes, but
      // the API has none): refused here, as gRPC refuses such a request,
      // rather than when the request is serialised for the call.
      if (field.type() == FieldDescriptor::TYPE_STRING) {
        if (const std::optional<std::size_t> bad = FindInvalidUtf8(text)) {
          return absl::InvalidArgumentError(
              StrCat(name, ": not valid UTF-8 (at byte ", *bad, ")"));
        }
      }
      repeated ? reflection.AddString(&message, &field, text)
               : reflection.SetString(&message, &field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      std::int32_t v = 0;
      if (!ParseInteger(text, v)) return invalid("a 32-bit integer");
      repeated ? reflection.AddInt32(&message, &field, v)
               : reflection.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      std::int64_t v = 0;
      if (!ParseInteger(text, v)) return invalid("a 64-bit integer");
      repeated ? reflection.AddInt64(&message, &field, v)
               : reflection.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      std::uint32_t v = 0;
      if (!ParseInteger(text, v)) return invalid("an unsigned 32-bit integer");
      repeated ? reflection.AddUInt32(&message, &field, v)
               : reflection.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      std::uint64_t v = 0;
      if (!ParseInteger(text, v)) return invalid("an unsigned 64-bit integer");
      repeated ? reflection.AddUInt64(&message, &field, v)
               : reflection.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (!ParseDouble(text, v)) return invalid("a number");
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        const auto f = static_cast<float>(v);
        repeated ? reflection.AddFloat(&message, &field, f)
                 : reflection.SetFloat(&message, &field, f);
      } else {
        repeated ? reflection.AddDouble(&message, &field, v)
                 : reflection.SetDouble(&message, &field, v);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (text != "true" && text != "false") return invalid("true or false");
      repeated ? reflection.AddBool(&message, &field, text == "true")
               : reflection.SetBool(&message, &field, text == "true");
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* value =
          field.enum_type()->FindValueByName(text);
      int number = 0;
      if (value == nullptr && ParseInteger(text, number)) {
        value = field.enum_type()->FindValueByNumber(number);
      }
      if (value == nullptr)
        return invalid(StrCat("a value of ", field.enum_type()->name()));
      repeated ? reflection.AddEnum(&message, &field, value)
               : reflection.SetEnum(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return absl::InvalidArgumentError(
      StrCat(name, ": a message field; name one of its fields (", name, ".FIELD)"));
}

const FieldDescriptor* FindField(const google::protobuf::Descriptor& type,
                                 std::string_view name) {
  const std::string key(name);
  const FieldDescriptor* field = type.FindFieldByName(key);
  return field != nullptr ? field : type.FindFieldByCamelcaseName(key);
}

// Sets the field a dotted `path` names ("filter.categories") from `text`.
absl::Status SetPath(Message& request, std::string_view path, const std::string& text) {
  Message* message = &request;
  std::string_view rest = path;
  while (true) {
    const std::size_t dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    const FieldDescriptor* field = FindField(*message->GetDescriptor(), part);
    if (field == nullptr) {
      return absl::InvalidArgumentError(StrCat("unknown parameter '", path, "'"));
    }
    if (dot == std::string_view::npos) return SetFromText(*message, *field, path, text);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return absl::InvalidArgumentError(
          StrCat("unknown parameter '", path, "' (", part, " has no fields)"));
    }
    message = message->GetReflection()->MutableMessage(message, field);
    rest = rest.substr(dot + 1);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` as a JSON string. A byte that is no part of a well-formed UTF-8
// character (a parameter or body echoed into an error message) is written
// as U+FFFD: JSON is UTF-8, and a strict client would refuse the whole body.
void AppendQuoted(std::string_view text, std::string& out) {
  out.push_back('"');
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      std::size_t length = 1;
      if (DecodeUtf8(text, i, length).has_value()) {
        out.append(text, i, length);
      } else {
        out += "\\ufffd";
      }
      i += length;
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

template <typename Number>
void AppendNumber(Number value, std::string& out) {
  if constexpr (std::is_floating_point_v<Number>) {
    if (std::isnan(value)) {
      out += "\"NaN\"";
      return;
    }
    if (std::isinf(value)) {
      out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      return;
    }
  }
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, error == std::errc() ? end : buffer);
}

// Whether a message could be printed here.
enum class Printed { kDone, kUnsupported, kNotUtf8 };

Printed AppendValue(const Message& message, const FieldDescriptor& field, int index,
                    std::string& out);

// The JSON mapping of `message` appended to `out`; kUnsupported (with `out`
// in any state) for what this printer leaves to protobuf's: maps, bytes and
// well-known types (their JSON is special).
Printed AppendJson(const Message& message, std::string& out) {
  const google::protobuf::Descriptor& type = *message.GetDescriptor();
  if (type.file()->package() == "google.protobuf") return Printed::kUnsupported;
  const Reflection& reflection = *message.GetReflection();
  out.push_back('{');
  bool first = true;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (field.is_map()) return Printed::kUnsupported;
    const bool present = field.is_repeated() || !field.has_presence() ||
                         reflection.HasField(message, &field);
    if (!present) continue;
    if (!first) out.push_back(',');
    first = false;
    AppendQuoted(field.json_name(), out);
    out.push_back(':');
    if (!field.is_repeated()) {
      if (Printed p = AppendValue(message, field, -1, out); p != Printed::kDone) return p;
      continue;
    }
    out.push_back('[');
    const int size = reflection.FieldSize(message, &field);
    for (int j = 0; j < size; ++j) {
      if (j > 0) out.push_back(',');
      if (Printed p = AppendValue(message, field, j, out); p != Printed::kDone) return p;
    }
    out.push_back(']');
  }
  out.push_back('}');
  return Printed::kDone;
}

// One value of `field` (element `index` of a repeated field; -1: singular).
Printed AppendValue(const Message& message, const FieldDescriptor& field, int index,
                    std::string& out) {
  const Reflection& r = *message.GetReflection();
  const bool one = index < 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      AppendNumber(
          one ? r.GetInt32(message, &field) : r.GetRepeatedInt32(message, &field, index),
          out);
      return Printed::kDone;
    case FieldDescriptor::CPPTYPE_UINT32:
      AppendNumber(one ? r.GetUInt32(message, &field)
                       : r.GetRepeatedUInt32(message, &field, index),
                   out);
      return Printed::kDone;
    case FieldDescriptor::CPPTYPE_INT64:
      out.push_back('"');
      AppendNumber(
          one ? r.GetInt64(message, &field) : r.GetRepeatedInt64(message, &field, index),
          out);
      out.push_back('"');
      return Printed::kDone;
    case FieldDescriptor::CPPTYPE_UINT64:
      out.push_back('"');
      AppendNumber(one ? r.GetUInt64(message, &field)
                       : r.GetRepeatedUInt64(message, &field, index),
                   out);
      out.push_back('"');
      return Printed::kDone;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendNumber(one ? r.GetDouble(message, &field)
                       : r.GetRepeatedDouble(message, &field, index),
                   out);
      return Printed::kDone;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendNumber(
          one ? r.GetFloat(message, &field) : r.GetRepeatedFloat(message, &field, index),
          out);
      return Printed::kDone;
    case FieldDescriptor::CPPTYPE_BOOL:
      out +=
          (one ? r.GetBool(message, &field) : r.GetRepeatedBool(message, &field, index))
              ? "true"
              : "false";
      return Printed::kDone;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = one ? r.GetEnumValue(message, &field)
                             : r.GetRepeatedEnumValue(message, &field, index);
      const google::protobuf::EnumValueDescriptor* value =
          field.enum_type()->FindValueByNumber(number);
      if (value != nullptr) {
        AppendQuoted(value->name(), out);
      } else {
        AppendNumber(number, out);
      }
      return Printed::kDone;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text =
          one ? r.GetStringReference(message, &field, &scratch)
              : r.GetRepeatedStringReference(message, &field, index, &scratch);
      // Bytes are base64 in the mapping.
      if (field.type() == FieldDescriptor::TYPE_BYTES) return Printed::kUnsupported;
      if (FindInvalidUtf8(text)) return Printed::kNotUtf8;
      AppendQuoted(text, out);
      return Printed::kDone;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return AppendJson(one ? r.GetMessage(message, &field)
                            : r.GetRepeatedMessage(message, &field, index),
                        out);
  }
  return Printed::kUnsupported;
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

absl::StatusOr<HttpRouteTable> HttpRouteTable::FromService(
    const google::protobuf::ServiceDescriptor& service) {
  HttpRouteTable table;
  for (int i = 0; i < service.method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service.method(i);
    if (!method.options().HasExtension(google::api::http)) continue;
    const google::api::HttpRule& rule = method.options().GetExtension(google::api::http);
    HttpRoute route;
    route.method = &method;
    route.body = rule.body();
    std::string path;
    if (rule.pattern_case() == google::api::HttpRule::kGet) {
      route.verb = "GET";
      path = rule.get();
    } else if (rule.pattern_case() == google::api::HttpRule::kPost) {
      route.verb = "POST";
      path = rule.post();
    } else {
      return absl::InternalError(
          StrCat(method.full_name(), ": only get and post HTTP bindings are served"));
    }
    if (!route.body.empty() && route.body != "*") {
      return absl::InternalError(
          StrCat(method.full_name(), ": body must be \"*\" or none"));
    }
    route.segments = SplitPath(path);
    for (const std::string& segment : route.segments) {
      if (!IsVariable(segment)) continue;
      const std::string_view name = VariableName(segment);
      const FieldDescriptor* field =
          method.input_type()->FindFieldByName(std::string(name));
      if (field == nullptr || field->is_repeated() ||
          field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        return absl::InternalError(StrCat(method.full_name(), ": path variable {", name,
                                          "} is not a scalar field of the request"));
      }
    }
    table.routes_.push_back(std::move(route));
  }
  return table;
}

HttpMatch HttpRouteTable::Match(std::string_view verb, std::string_view raw_path,
                                HttpNoMatch& no_match) const {
  const std::vector<std::string> segments = SplitPath(raw_path);
  for (const HttpRoute& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    HttpMatch match;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      if (IsVariable(route.segments[i])) {
        match.path_fields.emplace_back(VariableName(route.segments[i]),
                                       PercentDecode(segments[i], false));
      } else {
        matches = route.segments[i] == segments[i];
      }
    }
    if (!matches) continue;
    if (route.verb == verb) {
      match.route = &route;
      return match;
    }
    no_match.allowed_verbs.push_back(route.verb);
  }
  return {};
}

absl::Status BuildHttpRequest(const HttpMatch& match, std::string_view body,
                              std::string_view raw_query, Message& request) {
  if (match.route->body == "*") {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const std::string text = body.empty() ? std::string("{}") : std::string(body);
    if (auto parsed =
            google::protobuf::util::JsonStringToMessage(text, &request, options);
        !parsed.ok()) {
      return absl::InvalidArgumentError(
          StrCat("body: not a ", request.GetDescriptor()->full_name(),
                 " in JSON: ", std::string(parsed.message())));
    }
  }
  std::size_t start = 0;
  while (start < raw_query.size()) {
    const std::size_t end = std::min(raw_query.find('&', start), raw_query.size());
    const std::string_view pair = raw_query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    const std::string name = PercentDecode(pair.substr(0, equals), true);
    const std::string value = equals == std::string_view::npos
                                  ? ""
                                  : PercentDecode(pair.substr(equals + 1), true);
    if (absl::Status status = SetPath(request, name, value); !status.ok()) return status;
  }
  for (const auto& [name, value] : match.path_fields) {
    if (absl::Status status = SetPath(request, name, value); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MessageToJson(const Message& message) {
  std::string json;
  switch (AppendJson(message, json)) {
    case Printed::kDone:
      return json;
    case Printed::kNotUtf8:
      // Protobuf's printer would pass the bytes on: JSON no client can read.
      return absl::InternalError("response to JSON: a string is not UTF-8");
    case Printed::kUnsupported:
      break;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  json.clear();
  if (auto printed = google::protobuf::util::MessageToJsonString(message, &json, options);
      !printed.ok()) {
    return absl::InternalError(
        StrCat("response to JSON: ", std::string(printed.message())));
  }
  return json;
}

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:  // UNKNOWN, INTERNAL, DATA_LOSS
      return 500;
  }
}

std::string ErrorJson(grpc::StatusCode code, std::string_view message) {
  std::string json = StrCat("{\"code\":", static_cast<int>(code), ",\"status\":\"",
                            absl::StatusCodeToString(static_cast<absl::StatusCode>(code)),
                            "\",\"message\":");
  AppendQuoted(message, json);
  json.push_back('}');
  return json;
}

}  // namespace guru
