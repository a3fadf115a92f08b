#include "core/safety_advice.h"

#include "core/str_cat.h"
#include "core/text.h"

namespace guru {

absl::StatusOr<SafetyAdvice> SafetyAdvice::Parse(std::string_view text,
                                                 std::string_view source) {
  SafetyAdvice advice;
  int number = 0;
  for (std::string_view rest = text; !rest.empty();) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = Trim(rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const auto error = [&](std::string_view what) {
      return absl::InvalidArgumentError(StrCat(source, ":", number, ": ", what));
    };
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) return error("expected `level = advice`");
    const std::string_view name = Trim(line.substr(0, equals));
    const std::string_view value = Trim(line.substr(equals + 1));
    std::string* slot = nullptr;
    for (SafetyLevel level : {SafetyLevel::kNone, SafetyLevel::kSeeDoctor,
                              SafetyLevel::kEmergency, SafetyLevel::kCrisis}) {
      if (SafetyLevelName(level) == name) {
        slot = &advice.by_level_[static_cast<std::size_t>(level)];
      }
    }
    if (slot == nullptr) {
      return error(
          StrCat("unknown level '", name, "' (none, see_doctor, emergency or crisis)"));
    }
    if (!slot->empty()) return error(StrCat("level '", name, "' given twice"));
    if (value.empty()) return error(StrCat("level '", name, "' has no advice text"));
    *slot = std::string(value);
  }
  return advice;
}

const std::string& SafetyAdvice::For(SafetyLevel level) const {
  return by_level_[static_cast<std::size_t>(level)];
}

}  // namespace guru
