// Runs the safety classifier over a labelled TSV and writes one prediction
// per message, then times repeated passes over all of them.
//   guru-safety-eval --rules FILE --tsv FILE --out FILE [--passes N] [--cache]
//                    [--slowest N]
//   guru-safety-eval --rules FILE --message TEXT [--context TEXT]...
//   guru-safety-eval --rules FILE --tsv FILE --features FILE
// The TSV has a header, then `id level category kind query context`, the
// context being the earlier turns, newest first, joined by " ||| ". The
// output TSV is `id gold predicted category kind signs`, signs as
// code@turn:begin-end joined by ','. Timing goes to standard output:
// `messages N passes P mean_us X p99_us Y`. With --cache the passes share a
// SafetyRules::TurnCache, as guru-server's requests do (so every timed pass
// recalls every turn), and each assessment is checked against the one
// written without it: `cache_mismatches N`, exit 1 if N > 0. --features writes what the
// learned signals read instead (for bench/safety/train_learned.py): one line
// per sentence with features, `id turn sentence guarded features`, guarded
// 1 when the cues switch the sentence off, the features joined by spaces.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "core/safety.h"

namespace {

struct Message {
  std::string id, gold, category, kind, query;
  std::vector<std::string> context;
};

std::vector<std::string> SplitOn(const std::string& text, std::string_view separator) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    pieces.push_back(text.substr(start, at - start));
    if (at == std::string::npos) break;
    start = at + separator.size();
  }
  return pieces;
}

