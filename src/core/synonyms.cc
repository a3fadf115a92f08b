#include "core/synonyms.h"

#include "core/query_text.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {

absl::StatusOr<SynonymFile> ParseSynonymFile(std::string_view text) {
  SynonymFile file;
  int number = 0;
  for (std::string_view raw : SplitLines(text)) {
    ++number;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with("version ")) {
      file.version = std::string(Trim(line.substr(8)));
      continue;
    }
    if (file.version.empty()) {
      return absl::InvalidArgumentError(StrCat(
          "line ", number, ": a 'version N' line must come before the first group"));
    }
    std::vector<std::vector<std::string>> group;
    std::string_view rest = line;
    while (true) {
      const std::size_t bar = rest.find('|');
      const std::string_view member = Trim(rest.substr(0, bar));
      std::vector<std::string> words = QueryWords(member);
      if (words.empty()) {
        return absl::InvalidArgumentError(
            StrCat("line ", number, ": member '", member, "' has no words to match"));
      }
      group.push_back(std::move(words));
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
    if (group.size() < 2) {
      return absl::InvalidArgumentError(StrCat(
          "line ", number, ": a group needs two or more members separated by '|'"));
    }
    file.groups.push_back(std::move(group));
  }
  if (file.version.empty()) return absl::InvalidArgumentError("no 'version N' line");
  return file;
}

}  // namespace guru
