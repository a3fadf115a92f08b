#include "index/ranking_options.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/strings/str_cat.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

// The field a key sets: a number (an int field takes its whole part, a bool
// field "not 0"), or the weighting scheme, which takes a name.
using Field =
    std::variant<double RankingOptions::*, int RankingOptions::*, bool RankingOptions::*,
                 RankingOptions::Weighting RankingOptions::*>;

// One --ranking key. A number is at least 0 and at most `max`.
struct Knob {
  std::string_view key;
  Field field;
  double max = std::numeric_limits<double>::infinity();
};

// The one list of keys: the parser, its "unknown key" message and the
// --ranking help all read it, in this order.
const Knob kKnobs[] = {
    {"title_weight", &RankingOptions::title_weight},
    {"chatty_weight", &RankingOptions::chatty_weight},
    {"title_coverage_boost", &RankingOptions::title_coverage_boost},
    {"rerank_depth", &RankingOptions::rerank_depth},
    {"synonym_weight", &RankingOptions::synonym_weight},
    {"weighting", &RankingOptions::weighting},
    {"bm25_k1", &RankingOptions::bm25_k1},
    {"bm25_b", &RankingOptions::bm25_b, 1},
    {"question_type_boost", &RankingOptions::question_type_boost},
    {"population_boost", &RankingOptions::population_boost},
    {"topic_parts_boost", &RankingOptions::topic_parts_boost},
    {"kinds", &RankingOptions::kinds},
    {"repeat_saturation", &RankingOptions::repeat_saturation},
    {"focus_exponent", &RankingOptions::focus_exponent},
    {"spelling", &RankingOptions::spelling},
    {"context_weight", &RankingOptions::context_weight},
};

struct Scheme {
  std::string_view name;
  RankingOptions::Weighting weighting;
};

constexpr Scheme kSchemes[] = {{"bm25", RankingOptions::Weighting::kBm25},
                               {"dph", RankingOptions::Weighting::kDph}};

// "a, b, c": the names of `items`, in order.
template <typename Items, typename Name>
std::string JoinNames(const Items& items, Name name) {
  std::string joined;
  for (const auto& item : items) {
    joined += StrCat(joined.empty() ? "" : ", ", name(item));
  }
  return joined;
}

std::string SchemeNames() {
  return JoinNames(kSchemes, [](const Scheme& s) { return s.name; });
}

std::string KeyNames() {
  return JoinNames(kKnobs, [](const Knob& k) { return k.key; });
}

// `number` as --ranking takes it: "0.5", "100".
std::string Number(double number) { return std::string(ToStd(absl::StrCat(number))); }

// The value `field` has in `options`, as --ranking writes it.
std::string ValueOf(const RankingOptions& options, const Field& field) {
  return std::visit(
      [&](auto member) -> std::string {
        const auto value = options.*member;
        if constexpr (std::is_same_v<decltype(value), const RankingOptions::Weighting>) {
          for (const Scheme& scheme : kSchemes) {
            if (scheme.weighting == value) return std::string(scheme.name);
          }
          return "";
        } else {
          return Number(static_cast<double>(value));
        }
      },
      field);
}

absl::Status SetWeighting(RankingOptions::Weighting& weighting, std::string_view value) {
  const auto* scheme =
      std::find_if(std::begin(kSchemes), std::end(kSchemes),
                   [&](const Scheme& known) { return known.name == value; });
  if (scheme == std::end(kSchemes)) {
    return absl::InvalidArgumentError(
        StrCat("ranking: weighting '", value, "' is not one of ", SchemeNames()));
  }
  weighting = scheme->weighting;
  return absl::OkStatus();
}

// Sets `knob`'s field of `options` from `value` (`item` is the whole
// "key=value", for the message).
absl::Status Set(RankingOptions& options, const Knob& knob, std::string_view item,
                 const std::string& value) {
  if (const auto* weighting =
          std::get_if<RankingOptions::Weighting RankingOptions::*>(&knob.field)) {
    return SetWeighting(options.**weighting, value);
  }
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || number < 0) {
    return absl::InvalidArgumentError(
        StrCat("ranking: '", item, "' needs a non-negative number after '='"));
  }
  if (number > knob.max) {
    return absl::InvalidArgumentError(
        StrCat("ranking: ", knob.key, " must be in [0, ", Number(knob.max), "]"));
  }
  std::visit(
      [&](auto member) {
        using Value = std::remove_reference_t<decltype(options.*member)>;
        if constexpr (std::is_same_v<Value, bool>) {
          options.*member = number != 0;
        } else if constexpr (std::is_same_v<Value, int>) {
          options.*member = static_cast<int>(number);
        } else if constexpr (std::is_same_v<Value, double>) {
          options.*member = number;
        }
      },
      knob.field);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RankingOptions> ParseRankingOptions(std::string_view spec) {
  RankingOptions options;
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = Trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (item.empty()) continue;
    const std::size_t equals = item.find('=');
    const std::string_view key = Trim(item.substr(0, equals));
    const std::string value(
        equals == std::string_view::npos ? "" : Trim(item.substr(equals + 1)));
    const auto* knob = std::find_if(std::begin(kKnobs), std::end(kKnobs),
                                    [&](const Knob& known) { return known.key == key; });
    if (knob == std::end(kKnobs)) {
      return absl::InvalidArgumentError(
          StrCat("ranking: unknown key '", key, "' (known: ", KeyNames(), ")"));
    }
    if (absl::Status set = Set(options, *knob, item, value); !set.ok()) return set;
  }
  return options;
}

std::string RankingOptionsHelp() {
  const RankingOptions defaults;
  return JoinNames(kKnobs, [&](const Knob& knob) {
    return StrCat(knob.key, " (", ValueOf(defaults, knob.field), ")");
  });
}

}  // namespace guru
