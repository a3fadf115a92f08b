#include "server/http_gateway.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <optional>
#include <utility>

#include "core/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "guru/v1/search.grpc.pb.h"
#include "server/limits.h"

namespace guru {
namespace {

// A JSON body may spell a request larger than its protobuf form (escapes,
// field names): twice the gRPC request limit.
constexpr std::size_t kMaxBodyBytes = 2 * std::size_t{kMaxReceiveMessageBytes};
constexpr const char* kJsonType = "application/json; charset=utf-8";
constexpr const char* kAllowedMethods = "GET, POST, OPTIONS";
constexpr const char* kAllowedHeaders = "Authorization, Content-Type, Grpc-Timeout";

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

// A gRPC timeout header ("500m", "5S": digits and a unit of H M S m u n), as
// gRPC-Web and grpc-gateway clients send it; nullopt when malformed.
std::optional<std::chrono::nanoseconds> ParseGrpcTimeout(std::string_view text) {
  if (text.size() < 2 || text.size() > 9) return std::nullopt;
  std::int64_t amount = 0;
  const char* end = text.data() + text.size() - 1;
  if (auto [ptr, error] = std::from_chars(text.data(), end, amount);
      error != std::errc() || ptr != end) {
    return std::nullopt;
  }
  switch (text.back()) {
    case 'H':
      return std::chrono::hours(amount);
    case 'M':
      return std::chrono::minutes(amount);
    case 'S':
      return std::chrono::seconds(amount);
    case 'm':
      return std::chrono::milliseconds(amount);
    case 'u':
      return std::chrono::microseconds(amount);
    case 'n':
      return std::chrono::nanoseconds(amount);
    default:
      return std::nullopt;
  }
}

}  // namespace

struct HttpGateway::Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply Error(grpc::StatusCode code, std::string_view message,
                     int http_status = 0) {
    Reply reply;
    reply.status = http_status != 0 ? http_status : HttpStatusOf(code);
    reply.body = ErrorJson(code, message);
    if (code == grpc::StatusCode::UNAUTHENTICATED) {
      reply.headers.emplace_back("WWW-Authenticate", "Bearer");
    }
    return reply;
  }
};

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(
    const HttpGatewayOptions& options, std::shared_ptr<grpc::Channel> channel) {
  absl::StatusOr<HttpRouteTable> routes = HttpRouteTable::FromService(
      *v1::SearchRequest::descriptor()->file()->FindServiceByName("GuruSearch"));
  if (!routes.ok()) return routes.status();
  std::unique_ptr<HttpGateway> gateway(
      new HttpGateway(options, *std::move(routes), std::move(channel)));

  if (options.tls_cert_file.empty()) {
    gateway->server_ = std::make_unique<httplib::Server>();
  } else {
    auto tls = std::make_unique<httplib::SSLServer>(
        options.tls_cert_file.c_str(), options.tls_key_file.c_str(),
        options.tls_client_ca_file.empty() ? nullptr
                                           : options.tls_client_ca_file.c_str());
    if (!tls->is_valid()) {
      return absl::InvalidArgumentError(
          StrCat("--http-listen: cannot serve HTTPS with --tls-cert ",
                 options.tls_cert_file, " and --tls-key ", options.tls_key_file,
                 options.tls_client_ca_file.empty()
                     ? ""
                     : StrCat(" and --tls-client-ca ", options.tls_client_ca_file)));
    }
    SSL_CTX_set_min_proto_version(tls->ssl_context(), TLS1_2_VERSION);
    gateway->server_ = std::move(tls);
  }
  httplib::Server& server = *gateway->server_;
  const auto handle = [self = gateway.get()](const httplib::Request& request,
                                             httplib::Response& response) {
    self->Handle(request, response);
  };
  // Every path and method: Serve routes (and answers 404 and 405) itself.
  constexpr const char* kAnyPath = ".*";
  server.Get(kAnyPath, handle).Post(kAnyPath, handle).Options(kAnyPath, handle);
  server.Put(kAnyPath, handle).Patch(kAnyPath, handle).Delete(kAnyPath, handle);
  // What the library answers itself (a body over the limit, a method it
  // has no handler for) gets the same JSON error body as ours.
  const httplib::Server::HandlerWithResponse error_body =
      [](const httplib::Request&,
         httplib::Response& response) -> httplib::Server::HandlerResponse {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    // The body says what the status does: the library refuses a request it
    // cannot read (400), a URI or headers over its limits (414, 431) and a
    // body over ours (413) before any route is looked at.
    grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
    std::string message;
    switch (response.status) {
      case 404:
        code = grpc::StatusCode::NOT_FOUND;
        message = "no such route (see README, HTTP/JSON)";
        break;
      case 413:
        message = StrCat("body: over the limit of ", kMaxBodyBytes, " bytes");
        break;
      case 414:
        message = "URI: too long";
        break;
      case 431:
        message = "headers: too large";
        break;
      default:
        if (response.status >= 500) code = grpc::StatusCode::INTERNAL;
        message =
            StrCat("the HTTP request cannot be read (HTTP status ", response.status, ")");
    }
    response.set_content(ErrorJson(code, message), kJsonType);
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(error_body);
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response,
                                  const std::exception_ptr&) {
    response.status = 500;
    response.set_content(ErrorJson(grpc::StatusCode::INTERNAL, "internal error"),
                         kJsonType);
  });
  server.set_payload_max_length(kMaxBodyBytes);
  // A keep-alive connection holds a pool thread while it waits: not long.
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(10000);
  server.set_read_timeout(10);
  server.set_write_timeout(10);
  server.set_tcp_nodelay(true);
  const int threads = std::max(options.threads, 2);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  const std::size_t colon = options.listen.rfind(':');
  const std::string host = options.listen.substr(0, colon);
  const int port = std::stoi(options.listen.substr(colon + 1));
  const bool bound = port == 0 ? (gateway->port_ = server.bind_to_any_port(host)) > 0
                               : server.bind_to_port(host, port);
  if (!bound) {
    return absl::UnavailableError(
        StrCat("cannot serve HTTP on ", options.listen,
               " (address in use, or not a HOST:PORT this host has?)"));
  }
  if (port != 0) gateway->port_ = port;
  gateway->listener_ = std::thread([&server] { server.listen_after_bind(); });
  return gateway;
}

