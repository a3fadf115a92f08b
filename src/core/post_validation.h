// The rules every post must meet before it is indexed, whatever format it
// came in. Pure functions; thread-safe.
#ifndef GURU_CORE_POST_VALIDATION_H_
#define GURU_CORE_POST_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "guru/v1/post.pb.h"

namespace guru {

// Longest id accepted, in bytes.
inline constexpr std::size_t kMaxPostIdBytes = 256;

// Largest post accepted, in bytes of its stored form (the serialized Post):
// a page of 20 such posts must fit one response message (server/limits.h).
// The longest MedQuAD post is 27 KB.
inline constexpr std::size_t kMaxPostBytes = std::size_t{128} * 1024;

// OK when `post` can be indexed: at most kMaxPostBytes in all ("post: ...");
// `id` non-empty, at most kMaxPostIdBytes and
// free of control characters; `answer` not blank; `asked_on` and
// `answered_on` empty or valid `YYYY-MM-DD` dates. Otherwise
// INVALID_ARGUMENT whose message starts with the offending field's name.
absl::Status ValidatePost(const v1::Post& post);

}  // namespace guru

#endif  // GURU_CORE_POST_VALIDATION_H_
