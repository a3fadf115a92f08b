#include "core/batch_line.h"

#include <cstddef>
#include <iterator>
#include <utility>

namespace guru {

std::optional<BatchQuestion> ParseBatchLine(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  std::vector<std::string> fields;
  for (std::size_t start = 0;;) {
    const std::size_t tab = line.find('\t', start);
    fields.emplace_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) return std::nullopt;
  BatchQuestion question;
  question.qid = std::move(fields[0]);
  question.text = std::move(fields[1]);
  question.context.assign(std::make_move_iterator(fields.begin() + 2),
                          std::make_move_iterator(fields.end()));
  return question;
}

}  // namespace guru
