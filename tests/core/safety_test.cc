#include "core/safety.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/str_cat.h"
#include "support/temp_dir.h"

namespace guru {
namespace {

using ::testing::HasSubstr;

// A small rules file that exercises each part of the format.
constexpr std::string_view kSmallRules = R"(# test rules
version 7
@_negation = no | not | without | denies | never
@_negation_stop = and | but
@_history = years ago | as a child
@_hypothetical = if
@_information = what are the signs of
@_new_subject = i | my
@_figure = killing me
@_not_cue = not sure
@chest = chest
@pain = pain | hurts | tight
@arm = arm
  | jaw
@numb = numb | dead
@fever = fever | temperature of {38-43}
@baby = {0-12} weeks old | newborn
@die = want to * die

rule cardiac.chest_arm emergency
  description chest pain with a numb arm
  source NHS
  match @chest @pain within 4 + @arm @numb within 3

rule paediatric.baby_fever emergency
  description a fever in a young baby
  source NICE NG143
  match @baby + @fever

rule crisis.die crisis
  description wanting to die
  source Samaritans
  match @die
  match "kill myself"

rule cardiac.chest_pain see_doctor
  description chest pain
  source NHS
  match @chest @pain within 4
)";

SafetyRules Small() {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(kSmallRules, "small.txt");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return *std::move(rules);
}

SafetyLevel LevelOf(const SafetyRules& rules, std::vector<std::string_view> turns) {
  return rules.Assess(turns).level;
}

TEST(SafetyParseTest, ReadsTheFormat) {
  SafetyRules rules = Small();
  EXPECT_EQ(rules.version(), "7");
  EXPECT_EQ(rules.size(), 4u);
  EXPECT_EQ(SafetyLevelName(SafetyLevel::kSeeDoctor), "see_doctor");
  EXPECT_EQ(SafetyLevelName(SafetyLevel::kCrisis), "crisis");
}

TEST(SafetyParseTest, ErrorsNameSourceAndLine) {
  auto error = [](std::string_view text) {
    return std::string(SafetyRules::Parse(text, "r.txt").status().message());
  };
  EXPECT_THAT(error("@a = b\n"),
              HasSubstr("r.txt:1: the 'version' line must come first"));
  EXPECT_THAT(error("version 1\n\nrule bad emergency\n"),
              HasSubstr("r.txt:3: bad rule code 'bad'"));
  EXPECT_THAT(error("version 1\nrule a.b urgent\n"),
              HasSubstr("r.txt:2: bad level 'urgent'"));
  EXPECT_THAT(
      error("version 1\nrule a.b crisis\n  description x\n  source y\n  match @nope\n"),
      HasSubstr("r.txt:5: unknown group '@nope'"));
  EXPECT_THAT(error("version 1\n@a = b | \n"),
              HasSubstr("r.txt:2: member '' has no words"));
  EXPECT_THAT(error("version 1\n@a = b\n@a = c\n"),
              HasSubstr("r.txt:3: group '@a' is defined twice"));
  EXPECT_THAT(error("version 1\n@_bogus = b\n"),
              HasSubstr("r.txt:2: unknown reserved group"));
  EXPECT_THAT(error("version 1\n@a = {40-38} c\n"),
              HasSubstr("r.txt:2: bad number range"));
  EXPECT_THAT(error("version 1\n@a = * b\n"),
              HasSubstr("r.txt:2: member '* b' starts or ends"));
  EXPECT_THAT(error("version 1\nrule a.b crisis\n  description x\n  match a within 0\n"),
              HasSubstr("r.txt:4: 'within' needs a number"));
  EXPECT_THAT(
      error("version 1\nrule a.b crisis\n  description x\n  match a\nrule a.c crisis\n"),
      HasSubstr("r.txt:2: rule 'a.b' has no 'source' line"));
  EXPECT_THAT(error("version 1\nrule a.b crisis\n  description x\n  source y\n  match a\n"
                    "rule a.b crisis\n"),
              HasSubstr("r.txt:6: rule 'a.b' is defined twice (first at line 2)"));
  EXPECT_THAT(error("version 1\n  match a\n"),
              HasSubstr("r.txt:2: 'match' outside a rule"));
  EXPECT_THAT(error("version 1\nfrobnicate\n"),
              HasSubstr("r.txt:2: unknown keyword 'frobnicate'"));
  EXPECT_THAT(error("version 1\n| a\n"), HasSubstr("r.txt:2: a '|' line must continue"));
  EXPECT_THAT(error("# nothing\n"), HasSubstr("r.txt: no 'version' line"));
  EXPECT_THAT(error("version 1\n@a = b\n"), HasSubstr("r.txt: no rules"));
  const std::string rule =
      "version 1\n@a = a\n@b = b\n@_figure = f\nrule a.b crisis\n"
      "  description x\n  source y\n";
  EXPECT_THAT(error(rule + "  field @a @nope about @b\n"),
              HasSubstr("r.txt:8: unknown group '@nope'"));
  EXPECT_THAT(error(rule + "  field @a @b about\n"),
              HasSubstr("r.txt:8: 'about' needs a @group"));
  EXPECT_THAT(error(rule + "  field @a word\n"),
              HasSubstr("r.txt:8: expected a @group in field, got 'word'"));
  EXPECT_THAT(error(rule + "  field @a @_figure\n"),
              HasSubstr("r.txt:8: reserved group '@_figure' in a field"));
  EXPECT_THAT(error(rule + "  field @a @a\n"),
              HasSubstr("r.txt:8: group '@a' named twice in field"));
  EXPECT_THAT(error(rule + "  field @a @b need 3\n"), HasSubstr("r.txt:8: bad 'need'"));
  EXPECT_THAT(error(rule + "  field @a @b reach 4\n"), HasSubstr("r.txt:8: bad 'reach'"));
  EXPECT_THAT(error(rule + "  field @a\n"),
              HasSubstr("r.txt:8: field needs more groups than it names"));
  EXPECT_THAT(error(rule + "  field @a @b asked asked\n"),
              HasSubstr("r.txt:8: 'asked' named twice in field"));
  EXPECT_THAT(error(rule + "  field @a @b across need\n"),
              HasSubstr("r.txt:8: bad 'need'"));
  EXPECT_THAT(error("version 1\n@a = a\n  field @a\n"),
              HasSubstr("r.txt:3: 'field' outside a rule"));
}

// A 'field' line: `need` of its groups in a sentence and its neighbours
// (`reach`), about the subject group; hypotheticals do not switch field
// words off, every other cue does.
TEST(SafetyParseTest, FieldLines) {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(R"(version 1
@_negation = not
@_hypothetical = if
@_history = years ago
@_figure = dead tired
@self = i | me | my
@end = dead | gone
@burden = burden | drain
@means = bridge | rope
@tool = razor
@urge = relapsed
rule crisis.field crisis
  description field
  source test
  field @end @burden @means about @self need 2 reach 1
rule crisis.anyone crisis
  description no subject
  source test
  field @tool @urge need 2 reach 0
)",
                                                         "f.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->size(), 2u);
  auto level = [&](std::vector<std::string_view> turns) {
    return rules->Assess(turns).level;
  };
  EXPECT_EQ(level({"I'm a drain, they'd be fine if I was gone"}), SafetyLevel::kCrisis);
  // Three sentences apart: out of reach.
  EXPECT_EQ(level({"I'm a burden. Fine. Nothing else. I keep looking at the bridge"}),
            SafetyLevel::kNone);
  EXPECT_EQ(level({"I'm a burden. I keep looking at the bridge"}), SafetyLevel::kCrisis);
  EXPECT_EQ(level({"the burden of the bridge toll"}), SafetyLevel::kNone);  // No subject.
  EXPECT_EQ(level({"I'm not a burden and I'm not gone"}), SafetyLevel::kNone);
  EXPECT_EQ(level({"I was a burden years ago, I'm dead tired"}), SafetyLevel::kNone);
  EXPECT_EQ(level({"my rope and my bridge"}), SafetyLevel::kNone);  // One field.
  EXPECT_EQ(level({"relapsed, used the razor"}), SafetyLevel::kCrisis);
  EXPECT_EQ(level({"relapsed. used the razor"}), SafetyLevel::kNone);  // reach 0.
  // A field is one turn: signs in other turns do not add up.
  EXPECT_EQ(level({"I'm a burden", "I keep looking at the bridge"}), SafetyLevel::kNone);
  SafetyAssessment hit = rules->Assess({"ok. I am a drain, if I was gone"});
  ASSERT_EQ(hit.signs.size(), 1u);
  EXPECT_EQ(hit.signs[0].code, "crisis.field");
  EXPECT_EQ(hit.signs[0].char_begin, 11u);  // From "drain" to "gone".
  EXPECT_EQ(hit.signs[0].char_end, 31u);
}

// 'asked': a question or hypothetical does not switch the field's words off,
// a topic anywhere in its sentences does; 'across': groups in different
// turns add up, with the subject beside at least one of them.
TEST(SafetyParseTest, AskedAndAcrossFields) {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(R"(version 1
@_negation = not | isn't
@_information = what is the | how much
@_information_topic = exam
@self = i | i'm | me | my
@lethal = lethal | fatal
@method = antifreeze | lithium
@end = gone | disappear
@burden = burden
@means = garage | rope
rule crisis.method crisis
  description asked
  source test
  field @lethal @method about @self need 2 reach 1 asked
rule crisis.field crisis
  description across
  source test
  field @end @burden @means about @self need 2 reach 0 across
)",
                                                         "f.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  auto level = [&](std::vector<std::string_view> turns) {
    return rules->Assess(turns).level;
  };
  EXPECT_EQ(level({"what is the lethal amount of antifreeze. I need to know"}),
            SafetyLevel::kCrisis);
  EXPECT_EQ(level({"how much of my lithium would be fatal"}), SafetyLevel::kCrisis);
  // A topic in a neighbouring sentence guards an asked field; so does negation.
  EXPECT_EQ(level({"what is the lethal amount of antifreeze? I have an exam"}),
            SafetyLevel::kNone);
  // "is not" is read as "isn't", also as the first such pair of a message.
  EXPECT_EQ(level({"my lithium is not lethal"}), SafetyLevel::kNone);
  EXPECT_EQ(level({"my lithium isn't lethal"}), SafetyLevel::kNone);
  EXPECT_EQ(level({"what is the lethal amount of antifreeze"}),
            SafetyLevel::kNone);  // No subject.
  // Across turns: hopelessness in one, the means in another.
  SafetyAssessment across = rules->Assess({"how long in my garage", "I'm a burden"});
  EXPECT_EQ(across.level, SafetyLevel::kCrisis);
  ASSERT_EQ(across.signs.size(), 1u);
  EXPECT_EQ(across.signs[0].turn, 0);  // Reported in the newest turn that counted.
  // The subject beside one of them is enough: every turn is the writer's.
  EXPECT_EQ(level({"how long in the garage", "I'm a burden"}), SafetyLevel::kCrisis);
  EXPECT_EQ(level({"how long in the garage", "what a burden"}), SafetyLevel::kNone);
  EXPECT_EQ(level({"my garage", "my rope"}), SafetyLevel::kNone);  // One group.
}

