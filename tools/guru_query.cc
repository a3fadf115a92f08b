// guru-query: command-line client of guru-server.
//
//   guru-query [--server HOST:PORT] [--limit N] [--offset N] [--page-token T]
//              [--category C]... [--expert E]... [--date-from D] [--date-to D]
//              [--context TEXT]... [--json] "text"         ranked replies
//   guru-query --safety [--context TEXT]... "text"         the safety check only
//   guru-query --batch FILE --trec OUT [--limit N] [--tag NAME]
//                                                          TREC run file
//   guru-query --health                                    exit 0 iff SERVING
//   --json prints the response in protobuf's JSON mapping (one object) instead.
//   with --tls / --tls-ca FILE [--tls-cert F --tls-key F] and
//   --auth-token-file FILE for servers that want TLS, mTLS or a token.
//
// Exit codes: 0 success; 1 a call failed (or the server is not SERVING);
// 2 usage error.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client_connection.h"
#include "core/batch_line.h"
#include "core/version.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "guru/v1/search.grpc.pb.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// The channel, deadline, TLS and token: tools/client_connection.h.
using Client = guru::ClientConnection;

void PrintError(std::string_view what, const grpc::Status& status) {
  // gRPC's codes are absl's, number for number.
  const std::string code =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
  std::fprintf(stderr, "guru-query: %.*s: %s (%s)\n", static_cast<int>(what.size()),
               what.data(), status.error_message().c_str(), code.c_str());
}

// What a search asks besides its text: the request's other fields.
struct SearchOptions {
  int limit = 10;
  int offset = 0;
  std::string page_token;
  guru::v1::SearchFilter filter;
};

grpc::Status Search(const Client& client, const std::string& text,
                    const std::vector<std::string>& context, const SearchOptions& options,
                    guru::v1::SearchResponse& response) {
  auto stub = guru::v1::GuruSearch::NewStub(client.channel());
  guru::v1::SearchRequest request;
  request.set_query(text);
  // A page token carries its own position and page size; the server refuses
  // a limit or offset beside it.
  if (options.page_token.empty()) {
    request.set_limit(options.limit);
    request.set_offset(options.offset);
  } else {
    request.set_page_size(options.limit);
    request.set_page_token(options.page_token);
  }
  *request.mutable_filter() = options.filter;
  for (const std::string& turn : context) request.add_context(turn);
  return stub->Search(client.Context().get(), request, &response);
}

// `message` in protobuf's JSON mapping (the form of the HTTP/JSON API and
// the JSONL input), one line on standard output. Fields at their default
// value are printed too, so that a script finds every field it reads.
int PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  if (const auto status =
          google::protobuf::util::MessageToJsonString(message, &json, options);
      !status.ok()) {
    std::fprintf(stderr, "guru-query: cannot print the response as JSON: %s\n",
                 status.ToString().c_str());
    return kExitFailed;
  }
  std::printf("%s\n", json.c_str());
  return kExitOk;
}

// "EMERGENCY: chest pain spreading to the arm (turn 0) ..." and the advice.
void PrintSafety(const guru::v1::Safety& safety) {
  std::string level = guru::v1::SafetyLevel_Name(safety.level());
  level.erase(0, std::string_view("SAFETY_LEVEL_").size());
  std::printf("Safety: %s\n", level.c_str());
  for (const guru::v1::SafetySign& sign : safety.signs()) {
    std::printf("  sign: %s [%s] in %s at %d..%d\n", sign.description().c_str(),
                sign.code().c_str(),
                sign.turn() == 0 ? "the message"
                                 : absl::StrCat("context turn ", sign.turn()).c_str(),
                sign.span().start(), sign.span().end());
  }
  if (!safety.advice().empty()) std::printf("  advice: %s\n", safety.advice().c_str());
}

int RunSafety(const Client& client, const std::string& text,
              const std::vector<std::string>& context, bool json) {
  auto stub = guru::v1::GuruSearch::NewStub(client.channel());
  guru::v1::CheckSafetyRequest request;
  request.set_query(text);
  for (const std::string& turn : context) request.add_context(turn);
  guru::v1::Safety safety;
  const grpc::Status status = stub->CheckSafety(client.Context().get(), request, &safety);
  if (!status.ok()) {
    PrintError("CheckSafety", status);
    return kExitFailed;
  }
  if (json) return PrintJson(safety);
  PrintSafety(safety);
  return kExitOk;
}

