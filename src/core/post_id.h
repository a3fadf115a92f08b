// The id rule for posts that arrive without one (page text).
#ifndef GURU_CORE_POST_ID_H_
#define GURU_CORE_POST_ID_H_

#include <string>

#include "guru/v1/post.pb.h"

namespace guru {

// Derives a stable id from what identifies a post on the site: its title, the
// day it was asked and the question's words. The id is
//   <slug of the title (or question), at most 60 bytes>-<16 hex digits>
// where the hex digits are the FNV-1a 64-bit hash of
//   lower(collapse(title)) "\x1f" asked_on "\x1f" lower(collapse(question)).
// Whitespace, line breaks, letter case and the answer do not change it, so
// re-running the indexer yields the same id and a corrected reply replaces the
// old one. Thread-safe.
std::string DerivePostId(const v1::Post& post);

}  // namespace guru

#endif  // GURU_CORE_POST_ID_H_