HttpGateway::HttpGateway(HttpGatewayOptions options, HttpRouteTable routes,
                         std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      routes_(std::move(routes)),
      stub_(std::move(channel)) {}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::Stop() {
  if (server_) server_->stop();
  if (listener_.joinable()) listener_.join();
}

void HttpGateway::Handle(const httplib::Request& request, httplib::Response& response) {
  const Reply reply = Serve(request);
  response.status = reply.status;
  const std::string origin = request.get_header_value("Origin");
  if (OriginAllowed(origin)) {
    response.set_header("Access-Control-Allow-Origin", origin);
    response.set_header("Vary", "Origin");
  }
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  // Answers are about people's health: no cache keeps them.
  response.set_header("Cache-Control", "no-store");
  // With a charset, cpp-httplib does not gzip the body (it compresses only the
  // bare type): deflating a 20 KB answer costs about as much CPU as a third
  // of the search, and a search server's CPU is worth more than the bytes.
  if (reply.status != 204) response.set_content(reply.body, kJsonType);
}

bool HttpGateway::OriginAllowed(const std::string& origin) const {
  if (origin.empty()) return false;
  return std::any_of(options_.cors_origins.begin(), options_.cors_origins.end(),
                     [&origin](const std::string& allowed) {
                       return allowed == "*" || allowed == origin;
                     });
}

HttpGateway::Reply HttpGateway::Serve(const httplib::Request& request) {
  const std::string_view verb = request.method;
  // The target as sent: an id may hold an escaped '/'.
  const std::string_view target = request.target;
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? "" : target.substr(question + 1);

  if (verb == "OPTIONS") {
    Reply reply;
    reply.status = 204;
    if (!request.has_header("Access-Control-Request-Method")) {
      reply.headers.emplace_back("Allow", kAllowedMethods);
      return reply;
    }
    if (!OriginAllowed(request.get_header_value("Origin"))) {
      return Reply::Error(grpc::StatusCode::PERMISSION_DENIED,
                          "origin not allowed (guru-server --http-cors-origin)");
    }
    reply.headers.emplace_back("Access-Control-Allow-Methods", kAllowedMethods);
    reply.headers.emplace_back("Access-Control-Allow-Headers", kAllowedHeaders);
    reply.headers.emplace_back("Access-Control-Max-Age", "600");
    return reply;
  }
  if (path == "/healthz" || path == "/readyz") {
    if (verb != "GET" && verb != "HEAD") {
      Reply reply = Reply::Error(grpc::StatusCode::UNIMPLEMENTED,
                                 StrCat(verb, " ", path, ": use GET"), 405);
      reply.headers.emplace_back("Allow", "GET, HEAD");
      return reply;
    }
    if (path == "/readyz") return Ready();
    Reply reply;
    reply.body = R"({"status":"alive"})";
    return reply;
  }

  HttpNoMatch no_match;
  const HttpMatch match = routes_.Match(verb, path, no_match);
  if (match.route == nullptr) {
    if (no_match.allowed_verbs.empty()) {
      return Reply::Error(
          grpc::StatusCode::NOT_FOUND,
          StrCat("no route ", verb, " ", path, " (see README, HTTP/JSON)"));
    }
    std::string allowed;
    for (const std::string& v : no_match.allowed_verbs) {
      allowed += (allowed.empty() ? "" : ", ") + v;
    }
    Reply reply = Reply::Error(grpc::StatusCode::UNIMPLEMENTED,
                               StrCat(verb, " ", path, ": use ", allowed), 405);
    reply.headers.emplace_back("Allow", allowed);
    return reply;
  }
  return Call(request, match, query);
}

HttpGateway::Reply HttpGateway::Call(const httplib::Request& request,
                                     const HttpMatch& match, std::string_view raw_query) {
  if (match.route->body == "*" &&
      !StartsWithNoCase(request.get_header_value("Content-Type"), "application/json")) {
    return Reply::Error(grpc::StatusCode::INVALID_ARGUMENT,
                        "Content-Type: must be application/json", 415);
  }
  std::string_view body;
  if (match.route->body == "*") body = request.body;

  const google::protobuf::MethodDescriptor& method = *match.route->method;
  google::protobuf::MessageFactory& factory =
      *google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> input(
      factory.GetPrototype(method.input_type())->New());
  if (absl::Status built = BuildHttpRequest(match, body, raw_query, *input);
      !built.ok()) {
    return Reply::Error(grpc::StatusCode::INVALID_ARGUMENT, ToStd(built.message()));
  }
  // A body under kMaxBodyBytes may still make a request over what the gRPC
  // server takes, which it would refuse as RESOURCE_EXHAUSTED (429, "retry
  // later"): a request that can never succeed is 413.
  if (const std::size_t size = input->ByteSizeLong();
      size > static_cast<std::size_t>(kMaxReceiveMessageBytes)) {
    return Reply::Error(
        grpc::StatusCode::INVALID_ARGUMENT,
        StrCat("body: the request is ", size, " bytes as protobuf, over the limit of ",
               kMaxReceiveMessageBytes),
        413);
  }

  grpc::ClientContext context;
  std::chrono::nanoseconds timeout = options_.default_deadline;
  if (request.has_header("Grpc-Timeout")) {
    const std::optional<std::chrono::nanoseconds> given =
        ParseGrpcTimeout(request.get_header_value("Grpc-Timeout"));
    if (!given) {
      return Reply::Error(grpc::StatusCode::INVALID_ARGUMENT,
                          "Grpc-Timeout: not a gRPC timeout (e.g. 500m, 5S)");
    }
    timeout = *given;
  }
  const auto deadline = std::chrono::system_clock::now() + timeout;
  context.set_deadline(deadline);
  if (request.has_header("Authorization")) {
    context.AddMetadata("authorization", request.get_header_value("Authorization"));
  }
  // gRPC may still complete a call whose deadline passes while it starts.
  if (std::chrono::system_clock::now() >= deadline) {
    return Reply::Error(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "deadline passed before the call started");
  }
  std::unique_ptr<google::protobuf::Message> output(
      factory.GetPrototype(method.output_type())->New());
  const grpc::Status status =
      Invoke(context, StrCat("/", method.service()->full_name(), "/", method.name()),
             *input, *output);
  if (!status.ok()) return Reply::Error(status.error_code(), status.error_message());
  absl::StatusOr<std::string> json = MessageToJson(*output);
  if (!json.ok()) {
    spdlog::error("http: {}", ToStd(json.status().message()));
    return Reply::Error(grpc::StatusCode::INTERNAL, "internal error");
  }
  Reply reply;
  reply.body = *std::move(json);
  return reply;
}

grpc::Status HttpGateway::Invoke(grpc::ClientContext& context, const std::string& method,
                                 const google::protobuf::Message& request,
                                 google::protobuf::Message& response) {
  std::promise<grpc::Status> done;
  stub_.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                  [&done](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

HttpGateway::Reply HttpGateway::Ready() {
  grpc::health::v1::HealthCheckResponse health;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  const bool serving = Invoke(context, "/grpc.health.v1.Health/Check",
                              grpc::health::v1::HealthCheckRequest(), health)
                           .ok() &&
                       health.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  Reply reply;
  reply.status = serving ? 200 : 503;
  reply.body = serving ? R"({"status":"SERVING"})" : R"({"status":"NOT_SERVING"})";
  return reply;
}

}  // namespace guru
