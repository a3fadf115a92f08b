#include "core/aspect_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/query_text.h"

namespace guru {
namespace {

TEST(AspectModelTest, TheShippedModelParsesAndScoresAsItsTrainerDid) {
  const AspectModel& model = AspectModel::Builtin();
  ASSERT_FALSE(model.checks().empty()) << "data/aspects/model.txt has no check lines";
  for (const AspectModel::Check& check : model.checks()) {
    const AspectModel::Guess guess = model.Classify(check.message);
    EXPECT_EQ(guess.aspect, check.aspect) << check.message;
    EXPECT_NEAR(guess.probability, check.probability, 1e-5) << check.message;
  }
}

// Follow-ups in none of the training files, asked without their aspect's
// usual word. Trained on the conversation sets alone, the model read the
// first as "outlook" (0.67) and was unsure of the rest (0.25 to 0.59, or
// "treatment" for the last); the written follow-ups of seven voices
// (bench/conversation/aspects-train/) taught it these ways of asking.
TEST(AspectModelTest, TheShippedModelReadsAspectsAskedWithoutTheirUsualWord) {
  const AspectModel& model = AspectModel::Builtin();
  const std::pair<const char*, const char*> follow_ups[] = {
      {"will my kids end up with it", "inheritance"},
      {"is she going to be alright in the long run", "outlook"},
      {"what happens if we leave it", "complications"},
      {"do i take it before or after food", "dosage"},
  };
  for (const auto& [message, aspect] : follow_ups) {
    const AspectModel::Guess guess = model.Classify(message);
    EXPECT_EQ(guess.aspect, aspect) << message;
    EXPECT_GE(guess.probability, 0.5) << message;  // query_builder's kMinAspectGuess
  }
}

TEST(AspectModelTest, EveryClassIsAQuestionTypeOrNone) {
  const AspectModel& model = AspectModel::Builtin();
  for (const AspectModel::Check& check : model.checks()) {
    bool known = check.aspect == "none";
    for (const QuestionType& type : QuestionTypes()) known |= type.name == check.aspect;
    EXPECT_TRUE(known) << check.aspect;
  }
}

TEST(AspectModelTest, FeaturesAreLowerCasedWordsPairsBeginningsAndTheFirstWord) {
  const std::vector<std::string> features = AspectModel::Features("Is it TREATED?");
  EXPECT_EQ(features, (std::vector<std::string>{"b:is it", "b:it treated", "p:treat",
                                                "s:is", "w:is", "w:it", "w:treated"}));
  EXPECT_TRUE(AspectModel::Features(" ?! ").empty());
  // Bytes of other scripts are part of words, not separators; a beginning is
  // taken of ASCII words only (five letters are five bytes there).
  EXPECT_EQ(AspectModel::Features("naïve cafés"),
            (std::vector<std::string>{"b:naïve cafés", "s:naïve", "w:cafés", "w:naïve"}));
}

TEST(AspectModelTest, AMalformedFileSaysWhereAndWhat) {
  const absl::StatusOr<AspectModel> short_bias =
      AspectModel::Parse("class a\nclass b\nbias 0.5\n", "m.txt");
  ASSERT_FALSE(short_bias.ok());
  EXPECT_EQ(short_bias.status().message(), "m.txt:3: expected 2 numbers for the bias");
  const absl::StatusOr<AspectModel> bad_weight =
      AspectModel::Parse("class a\nbias 1\nfeature w:x\tone\n", "m.txt");
  ASSERT_FALSE(bad_weight.ok());
  EXPECT_EQ(bad_weight.status().message(),
            "m.txt:3: expected 1 weights for feature 'w:x'");
  EXPECT_FALSE(AspectModel::Parse("class a\nbias 1\ncheck 0.5\tb\thi\n", "m").ok());
  EXPECT_FALSE(AspectModel::Parse("# nothing\n", "m").ok());
  EXPECT_FALSE(AspectModel::Parse("class a\nbias 1\nfrobnicate x\n", "m").ok());
}

TEST(AspectModelTest, TheMostProbableClassWins) {
  const absl::StatusOr<AspectModel> model = AspectModel::Parse(
      "class treatment\nclass none\nbias 0 0\nfeature w:cure\t2 0\n", "m");
  ASSERT_TRUE(model.ok()) << model.status();
  const AspectModel::Guess cure = model->Classify("any cure?");
  EXPECT_EQ(cure.aspect, "treatment");
  EXPECT_NEAR(cure.probability, 1 / (1 + std::exp(-2.0)), 1e-12);
  EXPECT_EQ(model->Classify("hello").aspect, "treatment");  // A tie: the first.
  EXPECT_DOUBLE_EQ(model->Classify("hello").probability, 0.5);
}

}  // namespace
}  // namespace guru
