#include "index/schema.h"

#include <cstdio>

#include "core/str_cat.h"
#include "core/text.h"

namespace guru::schema {
namespace {
// Leaves room for the prefix within Xapian's 245-byte term limit.
constexpr std::size_t kMaxFilterValueBytes = 200;
}  // namespace

std::string IdTerm(std::string_view id) {
  if (id.size() <= kMaxVerbatimIdBytes) return StrCat(kIdPrefix, id);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a64(id)));
  return StrCat(kIdPrefix, id.substr(0, kMaxVerbatimIdBytes - 17), "#", hex);
}

std::string FilterTerm(std::string_view prefix, std::string_view value) {
  std::string v = AsciiLower(CollapseWhitespace(value));
  if (v.size() > kMaxFilterValueBytes) v.resize(kMaxFilterValueBytes);
  return StrCat(prefix, v);
}

std::string DateValue(std::string_view iso_date) {
  std::string value;
  for (char c : iso_date) {
    if (c != '-') value.push_back(c);
  }
  return value;
}

}  // namespace guru::schema
