// What a deployment tells people at each safety level (its emergency number,
// its crisis line, its urgent-care service), read from a small text file so
// that no country is built in. Immutable after Parse(); thread-safe.
#ifndef GURU_CORE_SAFETY_ADVICE_H_
#define GURU_CORE_SAFETY_ADVICE_H_

#include <array>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/safety.h"

namespace guru {

class SafetyAdvice {
 public:
  // No advice for any level.
  SafetyAdvice() = default;

  // `level = text` lines, levels named as SafetyLevelName() names them
  // ("emergency", "crisis", "see_doctor", "none"); `#` starts a comment
  // line; a level given twice, an unknown level or an empty text is
  // INVALID_ARGUMENT naming `source` and the line.
  static absl::StatusOr<SafetyAdvice> Parse(std::string_view text,
                                            std::string_view source);

  // The advice for `level`; empty when the file gives none.
  const std::string& For(SafetyLevel level) const;

 private:
  std::array<std::string, 5> by_level_;  // Indexed by the level's value.
};

}  // namespace guru

#endif  // GURU_CORE_SAFETY_ADVICE_H_
