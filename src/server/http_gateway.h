// guru-server's HTTP/JSON face (--http-listen): every GuruSearch rpc at the
// route its google.api.http option declares, plus GET /healthz (the process
// answers) and GET /readyz (the index is SERVING). A request is transcoded
// (http_transcoding.h) and sent through the gRPC server's in-process channel,
// so it meets exactly what a gRPC call meets: validation, limits, the bearer
// token, overload control, deadlines, metrics and logs. CORS for the origins
// named; TLS (and client certificates) with the gRPC port's files.
//
// Served by cpp-httplib (Debian's libcpp-httplib, built against OpenSSL 3):
// a thread pool with keep-alive, HTTPS and client certificates, and a parser
// we do not maintain. civetweb, already in the process for /metrics, was the
// first choice, but Debian 12's build loads OpenSSL at run time by the 1.1
// API and fails its TLS handshakes ("cannot find SSL_get_peer_certificate").
#ifndef GURU_SERVER_HTTP_GATEWAY_H_
#define GURU_SERVER_HTTP_GATEWAY_H_

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http_transcoding.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace guru {

struct HttpGatewayOptions {
  // HOST:PORT; port 0 picks a free port.
  std::string listen;
  // Origins (e.g. "https://chat.example.org", or "*" for any) whose pages may
  // call the API from a browser; none: no CORS headers, preflights refused.
  std::vector<std::string> cors_origins;
  // PEM files, as for the gRPC port: with a certificate and key the port
  // speaks only HTTPS; with a client CA it requires client certificates.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Connections served at once (a thread each); more wait to be accepted.
  int threads = 64;
  // How long a call may take when the client gives no grpc-timeout header.
  std::chrono::milliseconds default_deadline{30000};
};

// Owns the HTTP server and its threads. Start() returns once the port is
// bound; the destructor (or Stop) returns once every request has been
// answered. Thread-safe; `channel` must reach the GuruSearch server and stay
// usable (answering UNAVAILABLE after its shutdown is fine) until Stop.
class HttpGateway {
 public:
  // UNAVAILABLE when the address cannot be bound, INVALID_ARGUMENT for a bad
  // address or TLS file (the message names the option).
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(
      const HttpGatewayOptions& options, std::shared_ptr<grpc::Channel> channel);

  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  int port() const { return port_; }

  // Stops accepting, waits for requests being served. Idempotent.
  void Stop();

 private:
  struct Reply;
  HttpGateway(HttpGatewayOptions options, HttpRouteTable routes,
              std::shared_ptr<grpc::Channel> channel);
  void Handle(const httplib::Request& request, httplib::Response& response);
  Reply Serve(const httplib::Request& request);
  Reply Call(const httplib::Request& request, const HttpMatch& match,
             std::string_view raw_query);
  Reply Ready();
  // Calls `method` ("/package.Service/Method") in-process.
  grpc::Status Invoke(grpc::ClientContext& context, const std::string& method,
                      const google::protobuf::Message& request,
                      google::protobuf::Message& response);
  bool OriginAllowed(const std::string& origin) const;

  const HttpGatewayOptions options_;
  const HttpRouteTable routes_;
  grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message> stub_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  int port_ = 0;
};

}  // namespace guru

#endif  // GURU_SERVER_HTTP_GATEWAY_H_
