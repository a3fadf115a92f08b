// Parses a post as text extracted from one of the Guru's web pages.
//
// The layout (the seed post, data/sample/knees/knee-pain-post-marathon.txt):
//   Title line                       optional; absent when line 1 is a date
//   "May 20th, 2019"                 question date, optional
//   "Good Afternoon,"                greeting, dropped
//   question paragraphs
//   "May 20th, 2019"                 answer date, optional
//   "The Guru Responded:"            required: marks the start of the reply
//   "Hi Beth- ..."                   greeting, dropped; names the asker
//   reply paragraphs
//   "The Guru"                       sign-off, dropped; names the expert
//   "Want to find out more?" ...     the site footer, dropped
// Lines of one paragraph are joined with a space; paragraphs are separated by
// "\n\n". Pure function; thread-safe.
#ifndef GURU_CORE_PAGE_TEXT_PARSER_H_
#define GURU_CORE_PAGE_TEXT_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "guru/v1/post.pb.h"

namespace guru {

struct ParsedPage {
  // The post, with `id` derived by DerivePostId; `category` and `url` are
  // left for the caller, who knows where the page came from.
  v1::Post post;
  // Non-fatal findings, e.g. "no question date found".
  std::vector<std::string> warnings;
};

// INVALID_ARGUMENT, with the line number or byte offset where it applies, for
// text that is empty, contains NUL bytes or invalid UTF-8, or has no
// recognisable reply.
absl::StatusOr<ParsedPage> ParsePageText(std::string_view text);

}  // namespace guru

#endif  // GURU_CORE_PAGE_TEXT_PARSER_H_
