// The safety signal as the API returns it: the deployment's rules and advice
// (loaded once at start), applied to a request's message and context.
// Immutable after Load() but for the turns it remembers (a
// SafetyRules::TurnCache: a chat sends its earlier turns again with every
// message); Check() is thread-safe.
#ifndef GURU_SERVER_SAFETY_CHECK_H_
#define GURU_SERVER_SAFETY_CHECK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/safety.h"
#include "core/safety_advice.h"
#include "guru/v1/search.pb.h"

namespace guru {

// The bytes of data/safety/rules.txt as built into the binary.
std::string_view BuiltinSafetyRules();

class SafetyCheck {
 public:
  // Rules from `rules_file` (empty: the built-in copy) and advice from
  // `advice_file` (empty: none). INVALID_ARGUMENT naming the option, the
  // file and the line when one cannot be read or parsed.
  static absl::StatusOr<SafetyCheck> Load(const std::string& rules_file,
                                          const std::string& advice_file);

  // The assessment of `query` with its earlier turns (newest first, at most
  // the first `max_turns` of them), with the advice for its level.
  v1::Safety Check(const std::string& query,
                   const google::protobuf::RepeatedPtrField<std::string>& context,
                   int max_turns) const;

  const SafetyRules& rules() const { return rules_; }

 private:
  SafetyCheck(SafetyRules rules, SafetyAdvice advice)
      : rules_(std::move(rules)),
        advice_(std::move(advice)),
        turns_(std::make_unique<SafetyRules::TurnCache>()) {}

  SafetyRules rules_;
  SafetyAdvice advice_;
  // Owned here so that a SafetyCheck stays movable.
  std::unique_ptr<SafetyRules::TurnCache> turns_;
};

}  // namespace guru

#endif  // GURU_SERVER_SAFETY_CHECK_H_