std::vector<Message> ReadMessages(std::ifstream& in) {
  std::vector<Message> messages;
  std::string line;
  std::getline(in, line);  // Header.
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields = SplitOn(line, "\t");
    fields.resize(6);
    Message message{fields[0], fields[1], fields[2], fields[3], fields[4], {}};
    if (!fields[5].empty()) {
      for (std::string& turn : SplitOn(fields[5], " ||| "))
        message.context.push_back(turn);
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

std::vector<std::string_view> Turns(const Message& message) {
  std::vector<std::string_view> turns = {message.query};
  for (const std::string& turn : message.context) turns.push_back(turn);
  return turns;
}

std::string Signs(const guru::SafetyAssessment& assessment) {
  std::string out;
  for (const guru::SafetySignMatch& sign : assessment.signs) {
    if (!out.empty()) out += ',';
    out += sign.code + "@" + std::to_string(sign.turn) + ":" +
           std::to_string(sign.char_begin) + "-" + std::to_string(sign.char_end);
  }
  return out;
}

std::string Upper(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

// Times `passes` passes over all messages after one warm-up pass; prints
// the mean and the 99th percentile of the time per message, then the ids of
// the `slowest` messages with their mean time. With `cache`, assessments
// that differ from `expected` (each message's Signs() as written) are
// counted; returns their number.
int Time(const guru::SafetyRules& rules, const std::vector<Message>& messages, int passes,
         int slowest, guru::SafetyRules::TurnCache* cache,
         const std::vector<std::string>& expected) {
  int mismatches = 0;
  std::vector<double> micros;
  micros.reserve(messages.size() * passes);
  std::vector<std::pair<double, std::size_t>> per_message(messages.size());
  for (int pass = 0; pass <= passes; ++pass) {
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const std::vector<std::string_view> turns = Turns(messages[i]);
      const auto start = std::chrono::steady_clock::now();
      const guru::SafetyAssessment assessment = rules.Assess(turns, cache);
      const auto stop = std::chrono::steady_clock::now();
      if (cache != nullptr && Signs(assessment) != expected[i]) ++mismatches;
      if (assessment.signs.size() > 1000) std::puts("");  // Keeps the call.
      if (pass > 0) {
        micros.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
        per_message[i] = {per_message[i].first + micros.back() / passes, i};
      }
    }
  }
  if (cache != nullptr) std::printf("cache_mismatches %d\n", mismatches);
  if (micros.empty()) return mismatches;
  double sum = 0;
  for (double m : micros) sum += m;
  std::sort(micros.begin(), micros.end());
  const double p99 = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
  std::printf("messages %zu passes %d mean_us %.2f p99_us %.2f\n", messages.size(),
              passes, sum / static_cast<double>(micros.size()), p99);
  std::sort(per_message.rbegin(), per_message.rend());
  for (int k = 0; k < std::min<int>(slowest, static_cast<int>(per_message.size())); ++k) {
    std::printf("slow %s mean_us %.2f\n", messages[per_message[k].second].id.c_str(),
                per_message[k].first);
  }
  return mismatches;
}

}  // namespace

int main(int argc, char** argv) {
  std::string rules_path, tsv, out_path, features_path, message_text;
  std::vector<std::string> context;
  int passes = 5;
  int slowest = 0;
  bool cache = false;
  CLI::App app("guru-safety-eval: the safety classifier over a labelled set");
  app.add_option("--rules", rules_path, "Rules file (data/safety/rules.txt)")->required();
  app.add_option("--tsv", tsv, "Labelled messages: id level category kind query context");
  app.add_option("--out", out_path, "Predictions TSV");
  app.add_option("--features", features_path, "Write the learned signals' features here");
  app.add_option("--passes", passes, "Timed passes")->check(CLI::Range(0, 1000));
  app.add_option("--slowest", slowest, "List the ids of the N slowest messages")
      ->check(CLI::Range(0, 100000));
  app.add_flag("--cache", cache,
               "Time with remembered turns and check they change no assessment");
  app.add_option("--message", message_text, "Assess one message and print its signs");
  app.add_option("--context", context, "Earlier turns of --message, newest first");
  CLI11_PARSE(app, argc, argv);

  std::ifstream rules_in(rules_path);
  std::stringstream rules_text;
  rules_text << rules_in.rdbuf();
  if (!rules_in) {
    std::fprintf(stderr, "guru-safety-eval: cannot read %s\n", rules_path.c_str());
    return 2;
  }
  absl::StatusOr<guru::SafetyRules> rules =
      guru::SafetyRules::Parse(rules_text.str(), rules_path);
  if (!rules.ok()) {
    std::fprintf(stderr, "guru-safety-eval: %s\n",
                 std::string(rules.status().message()).c_str());
    return 2;
  }
  if (!app.count("--message")) {
    if (tsv.empty() || (out_path.empty() == features_path.empty())) {
      std::fprintf(stderr,
                   "guru-safety-eval: --tsv with --out or --features, or --message\n");
      return 2;
    }
  } else {
    Message message{"-", "", "", "", message_text, context};
    const guru::SafetyAssessment assessment = rules->Assess(Turns(message));
    std::printf("%s\n", Upper(guru::SafetyLevelName(assessment.level)).c_str());
    for (const guru::SafetySignMatch& sign : assessment.signs) {
      std::printf("  %s %s turn %d [%zu,%zu): %s\n",
                  std::string(guru::SafetyLevelName(sign.level)).c_str(),
                  sign.code.c_str(), sign.turn, sign.char_begin, sign.char_end,
                  sign.description.c_str());
    }
    return 0;
  }
  const bool features = !features_path.empty();
  std::ifstream in(tsv);
  std::ofstream out(features ? features_path : out_path, std::ios::trunc);
  if (!in || !out) {
    std::fprintf(stderr, "guru-safety-eval: cannot open %s or %s\n", tsv.c_str(),
                 (features ? features_path : out_path).c_str());
    return 2;
  }
  const std::vector<Message> messages = ReadMessages(in);
  if (features) {
    for (const Message& message : messages) {
      const auto turns = rules->LearnedFeatures(Turns(message));
      for (std::size_t t = 0; t < turns.size(); ++t) {
        for (std::size_t s = 0; s < turns[t].size(); ++s) {
          const guru::SafetyRules::LearnedSentence& sentence = turns[t][s];
          if (sentence.features.empty()) continue;
          out << message.id << '\t' << t << '\t' << s << '\t'
              << (sentence.guarded ? 1 : 0) << '\t';
          for (std::size_t f = 0; f < sentence.features.size(); ++f) {
            out << (f ? " " : "") << sentence.features[f];
          }
          out << '\n';
        }
      }
    }
    return out ? 0 : 2;
  }
  out << "id\tgold\tpredicted\tcategory\tkind\tsigns\n";
  std::vector<std::string> signs;
  for (const Message& message : messages) {
    const guru::SafetyAssessment assessment = rules->Assess(Turns(message));
    signs.push_back(Signs(assessment));
    out << message.id << '\t' << message.gold << '\t'
        << Upper(guru::SafetyLevelName(assessment.level)) << '\t' << message.category
        << '\t' << message.kind << '\t' << signs.back() << '\n';
  }
  guru::SafetyRules::TurnCache turns;
  return Time(*rules, messages, passes, slowest, cache ? &turns : nullptr, signs) > 0 ? 1
                                                                                      : 0;
}