int RunQuery(const Client& client, const std::string& text,
             const std::vector<std::string>& context, const SearchOptions& options,
             bool json) {
  guru::v1::SearchResponse response;
  const grpc::Status status = Search(client, text, context, options, response);
  if (!status.ok()) {
    PrintError("Search", status);
    return kExitFailed;
  }
  if (json) return PrintJson(response);
  PrintSafety(response.safety());
  const guru::v1::QueryInterpretation& understood = response.interpretation();
  if (!understood.context_use().searched_for().empty()) {
    std::printf("Searching for: %s (topic from context turn %d)\n",
                understood.context_use().searched_for().c_str(),
                understood.context_use().turn());
  } else if (!understood.did_you_mean().empty()) {
    std::printf("Searched for: %s\n", understood.did_you_mean().c_str());
  }
  if (response.results().empty()) {
    std::printf("No matching replies (%s).\n",
                guru::v1::AnswerStatus_Name(response.answer_status()).c_str());
    return kExitOk;
  }
  std::printf("%d of about %lld matching replies (%s):\n\n", response.results_size(),
              static_cast<long long>(response.total_estimate()),
              guru::v1::AnswerStatus_Name(response.answer_status()).c_str());
  int rank = options.offset;
  for (const guru::v1::SearchResult& result : response.results()) {
    std::printf("%2d. [score %.3f, confidence %.2f] %s\n    %s\n    id: %s\n\n", ++rank,
                result.score(), result.confidence(), result.post().title().c_str(),
                result.passage().text().c_str(), result.post().id().c_str());
  }
  if (!response.next_page_token().empty()) {
    std::printf("More: --page-token %s\n", response.next_page_token().c_str());
  }
  return kExitOk;
}

int RunBatch(const Client& client, const std::string& batch_path,
             const std::string& trec_path, const SearchOptions& options,
             const std::string& tag) {
  std::ifstream in(batch_path);
  if (!in) {
    std::fprintf(stderr, "guru-query: --batch %s: cannot open\n", batch_path.c_str());
    return kExitUsage;
  }
  std::ofstream out(trec_path, std::ios::trunc);
  if (!out) {
    std::fprintf(stderr, "guru-query: --trec %s: cannot open for writing\n",
                 trec_path.c_str());
    return kExitUsage;
  }
  int failures = 0;
  int queries = 0;
  std::vector<double> latencies_ms;  // Per search, as the client sees it.
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line == "\r") continue;
    std::optional<guru::BatchQuestion> question = guru::ParseBatchLine(line);
    if (!question) {
      std::fprintf(stderr,
                   "guru-query: %s:%d: expected qid<TAB>text[<TAB>context...]; skipped\n",
                   batch_path.c_str(), number);
      ++failures;
      continue;
    }
    const std::string& qid = question->qid;
    guru::v1::SearchResponse response;
    const auto start = std::chrono::steady_clock::now();
    const grpc::Status status =
        Search(client, question->text, question->context, options, response);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - start)
                               .count());
    ++queries;
    if (!status.ok()) {
      PrintError(absl::StrCat(batch_path, ":", number, " (qid ", qid, ")"), status);
      ++failures;
      continue;
    }
    int rank = 0;
    for (const guru::v1::SearchResult& result : response.results()) {
      out << absl::StrFormat("%s Q0 %s %d %.6f %s\n", qid, result.post().id(), ++rank,
                             result.score(), tag);
    }
  }
  out.close();
  if (!out) {
    std::fprintf(stderr, "guru-query: --trec %s: write failed\n", trec_path.c_str());
    return kExitFailed;
  }
  std::fprintf(stderr, "guru-query: %d queries, %d failed; run written to %s\n", queries,
               failures, trec_path.c_str());
  if (!latencies_ms.empty()) {
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto at = [&](double q) {
      const double last = static_cast<double>(latencies_ms.size() - 1);
      return latencies_ms[static_cast<std::size_t>(std::lround(q * last))];
    };
    std::fprintf(stderr,
                 "guru-query: latency ms: median %.3f p90 %.3f p99 %.3f max %.3f\n",
                 at(0.5), at(0.9), at(0.99), latencies_ms.back());
  }
  return failures == 0 ? kExitOk : kExitFailed;
}

