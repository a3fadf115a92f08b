#include "server/call_runner.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "core/str_cat.h"
#include "core/text.h"
#include "guru/v1/search.pb.h"
#include "server/limits.h"
#include "server/status_mapping.h"

namespace guru {
namespace {

// Compares without an early exit, so the time taken says nothing about how
// much of a guessed token was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// The full name of the first string field of `message`, or of a message in
// it, that holds invalid UTF-8; empty when there is none.
std::string InvalidUtf8Field(const google::protobuf::Message& message) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const int count = field->is_repeated() ? reflection.FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      if (field->type() == FieldDescriptor::TYPE_STRING) {
        std::string scratch;
        const std::string& text =
            field->is_repeated()
                ? reflection.GetRepeatedStringReference(message, field, i, &scratch)
                : reflection.GetStringReference(message, field, &scratch);
        if (FindInvalidUtf8(text)) return field->full_name();
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        std::string inner = InvalidUtf8Field(
            field->is_repeated() ? reflection.GetRepeatedMessage(message, field, i)
                                 : reflection.GetMessage(message, field));
        if (!inner.empty()) return inner;
      }
    }
  }
  return "";
}

// What a response says about the answer, never about the question: its
// number of results (the repeated field `results`; 1 for a Post) and, for
// a SearchResponse, the answer status.
struct Outcome {
  int results = -1;  // -1: the response has none to count.
  std::optional<v1::AnswerStatus> answer_status;
};

Outcome DescribeResponse(const google::protobuf::Message& response) {
  Outcome outcome;
  if (const auto* search = dynamic_cast<const v1::SearchResponse*>(&response)) {
    outcome.results = search->results_size();
    outcome.answer_status = search->answer_status();
  } else if (const auto* related = dynamic_cast<const v1::RelatedResponse*>(&response)) {
    outcome.results = related->results_size();
  } else if (dynamic_cast<const v1::Post*>(&response) != nullptr) {
    outcome.results = 1;
  }
  return outcome;
}

}  // namespace

grpc::Status CallRunner::Unauthenticated() {
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                      "this server wants the metadata 'authorization: Bearer <token>'");
}

bool CallRunner::Authorized(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) const {
  if (policy_.auth_token.empty()) return true;
  const auto found = metadata.find("authorization");
  if (found == metadata.end()) return false;
  const std::string_view value(found->second.data(), found->second.size());
  // The scheme's name is case-insensitive (RFC 7235); spaces around the
  // token are no part of it (HTTP trims a header's value, gRPC keeps it),
  // and the token itself holds none (Policy checks the file).
  constexpr std::string_view kBearer = "bearer ";
  if (value.size() < kBearer.size() ||
      AsciiLower(value.substr(0, kBearer.size())) != kBearer) {
    return false;
  }
  return ConstantTimeEquals(Trim(value.substr(kBearer.size())), policy_.auth_token);
}

grpc::ServerUnaryReactor* CallRunner::Run(grpc::CallbackServerContext* context,
                                          std::string_view method, std::string_view query,
                                          const google::protobuf::Message& response,
                                          Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const auto received = std::chrono::steady_clock::now();
  std::string logged_query =
      policy_.log_queries ? absl::CEscape(absl::string_view(query.data(), query.size()))
                          : std::string();
  auto finish = [this, reactor, received, method, &response,
                 logged_query = std::move(logged_query)](const grpc::Status& status) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - received)
            .count();
    metrics_.RecordRequest(method, status.error_code(), seconds);
    // Only a response that is sent says anything; a refused call's is empty.
    const Outcome outcome = status.ok() ? DescribeResponse(response) : Outcome{};
    if (outcome.answer_status) metrics_.RecordAnswer(*outcome.answer_status);
    if (policy_.access_log || policy_.log_queries) {
      std::string line = StrCat(
          method, " ",
          absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
          " ", fmt::format("{:.2f}", seconds * 1000), " ms");
      if (outcome.results >= 0) line += StrCat(" results=", outcome.results);
      if (outcome.answer_status) {
        line += StrCat(" answer=", v1::AnswerStatus_Name(*outcome.answer_status));
      }
      if (policy_.log_queries) line += StrCat(" query=\"", logged_query, "\"");
      spdlog::info("{}", line);
    }
    reactor->Finish(status);
  };

  if (!Authorized(context->client_metadata())) {
    finish(Unauthenticated());
    return reactor;
  }
  // The task owns what it needs; `finish` is shared with the refusal path
  // below, which only runs when the task was never accepted.
  auto shared_finish = std::make_shared<decltype(finish)>(std::move(finish));
  metrics_.AddInFlight(1);
  const absl::Status accepted = queue_.Submit(
      [this, context, method, &response, shared_finish, work = std::move(work)] {
        grpc::Status status;
        // A call whose deadline passed is cancelled too: the deadline first,
        // so that metrics count it as what it is.
        if (context->deadline() <= std::chrono::system_clock::now()) {
          status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                "deadline passed before the work started");
        } else if (context->IsCancelled()) {
          status = grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled");
        } else {
          absl::Status outcome;
          try {
            outcome = work();
          } catch (const std::exception& e) {
            // Unexpected like any INTERNAL error: logged, not sent, and the
            // worker and the process live on.
            outcome = absl::InternalError(StrCat("uncaught exception: ", e.what()));
          }
          status = ToGrpcStatus(outcome);
          if (status.ok()) status = CheckResponse(method, response);
        }
        metrics_.AddInFlight(-1);
        (*shared_finish)(status);
      });
  if (!accepted.ok()) {
    metrics_.AddInFlight(-1);
    (*shared_finish)(ToGrpcStatus(accepted));
  }
  return reactor;
}

grpc::Status CallRunner::CheckResponse(std::string_view method,
                                       const google::protobuf::Message& response) {
  if (const std::size_t bytes = response.ByteSizeLong(); bytes > kMaxSendMessageBytes) {
    return grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        StrCat("the response would be ", bytes, " bytes, over the limit of ",
               kMaxSendMessageBytes, ": ask for fewer results"));
  }
  const std::string field = InvalidUtf8Field(response);
  if (field.empty()) return grpc::Status::OK;
  // A bug in the server (text cut inside a character?), not in the request:
  // logged whatever --log-queries says, with the field but not its value.
  spdlog::error("{}: response not sent: field {} holds invalid UTF-8", method, field);
  return grpc::Status(
      grpc::StatusCode::INTERNAL,
      "the response could not be encoded (invalid UTF-8 in " + field + ")");
}

}  // namespace guru
