#include "server/safety_check.h"

#include "core/str_cat.h"
#include "io/read_file.h"

namespace guru {

absl::StatusOr<SafetyCheck> SafetyCheck::Load(const std::string& rules_file,
                                              const std::string& advice_file) {
  std::string rules_text(BuiltinSafetyRules());
  std::string rules_source = "built-in data/safety/rules.txt";
  if (!rules_file.empty()) {
    absl::StatusOr<std::string> text = ReadWholeFile("--safety-rules", rules_file);
    if (!text.ok()) return text.status();
    rules_text = *std::move(text);
    rules_source = StrCat("--safety-rules ", rules_file);
  }
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(rules_text, rules_source);
  if (!rules.ok()) return rules.status();
  SafetyAdvice advice;
  if (!advice_file.empty()) {
    absl::StatusOr<std::string> text = ReadWholeFile("--safety-advice", advice_file);
    if (!text.ok()) return text.status();
    absl::StatusOr<SafetyAdvice> parsed =
        SafetyAdvice::Parse(*text, StrCat("--safety-advice ", advice_file));
    if (!parsed.ok()) return parsed.status();
    advice = *std::move(parsed);
  }
  return SafetyCheck(*std::move(rules), std::move(advice));
}

v1::Safety SafetyCheck::Check(
    const std::string& query,
    const google::protobuf::RepeatedPtrField<std::string>& context, int max_turns) const {
  std::vector<std::string_view> turns = {query};
  for (const std::string& turn : context) {
    if (static_cast<int>(turns.size()) > max_turns) break;
    turns.emplace_back(turn);
  }
  const SafetyAssessment assessment = rules_.Assess(turns, turns_.get());
  v1::Safety safety;
  safety.set_level(static_cast<v1::SafetyLevel>(assessment.level));
  for (const SafetySignMatch& match : assessment.signs) {
    v1::SafetySign* sign = safety.add_signs();
    sign->set_code(match.code);
    sign->set_description(match.description);
    sign->set_turn(match.turn);
    sign->mutable_span()->set_start(static_cast<std::int32_t>(match.char_begin));
    sign->mutable_span()->set_end(static_cast<std::int32_t>(match.char_end));
  }
  safety.set_advice(advice_.For(assessment.level));
  return safety;
}

}  // namespace guru
