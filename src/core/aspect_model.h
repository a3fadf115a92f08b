// A learned guess at what a follow-up asks about its subject ("what can he do
// so there isn't a second one" asks for prevention), for when none of its
// words is one of QuestionTypes()' cues: people ask in more ways than a list
// of phrases holds. A multinomial logistic regression over the message's
// words, word pairs and word beginnings, trained by
// bench/conversation/train_aspects.py into data/aspects/model.txt, which is
// built into the binary (Builtin()).
//
// Immutable after Parse(); thread-safe.
#ifndef GURU_CORE_ASPECT_MODEL_H_
#define GURU_CORE_ASPECT_MODEL_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace guru {

class AspectModel {
 public:
  // The most probable class of a message: an aspect named as
  // QuestionTypes() names them, or "none" (an overview, or no aspect).
  struct Guess {
    std::string_view aspect;  // Points into the model; empty if it has no classes.
    double probability = 0;
  };
  // A message and what the trainer's own scoring gave it, kept in the model
  // file so that tests can show this code scores as the trainer did.
  struct Check {
    std::string message;
    std::string aspect;
    double probability = 0;
  };

  // The model file's lines (see train_aspects.py); a malformed line is
  // INVALID_ARGUMENT naming `source`, the line and what is wrong.
  static absl::StatusOr<AspectModel> Parse(std::string_view text,
                                           std::string_view source);

  // The shipped model, parsed on first use. Its tests keep it parseable; were
  // it not, this is an empty model, which guesses nothing.
  static const AspectModel& Builtin();

  Guess Classify(std::string_view message) const;

  const std::vector<Check>& checks() const { return checks_; }

  // The features of a message, as the trainer computes them: lower-cased
  // words ("w:"), adjacent pairs ("b:"), the first word ("s:") and the first
  // five letters of longer ASCII words ("p:"), each once.
  static std::vector<std::string> Features(std::string_view message);

 private:
  std::vector<std::string> classes_;
  std::vector<double> bias_;
  std::unordered_map<std::string, std::vector<double>> weights_;
  std::vector<Check> checks_;
};

}  // namespace guru

#endif  // GURU_CORE_ASPECT_MODEL_H_
