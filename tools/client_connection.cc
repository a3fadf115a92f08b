#include "client_connection.h"

#include <cctype>
#include <string>
#include <utility>

#include "io/read_file.h"

namespace guru {
namespace {

// Reads the file `flag` names into `out`; false, with the reason in
// `error`, when it cannot be read.
bool ReadFlagFile(const std::string& flag, const std::string& path, std::string& out,
                  std::string& error) {
  absl::StatusOr<std::string> content = ReadWholeFile(flag, path);
  if (!content.ok()) {
    error = std::string(content.status().message());
    return false;
  }
  out = *std::move(content);
  return true;
}

}  // namespace

void ClientConnection::AddFlags(CLI::App& app) {
  app.add_option("--server", server_, "guru-server address HOST:PORT")
      ->capture_default_str();
  app.add_flag("--tls", tls_, "Use TLS, trusting the system's CA certificates");
  app.add_option("--tls-ca", ca_file_,
                 "Use TLS, trusting the CA certificates in this PEM file");
  app.add_option("--tls-cert", cert_file_,
                 "PEM client certificate, for servers that require mutual TLS");
  app.add_option("--tls-key", key_file_, "PEM private key of --tls-cert");
  app.add_option("--tls-server-name", server_name_,
                 "Name to expect in the server's certificate (default: the host)");
  app.add_option("--auth-token-file", token_file_,
                 "File holding the server's bearer token");
  app.add_option("--timeout-ms", timeout_ms_, "Deadline of each call")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

bool ClientConnection::Connect(std::string& error) {
  if (cert_file_.empty() != key_file_.empty()) {
    error = "--tls-cert and --tls-key must be given together";
    return false;
  }
  const bool tls = tls_ || !ca_file_.empty() || !cert_file_.empty();
  if (tls) {
    grpc::SslCredentialsOptions ssl;
    if (!ca_file_.empty() &&
        !ReadFlagFile("--tls-ca", ca_file_, ssl.pem_root_certs, error)) {
      return false;
    }
    if (!cert_file_.empty() &&
        (!ReadFlagFile("--tls-cert", cert_file_, ssl.pem_cert_chain, error) ||
         !ReadFlagFile("--tls-key", key_file_, ssl.pem_private_key, error))) {
      return false;
    }
    credentials_ = grpc::SslCredentials(ssl);
  } else {
    credentials_ = grpc::InsecureChannelCredentials();
  }
  if (!token_file_.empty()) {
    if (!ReadFlagFile("--auth-token-file", token_file_, token_, error)) return false;
    while (!token_.empty() && std::isspace(static_cast<unsigned char>(token_.back()))) {
      token_.pop_back();
    }
  }
  channel_ = NewChannel();
  return true;
}

std::shared_ptr<grpc::Channel> ClientConnection::NewChannel() const {
  grpc::ChannelArguments args;
  if (!server_name_.empty()) args.SetSslTargetNameOverride(server_name_);
  // Distinct channels get distinct connections, not one shared subchannel.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(server_, credentials_, args);
}

void ClientConnection::Prepare(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(timeout_ms_));
  if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
}

std::unique_ptr<grpc::ClientContext> ClientConnection::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  Prepare(*context);
  return context;
}

}  // namespace guru
