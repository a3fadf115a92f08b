#include "index/schema.h"

#include <algorithm>

#include "core/query_text.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru::schema {
namespace {
// Leaves room for the prefix within Xapian's 245-byte term limit.
constexpr std::size_t kMaxFilterValueBytes = 200;
constexpr std::size_t kMaxTermBytes = 245;
}  // namespace

namespace {
// prefix + value, or prefix + the value's first bytes + "#" + its hash when
// the whole would not fit a Xapian term. Unlike FilterValue, the cut is on
// bytes on purpose: these terms are keys, looked up and never shown, and
// existing indexes hold them cut so (cutting on characters would change the
// term of some long ids and paths, and lose track of their posts).
std::string BoundedTerm(std::string_view prefix, std::string_view value) {
  if (value.size() <= kMaxVerbatimIdBytes) return StrCat(prefix, value);
  return StrCat(prefix, value.substr(0, kMaxVerbatimIdBytes - 17), "#",
                HexFingerprint(value));
}
}  // namespace

std::string IdTerm(std::string_view id) { return BoundedTerm(kIdPrefix, id); }

std::string SourceTerm(std::string_view path) { return BoundedTerm(kSourcePrefix, path); }

std::string FilterValue(std::string_view value) {
  // The value is stored in a slot that facets hand to clients, so it is cut
  // on a character boundary: a split character is invalid UTF-8, and every
  // response holding it fails to parse.
  return std::string(
      Utf8Prefix(AsciiLower(CollapseWhitespace(value)), kMaxFilterValueBytes));
}

std::string FilterTerm(std::string_view prefix, std::string_view value) {
  return StrCat(prefix, FilterValue(value));
}

std::string TitleKeyTerm(std::vector<std::string> stems) {
  std::erase_if(stems, [](const std::string& stem) { return IsStopword(stem); });
  std::sort(stems.begin(), stems.end());
  stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
  if (stems.empty()) return {};
  std::string term(kTitleKeyPrefix);
  for (const std::string& stem : stems) {
    if (term.size() > kTitleKeyPrefix.size()) term += ' ';
    term += stem;
  }
  return term.size() <= kMaxTermBytes ? term : std::string();
}

namespace {

void SplitStems(std::string_view text, std::vector<std::string>& out) {
  for (std::size_t end; (end = text.find(' ')) != std::string_view::npos;) {
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
}

}  // namespace

TitleQuestionStems ReadTitleQuestionStems(std::string_view value, bool want_question) {
  TitleQuestionStems stems;
  const std::size_t newline = value.find('\n');
  SplitStems(value.substr(0, newline), stems.title);
  if (want_question && newline != std::string_view::npos) {
    SplitStems(value.substr(newline + 1), stems.question);
  }
  return stems;
}

std::string DateValue(std::string_view iso_date) {
  std::string value;
  for (char c : iso_date) {
    if (c != '-') value.push_back(c);
  }
  return value;
}

}  // namespace guru::schema
