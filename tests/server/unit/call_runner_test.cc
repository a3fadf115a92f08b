// CallRunner in a real in-process gRPC server: a response that protobuf would
// serialize but no client could parse (invalid UTF-8 in a string field) is
// answered INTERNAL naming the field, and counted as INTERNAL, not OK.
#include "server/call_runner.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "guru/v1/search.grpc.pb.h"
#include "support/guru_env.h"

namespace guru {
namespace {

using ::testing::HasSubstr;

// GetPost echoes the id into a post whose category is 199 ASCII bytes and
// the first byte of "é" when the id is "broken".
class EchoService final : public v1::GuruSearch::CallbackService {
 public:
  explicit EchoService(CallRunner& runner) : runner_(runner) {}

  grpc::ServerUnaryReactor* GetPost(grpc::CallbackServerContext* context,
                                    const v1::GetPostRequest* request,
                                    v1::Post* response) override {
    return runner_.Run(context, "GetPost", {}, *response, [request, response] {
      response->set_id(request->id());
      const std::string category = std::string(199, 'x') + "\xC3\xA9";
      response->set_category(request->id() == "broken" ? category.substr(0, 200)
                                                       : category);
      return absl::OkStatus();
    });
  }

 private:
  CallRunner& runner_;
};

TEST(CallRunnerTest, ResponseWithInvalidUtf8IsInternalNamingTheFieldAndCounted) {
  WorkQueue queue(2, 16);
  ServerMetrics metrics;
  ASSERT_TRUE(metrics.Expose("127.0.0.1:0").ok());
  CallRunner runner(queue, metrics, CallPolicy{});
  EchoService service(runner);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  auto stub = v1::GuruSearch::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  auto get = [&](const std::string& id) {
    grpc::ClientContext context;
    v1::GetPostRequest request;
    request.set_id(id);
    v1::Post post;
    return stub->GetPost(&context, request, &post);
  };
  EXPECT_TRUE(get("fine").ok());
  const grpc::Status broken = get("broken");
  EXPECT_EQ(broken.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(broken.error_message(), HasSubstr("guru.v1.Post.category"));

  const std::string scraped = guru::testing::ScrapeMetrics(metrics.port());
  EXPECT_THAT(scraped,
              HasSubstr("guru_requests_total{code=\"INTERNAL\",method=\"GetPost\"} 1"));
  EXPECT_THAT(scraped,
              HasSubstr("guru_requests_total{code=\"OK\",method=\"GetPost\"} 1"));
  server->Shutdown();
}

}  // namespace
}  // namespace guru
