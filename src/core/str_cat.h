// StrCat and ToStd for std::string_view. Debian's Abseil is built with its own
// absl::string_view (not an alias of std::string_view), so absl::StrCat does
// not take our std::string_views; this small replacement takes both.
#ifndef GURU_CORE_STR_CAT_H_
#define GURU_CORE_STR_CAT_H_

#include <concepts>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace guru {
namespace str_cat_internal {

inline void Append(std::string& out, std::string_view piece) { out.append(piece); }
inline void Append(std::string& out, const std::string& piece) { out.append(piece); }
inline void Append(std::string& out, const char* piece) { out.append(piece); }
inline void Append(std::string& out, char piece) { out.push_back(piece); }
inline void Append(std::string& out, absl::string_view piece) {
  out.append(piece.data(), piece.size());
}
template <std::integral T>
requires(!std::same_as<T, char> && !std::same_as<T, bool>) void Append(std::string& out,
                                                                       T number) {
  out.append(std::to_string(number));
}

}  // namespace str_cat_internal

// The std view of an absl::string_view (e.g. absl::Status::message()).
inline std::string_view ToStd(absl::string_view view) {
  return std::string_view(view.data(), view.size());
}

// Concatenates strings, string views (std and absl), characters and
// integers.
template <typename... Pieces>
std::string StrCat(const Pieces&... pieces) {
  std::string out;
  (str_cat_internal::Append(out, pieces), ...);
  return out;
}

}  // namespace guru

#endif  // GURU_CORE_STR_CAT_H_
