// The safety signal: whether a person's message (or their conversation)
// shows signs that need a doctor soon, emergency services now, or a crisis
// line. Decided from the words alone, before and apart from retrieval, from
// rules in a versioned data file (data/safety/rules.txt) that cite the
// published triage guidance each comes from. Not a diagnosis: a signal a
// chatbot can act on.
//
// SafetyRules is immutable after Parse(); Assess() is const and thread-safe,
// so one instance serves every thread of a server.
#ifndef GURU_CORE_SAFETY_H_
#define GURU_CORE_SAFETY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace guru {

// Ordered: a higher level is more urgent. Values match guru.v1.SafetyLevel.
enum class SafetyLevel { kNone = 1, kSeeDoctor = 2, kEmergency = 3, kCrisis = 4 };

// "none", "see_doctor", "emergency", "crisis" (as in the rules file and the
// metrics' labels).
std::string_view SafetyLevelName(SafetyLevel level);

// One recognised sign.
struct SafetySignMatch {
  std::string code;         // Stable rule id, e.g. "cardiac.chest_pain_radiating".
  std::string description;  // Plain words: "chest pain spreading to the arm".
  SafetyLevel level = SafetyLevel::kNone;
  // Where it was said: 0 = the newest message, n = the n-th earlier turn.
  int turn = 0;
  // [char_begin, char_end) in code points of that turn's text.
  std::size_t char_begin = 0;
  std::size_t char_end = 0;
};

struct SafetyAssessment {
  // The most urgent level among the signs; kNone when there are none.
  SafetyLevel level = SafetyLevel::kNone;
  // Most urgent first; each rule at most once (its newest occurrence).
  std::vector<SafetySignMatch> signs;
};

class SafetyRules {
 public:
  // Parses the rules file's text. INVALID_ARGUMENT naming `source` and the
  // line of the first error.
  static absl::StatusOr<SafetyRules> Parse(std::string_view text,
                                           std::string_view source);

  // What the matcher and the learned signals read of one turn on its own
  // (defined in safety.cc).
  struct TurnReading;

  // Remembers how turns were read, for the next messages of their
  // conversations: a chatbot sends every earlier turn again with each new
  // message, and reading a turn is most of an assessment's cost. Holds
  // readings of the SafetyRules it was last used with (using it with others
  // forgets them), and keeps those rules alive while it holds them. Bounded:
  // two generations of readings of about kBytesPerGeneration each (a
  // question's reading takes about 4 KB, so some 2,000 turns a generation),
  // of turns of up to kMaxTurnBytes (longer ones are read every time).
  // Thread-safe.
  class TurnCache {
   public:
    static constexpr std::size_t kBytesPerGeneration = std::size_t{8} << 20;
    static constexpr std::size_t kMaxTurnBytes = 1024;

    TurnCache();
    ~TurnCache();
    TurnCache(const TurnCache&) = delete;
    TurnCache& operator=(const TurnCache&) = delete;

    // Turns held, for tests.
    std::size_t size() const;

   private:
    friend class SafetyRules;
    struct Impl;
    std::unique_ptr<Impl> impl_;
  };

  // Assesses a conversation: `turns[0]` is the newest message, `turns[n]`
  // the n-th earlier one. Signs in different turns can add up ("my chest
  // feels tight" then "now my left arm is numb"). `cache` (may be null)
  // recalls turns read before and keeps those read now; the assessment is
  // the same with or without it.
  SafetyAssessment Assess(const std::vector<std::string_view>& turns,
                          TurnCache* cache = nullptr) const;

  // What the learned signals ('model' blocks) read of one sentence: its
  // features, sorted, and whether the cues switch the whole sentence off (a
  // signal does not fire there, though its neighbours read it).
  struct LearnedSentence {
    bool guarded = false;
    std::vector<std::string> features;
  };
  // What the learned signals read of a conversation, by turn and sentence.
  // For training them (bench/safety/train_learned.py reads these through
  // guru-safety-eval --features), so that training and serving share one
  // definition.
  std::vector<std::vector<LearnedSentence>> LearnedFeatures(
      const std::vector<std::string_view>& turns) const;

  // The file's declared version, e.g. "2026-12-01.1".
  const std::string& version() const;
  // Number of rules.
  std::size_t size() const;

  SafetyRules(SafetyRules&&) noexcept;
  SafetyRules& operator=(SafetyRules&&) noexcept;
  ~SafetyRules();

 private:
  struct Data;
  explicit SafetyRules(std::shared_ptr<const Data> data);
  // The reading of one turn, from `cache` when it holds it.
  std::shared_ptr<const TurnReading> Read(std::string_view text, TurnCache* cache) const;
  std::shared_ptr<const Data> data_;
};

}  // namespace guru

#endif  // GURU_CORE_SAFETY_H_
