#include "server/guru_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "core/str_cat.h"
#include "core/text.h"
#include "index/index_stats.h"
#include "io/dictionary.h"
#include "io/read_file.h"
#include "server/certificate.h"
#include "server/limits.h"

namespace guru {
namespace {
// Health is reported for the whole server ("") and for the service by name.
constexpr const char* kServiceName = "guru.v1.GuruSearch";
// The health probe retries a failed open with pauses of 5, 10, 20 and 40 ms
// (WatchHealth).
constexpr std::chrono::milliseconds kMaxHealthRetryPause{40};

// A searcher, as the health check's test. A commit landing while the index
// is reopened is not an outage (requests retry it too, SearcherPool::Run),
// so a failure that may be one is asked again a few times, briefly, before
// the server says NOT_SERVING.
absl::StatusOr<SearcherPool::Lease> ProbeIndex(SearcherPool& pool) {
  for (std::chrono::milliseconds pause{5};; pause *= 2) {
    absl::StatusOr<SearcherPool::Lease> probe = pool.Acquire();
    const absl::Status& status = probe.status();
    if (probe.ok() || pause > kMaxHealthRetryPause ||
        !(absl::IsAborted(status) || absl::IsDataLoss(status) ||
          absl::IsUnavailable(status))) {
      return probe;
    }
    std::this_thread::sleep_for(pause);
  }
}

int WorkerCount(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 2 : static_cast<int>(cores);
}

// A PEM file an option names. gRPC only finds a bad one when it binds the
// port, and then says nothing better than "cannot listen": the option is
// named here instead.
absl::StatusOr<std::string> ReadPem(std::string_view option, const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(option, path);
  if (!text.ok()) return text.status();
  if (Trim(*text).empty()) {
    return absl::InvalidArgumentError(StrCat(option, " ", path, ": empty"));
  }
  if (text->find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        StrCat(option, " ", path, ": not a PEM file (no -----BEGIN line)"));
  }
  return text;
}

// Warns when the server's certificate has expired, is not valid yet or
// expires within 30 days: gRPC serves it regardless, and the clients that
// refuse it leave nothing in this server's log.
absl::Status CheckCertificateDates(const std::string& path, const std::string& pem) {
  absl::StatusOr<CertificateValidity> validity = ReadCertificateValidity(pem);
  if (!validity.ok()) {
    return absl::InvalidArgumentError(
        StrCat("--tls-cert ", path, ": ", validity.status().message()));
  }
  constexpr absl::Duration kRenewalMargin = absl::Hours(24 * 30);
  const std::string warning = ValidityWarning(*validity, absl::Now(), kRenewalMargin);
  if (!warning.empty()) spdlog::warn("--tls-cert {}: {}", path, warning);
  return absl::OkStatus();
}

// The transport credentials the options ask for: plaintext, TLS, or TLS
// with verified client certificates.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key must be given together");
  }
  if (options.tls_cert_file.empty()) {
    if (!options.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
    }
    return grpc::InsecureServerCredentials();
  }
  absl::StatusOr<std::string> cert = ReadPem("--tls-cert", options.tls_cert_file);
  if (!cert.ok()) return cert.status();
  if (absl::Status s = CheckCertificateDates(options.tls_cert_file, *cert); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> key = ReadPem("--tls-key", options.tls_key_file);
  if (!key.ok()) return key.status();
  if (absl::Status s = CheckKeyMatchesCertificate(*cert, *key); !s.ok()) return s;
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!options.tls_client_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPem("--tls-client-ca", options.tls_client_ca_file);
    if (!ca.ok()) return ca.status();
    if (absl::Status s = CheckCertificateBundle(*ca); !s.ok()) {
      return absl::InvalidArgumentError(
          StrCat("--tls-client-ca ", options.tls_client_ca_file, ": ", s.message()));
    }
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<CallPolicy> Policy(const ServerOptions& options) {
  CallPolicy policy;
  policy.access_log = options.access_log;
  policy.log_queries = options.log_queries;
  if (!options.auth_token_file.empty()) {
    absl::StatusOr<std::string> token =
        ReadWholeFile("--auth-token-file", options.auth_token_file);
    if (!token.ok()) return token.status();
    while (!token->empty() && std::isspace(static_cast<unsigned char>(token->back()))) {
      token->pop_back();
    }
    if (token->empty()) {
      return absl::InvalidArgumentError(
          StrCat("--auth-token-file ", options.auth_token_file, ": empty"));
    }
    // A bearer token is one line of visible ASCII (RFC 6750's b64token is
    // narrower still): a second line, a byte-order mark, a NUL or a leading
    // space would make a token no client sends, and every call a 401.
    const auto invisible = [](char c) { return c <= ' ' || c > '~'; };
    if (const auto bad = std::find_if(token->begin(), token->end(), invisible);
        bad != token->end()) {
      return absl::InvalidArgumentError(StrCat("--auth-token-file ",
                                               options.auth_token_file,
                                               ": the token must be one line of "
                                               "visible ASCII characters; byte ",
                                               bad - token->begin(), " is not one"));
    }
    policy.auth_token = *std::move(token);
  }
  return policy;
}

// The word list --dictionary names (io/dictionary.h), logged.
absl::StatusOr<std::shared_ptr<const WordList>> LoadLoggedDictionary(
    const std::string& path) {
  std::string warning;
  absl::StatusOr<std::shared_ptr<const WordList>> dictionary =
      LoadDictionary(path, warning);
  if (!warning.empty()) spdlog::warn("{}", warning);
  if (dictionary.ok() && *dictionary) {
    spdlog::info("dictionary {}: {} words", path, (*dictionary)->size());
  }
  return dictionary;
}

}  // namespace

