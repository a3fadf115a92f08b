#include "core/page_token.h"

#include "absl/strings/escaping.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

// Version 2 ends with a checksum, so that a token cut or altered in transit
// is told apart from one issued by another index.
constexpr char kVersion = '2';
constexpr std::size_t kChecksumBytes = 8;
constexpr std::size_t kMaxTokenBytes = 1024;

void AppendFixed64(std::string& out, std::uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

std::uint64_t ReadFixed64(std::string_view in) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  }
  return value;
}

}  // namespace

std::string EncodePageToken(const PageToken& token) {
  std::string raw(1, kVersion);
  AppendFixed64(raw, token.request_fingerprint);
  AppendFixed64(raw, static_cast<std::uint64_t>(token.offset));
  raw += token.index_id;
  AppendFixed64(raw, Fnv1a64(raw));
  std::string encoded;
  absl::WebSafeBase64Escape(raw, &encoded);
  return encoded;
}

absl::StatusOr<PageToken> DecodePageToken(std::string_view text) {
  constexpr std::size_t kHeaderBytes = 1 + 8 + 8;
  std::string raw;
  if (text.size() > kMaxTokenBytes ||
      !absl::WebSafeBase64Unescape(absl::string_view(text.data(), text.size()), &raw) ||
      raw.size() < kHeaderBytes + kChecksumBytes || raw[0] != kVersion ||
      ReadFixed64(std::string_view(raw).substr(raw.size() - kChecksumBytes)) !=
          Fnv1a64(std::string_view(raw).substr(0, raw.size() - kChecksumBytes))) {
    return absl::InvalidArgumentError(
        "page_token: not a token from this service (pass next_page_token unchanged)");
  }
  // Base64 leaves the low bits of a last character unused: a token altered
  // there decodes to the same bytes, yet it is not what was issued.
  std::string canonical;
  absl::WebSafeBase64Escape(raw, &canonical);
  if (canonical != text) {
    return absl::InvalidArgumentError(
        "page_token: altered in transit (pass next_page_token unchanged)");
  }
  raw.resize(raw.size() - kChecksumBytes);
  PageToken token;
  token.request_fingerprint = ReadFixed64(std::string_view(raw).substr(1, 8));
  const std::uint64_t offset = ReadFixed64(std::string_view(raw).substr(9, 8));
  if (offset > static_cast<std::uint64_t>(INT32_MAX)) {
    return absl::InvalidArgumentError("page_token: offset out of range");
  }
  token.offset = static_cast<std::int64_t>(offset);
  token.index_id = raw.substr(kHeaderBytes);
  return token;
}

}  // namespace guru
