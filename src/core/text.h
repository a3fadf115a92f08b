// Small text helpers shared by the parsers: UTF-8 checks, whitespace and
// case normalisation. Pure functions; thread-safe.
#ifndef GURU_CORE_TEXT_H_
#define GURU_CORE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guru {

// UTF-8's byte-order mark, which editors on Windows put at the start of a
// text file; readers skip it there.
inline constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Returns the byte offset of the first invalid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or nullopt when
// `text` is valid UTF-8.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

// Decodes the UTF-8 sequence starting at `text[pos]` and sets `length` to its
// byte count. nullopt (with `length` 1) when no well-formed sequence starts
// there: a stray continuation byte, an overlong form, a surrogate, a code point
// above U+10FFFF or a sequence cut short.
std::optional<char32_t> DecodeUtf8(std::string_view text, std::size_t pos,
                                   std::size_t& length);

// The longest prefix of `text` of at most `max_bytes` bytes that does not
// end inside a UTF-8 character: every byte limit on text (terms, values,
// titles, scans) cuts through this, since a split character makes the text
// invalid UTF-8, which protobuf clients refuse to parse.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

// Removes leading and trailing whitespace: ASCII's, Unicode's (U+00A0
// no-break space, U+3000 ideographic space, ...), the zero-width space and
// the byte-order mark.
std::string_view Trim(std::string_view text);

// `value` in quotes for a message, at most `max_bytes` of it (cut on a
// character boundary, with its size said): errors name what a client sent
// without echoing kilobytes of it.
std::string QuotedPrefix(std::string_view value, std::size_t max_bytes = 64);

// Optimal string alignment distance (insertions, deletions, substitutions
// and swaps of adjacent characters, bytewise), or `limit + 1` as soon as it
// is sure to exceed `limit`.
int EditDistance(std::string_view a, std::string_view b,
                 int limit = std::numeric_limits<int>::max() - 1);

// Collapses every run of whitespace (as Trim's) into one space and trims the
// ends.
std::string CollapseWhitespace(std::string_view text);

// ASCII lower-casing; other bytes are kept as they are.
std::string AsciiLower(std::string_view text);

// Whether `url` starts with the scheme "http:" or "https:", in any case:
// an absolute web address, not "javascript:", "data:" or a relative link.
bool IsHttpUrl(std::string_view url);

// The whole of `text` as a finite number, as a trainer writes it ("-1.25",
// "0.5"; from_chars reads no locale); nullopt otherwise.
std::optional<double> ParseReal(std::string_view text);

// Splits on '\n' after turning "\r\n" and lone '\r' into '\n'.
std::vector<std::string_view> SplitLines(std::string_view text);

// A lowercase, hyphen-separated ASCII slug of the letters and digits of
// `text`, at most `max_bytes` long, never ending in '-'. Non-ASCII letters are
// dropped, so the slug may be empty.
std::string Slugify(std::string_view text, std::size_t max_bytes);

// 64-bit FNV-1a; stable across platforms and releases (ids depend on it).
std::uint64_t Fnv1a64(std::string_view data);

// Fnv1a64(data) as 16 lower-case hex digits.
std::string HexFingerprint(std::string_view data);

}  // namespace guru

#endif  // GURU_CORE_TEXT_H_
