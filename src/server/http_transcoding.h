// HTTP/JSON <-> gRPC transcoding for the HTTP gateway (http_gateway.h): which
// rpc an HTTP request names, the rpc's request message built from the path,
// the query string and the JSON body, and the HTTP status and JSON body of a
// gRPC status. The routes are read from the google.api.http option of each
// rpc (proto/guru/v1/search.proto), so the contract is the one place that
// declares them. No I/O; pure functions and an immutable table.
#ifndef GURU_SERVER_HTTP_TRANSCODING_H_
#define GURU_SERVER_HTTP_TRANSCODING_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace guru {

// One rpc's HTTP binding: `verb` and a path template of literal segments and
// `{field}` segments, each naming a top-level field of the request.
struct HttpRoute {
  std::string verb;  // "GET" or "POST"
  std::vector<std::string> segments;
  // "*": the whole request message is the JSON body; empty: no body, the
  // fields come from the path and the query string.
  std::string body;
  const google::protobuf::MethodDescriptor* method = nullptr;
};

// A request matched to a route: the route and the values of its `{field}`
// segments, percent-decoded.
struct HttpMatch {
  const HttpRoute* route = nullptr;
  std::vector<std::pair<std::string, std::string>> path_fields;
};

// What a request that matches no route gets: NOT_FOUND when no route has the
// path, or the verbs the path allows (405, Allow header).
struct HttpNoMatch {
  std::vector<std::string> allowed_verbs;
};

// The HTTP bindings of a service. Immutable once built; thread-safe.
class HttpRouteTable {
 public:
  // The routes of every rpc of `service` that has a google.api.http option.
  // INTERNAL for an option this table cannot serve (a verb other than get or
  // post, a template with `**`, `=` or a nested field).
  static absl::StatusOr<HttpRouteTable> FromService(
      const google::protobuf::ServiceDescriptor& service);

  // The route for `verb` and `raw_path` (the request's path, not yet
  // percent-decoded, without the query string). An empty match (route
  // nullptr) comes with `no_match` filled.
  HttpMatch Match(std::string_view verb, std::string_view raw_path,
                  HttpNoMatch& no_match) const;

  const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  std::vector<HttpRoute> routes_;
};

// Builds the request of `match` into `request` (an empty message of the rpc's
// input type): the JSON body first (when the route has one), then the query
// string's `name=value` pairs (field names as in the proto or the JSON
// mapping, `a.b` for a field of a message field, repeated by repeating the
// name), then the path fields, so that the path wins. INVALID_ARGUMENT naming
// the parameter or the body's error otherwise.
absl::Status BuildHttpRequest(const HttpMatch& match, std::string_view body,
                              std::string_view raw_query,
                              google::protobuf::Message& request);

// `message` in protobuf's JSON mapping, every field present (zero values and
// empty lists too, so a browser can read any field without a guard): names
// in lowerCamelCase, enums by name, 64-bit integers as strings, doubles in
// their shortest exact form. Printed by reflection, because protobuf's own
// printer (which this falls back to for maps and well-known types) costs a
// tenth of a search's CPU on a page of results. INTERNAL when a string is
// not UTF-8.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message);

// The HTTP status Google's API design guide gives a gRPC code (e.g.
// INVALID_ARGUMENT 400, UNAUTHENTICATED 401, NOT_FOUND 404,
// RESOURCE_EXHAUSTED 429, UNAVAILABLE 503).
int HttpStatusOf(grpc::StatusCode code);

// `{"code": <number>, "status": "<NAME>", "message": "..."}`.
std::string ErrorJson(grpc::StatusCode code, std::string_view message);

// Percent-decodes `text`; `plus_is_space` for query strings (form encoding).
// Malformed escapes are kept as they are.
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace guru

#endif  // GURU_SERVER_HTTP_TRANSCODING_H_