int RunHealth(const Client& client, bool json) {
  auto stub = grpc::health::v1::Health::NewStub(client.channel());
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(client.Context().get(), request, &response);
  if (!status.ok()) {
    PrintError("Health/Check", status);
    return kExitFailed;
  }
  if (json) {
    PrintJson(response);
  } else {
    std::printf("%s\n", grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                            response.status())
                            .c_str());
  }
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? kExitOk
             : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Asks guru-server for ranked Guru replies.", "guru-query"};
  app.set_version_flag("--version", guru::VersionLine("guru-query"));
  Client client;
  SearchOptions search;
  bool json = false;
  std::string text;
  std::string batch_path;
  std::string trec_path;
  std::string tag = "guru";
  bool health = false;
  bool safety_only = false;
  std::vector<std::string> context;
  client.AddFlags(app);
  app.add_option("--limit", search.limit, "Results per query (1..100)")
      ->default_val(search.limit)
      ->check(CLI::Range(1, 100));
  auto* offset = app.add_option("--offset", search.offset, "Results to skip (0..1000)")
                     ->check(CLI::Range(0, 1000));
  app.add_option("--page-token", search.page_token,
                 "Continue from a previous response's next_page_token (printed as "
                 "\"More: --page-token ...\"); --limit is then the page size")
      ->excludes(offset);
  app.add_option_function<std::vector<std::string>>(
         "--category",
         [&search](const std::vector<std::string>& values) {
           for (const std::string& v : values) search.filter.add_categories(v);
         },
         "Only posts of this category (repeat: any of them)")
      ->allow_extra_args(false);
  app.add_option_function<std::vector<std::string>>(
         "--expert",
         [&search](const std::vector<std::string>& values) {
           for (const std::string& v : values) search.filter.add_experts(v);
         },
         "Only posts answered by this expert (repeat: any of them)")
      ->allow_extra_args(false);
  app.add_option_function<std::string>(
      "--date-from",
      [&search](const std::string& date) { search.filter.set_date_from(date); },
      "Only posts dated on or after YYYY-MM-DD");
  app.add_option_function<std::string>(
      "--date-to",
      [&search](const std::string& date) { search.filter.set_date_to(date); },
      "Only posts dated on or before YYYY-MM-DD");
  app.add_flag("--json", json,
               "Print the response in protobuf's JSON mapping (one object a line)");
  auto* context_option =
      app.add_option("--context", context,
                     "An earlier message of the conversation; repeat, newest first");
  context_option->allow_extra_args(false);
  auto* safety_flag = app.add_flag("--safety", safety_only,
                                   "Only the safety check of the text (CheckSafety)");
  auto* batch = app.add_option(
      "--batch", batch_path,
      "File of qid<TAB>text[<TAB>context...] lines (earlier turns newest first); "
      "one search per line");
  auto* trec = app.add_option("--trec", trec_path,
                              "With --batch: write a TREC run file "
                              "(qid Q0 post_id rank score tag)");
  app.add_option("--tag", tag, "Run tag written in the TREC file")->default_val(tag);
  auto* health_flag =
      app.add_flag("--health", health, "Exit 0 only if the server reports SERVING");
  auto* text_option = app.add_option("text", text, "What to search for");
  batch->needs(trec);
  trec->needs(batch);
  text_option->excludes(batch)->excludes(health_flag);
  health_flag->excludes(batch);
  context_option->excludes(batch)->excludes(health_flag);
  safety_flag->excludes(batch)->excludes(health_flag);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  if (std::string error; !client.Connect(error)) {
    std::fprintf(stderr, "guru-query: %s\n", error.c_str());
    return kExitUsage;
  }
  if (health) return RunHealth(client, json);
  if (!batch_path.empty()) return RunBatch(client, batch_path, trec_path, search, tag);
  if (text.empty()) {
    std::fprintf(stderr,
                 "guru-query: give the text to search for, --batch or --health\n%s",
                 app.help().c_str());
    return kExitUsage;
  }
  if (safety_only) return RunSafety(client, text, context, json);
  return RunQuery(client, text, context, search, json);
}
