#include "core/text.h"

#include <cstdint>

namespace guru {
namespace {

constexpr std::string_view kNoBreakSpace = "\xC2\xA0";

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Length of the whitespace sequence at the start of `text` (0 if none).
std::size_t SpaceLength(std::string_view text) {
  if (!text.empty() && IsAsciiSpace(text.front())) return 1;
  if (text.starts_with(kNoBreakSpace)) return kNoBreakSpace.size();
  return 0;
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
  for (;;) {
    if (!text.empty() && IsAsciiSpace(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with(kNoBreakSpace)) {
      text.remove_suffix(kNoBreakSpace.size());
    } else {
      return text;
    }
  }
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

}  // namespace guru
