// One line of a batch question file, the format `guru-query --batch` and
// guru-search-cost read: qid<TAB>text[<TAB>context...], the context being
// the person's earlier messages, newest first. Pure function; thread-safe.
#ifndef GURU_CORE_BATCH_LINE_H_
#define GURU_CORE_BATCH_LINE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guru {

struct BatchQuestion {
  std::string qid;
  std::string text;
  std::vector<std::string> context;  // Earlier turns, newest first.
};

// The question on `line` (a trailing CR is ignored); nullopt when the line
// has no qid or no text, so callers decide whether that is an error (a blank
// line is not).
std::optional<BatchQuestion> ParseBatchLine(std::string_view line);

}  // namespace guru

#endif  // GURU_CORE_BATCH_LINE_H_