GuruServer::GuruServer(const ServerOptions& options, CallPolicy policy,
                       std::shared_ptr<const WordList> dictionary, SafetyCheck safety)
    : options_(options),
      safety_(std::move(safety)),
      pool_(options.db_path, options.refresh_interval,
            SearcherOptions{std::move(dictionary), options.ranking,
                            options.shard_processes}),
      integrity_(options.db_path),
      queue_(WorkerCount(options.workers), options.max_in_flight),
      runner_(queue_, metrics_, std::move(policy)),
      service_(pool_, runner_, safety_, metrics_),
      reflection_({kServiceName, "grpc.health.v1.Health",
                   "grpc.reflection.v1.ServerReflection",
                   "grpc.reflection.v1alpha.ServerReflection"}) {}

absl::StatusOr<std::unique_ptr<GuruServer>> GuruServer::Start(
    const ServerOptions& options) {
  if (options.max_in_flight < 1) {
    return absl::InvalidArgumentError("--max-in-flight must be at least 1");
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<CallPolicy> policy = Policy(options);
  if (!policy.ok()) return policy.status();
  // Said at every start, so an operator sees a server meant to require a
  // token that does not.
  if (policy->auth_token.empty()) {
    spdlog::info("auth: none (no --auth-token-file): any client may call");
  } else {
    spdlog::info("auth: a bearer token from {} is required of every GuruSearch call",
                 options.auth_token_file);
  }

  absl::StatusOr<std::shared_ptr<const WordList>> dictionary =
      LoadLoggedDictionary(options.dictionary_file);
  if (!dictionary.ok()) return dictionary.status();
  absl::StatusOr<SafetyCheck> safety =
      SafetyCheck::Load(options.safety_rules_file, options.safety_advice_file);
  if (!safety.ok()) return safety.status();
  spdlog::info("safety rules {} ({} rules){}", safety->rules().version(),
               safety->rules().size(),
               options.safety_advice_file.empty()
                   ? "; no --safety-advice: responses carry no advice text"
                   : StrCat("; advice from ", options.safety_advice_file));

  std::unique_ptr<GuruServer> server(new GuruServer(
      options, *std::move(policy), *std::move(dictionary), *std::move(safety)));
  // Before the first call can arrive: Xapian reads of a damaged index can
  // crash the process (index/integrity.h).
  server->pool_.SetDamage(server->integrity_.Update(false));
  if (!options.metrics_listen.empty()) {
    if (absl::Status s = server->metrics_.Expose(options.metrics_listen); !s.ok()) {
      return s;
    }
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, *credentials, &server->port_);
  // gRPC sets SO_REUSEPORT by default: a second server on a port in use
  // would start and silently share its traffic. One port, one server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  builder.SetMaxSendMessageSize(kMaxSendMessageBytes);
  builder.RegisterService(&server->service_);
  builder.RegisterService(&server->reflection_);
  ParseFailureInterceptorFactory::QuietProtobufParseErrors();
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<ParseFailureInterceptorFactory>(
      server->runner_, server->metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(
        StrCat("cannot listen on ", options.listen,
               " (address in use, or not a HOST:PORT this host has?)"));
  }
  server->SetServing(false);
  if (!options.http_listen.empty()) {
    HttpGatewayOptions http;
    http.listen = options.http_listen;
    http.cors_origins = options.http_cors_origins;
    http.tls_cert_file = options.tls_cert_file;
    http.tls_key_file = options.tls_key_file;
    http.tls_client_ca_file = options.tls_client_ca_file;
    // A connection holds a thread; more than the calls accepted at once
    // would only wait for RESOURCE_EXHAUSTED.
    http.threads = std::clamp(options.max_in_flight, 4, 128);
    absl::StatusOr<std::unique_ptr<HttpGateway>> gateway = HttpGateway::Start(
        http, server->server_->InProcessChannel(grpc::ChannelArguments()));
    if (!gateway.ok()) return gateway.status();
    server->http_ = *std::move(gateway);
  }
  server->watcher_ = std::thread([s = server.get()] { s->WatchHealth(); });
  return server;
}

GuruServer::~GuruServer() { Shutdown(std::chrono::milliseconds(0)); }

void GuruServer::Shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    // Calls already accepted keep running on the work queue until they
    // finish or the grace period ends (then they are cancelled and skip
    // their work); Wait() returns when every call has been answered.
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
  }
  // After the gRPC server: HTTP calls in flight had the same grace, and
  // those arriving since were answered 503.
  if (http_) http_->Stop();
  queue_.Stop();
}

