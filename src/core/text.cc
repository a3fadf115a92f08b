#include "core/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

namespace guru {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Unicode's White_Space characters beyond ASCII, and the zero-width space
// and byte-order mark, which show nothing either: a text of only these is
// blank.
bool IsWideSpace(char32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0xFEFF;
}

// Length of the whitespace character at the start of `text` (0 if none).
std::size_t SpaceLength(std::string_view text) {
  if (text.empty()) return 0;
  if (IsAsciiSpace(text.front())) return 1;
  if (static_cast<unsigned char>(text.front()) < 0x80) return 0;
  std::size_t length = 0;
  const std::optional<char32_t> cp = DecodeUtf8(text, 0, length);
  return cp.has_value() && IsWideSpace(*cp) ? length : 0;
}

}  // namespace

std::optional<char32_t> DecodeUtf8(std::string_view text, std::size_t pos,
                                   std::size_t& length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char c = byte(pos);
  length = 1;
  if (c < 0x80) return c;
  std::size_t len = 0;
  char32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return std::nullopt;
  }
  if (pos + len > text.size()) return std::nullopt;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(pos + k) & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(pos + k) & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF) return std::nullopt;
  length = len;
  return cp;
}

std::optional<std::size_t> FindInvalidUtf8(std::string_view text) {
  for (std::size_t i = 0, length = 0; i < text.size(); i += length) {
    if (!DecodeUtf8(text, i, length)) return i;
  }
  return std::nullopt;
}

std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  // text[cut] is the first byte left out; while it continues a character,
  // that character would be split, so it is left out whole. A character has
  // at most three continuation bytes.
  for (int i = 0;
       i < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++i) {
    --cut;
  }
  return text.substr(0, cut);
}

std::string_view Trim(std::string_view text) {
  while (std::size_t k = SpaceLength(text)) text.remove_prefix(k);
  // Spaces are found reading forwards (UTF-8 is decoded that way): the text
  // ends after its last character that is not one.
  std::size_t end = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (std::size_t k = SpaceLength(text.substr(pos))) {
      pos += k;
      continue;
    }
    std::size_t length = 1;
    DecodeUtf8(text, pos, length);
    pos += std::max<std::size_t>(length, 1);
    end = pos;
  }
  return text.substr(0, end);
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  while (!text.empty()) {
    if (std::size_t k = SpaceLength(text)) {
      pending_space = !out.empty();
      text.remove_prefix(k);
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(text.front());
    text.remove_prefix(1);
  }
  return out;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsHttpUrl(std::string_view url) {
  const std::string scheme = AsciiLower(url.substr(0, url.find(':') + 1));
  return scheme == "http:" || scheme == "https:";
}

std::optional<double> ParseReal(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string Slugify(std::string_view text, std::size_t max_bytes) {
  std::string slug;
  bool pending_dash = false;
  for (char c : text) {
    const bool alnum =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    if (!alnum) {
      // Apostrophes join ("runner's" -> "runners"); anything else separates.
      if (c != '\'') pending_dash = !slug.empty();
      continue;
    }
    if (pending_dash) {
      if (slug.size() + 2 > max_bytes) break;
      slug.push_back('-');
      pending_dash = false;
    }
    if (slug.size() + 1 > max_bytes) break;
    slug.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::uint64_t Fnv1a64(std::string_view data) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string HexFingerprint(std::string_view data) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::uint64_t hash = Fnv1a64(data);
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4)
    hex[static_cast<std::size_t>(i)] = kDigits[hash & 0xF];
  return hex;
}

std::string QuotedPrefix(std::string_view value, std::size_t max_bytes) {
  const std::string_view kept = Utf8Prefix(value, max_bytes);
  return kept.size() == value.size() ? "'" + std::string(value) + "'"
                                     : "'" + std::string(kept) + "...' (" +
                                           std::to_string(value.size()) + " bytes)";
}

int EditDistance(std::string_view a, std::string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace guru
