#include "server/http_transcoding.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <charconv>
#include <cstdlib>

#include "core/str_cat.h"
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

absl::StatusOr<std::string> BinaryToJson(const google::protobuf::Descriptor& type,
                                         const std::string& binary) {
  constexpr std::string_view kUrlPrefix = "type.googleapis.com";
  // Thread-safe: it only reads the generated pool, which is immutable.
  static google::protobuf::util::TypeResolver* const resolver =
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          std::string(kUrlPrefix), google::protobuf::DescriptorPool::generated_pool());
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  if (auto printed = google::protobuf::util::BinaryToJsonString(
          resolver, StrCat(kUrlPrefix, "/", type.full_name()), binary, &json, options);
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
  google::protobuf::Value text;
  text.set_string_value(std::string(message));
  std::string quoted;
  (void)google::protobuf::util::MessageToJsonString(text, &quoted);
  return StrCat("{\"code\":", static_cast<int>(code), ",\"status\":\"",
                StatusCodeName(code), "\",\"message\":", quoted, "}");
}

}  // namespace guru