TEST(SafetyMatchTest, WindowsCrossTurnsAndNumbers) {
  SafetyRules rules = Small();
  EXPECT_EQ(LevelOf(rules, {"my chest hurts and my left arm is numb"}),
            SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(rules, {"my chest hurts"}), SafetyLevel::kSeeDoctor);
  // Signs add up across turns; the sign is reported where its newest part was said.
  SafetyAssessment across = rules.Assess({"now my arm is numb", "my chest feels tight"});
  EXPECT_EQ(across.level, SafetyLevel::kEmergency);
  ASSERT_FALSE(across.signs.empty());
  EXPECT_EQ(across.signs[0].code, "cardiac.chest_arm");
  EXPECT_EQ(across.signs[0].turn, 0);
  EXPECT_EQ(across.signs[0].char_begin, 7u);  // "arm is numb"
  EXPECT_EQ(across.signs[0].char_end, 18u);
  // Number ranges and the decimal point.
  EXPECT_EQ(LevelOf(rules, {"newborn with a temperature of 38.4"}),
            SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(rules, {"newborn with a temperature of 37.9"}), SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(rules, {"she is 6 weeks old", "fever since this morning"}),
            SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(rules, {"she is 14 weeks old and has a fever"}), SafetyLevel::kNone);
  // '*' skips words; literals in a match line.
  EXPECT_EQ(LevelOf(rules, {"I want to just die"}), SafetyLevel::kCrisis);
  EXPECT_EQ(LevelOf(rules, {"I want to kill myself"}), SafetyLevel::kCrisis);
}

// A window counts from the first term to where the last one starts, for
// terms in the rule's order: a long phrase has the same room as a word. In
// another order the whole span must fit.
TEST(SafetyMatchTest, WindowCountsToTheLastTermsFirstWord) {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(R"(version 1
@wish = want to
@end = go to sleep and never wake up | die
rule crisis.intent crisis
  description a wish to die
  source Samaritans
  match @wish @end within 4
)",
                                                         "w.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  // Eight words from "want" to "up", but "go" is the third word.
  EXPECT_EQ(LevelOf(*rules, {"I want to go to sleep and never wake up"}),
            SafetyLevel::kCrisis);
  EXPECT_EQ(LevelOf(*rules, {"I want to quietly die"}), SafetyLevel::kCrisis);
  EXPECT_EQ(LevelOf(*rules, {"I want to see my grandchildren before I die"}),
            SafetyLevel::kNone);
  // Out of order: "die" to "to" is five words, more than four.
  EXPECT_EQ(LevelOf(*rules, {"thought I'd die lol, really want to get fitter"}),
            SafetyLevel::kNone);
}

