#include "server/guru_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "core/str_cat.h"

namespace guru {
namespace {
// Health is reported for the whole server ("") and for the service by name.
constexpr const char* kServiceName = "guru.v1.GuruSearch";
}  // namespace

GuruServer::GuruServer(const ServerOptions& options)
    : options_(options),
      pool_(options.db_path, options.refresh_interval),
      service_(pool_, options.ranking) {}

absl::StatusOr<std::unique_ptr<GuruServer>> GuruServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<GuruServer> server(new GuruServer(options));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.RegisterService(&server->service_);
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(
        StrCat("cannot listen on ", options.listen,
               " (address in use, or not a HOST:PORT this host has?)"));
  }
  server->SetServing(false);
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
  if (!server_) return;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
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
    {
      absl::StatusOr<SearcherPool::Lease> probe = pool_.Acquire();
      serving = probe.ok();
      if (serving) {
        posts = (*probe)->PostCount();
      } else {
        why_not = std::string(probe.status().message());
      }
    }
    lock.lock();
    if (stopping_) break;
    if (serving != serving_) {
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