void GuruServer::SetServing(bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(serving);
  server_->GetHealthCheckService()->SetServingStatus(kServiceName, serving);
}

void GuruServer::WatchHealth() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // Opening a searcher is the test: it fails exactly when requests would.
    bool serving = false;
    std::uint64_t posts = 0;
    std::string why_not;
    pool_.SetDamage(integrity_.Update(pool_.TakeSuspicion()));
    {
      absl::StatusOr<SearcherPool::Lease> probe = ProbeIndex(pool_);
      serving = probe.ok();
      if (serving) {
        posts = (*probe)->PostCount();
      } else {
        why_not = std::string(probe.status().message());
      }
    }
    if (serving) {
      if (absl::StatusOr<IndexStats> stats = ReadIndexStats(options_.db_path);
          stats.ok()) {
        metrics_.RecordIndex(stats->posts, stats->revision);
      }
    }
    lock.lock();
    if (stopping_) break;
    // The first check is always logged: a server that starts NOT_SERVING
    // says so, and why.
    if (serving != serving_ || !health_reported_) {
      health_reported_ = true;
      serving_ = serving;
      SetServing(serving);
      if (serving) {
        spdlog::info("index {} open ({} posts); SERVING", options_.db_path, posts);
      } else {
        spdlog::warn("index {} not available: {}; NOT_SERVING", options_.db_path,
                     why_not);
      }
    }
    wake_.wait_for(lock, options_.refresh_interval, [this] { return stopping_; });
  }
}

}  // namespace guru