TEST(SafetyMatchTest, CuesSwitchSignsOff) {
  SafetyRules rules = Small();
  EXPECT_EQ(LevelOf(rules, {"no chest pain"}), SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(rules, {"denies chest pain"}), SafetyLevel::kNone);
  // Negation stops at a clause or a stop word, and 'not sure' is no negation.
  EXPECT_EQ(LevelOf(rules, {"no fever, chest pain"}), SafetyLevel::kSeeDoctor);
  EXPECT_EQ(LevelOf(rules, {"I have no fever and my chest hurts"}),
            SafetyLevel::kSeeDoctor);
  EXPECT_EQ(LevelOf(rules, {"not sure why chest pain"}), SafetyLevel::kSeeDoctor);
  EXPECT_EQ(LevelOf(rules, {"chest pain years ago"}), SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(rules, {"if I get chest pain"}), SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(rules, {"what are the signs of chest pain"}), SafetyLevel::kNone);
  // A new subject after a clause break ends the question's reach.
  EXPECT_EQ(LevelOf(rules, {"what are the signs of a heart attack, my chest hurts"}),
            SafetyLevel::kSeeDoctor);
  // Negation does not leak into the next sentence.
  EXPECT_EQ(LevelOf(rules, {"No fever. Chest pain."}), SafetyLevel::kSeeDoctor);
}

TEST(SafetyMatchTest, TyposStemsAndSpansInCodePoints) {
  SafetyRules rules = Small();
  // "temprature" is one letter off "temperature" (10 letters: up to 2).
  EXPECT_EQ(LevelOf(rules, {"newborn, temprature of 39"}), SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(rules, {"chest paining me"}), SafetyLevel::kSeeDoctor);  // pain-ing
  SafetyAssessment accented = rules.Assess({"Señora José: chest pain ✓"});
  ASSERT_EQ(accented.signs.size(), 1u);
  EXPECT_EQ(accented.signs[0].char_begin, 13u);
  EXPECT_EQ(accented.signs[0].char_end, 23u);
}

TEST(SafetyMatchTest, GoneWithAStateMeansBecame) {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(R"(version 1
@_negation_after = has gone | went away
@_negation_stop = and
@_became = numb | tingly | blue
@arm = arm
@pain = pain
rule a.arm emergency
  description x
  source y
  match @arm
rule a.pain see_doctor
  description x
  source y
  match @pain
)",
                                                         "became.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(LevelOf(*rules, {"my arm has gone numb"}), SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(*rules, {"my arm has gone all tingly"}), SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(*rules, {"my arm has gone"}), SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(*rules, {"the pain has gone now"}), SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(*rules, {"the pain went away"}), SafetyLevel::kNone);
  // A state after a stop word or in the next clause is not what became.
  EXPECT_EQ(LevelOf(*rules, {"the pain has gone and numb"}), SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(*rules, {"the pain has gone, blue"}), SafetyLevel::kNone);
}

TEST(SafetyMatchTest, NumberWordsAndSpokenForms) {
  SafetyRules rules = Small();
  EXPECT_EQ(LevelOf(rules, {"newborn with a temperature of thirty-eight point four"}),
            SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(rules, {"newborn with a temperature of thirty eight"}),
            SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(rules, {"newborn with a temperature of thirty seven point nine"}),
            SafetyLevel::kNone);
  EXPECT_EQ(LevelOf(rules, {"she is six weeks old", "fever"}), SafetyLevel::kEmergency);
  EXPECT_EQ(LevelOf(rules, {"she is fourteen weeks old", "fever"}), SafetyLevel::kNone);
  // "wanna" is "want to"; the span covers what was written.
  SafetyAssessment wanna = rules.Assess({"i wanna just die"});
  EXPECT_EQ(wanna.level, SafetyLevel::kCrisis);
  ASSERT_FALSE(wanna.signs.empty());
  EXPECT_EQ(wanna.signs[0].char_begin, 2u);
  EXPECT_EQ(wanna.signs[0].char_end, 16u);
}

// A learned signal: a 'model' block after the rules.
constexpr std::string_view kModelRules = R"(version 1
@pain = pain
rule a.pain see_doctor
  description pain
  source s
  match @pain
model crisis.learned crisis
  description learned words
  source trained by hand
  bias -2
  threshold 0.5
  weight w:hopeless 1.5
  weight b:no_way 1.0
  weight c:<fu 0.2
  weight p:i 0.6
)";

