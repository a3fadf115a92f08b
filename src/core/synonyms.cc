#include "core/synonyms.h"

#include "core/query_text.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsWrittenInCapitals(std::string_view word) {
  if (word.size() < 2 || word.size() > 10 || !IsAsciiUpper(word[0])) return false;
  for (char c : word) {
    if (!IsAsciiUpper(c) && !IsAsciiDigit(c)) return false;
  }
  return true;
}

std::string InCapitals(std::string_view word) {
  std::string upper(word);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return IsWrittenInCapitals(upper) ? upper : std::string();
}

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
      std::vector<std::string> words;
      if (IsWrittenInCapitals(member)) {
        words.emplace_back(member);
      } else {
        words = QueryWords(member);
      }
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
