// CallRunner in a real in-process gRPC server, with one worker that the test
// holds busy: a call the client cancels, or whose deadline passes, while it
// waits for that worker is answered CANCELLED or DEADLINE_EXCEEDED and never
// searched; an unexpected error, returned or thrown by the work, reaches the
// client as INTERNAL without its details, which go to the log.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "guru/v1/search.grpc.pb.h"
#include "server/call_runner.h"
#include "support/guru_env.h"

namespace guru {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

// An error as the index reports it: a path and a library's words.
constexpr const char* kSecret = "/var/lib/guru/index/postlist.glass: EOF reading block 7";

// Search runs work that only records that it ran; GetPost's work fails
// with the error its id names, carrying a path and library words.
class TestService final : public v1::GuruSearch::CallbackService {
 public:
  explicit TestService(CallRunner& runner) : runner_(runner) {}

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* context,
                                   const v1::SearchRequest* request,
                                   v1::SearchResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      received_ = context;
    }
    arrived_.notify_all();
    return runner_.Run(context, "Search", request->query(), *response, [this] {
      searched_ = true;
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetPost(grpc::CallbackServerContext* context,
                                    const v1::GetPostRequest* request,
                                    v1::Post* response) override {
    return runner_.Run(context, "GetPost", {}, *response, [request]() -> absl::Status {
      if (request->id() == "throws") throw std::runtime_error(kSecret);
      if (request->id() == "unknown") return absl::UnknownError(kSecret);
      if (request->id() == "aborted") return absl::AbortedError(kSecret);
      return absl::InternalError(kSecret);
    });
  }

  // The server side of the first Search call, once it has arrived; null if
  // none arrives within 20 seconds.
  grpc::CallbackServerContext* WaitForSearch() {
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(20), [this] { return received_; });
    return received_;
  }

  bool searched() const { return searched_; }

 private:
  CallRunner& runner_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  grpc::CallbackServerContext* received_ = nullptr;
  std::atomic<bool> searched_{false};
};

// Holds the queue's only worker until released.
class Blocker {
 public:
  explicit Blocker(WorkQueue& queue) {
    EXPECT_TRUE(queue
                    .Submit([this] {
                      std::unique_lock<std::mutex> lock(mutex_);
                      released_cv_.wait(lock, [this] { return released_; });
                    })
                    .ok());
  }
  ~Blocker() { Release(); }

  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      released_ = true;
    }
    released_cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
};

// A Search with the query "knee" on a thread of its own; cancelled and
// joined at the latest when this object goes, so a failed assertion cannot
// leave the call behind.
class PendingSearch {
 public:
  PendingSearch(v1::GuruSearch::Stub& stub,
                std::optional<std::chrono::system_clock::time_point> deadline) {
    if (deadline) context_.set_deadline(*deadline);
    thread_ = std::thread([this, &stub] {
      v1::SearchRequest request;
      request.set_query("knee");
      v1::SearchResponse response;
      status_ = stub.Search(&context_, request, &response);
    });
  }
  ~PendingSearch() {
    if (thread_.joinable()) {
      context_.TryCancel();
      thread_.join();
    }
  }
  PendingSearch(const PendingSearch&) = delete;
  PendingSearch& operator=(const PendingSearch&) = delete;

  void Cancel() { context_.TryCancel(); }
  grpc::Status Wait() {
    thread_.join();
    return status_;
  }

 private:
  grpc::ClientContext context_;
  grpc::Status status_;
  std::thread thread_;
};

// Returns once every task queued before it has run (one worker, in order).
void Drain(WorkQueue& queue) {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  ASSERT_TRUE(queue
                  .Submit([&] {
                    std::lock_guard<std::mutex> lock(mutex);
                    done = true;
                    done_cv.notify_all();
                  })
                  .ok());
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
}

class CallRunnerQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(metrics_.Expose("127.0.0.1:0").ok());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port_, 0);
    stub_ = v1::GuruSearch::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    queue_.Stop();
  }

  double Counted(const std::string& method, const std::string& code) {
    return guru::testing::MetricValue(
        guru::testing::ScrapeMetrics(metrics_.port()),
        "guru_requests_total{code=\"" + code + "\",method=\"" + method + "\"}");
  }

  WorkQueue queue_{1, 16};
  ServerMetrics metrics_;
  CallRunner runner_{queue_, metrics_, CallPolicy{}};
  TestService service_{runner_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::GuruSearch::Stub> stub_;
};

// Waits (at most 20 seconds) until `done` holds; whether it does.
template <typename Predicate>
bool WaitFor(Predicate done) {
  const auto give_up = Clock::now() + std::chrono::seconds(20);
  while (!done() && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

TEST_F(CallRunnerQueueTest, ACallCancelledWhileItWaitsIsCancelledAndNotSearched) {
  Blocker blocker(queue_);
  PendingSearch search(*stub_, std::nullopt);
  grpc::CallbackServerContext* call = service_.WaitForSearch();
  ASSERT_NE(call, nullptr) << "the call never reached the server";
  search.Cancel();
  // As gRPC reports the client's cancellation to the server.
  ASSERT_TRUE(WaitFor([call] { return call->IsCancelled(); }));
  blocker.Release();
  EXPECT_EQ(search.Wait().error_code(), grpc::StatusCode::CANCELLED);
  Drain(queue_);

  EXPECT_FALSE(service_.searched());
  EXPECT_EQ(Counted("Search", "CANCELLED"), 1);
  EXPECT_EQ(Counted("Search", "OK"), -1) << "no call may be counted OK";
}

TEST_F(CallRunnerQueueTest, ACallWhoseDeadlinePassesWhileItWaitsIsNotSearched) {
  Blocker blocker(queue_);
  // Long enough for the call to reach the server on a loaded machine.
  PendingSearch search(*stub_,
                       std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::CallbackServerContext* call = service_.WaitForSearch();
  ASSERT_NE(call, nullptr) << "the call never reached the server";
  // By the server's clock: the client gives up at its own deadline, a hair
  // earlier, and a call the worker reaches in between is only cancelled.
  ASSERT_TRUE(
      WaitFor([call] { return call->deadline() < std::chrono::system_clock::now(); }));
  blocker.Release();
  EXPECT_EQ(search.Wait().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  Drain(queue_);

  EXPECT_FALSE(service_.searched());
  EXPECT_EQ(Counted("Search", "DEADLINE_EXCEEDED"), 1);
  EXPECT_EQ(Counted("Search", "CANCELLED"), -1) << "counted as what it is";
}

// Captures what spdlog's default logger writes while it lives.
class LogCapture {
 public:
  LogCapture()
      : previous_(spdlog::default_logger()),
        logger_(std::make_shared<spdlog::logger>(
            "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(text_))) {
    spdlog::set_default_logger(logger_);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() {
    logger_->flush();
    return text_.str();
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::logger> logger_;
};

// The exception first: the calls after it show that the worker survived.
TEST_F(CallRunnerQueueTest, InternalErrorsSendNoDetailsAndLogThem) {
  for (const std::string id : {"throws", "internal", "unknown", "aborted"}) {
    LogCapture log;
    grpc::ClientContext context;
    v1::GetPostRequest request;
    request.set_id(id);
    v1::Post post;
    const grpc::Status status = stub_->GetPost(&context, request, &post);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL) << id;
    EXPECT_EQ(status.error_message(), "internal error") << id;
    EXPECT_THAT(log.text(), HasSubstr(kSecret)) << id;
  }
  EXPECT_EQ(Counted("GetPost", "INTERNAL"), 4);
}

}  // namespace
}  // namespace guru
