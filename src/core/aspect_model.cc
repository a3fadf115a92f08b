#include "core/aspect_model.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_split.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {

std::string_view BuiltinAspectModel();  // Generated from data/aspects/model.txt.

namespace {

constexpr std::size_t kPrefixBytes = 5;

// At most `max_fields` fields of `text` split at `separator`; the last
// takes the rest.
std::vector<std::string_view> Fields(std::string_view text, char separator,
                                     int max_fields) {
  std::vector<std::string_view> fields;
  for (absl::string_view field :
       absl::StrSplit(absl::string_view(text.data(), text.size()),
                      absl::MaxSplits(separator, max_fields - 1))) {
    fields.emplace_back(field.data(), field.size());
  }
  return fields;
}

bool IsAscii(std::string_view word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Space-separated numbers, exactly `count` of them.
bool ParseNumbers(std::string_view text, std::size_t count, std::vector<double>& values) {
  values.clear();
  for (std::string_view field : Fields(text, ' ', static_cast<int>(count) + 1)) {
    const std::optional<double> value = ParseReal(field);
    if (!value) return false;
    values.push_back(*value);
  }
  return values.size() == count;
}

}  // namespace

std::vector<std::string> AspectModel::Features(std::string_view message) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || byte >= 0x80) {
      word += c;
    } else if (byte >= 'A' && byte <= 'Z') {
      word += static_cast<char>(byte - 'A' + 'a');
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  std::vector<std::string> features;
  for (std::size_t i = 0; i < words.size(); ++i) {
    features.push_back(StrCat("w:", words[i]));
    if (words[i].size() > kPrefixBytes && IsAscii(words[i])) {
      features.push_back(StrCat("p:", words[i].substr(0, kPrefixBytes)));
    }
    if (i + 1 < words.size())
      features.push_back(StrCat("b:", words[i], " ", words[i + 1]));
  }
  if (!words.empty()) features.push_back(StrCat("s:", words.front()));
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  return features;
}

absl::StatusOr<AspectModel> AspectModel::Parse(std::string_view text,
                                               std::string_view source) {
  AspectModel model;
  int number = 0;
  std::vector<double> numbers;
  for (const std::string_view line : SplitLines(text)) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const auto error = [&](std::string_view what) {
      return absl::InvalidArgumentError(StrCat(source, ":", number, ": ", what));
    };
    const std::vector<std::string_view> head = Fields(line, ' ', 2);
    if (head.size() < 2) return error("expected a keyword and its value");
    const std::string_view keyword = head[0];
    const std::string_view value = head[1];
    const std::size_t classes = model.classes_.size();
    if (keyword == "class") {
      if (!model.bias_.empty()) return error("a class after the bias");
      if (value.empty()) return error("a class with no name");
      model.classes_.emplace_back(value);
    } else if (keyword == "bias") {
      if (classes == 0) return error("the bias before any class");
      if (!ParseNumbers(value, classes, numbers)) {
        return error(StrCat("expected ", classes, " numbers for the bias"));
      }
      model.bias_ = numbers;
    } else if (keyword == "feature") {
      const std::vector<std::string_view> fields = Fields(value, '\t', 2);
      if (fields.size() != 2 || fields[0].empty())
        return error("expected NAME<tab>weights");
      if (model.bias_.empty()) return error("a feature before the bias");
      if (!ParseNumbers(fields[1], classes, numbers)) {
        return error(
            StrCat("expected ", classes, " weights for feature '", fields[0], "'"));
      }
      if (!model.weights_.emplace(std::string(fields[0]), numbers).second) {
        return error(StrCat("feature '", fields[0], "' given twice"));
      }
    } else if (keyword == "check") {
      const std::vector<std::string_view> fields = Fields(value, '\t', 3);
      Check check;
      const std::optional<double> probability =
          fields.size() == 3 ? ParseReal(fields[0]) : std::nullopt;
      if (!probability) return error("expected PROBABILITY<tab>CLASS<tab>MESSAGE");
      check.probability = *probability;
      if (std::find(model.classes_.begin(), model.classes_.end(), fields[1]) ==
          model.classes_.end()) {
        return error(StrCat("unknown class '", fields[1], "'"));
      }
      check.aspect = std::string(fields[1]);
      check.message = std::string(fields[2]);
      model.checks_.push_back(std::move(check));
    } else {
      return error(StrCat("unknown keyword '", keyword, "'"));
    }
  }
  if (model.bias_.empty()) {
    return absl::InvalidArgumentError(StrCat(source, ": no classes and bias"));
  }
  return model;
}

const AspectModel& AspectModel::Builtin() {
  static const AspectModel* const kModel = [] {
    absl::StatusOr<AspectModel> parsed =
        Parse(BuiltinAspectModel(), "data/aspects/model.txt");
    return new AspectModel(parsed.ok() ? *std::move(parsed) : AspectModel());
  }();
  return *kModel;
}

AspectModel::Guess AspectModel::Classify(std::string_view message) const {
  if (classes_.empty()) return {};
  std::vector<double> scores = bias_;
  for (const std::string& feature : Features(message)) {
    const auto found = weights_.find(feature);
    if (found == weights_.end()) continue;
    for (std::size_t c = 0; c < scores.size(); ++c) scores[c] += found->second[c];
  }
  const double top = *std::max_element(scores.begin(), scores.end());
  double sum = 0;
  for (double& score : scores) sum += score = std::exp(score - top);
  const auto best = std::max_element(scores.begin(), scores.end()) - scores.begin();
  return {classes_[static_cast<std::size_t>(best)],
          scores[static_cast<std::size_t>(best)] / sum};
}

}  // namespace guru
