#include "server/parse_failures.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <string>

namespace guru {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr std::string_view kServicePrefix = "/guru.v1.GuruSearch/";
constexpr std::chrono::seconds kLogEvery{10};

class ParseFailureInterceptor : public grpc::experimental::Interceptor {
 public:
  ParseFailureInterceptor(ParseFailureInterceptorFactory& factory,
                          std::string_view method)
      : factory_(factory), method_(method), received_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      authorized_ = factory_.runner().Authorized(*batch->GetRecvInitialMetadata());
    }
    if (batch->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // The message is null exactly when it did not deserialize.
      unparsed_ = batch->GetRecvMessage() == nullptr;
    }
    if (unparsed_ &&
        batch->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status =
          authorized_ ? grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                     "request: not a valid guru.v1 message (a string "
                                     "field holds invalid UTF-8, or the bytes are "
                                     "not this method's request)")
                      : CallRunner::Unauthenticated();
      batch->ModifySendStatus(status);
      const std::chrono::duration<double> took =
          std::chrono::steady_clock::now() - received_;
      factory_.metrics().RecordRequest(method_, status.error_code(), took.count());
      if (authorized_) factory_.Report(method_);
    }
    batch->Proceed();
  }

 private:
  ParseFailureInterceptorFactory& factory_;
  const std::string method_;
  const std::chrono::steady_clock::time_point received_;
  bool authorized_ = false;
  bool unparsed_ = false;
};

}  // namespace

grpc::experimental::Interceptor* ParseFailureInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const std::string_view method = info->method();
  if (method.substr(0, kServicePrefix.size()) != kServicePrefix) return nullptr;
  return new ParseFailureInterceptor(*this, method.substr(kServicePrefix.size()));
}

void ParseFailureInterceptorFactory::Report(std::string_view method) {
  const std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  std::int64_t last = last_log_ns_.load();
  const std::int64_t every = std::chrono::nanoseconds(kLogEvery).count();
  if ((last != 0 && now - last < every) ||
      !last_log_ns_.compare_exchange_strong(last, now)) {
    ++unlogged_;
    return;
  }
  spdlog::warn(
      "{}: a request that does not parse, answered INVALID_ARGUMENT ({} more "
      "since the last such line)",
      std::string(method), unlogged_.exchange(0));
}

void ParseFailureInterceptorFactory::QuietProtobufParseErrors() {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level, const char* file,
                                     int line, const std::string& message) {
    if (message.find("when parsing a protocol buffer") != std::string::npos) return;
    if (level >= google::protobuf::LOGLEVEL_ERROR) {
      spdlog::error("protobuf {}:{}: {}", file, line, message);
    } else {
      spdlog::warn("protobuf {}:{}: {}", file, line, message);
    }
  });
}

}  // namespace guru