TEST(SafetyParseTest, ModelBlock) {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(kModelRules, "m.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->size(), 1u);  // The model is not a rule.
  // -2 + 1.5 (hopeless) + 0.6 (I) = 0.1: p 0.52.
  SafetyAssessment a = rules->Assess({"some pain. I feel hopeless"});
  EXPECT_EQ(a.level, SafetyLevel::kCrisis);
  ASSERT_EQ(a.signs.size(), 2u);
  EXPECT_EQ(a.signs[0].code, "crisis.learned");
  EXPECT_EQ(a.signs[0].description, "learned words");
  EXPECT_EQ(a.signs[0].char_begin, 11u);  // The sentence "I feel hopeless".
  EXPECT_EQ(a.signs[0].char_end, 26u);
  // Without "I": 0.38, under the threshold.
  EXPECT_EQ(rules->Assess({"feels hopeless"}).level, SafetyLevel::kNone);
  // Up to three words after a negation in its clause a word is "!hopeless",
  // which has no weight; a comma ends the negation's reach.
  EXPECT_EQ(rules->Assess({"I don't feel hopeless"}).level, SafetyLevel::kNone);
  EXPECT_EQ(rules->Assess({"I don't know, I feel hopeless"}).level, SafetyLevel::kCrisis);
  EXPECT_EQ(rules->Assess({"not that I know of but I feel so hopeless"}).level,
            SafetyLevel::kCrisis);
  // Every turn is read, as the rules read them.
  EXPECT_EQ(rules->Assess({"ok", "I am hopeless"}).level, SafetyLevel::kCrisis);
  EXPECT_EQ(rules->Assess({"ok", "ok", "I am hopeless"}).level, SafetyLevel::kCrisis);
  // Threshold 1: off.
  std::string off(kModelRules);
  off.replace(off.find("threshold 0.5"), 13, "threshold 1");
  EXPECT_EQ(SafetyRules::Parse(off, "m.txt")->Assess({"I am hopeless"}).level,
            SafetyLevel::kNone);

  auto error = [](std::string_view text) {
    absl::StatusOr<SafetyRules> parsed = SafetyRules::Parse(text, "m.txt");
    return parsed.ok() ? std::string("ok") : std::string(parsed.status().message());
  };
  const std::string head =
      "version 1\nrule a.b crisis\n  description d\n  source s\n  match x\n";
  EXPECT_THAT(error(head + "model crisis.learned crisis\n  description d\n  source s\n"
                           "  bias 0\n  threshold 0.5\n  weight w:x one\n"),
              HasSubstr("m.txt:11: expected 'weight FEATURE NUMBER'"));
  EXPECT_THAT(error(head + "model crisis.learned crisis\n  description d\n  source s\n"
                           "  bias 0\n  threshold 2\n"),
              HasSubstr("m.txt:10: 'threshold' needs a probability"));
  EXPECT_THAT(error(head + "model crisis.learned crisis\n  description d\n  source s\n"
                           "  threshold 0.5\n"),
              HasSubstr("m.txt:6: model 'crisis.learned' has no 'bias' line"));
  EXPECT_THAT(error(head + "model crisis.learned crisis\n  description d\n  source s\n"
                           "  bias 0\n  threshold 0.5\n  weight w:x 1\n  weight w:x 2\n"),
              HasSubstr("m.txt:12: feature 'w:x' weighted twice"));
  EXPECT_THAT(error(head + "model crisis.learned urgent\n"),
              HasSubstr("m.txt:6: bad level 'urgent'"));
  EXPECT_THAT(error(head + "  bias 0\n"), HasSubstr("m.txt:6: 'bias' outside a model"));
  const std::string model =
      "model crisis.learned crisis\n  description d\n  source s\n"
      "  bias 0\n  threshold 0.5\n";
  EXPECT_THAT(
      error(head + model + model),
      HasSubstr("m.txt:11: a second model 'crisis.learned' (the first at line 6)"));
}

// What the learned signals read: by turn and sentence, words, word pairs,
// character 4-grams, a first-person marker and the switched-on concepts.
TEST(SafetyParseTest, LearnedFeatures) {
  std::string text(kModelRules);
  text.insert(text.find("@pain"), "@_negation = no\n");
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(text, "m.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  const auto features =
      rules->LearnedFeatures({"some pain. I feel hopeless", "no pain", "x"});
  ASSERT_EQ(features.size(), 3u);  // Every turn.
  ASSERT_EQ(features[0].size(), 2u);
  EXPECT_FALSE(features[0][0].guarded);
  EXPECT_THAT(features[0][0].features,
              ::testing::IsSupersetOf({"w:some", "w:pain", "b:some_pain", "c:<pai",
                                       "c:ain>", "k:pain", "r:a.pain"}));
  EXPECT_THAT(features[0][0].features, ::testing::Not(::testing::Contains("p:i")));
  EXPECT_THAT(features[0][1].features,
              ::testing::IsSupersetOf({"w:i", "w:hopeless", "p:i"}));
  // Negated: the word is marked, the concept switched off, the cue seen.
  EXPECT_THAT(features[1][0].features,
              ::testing::IsSupersetOf({"w:!pain", "q:_negation"}));
  EXPECT_THAT(features[1][0].features, ::testing::Not(::testing::Contains("k:pain")));
}

// kModelRules and a second block: its 'model' line's fields and one weight.
std::string WithSecondBlock(std::string_view model, std::string_view weight) {
  return StrCat(kModelRules, "model ", model,
                "\n  description d\n  source trained by hand\n  bias -2\n"
                "  threshold 0.5\n  weight ",
                weight, "\n");
}

// A veto reads the sentences where its level's rules matched and drops their
// signs when a false alarm is likely enough; it never adds a sign.
TEST(SafetyParseTest, VetoBlock) {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(
      WithSecondBlock("see_doctor.false_alarm see_doctor veto", "w:novel 3"), "m.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->Assess({"some pain"}).level, SafetyLevel::kSeeDoctor);
  // -2 + 3 (novel): p 0.73, a false alarm.
  EXPECT_EQ(rules->Assess({"the pain in my novel"}).level, SafetyLevel::kNone);
  // Only the sentences where the rule matched are read, in any turn.
  EXPECT_EQ(rules->Assess({"some pain. a novel"}).level, SafetyLevel::kSeeDoctor);
  EXPECT_EQ(rules->Assess({"ok", "the pain in my novel"}).level, SafetyLevel::kNone);
  // A veto does not switch the other signals off.
  SafetyAssessment both = rules->Assess({"I feel hopeless in my novel pain"});
  EXPECT_EQ(both.level, SafetyLevel::kCrisis);
  ASSERT_EQ(both.signs.size(), 1u);
  EXPECT_EQ(both.signs[0].code, "crisis.learned");
}

// Each model block is its own signal, at its own level.
TEST(SafetyParseTest, TwoModelBlocks) {
  absl::StatusOr<SafetyRules> rules = SafetyRules::Parse(
      WithSecondBlock("emergency.learned emergency", "w:blue 2.5"), "m.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  SafetyAssessment blue = rules->Assess({"his lips are blue"});
  EXPECT_EQ(blue.level, SafetyLevel::kEmergency);
  ASSERT_EQ(blue.signs.size(), 1u);
  EXPECT_EQ(blue.signs[0].code, "emergency.learned");
  // Both fire: the crisis sign first (signs are sorted by level).
  SafetyAssessment both = rules->Assess({"I feel hopeless. his lips are blue"});
  EXPECT_EQ(both.level, SafetyLevel::kCrisis);
  ASSERT_EQ(both.signs.size(), 2u);
  EXPECT_EQ(both.signs[0].code, "crisis.learned");
  EXPECT_EQ(both.signs[1].code, "emergency.learned");
}

// The shipped rules file.
class SafetyShippedRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string text =
        testing::ReadFile(testing::SourcePath("data/safety/rules.txt"));
    ASSERT_FALSE(text.empty());
    absl::StatusOr<SafetyRules> parsed = SafetyRules::Parse(text, "rules.txt");
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    rules_ = new SafetyRules(*std::move(parsed));
    // The learned blocks follow this line.
    const std::size_t learned = text.find(
        "\n# ------------------------------------------------"
        "---------------- learned");
    ASSERT_NE(learned, std::string::npos);
    absl::StatusOr<SafetyRules> alone =
        SafetyRules::Parse(text.substr(0, learned), "rules.txt");
    ASSERT_TRUE(alone.ok()) << alone.status();
    rules_alone_ = new SafetyRules(*std::move(alone));
  }
  static void TearDownTestSuite() {
    delete rules_;
    rules_ = nullptr;
    delete rules_alone_;
    rules_alone_ = nullptr;
  }
  static SafetyLevel Level(std::string_view message,
                           std::vector<std::string_view> context = {}) {
    std::vector<std::string_view> turns = {message};
    turns.insert(turns.end(), context.begin(), context.end());
    return rules_->Assess(turns).level;
  }
  // The level the phrase rules and fields give without the learned blocks
  // (which bench/safety.sh measures, not these tests).
  static SafetyLevel RulesLevel(std::string_view message,
                                std::vector<std::string_view> context = {}) {
    std::vector<std::string_view> turns = {message};
    turns.insert(turns.end(), context.begin(), context.end());
    return rules_alone_->Assess(turns).level;
  }
  static SafetyRules* rules_;
  static SafetyRules* rules_alone_;
};
SafetyRules* SafetyShippedRulesTest::rules_ = nullptr;
SafetyRules* SafetyShippedRulesTest::rules_alone_ = nullptr;

TEST_F(SafetyShippedRulesTest, Parses) {
  EXPECT_FALSE(rules_->version().empty());
  EXPECT_GE(rules_->size(), 40u);
}

TEST_F(SafetyShippedRulesTest, EmergencyCategories) {
  for (std::string_view message : {
           "crushing pain in my chest that goes down my left arm",
           "my husband's face has dropped on one side and his speech is slurred",
           "worst headache of my life came on suddenly while lifting",
           "my son's lips are going blue and he can't finish a sentence",
           "my throat is closing up after eating prawns",
           "my toddler has a rash that doesn't fade when I press a glass on it",
           "my 5 week old baby has a temperature of 38.3",
           "my daughter swallowed a button battery",
           "he hit his head on the kerb and has been sick three times",
           "her seizure has been going on for 7 minutes",
           "suddenly lost the vision in my left eye, like a curtain",
           "sudden agonising pain in my left testicle",
           "type 1, blood sugar is high, ketones and I keep vomiting",
           "he has been out in the heat all day and now he is confused and has stopped "
           "sweating",
           "my son is choking and can't breathe",
           "the cut on his leg is spurting blood and won't stop",
           "I'm 8 weeks pregnant with bleeding and shoulder tip pain",
           "back pain and now I can't control my bladder",
           "my wife collapsed and is not breathing",
           "took 30 paracetamol this morning",
           "I've got a high temperature on chemo and feel awful",
       }) {
    EXPECT_GE(Level(message), SafetyLevel::kEmergency) << message;
  }
}

TEST_F(SafetyShippedRulesTest, CrisisIncludingIndirect) {
  for (std::string_view message :
       {"I want to kill myself", "I don't want to be here anymore",
        "everyone would be better off without me", "I've been saving up my pills",
        "I'm feeling sucidal again", "I've started cutting myself again",
        "my brother said he wants to end his life", "I can't go on like this",
        "there is no point in living anymore"}) {
    EXPECT_EQ(Level(message), SafetyLevel::kCrisis) << message;
  }
  // CRISIS wins over EMERGENCY.
  SafetyAssessment both =
      rules_->Assess({"I took an overdose on purpose and now my chest is crushing"});
  EXPECT_EQ(both.level, SafetyLevel::kCrisis);
  ASSERT_GE(both.signs.size(), 2u);
  EXPECT_EQ(both.signs[0].level, SafetyLevel::kCrisis);
  EXPECT_GE(both.signs[1].level, SafetyLevel::kEmergency);
}

// Indirect crisis talk, written from the Samaritans, 988/SAMHSA, NHS, WHO
// and NICE NG225 warning-sign lists (burden, entrapment, method, farewells,
// final acts, stated intent), and look-alikes that must stay below CRISIS.
TEST_F(SafetyShippedRulesTest, CrisisSemanticField) {
  for (
      std::string_view message : {
          "My family would be better off without me around, I've been thinking about the "
          "tablets in the drawer",
          "I'm such a weight on everyone, it would be easier for them if I just "
          "disappeared",
          "honestly I'm exhausted of it all, I keep thinking about driving into a wall "
          "on "
          "the way home",
          "I keep wondering how many of my pills it would take, there's no way out of "
          "this",
          "nobody would even notice if I was gone, I'm worthless",
          "I feel trapped and I've been looking at the rope in the garage",
          "I gave away my dog and said goodbye to my friends, I won't be around for long",
          "Sometimes I think everyone would be happier if I didn't exist",
          "I've written letters to my kids. I'm not going to be here next week",
          "I'm planning to end it this weekend",
          "i want 2 die",
          "used a razor again last night after I relapsed, can't stop thinking about it",
      }) {
    EXPECT_EQ(Level(message), SafetyLevel::kCrisis) << message;
  }
  for (std::string_view message : {
           "I'm so tired I could die, night shifts are killing me",
           "my phone died and I couldn't call the GP, what do I do now",
           "I'd rather die than go back to that dentist",
           "I miss my mum so much since she died, is grief counselling free?",
           "what is a lethal dose of paracetamol for a child, I'm writing a leaflet",
           "in the novel the character jumps off a bridge, is that realistic",
           "I feel hopeless about my weight, nothing works, any diet tips?",
           "I'm scared I'm going to die during my operation, is that normal?",
           "I can't cope with the pain in my knee, what tablets can I take?",
           "I wrote a letter to my GP about my pills but heard nothing back",
           "My dad is dying of cancer and I feel so alone, how do I cope?",
           "my dental bridge fell out and it's hopeless trying to glue it back",
           "I jumped off a wall and hurt my ankle, it's swollen",
           "I've given up smoking and I've had enough of the cravings",
       }) {
    EXPECT_LT(RulesLevel(message), SafetyLevel::kCrisis) << message;
  }
}

// Self-injury told by what is done and why (NICE NG225, NHS), not by name;
// the same acts by accident are not self-harm.
TEST_F(SafetyShippedRulesTest, SelfHarmByTheActAndItsReason) {
  for (std::string_view message : {
           "when it all gets too much I cut my arm, it's the only thing that helps",
           "my sister has been burning her wrists with matches, she says it calms her",
           "I bang my head against the wall to punish myself when I mess up",
           "he keeps scratching his arms with a pin to feel something",
       }) {
    EXPECT_EQ(Level(message), SafetyLevel::kCrisis) << message;
  }
  for (std::string_view message : {
           "I burnt my arm on the oven door, what should I put on it?",
           "cut my hand chopping onions, it won't stop bleeding",
           "my toddler bites himself when he is tired, is that normal?",
           "I scratch my arms in my sleep because of eczema, any creams that help?",
       }) {
    EXPECT_LT(Level(message), SafetyLevel::kCrisis) << message;
  }
}

// Emergency signs as lay people describe them, in any order.
TEST_F(SafetyShippedRulesTest, EmergencyLayFields) {
  for (std::string_view message : {
           "my upper back between the shoulder blades aches, I'm clammy and short of "
           "breath, started 20 mins ago",
           "my left arm has gone heavy and I'm dripping with sweat and feel sick",
           "dad just started talking word salad and can't find the word for cup",
           "she can't put her chin to her chest and has a high temperature",
           "tiny pinprick spots on his legs that don't go away when I press them, and a "
           "fever",
           "a grape is stuck in her throat and she's not making any noise",
           "my son says his balls hurt, it came on suddenly in the night and he was sick",
           "my husband fainted and isn't coming round",
       }) {
    EXPECT_GE(Level(message), SafetyLevel::kEmergency) << message;
  }
  for (std::string_view message : {
           "my arm aches after the flu jab and I felt dizzy this morning",
           "my upper back aches after the gym, is stretching enough?",
       }) {
    EXPECT_LT(Level(message), SafetyLevel::kEmergency) << message;
  }
}

TEST_F(SafetyShippedRulesTest, SeeDoctorRedFlags) {
  for (std::string_view message :
       {"I found a lump in my left breast", "there's blood in my urine",
        "my mole has changed shape and got darker", "I've lost a stone without trying",
        "my voice has been hoarse for 4 weeks", "food keeps getting stuck when I swallow",
        "I'm postmenopausal and started bleeding again"}) {
    EXPECT_EQ(Level(message), SafetyLevel::kSeeDoctor) << message;
  }
}

TEST_F(SafetyShippedRulesTest, NegationHistoryQuestionsHypotheticalsFigures) {
  for (std::string_view message :
       {"no chest pain, just a cough", "I'm not short of breath, only tired",
        "my dad had a stroke ten years ago", "I had a seizure as a child",
        "what are the signs of a stroke?",
        "how do you know if someone is having a heart attack",
        "what should I do if someone has a seizure",
        "if I ever get chest pain what do I do", "this stiff neck is killing me",
        "I could kill for a coffee", "my boss will kill me",
        "I'm dying to know the results",
        "what are the warning signs of suicide in teens?",
        "where can I find suicide prevention information for my school?",
        // "is not" read as "isn't" (the first such pair of a message once
        // lost its word).
        "the chest pain is not spreading to my arm"}) {
    EXPECT_LE(Level(message), SafetyLevel::kSeeDoctor) << message;
  }
  EXPECT_LE(Level("can anxiety cause chest pain?"), SafetyLevel::kSeeDoctor);
  // Someone else, now, is still an emergency.
  EXPECT_GE(Level("my dad is having a stroke"), SafetyLevel::kEmergency);
  EXPECT_GE(Level("my baby has a fever of 39 and is 2 months old"),
            SafetyLevel::kEmergency);
  // A question and a description in one message: the description counts.
  EXPECT_GE(
      Level(
          "what are the signs of a heart attack? my chest is crushing and I'm sweating"),
      SafetyLevel::kEmergency);
}

TEST_F(SafetyShippedRulesTest, SignsAddUpAcrossTurns) {
  // (The learned emergency signal may read a numb arm alone as a stroke.)
  EXPECT_LT(RulesLevel("now my left arm is numb"), SafetyLevel::kEmergency);
  EXPECT_GE(Level("now my left arm is numb", {"my chest feels tight"}),
            SafetyLevel::kEmergency);
  SafetyAssessment assessment =
      rules_->Assess({"now my left arm is numb", "my chest feels tight"});
  ASSERT_FALSE(assessment.signs.empty());
  EXPECT_EQ(assessment.signs[0].turn, 0);
  // Each rule at most once.
  std::vector<std::string> codes;
  for (const SafetySignMatch& sign : assessment.signs) codes.push_back(sign.code);
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(std::adjacent_find(codes.begin(), codes.end()), codes.end());
}

TEST_F(SafetyShippedRulesTest, GoneNumbIsNotResolved) {
  // British "has gone numb" means became numb, in one message or across turns.
  EXPECT_GE(Level("my chest feels tight and my left arm has gone numb"),
            SafetyLevel::kEmergency);
  SafetyAssessment across =
      rules_->Assess({"now my left arm has gone numb", "my chest feels really tight"});
  EXPECT_EQ(across.level, SafetyLevel::kEmergency);
  ASSERT_FALSE(across.signs.empty());
  EXPECT_EQ(across.signs[0].level, SafetyLevel::kEmergency);
  EXPECT_EQ(across.signs[0].turn, 0);  // Reported where the arm was said...
  bool chest_sign_in_earlier_turn = false;
  for (const SafetySignMatch& sign : across.signs) {
    chest_sign_in_earlier_turn = chest_sign_in_earlier_turn || sign.turn == 1;
  }
  EXPECT_TRUE(chest_sign_in_earlier_turn);  // ...and the chest in the turn before.
  EXPECT_GE(Level("my dad's face has gone droopy on one side"), SafetyLevel::kEmergency);
  EXPECT_GE(Level("my baby has gone floppy and blue"), SafetyLevel::kEmergency);
  EXPECT_GE(Level("he hit his head and has passed out"), SafetyLevel::kEmergency);
  // Resolved stays off.
  EXPECT_EQ(Level("the chest pain has gone now"), SafetyLevel::kNone);
  EXPECT_LE(Level("my chest pain has gone away and I feel fine"),
            SafetyLevel::kSeeDoctor);
  EXPECT_LE(Level("the numbness in my arm has gone and I'm back to normal"),
            SafetyLevel::kSeeDoctor);
}

TEST_F(SafetyShippedRulesTest, CrisisWarningSigns) {
  for (std::string_view message : {
           "I feel like such a burden to everyone",
           "there's no reason for me to keep living",
           "I feel trapped and there's no way out",
           "the pain is unbearable, I can't bear it any more",
           "I've written letters to my kids saying goodbye",
           "I've been giving away my things, I won't need them where I'm going",
           "I've been googling ways to kill myself",
           "I have a rope in the garage and I keep thinking about using it",
           "I've been stockpiling my sleeping tablets",
           "I've picked the day, I'm going to do it on Friday",
           "I just want to go to sleep and not wake up",
           "I want to disappear forever",
           "I wish I didn't exist",
           "I just want to end it all",
           "I want to be with my late husband",
           "I scratch my arms until they bleed",
           "I burn myself with a lighter",
           "I'm planning to take an overdose tonight",
           "ngl i dont wanna be alive anymore",
           "i feel suicdal",
           "I do not want to live",
           "I'm on the roof and I'm going to jump",
           "my friend says she is going to kill herself",
           "everyone would be fine without me",
       }) {
    EXPECT_EQ(Level(message), SafetyLevel::kCrisis) << message;
  }
}

// Rules version 2026-12-03.1: researching a method in a question, signs
// spread over turns, someone else's warning signs, self-harm kept hidden.
TEST_F(SafetyShippedRulesTest, MethodQuestionsTurnsAndOthers) {
  const std::vector<std::vector<std::string_view>> crisis = {
      {"what is the fatal amount of my amitriptyline, I want the exact number"},
      {"how far up does a balcony need to be to definitely not survive"},
      {"is there a painless way to do it"},
      {"how long would it take", "the garage door shuts tight",
       "I've had enough of everything"},
      {"my husband keeps saying we'd be better off without him and he's been looking at "
       "the bridge"},
      {"I cut again last night, how do I hide it without anyone noticing"},
      {"I'm not safe right now"},
      // A joke marker does not take back a crisis sign.
      {"honestly everyone would be better off if I was dead lol"},
      // Research said to be for oneself.
      {"would a hose on the exhaust be quick? asking for myself, not for a friend"},
      {"do people who kill themselves feel anything at the end? asking because I'm "
       "thinking about it"},
      {"I'm up on the roof of the car park, texting my brother before I jump"},
      {"I want the thoughts in my head to stop for good"},
      {"relapsed after three months clean from sh last night"},
  };
  auto level = [](const std::vector<std::string_view>& turns) {
    return Level(turns.front(), {turns.begin() + 1, turns.end()});
  };
  for (const std::vector<std::string_view>& turns : crisis) {
    EXPECT_EQ(level(turns), SafetyLevel::kCrisis) << turns.front();
  }
  const std::vector<std::vector<std::string_view>> none = {
      {"what is the lethal dose of caffeine? I'm revising for a pharmacology exam"},
      {"how many grapes would it take to get 20g of sugar"},
      {"I have old self harm scars on my legs, will laser help them fade"},
      {"I'm killing myself laughing at this show"},
      // It does take back an emergency.
      {"my heart stopped when I saw the price of the tickets lol"},
      {"what time does the chemist close", "I need to pick up my dad's prescription"},
      // "Asking for me" with a dose or an illness is not research of a method.
      {"how much paracetamol can I take in a day, asking for me"},
      {"can you die from a kidney infection? asking for me"},
      {"is it dangerous to leave the car running in the garage to warm it up in winter"},
  };
  for (const std::vector<std::string_view>& turns : none) {
    EXPECT_EQ(level(turns), SafetyLevel::kNone) << turns.front();
  }
}

// Rules version 2026-12-07.1: long phrases of intent within their window,
// a method's certainty not taken for history ("survive" is not "survived"),
// means and final acts in more words, and an extra dose that is an
// emergency only for a dangerous medicine or with an overdose's signs.
TEST_F(SafetyShippedRulesTest, IntentMeansAndExtraDoses) {
  for (std::string_view message : {
           "I just want to fall asleep and never wake up again",
           "i keep wishing i could just close my eyes and not open them again",
           "some nights I pray I won't wake up in the morning",
           "how high does a building need to be so you definitely don't survive",
           "what knot holds a person's weight without slipping, the rope is in the shed",
           "I bought a handgun and I keep thinking about using it on myself",
           "would it be instant if I stood in front of the train",
           "i keep imagining my own funeral and who would come",
       }) {
    EXPECT_EQ(Level(message), SafetyLevel::kCrisis) << message;
  }
  for (std::string_view message : {
           "my uncle survived a suicide attempt and now gives talks, how do I introduce "
           "him",
           "I can't go on like this with my knee pain, what else can I try",
           "how can schools reduce self-harm among pupils",
           "I took my sertraline twice by mistake this morning, is that dangerous",
       }) {
    EXPECT_NE(Level(message), SafetyLevel::kCrisis) << message;
    EXPECT_NE(Level(message), SafetyLevel::kEmergency) << message;
  }
  for (std::string_view message : {
           "I took my methadone twice today by mistake and can barely keep my eyes open",
           "my husband took his insulin twice by mistake tonight",
           "found my son passed out with empty co-codamol packets next to him",
       }) {
    EXPECT_EQ(RulesLevel(message), SafetyLevel::kEmergency) << message;
  }
}

TEST_F(SafetyShippedRulesTest, WordsWrittenToDodgeAFilterAreRead) {
  // Letters spelled out, digits for letters, an invisible character inside
  // a word, fullwidth letters: a reader reads the word, so the rules do.
  for (std::string_view message : {
           "K I L L myself",
           "K.I.L.L. myself",
           "i want to k-i-l-l myself",
           "i want to k1ll mys3lf",
           "thinking about su1c1de",
           "i want to ki\u200bll myself",
           "thinking about sui\u00adcide",
           "\uff49 \uff57\uff41\uff4e\uff54 \uff54\uff4f \uff4b\uff49\uff4c\uff4c "
           "\uff4d\uff59\uff53\uff45\uff4c\uff46",
       }) {
    EXPECT_EQ(RulesLevel(message), SafetyLevel::kCrisis) << message;
  }
  EXPECT_EQ(RulesLevel("i took an overd0se of my tablets"), SafetyLevel::kEmergency);
  // The span is of the text as written, the invisible character counted.
  const SafetyAssessment assessment =
      rules_alone_->Assess({"i want to ki\u200bll myself"});
  ASSERT_FALSE(assessment.signs.empty());
  EXPECT_EQ(assessment.signs.front().char_end, 22U);
  // Codes and single letters that spell no rule word flag nothing.
  for (std::string_view message : {"my b12 is low and my a1c is 7, what should I eat",
                                   "do I need vitamin a b c d tablets in winter"}) {
    EXPECT_EQ(Level(message), SafetyLevel::kNone) << message;
  }
}

TEST_F(SafetyShippedRulesTest, PeIsAClotOnlyWhenSaidAsOne) {
  // Rules version 2026-12-07.3: "PE" alone is as often the school subject.
  EXPECT_EQ(RulesLevel("my son has PE at school today, what should he eat before"),
            SafetyLevel::kNone);
  EXPECT_EQ(RulesLevel("MS RA COPD DVT PE MI TIA, what do these stand for"),
            SafetyLevel::kNone);
  EXPECT_EQ(RulesLevel("I think I have a PE, I'm suddenly so breathless"),
            SafetyLevel::kEmergency);
}

TEST_F(SafetyShippedRulesTest, ALongUnknownWordIsReadInLinearTime) {
  // A word longer than any rule word is no typo of one: its deletions,
  // quadratic in its length, took seconds for a few thousand bytes.
  std::string word;
  for (int i = 0; i < 3000; ++i) word += "\u00e9";
  EXPECT_EQ(Level(word), SafetyLevel::kNone);
  EXPECT_EQ(Level(StrCat("i feel ", word, " today"), {word, word}), SafetyLevel::kNone);
}

// Rules version 2026-12-07.2: an overdose's risk, a medicine's storage or a
// daily regimen is a topic, not an overdose taken; an attempt decades ago is
// history. Signs said of now stay signs.
TEST_F(SafetyShippedRulesTest, TopicsOfOverdoseAndThePast) {
  for (std::string_view message : {
           "I was sectioned after trying to end things in my twenties, I'm 48 now, will "
           "that count against me when I register as a counsellor",
           "how should we store his medicines so the grandchildren can't get at them and "
           "nobody takes an overdose",
           "I take eleven tablets a day, can the pharmacist put them into blister packs",
           "my friend says amitriptyline is dangerous in overdose, is that true at 10mg",
           "my eczema is so itchy I scratch myself until I bleed, how can I stop",
       }) {
    EXPECT_NE(Level(message), SafetyLevel::kCrisis) << message;
    EXPECT_NE(Level(message), SafetyLevel::kEmergency) << message;
  }
  for (std::string_view message : {
           "please god take me in my sleep tonight, i mean it",
           "im 15 and i cut. how do i stop it stinging at school without anyone noticing",
       }) {
    EXPECT_EQ(Level(message), SafetyLevel::kCrisis) << message;
  }
  EXPECT_EQ(Level("I took 11 tablets at once an hour ago"), SafetyLevel::kEmergency);
}

TEST_F(SafetyShippedRulesTest, AJokeTakesBackOnlyTheSignItIsIn) {
  // The same sign said in earnest in an earlier turn, or earlier in the
  // message, still counts.
  const std::vector<std::vector<std::string_view>> emergency = {
      {"worst headache of my life lol, this exam",
       "he has had a sudden severe headache, the worst ever, like being hit on the head"},
      {"lol my heart stopped when I saw the bill. my dad's heart stopped, he's having a "
       "heart attack"},
  };
  for (const std::vector<std::string_view>& turns : emergency) {
    EXPECT_GE(Level(turns.front(), {turns.begin() + 1, turns.end()}),
              SafetyLevel::kEmergency)
        << turns.front();
  }
}

TEST_F(SafetyShippedRulesTest, CrisisWordsUsedOtherwise) {
  for (std::string_view message : {
           "what are the warning signs that someone may be suicidal?",
           "how do I talk to my teenager about self-harm",
           "what's the best way to support someone who self harms",
           "my favourite song is about suicide",
           "I'm reading a book about suicide for English",
           "I'd rather die than sing karaoke",
           "this homework is killing me",
           "I'm dying to know what happens next",
           "my mum is going to kill me when she sees my grades",
           "I want to end it with my boyfriend, how do I tell him",
           "I want to disappear for a week on holiday",
           "I cut myself shaving, how do I stop it",
           "I burned myself on the oven, how do I treat it",
           "how do I write a will",
           "I miss my late husband, how do I cope at Christmas",
           "where can I find suicide prevention training for teachers",
           "is it an overdose if I take 3 ibuprofen",
           "we have a gas boiler, should we get a carbon monoxide alarm?",
       }) {
    EXPECT_EQ(Level(message), SafetyLevel::kNone) << message;
  }
}

TEST_F(SafetyShippedRulesTest, EmergencyLayWordings) {
  for (std::string_view message : {
           // "gone hoarse" became hoarse, not "has gone" (resolved).
           "my lips are tingling after the prawns and my voice has gone hoarse, throat "
           "is "
           "closing up",
           "grandad has a bad headache since lunch and his left eyelid is drooping",
           "we've all got headaches and feel sick, even the dog is dopey, the gas fire "
           "has "
           "been on all day",
           "fell off my bike and hit my head, now clear watery stuff is running from my "
           "nose",
           "my baby is 6 weeks old and her temperature is thirty-eight point two",
           "my 7 week old has a temperature of a hundred and one",
           "my newborn feels hot, 100.6F",
           "my son is breathing really fast and the skin between his ribs is sucking in",
           "my poo is black and tarry and I feel faint",
           "my stomach is rock hard and I'm in agony",
           "she drank some of the washing up liquid",
           "he is diabetic and has passed out",
           "my wife's lips have gone blue and she can't breathe properly",
           "my legs have gone weak and numb and I can't pee, bad back pain",
           "mum's smile has gone wonky and she can't hold her cup in her right hand",
           "my husband's chest feels like someone is sitting on it and he's grey",
           "an indigestion feeling in my chest all evening and now it's going down my "
           "left arm",
           "he's wheezy and too puffed out to talk",
           "our baby girl is 9 weeks and has a temperature of 38.3",
       }) {
    EXPECT_GE(Level(message), SafetyLevel::kEmergency) << message;
  }
  // A fever for weeks is not a baby's age.
  EXPECT_LT(Level("I've had a fever for 2 weeks and a cough"), SafetyLevel::kEmergency);
  EXPECT_LT(Level("what does a stroke look like"), SafetyLevel::kEmergency);
  EXPECT_LT(Level("worst headache ever after drinking last night, hangover cure?"),
            SafetyLevel::kEmergency);
}

TEST_F(SafetyShippedRulesTest, Misspellings) {
  EXPECT_EQ(Level("I feel sucidal"), SafetyLevel::kCrisis);
  EXPECT_GE(Level("I think she is going into anaphalaxis"), SafetyLevel::kEmergency);
  EXPECT_GE(Level("his siezure has lasted 10 minutes"), SafetyLevel::kEmergency);
  EXPECT_GE(Level("I cant breath"), SafetyLevel::kEmergency);
  EXPECT_GE(Level("crushing cheast pain"), SafetyLevel::kEmergency);
}

TEST_F(SafetyShippedRulesTest, LearnedSignal) {
  // Indirect: no phrase rule fires, the learned signal does.
  const std::string_view message =
      "it wouldn't matter to anyone if I was gone, they'd get over me quickly";
  SafetyAssessment assessment = rules_->Assess({message});
  EXPECT_EQ(assessment.level, SafetyLevel::kCrisis);
  ASSERT_EQ(assessment.signs.size(), 1u);
  EXPECT_EQ(assessment.signs[0].code, "crisis.learned");
  // Figures of speech and information requests are not.
  EXPECT_EQ(Level("this commute is killing me, I could just die of boredom"),
            SafetyLevel::kNone);
  EXPECT_EQ(Level("my feet are killing me after the marathon"), SafetyLevel::kNone);
}

// A chat sends its earlier turns again with every message; the server
// recalls their readings. The assessment must not change: a turn read alone
// holds nothing that depends on the others (the rules' hits across turns,
// the learned signals' "r:" features and the vetoes are the conversation's).
TEST_F(SafetyShippedRulesTest, RememberedTurnsGiveTheSameAssessment) {
  const std::vector<std::vector<std::string_view>> conversations = {
      {"my chest feels tight"},
      {"now my left arm is numb and I'm sweating", "my chest feels tight"},
      {"how is it treated?", "now my left arm is numb and I'm sweating",
       "my chest feels tight"},
      {"my chest feels tight", "I had a heart attack ten years ago"},
      {"what's the most painless way", "I've had enough of everything"},
      {"I've had enough of everything", "what's the most painless way"},
      {"lol jk", "having a heart attack at this bill"},
      {"my dad had a stroke ten years ago", "what are the signs of a stroke?"},
  };
  SafetyRules::TurnCache cache;
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::vector<std::string_view>& turns : conversations) {
      const SafetyAssessment fresh = rules_->Assess(turns);
      const SafetyAssessment recalled = rules_->Assess(turns, &cache);
      EXPECT_EQ(recalled.level, fresh.level) << turns[0];
      ASSERT_EQ(recalled.signs.size(), fresh.signs.size()) << turns[0];
      for (std::size_t i = 0; i < fresh.signs.size(); ++i) {
        EXPECT_EQ(recalled.signs[i].code, fresh.signs[i].code) << turns[0];
        EXPECT_EQ(recalled.signs[i].turn, fresh.signs[i].turn) << turns[0];
        EXPECT_EQ(recalled.signs[i].char_begin, fresh.signs[i].char_begin) << turns[0];
        EXPECT_EQ(recalled.signs[i].char_end, fresh.signs[i].char_end) << turns[0];
      }
    }
  }
  EXPECT_EQ(cache.size(), 10u);  // Each distinct turn once.
  // Used with other rules, the cache forgets what it read with these.
  EXPECT_EQ(rules_alone_->Assess({"my chest feels tight"}, &cache).level,
            RulesLevel("my chest feels tight"));
  EXPECT_EQ(cache.size(), 1u);
  // Long turns are read every time, never kept.
  const std::string long_turn(SafetyRules::TurnCache::kMaxTurnBytes + 1, 'a');
  rules_alone_->Assess({long_turn}, &cache);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(SafetyShippedRulesTest, SpansAreCodePointsOfTheirTurn) {
  const std::string_view message = "Ça va mal… I can’t breathe";
  SafetyAssessment assessment = rules_->Assess({message});
  // A rule's sign (the learned signals' span a whole sentence).
  const auto rule = std::find_if(
      assessment.signs.begin(), assessment.signs.end(),
      [](const SafetySignMatch& sign) { return !sign.code.ends_with(".learned"); });
  ASSERT_NE(rule, assessment.signs.end());
  EXPECT_EQ(rule->turn, 0);
  EXPECT_EQ(rule->char_begin, 13u);  // "can’t breathe"
  EXPECT_EQ(rule->char_end, 26u);
}

}  // namespace
}  // namespace guru
