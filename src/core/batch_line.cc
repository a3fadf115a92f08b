#include "core/batch_line.h"

#include <iterator>
#include <utility>

#include "absl/strings/str_split.h"

namespace guru {

std::optional<BatchQuestion> ParseBatchLine(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  // Debian's Abseil has its own string_view type.
  std::vector<std::string> fields =
      absl::StrSplit(absl::string_view(line.data(), line.size()), '\t');
  if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) return std::nullopt;
  BatchQuestion question;
  question.qid = std::move(fields[0]);
  question.text = std::move(fields[1]);
  question.context.assign(std::make_move_iterator(fields.begin() + 2),
                          std::make_move_iterator(fields.end()));
  return question;
}

}  // namespace guru
