// JSONL records <-> posts, through protobuf's JSON mapping of guru.v1.Post so
// that files and the wire share one schema. Pure functions; thread-safe.
#ifndef GURU_CORE_POST_JSON_H_
#define GURU_CORE_POST_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "guru/v1/post.pb.h"

namespace guru {

// A post read from JSON, with what was tolerated on the way.
struct JsonPost {
  v1::Post post;
  // Non-fatal findings, e.g. unknown fields that were ignored.
  std::vector<std::string> warnings;
};

// Parses one JSON object. Field names may be the proto names (`asked_on`) or
// the JSON names (`askedOn`). Unknown fields are ignored with a warning.
// INVALID_ARGUMENT for malformed JSON or a value of the wrong type (the
// message says what protobuf's parser found). Does not validate the post:
// see ValidatePost.
absl::StatusOr<JsonPost> ParsePostJson(std::string_view json);

namespace internal {

// Internal (for tests and fuzzers: the round trip of ParsePostJson): the
// one-line JSON form of `post` with proto field names.
std::string PostToJson(const v1::Post& post);

}  // namespace internal

}  // namespace guru

#endif  // GURU_CORE_POST_JSON_H_
