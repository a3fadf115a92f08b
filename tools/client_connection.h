// How guru-query and guru-bench reach guru-server: the --server address,
// plaintext or TLS (--tls-ca, --tls-cert/--tls-key for mutual TLS) and the
// bearer token (--auth-token-file), the client side of the server's options
// of the same names.
#ifndef GURU_TOOLS_CLIENT_CONNECTION_H_
#define GURU_TOOLS_CLIENT_CONNECTION_H_

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace guru {

// Not thread-safe to fill (start-up only); Connect() and Context() may be
// called from any thread afterwards.
class ClientConnection {
 public:
  // Registers --server, --tls, --tls-ca, --tls-cert, --tls-key,
  // --tls-server-name, --auth-token-file and --timeout-ms on `app`, bound
  // to this object, which must outlive the parse.
  void AddFlags(CLI::App& app);

  // Reads the files the flags name and makes a channel. False, with the
  // reason in `error`, when a file cannot be read or the flags do not fit.
  bool Connect(std::string& error);

  // A new channel to the same server with the same credentials (a separate
  // HTTP/2 connection); Connect() must have succeeded.
  std::shared_ptr<grpc::Channel> NewChannel() const;
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // A context with the call deadline (--timeout-ms) and the token, if any.
  std::unique_ptr<grpc::ClientContext> Context() const;
  // Prepares an existing context the same way.
  void Prepare(grpc::ClientContext& context) const;

 private:
  std::string server_ = "127.0.0.1:50051";
  bool tls_ = false;
  std::string ca_file_;
  std::string cert_file_;
  std::string key_file_;
  std::string server_name_;
  std::string token_file_;
  int timeout_ms_ = 10000;

  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace guru

#endif  // GURU_TOOLS_CLIENT_CONNECTION_H_
