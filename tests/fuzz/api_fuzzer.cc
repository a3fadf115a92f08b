// Fuzzes the gRPC surface: any bytes, as the request of any GuruSearch
// method, sent to a real guru-server running in this process over a small
// real index. Every call must end with a status a client can act on: never
// a crash, never UNKNOWN or UNIMPLEMENTED (a request that does not parse is
// INVALID_ARGUMENT), never INTERNAL (which would be a server bug, such as a
// response holding invalid UTF-8).
//
// Input: the first byte picks the method, the rest is the request message.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "index/index_writer.h"
#include "server/guru_server.h"
#include "support/temp_dir.h"

namespace {

constexpr const char* kMethods[] = {
    "/guru.v1.GuruSearch/Search", "/guru.v1.GuruSearch/GetPost",
    "/guru.v1.GuruSearch/Related", "/guru.v1.GuruSearch/CheckSafety"};

struct Fixture {
  std::unique_ptr<guru::GuruServer> server;
  std::unique_ptr<grpc::GenericStub> stub;
};

// A small index of posts that share words, so that searches match, rank,
// page, facet and relate.
std::string WriteIndex() {
  // Removed at exit, when libFuzzer ends the run.
  static const guru::testing::TempDir directory;
  const std::string db = directory.Sub("db");
  auto writer = guru::IndexWriter::Open(db);
  if (!writer.ok()) std::abort();
  const char* topics[] = {"knee pain after running",      "ankle sprain swelling",
                          "shoulder clicks when lifting", "chest pain and short breath",
                          "headache behind the eyes",     "shin splints in runners"};
  for (int i = 0; i < 60; ++i) {
    guru::v1::Post post;
    post.set_id("post-" + std::to_string(i));
    post.set_title(topics[i % 6]);
    post.set_question(std::string("Since the marathon: ") + topics[(i + 1) % 6] + "?");
    post.set_answer(std::string("Rest, ice and see a physio. ") + topics[i % 6] +
                    " usually settles. Treatment: strengthen, stretch, load slowly.");
    post.set_category(i % 2 ? "Knee" : "Sports Injuries");
    post.add_tags(topics[(i + 2) % 6]);
    if (!(*writer)->Upsert(post).ok()) std::abort();
  }
  if (!(*writer)->Commit().ok()) std::abort();
  return db;
}

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    spdlog::set_level(spdlog::level::off);
    auto* made = new Fixture;
    guru::ServerOptions options;
    options.db_path = WriteIndex();
    options.listen = "127.0.0.1:0";
    options.dictionary_file = "none";
    options.workers = 2;
    auto server = guru::GuruServer::Start(options);
    if (!server.ok()) std::abort();
    made->stub = std::make_unique<grpc::GenericStub>(
        grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                            grpc::InsecureChannelCredentials()));
    made->server = *std::move(server);
    return made;
  }();
  return *fixture;
}

grpc::Status Call(const char* method, const std::string& bytes) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status status;
  TheFixture().stub->UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                               [&](grpc::Status s) {
                                 std::lock_guard<std::mutex> lock(mutex);
                                 status = std::move(s);
                                 done = true;
                                 done_cv.notify_all();
                               });
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char* method = kMethods[data[0] % std::size(kMethods)];
  const grpc::Status status =
      Call(method, std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  switch (status.error_code()) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::INTERNAL:
      std::fprintf(stderr, "%s: code %d: %s\n", method, status.error_code(),
                   status.error_message().c_str());
      std::abort();
    default:
      return 0;
  }
}
