#include "core/query_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "core/text.h"

namespace guru {
namespace {

// Sorted, for binary search. English function words: articles, pronouns,
// auxiliaries, conjunctions and prepositions that carry no topic, so long
// chatty questions do not match on "the" and "my"; also as people type them
// on a phone, without the apostrophe ("cant" would find Cant syndrome) or
// shortened ("wat", "u", "bcoz").
constexpr std::array<std::string_view, 200> kStopwords = {
    "a",         "about",    "abt",        "am",      "an",         "and",      "any",
    "are",       "aren't",   "arent",      "as",      "at",         "bcoz",     "bcz",
    "be",        "because",  "becoz",      "been",    "being",      "but",      "by",
    "can",       "can't",    "cannot",     "cant",    "could",      "couldn't", "couldnt",
    "coz",       "cuz",      "dat",        "did",     "didn't",     "didnt",    "do",
    "does",      "doesn't",  "doesnt",     "doing",   "don't",      "dont",     "for",
    "from",      "had",      "hadnt",      "has",     "hasn't",     "hasnt",    "have",
    "haven't",   "havent",   "having",     "he",      "he'd",       "he'll",    "he's",
    "her",       "here",     "hers",       "herself", "hes",        "him",      "himself",
    "his",       "how",      "how's",      "hows",    "i",          "i'd",      "i'll",
    "i'm",       "i've",     "if",         "im",      "in",         "into",     "is",
    "isn't",     "isnt",     "it",         "it'll",   "it's",       "its",      "itself",
    "ive",       "just",     "let's",      "me",      "mine",       "more",     "most",
    "my",        "myself",   "no",         "nor",     "not",        "now",      "of",
    "on",        "once",     "only",       "or",      "other",      "our",      "ours",
    "ourselves", "out",      "over",       "own",     "same",       "she",      "she'd",
    "she'll",    "she's",    "shes",       "should",  "shouldn't",  "shouldnt", "shud",
    "so",        "some",     "such",       "than",    "that",       "that's",   "thats",
    "the",       "their",    "theirs",     "them",    "themselves", "then",     "there",
    "there's",   "theres",   "these",      "they",    "they'd",     "they'll",  "they're",
    "they've",   "theyre",   "theyve",     "this",    "those",      "through",  "tht",
    "to",        "too",      "u",          "ur",      "us",         "very",     "was",
    "wasn't",    "wasnt",    "wat",        "we",      "we'd",       "we'll",    "we're",
    "we've",     "were",     "werent",     "weve",    "what",       "what's",   "whats",
    "when",      "where",    "where's",    "wheres",  "which",      "while",    "who",
    "who's",     "whom",     "whos",       "whose",   "wht",        "why",      "will",
    "with",      "won't",    "wont",       "would",   "wouldn't",   "wouldnt",  "wud",
    "you",       "you'd",    "you'll",     "you're",  "you've",     "your",     "youre",
    "yours",     "yourself", "yourselves", "youve"};

// Sorted. Courtesy and question framing, common in messages to an expert,
// also as texted ("pls", which would find PLS, primary lateral sclerosis).
constexpr std::array<std::string_view, 48> kChattyWords = {
    "advice",  "advise", "anybody",     "anyone",   "appreciate", "appreciated", "dear",
    "doctor",  "dr",     "greetings",   "hello",    "help",       "helpful",     "hey",
    "hi",      "info",   "information", "kind",     "kindly",     "know",        "let",
    "like",    "maam",   "madam",       "need",     "please",     "pls",         "plss",
    "plz",     "plzz",   "po",          "question", "questions",  "regards",     "sir",
    "someone", "tell",   "thank",       "thanks",   "thnx",       "thx",         "tnx",
    "want",    "wanted", "wonder",      "wondered", "wondering",  "writing"};

enum class CharClass { kWord, kApostrophe, kSeparator };

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

CharClass Classify(std::uint32_t cp) {
  if (cp < 0x80 && IsAsciiAlnum(static_cast<char>(cp))) return CharClass::kWord;
  if (cp == '\'' || cp == 0x2019) return CharClass::kApostrophe;
  if (cp < 0x80 || cp == 0xA0 || cp == 0xFFFD || (cp >= 0x2000 && cp <= 0x206F) ||
      (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 ||
      cp == 0xF7) {
    return CharClass::kSeparator;
  }
  return CharClass::kWord;  // Letters of other scripts, accented letters.
}

}  // namespace

bool IsStopword(std::string_view lower_word) {
  return std::binary_search(kStopwords.begin(), kStopwords.end(), lower_word);
}

bool IsChattyWord(std::string_view lower_word) {
  return std::binary_search(kChattyWords.begin(), kChattyWords.end(), lower_word);
}

void ForEachWord(
    std::string_view text,
    const std::function<void(const WordSpan&, const std::string&)>& on_word) {
  std::string word;
  WordSpan span;
  std::size_t chars = 0;
  auto flush = [&] {
    // span ends at the last letter or digit, so trailing apostrophes go.
    while (!word.empty() && word.back() == '\'') word.pop_back();
    if (!word.empty()) on_word(span, word);
    word.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (IsAsciiAlnum(text[i])) {
      // A run of ASCII letters and digits (most of every answer passages
      // scan) is taken whole.
      if (word.empty()) {
        span.byte_begin = i;
        span.char_begin = chars;
      }
      const std::size_t begin = i;
      while (i < text.size() && IsAsciiAlnum(text[i])) ++i;
      // Lower-cased in place: AsciiLower's copy cost 1.2% of a search
      // (callgrind, K-QA questions).
      const std::size_t from = word.size();
      word.append(text.substr(begin, i - begin));
      for (std::size_t k = from; k < word.size(); ++k) {
        if (word[k] >= 'A' && word[k] <= 'Z')
          word[k] = static_cast<char>(word[k] - 'A' + 'a');
      }
      chars += i - begin;
      span.byte_end = i;
      span.char_end = chars;
      continue;
    }
    std::uint32_t cp = static_cast<unsigned char>(text[i]);
    if (cp < 0x80 && cp != '\'') {  // ASCII punctuation and spaces.
      flush();
      ++i;
      ++chars;
      continue;
    }
    std::size_t length = 1;
    // A byte that starts no well-formed sequence is a separator.
    if (cp >= 0x80) cp = DecodeUtf8(text, i, length).value_or(0xFFFD);
    const CharClass char_class = Classify(cp);
    if (char_class == CharClass::kSeparator ||
        (char_class == CharClass::kApostrophe && word.empty())) {
      flush();
    } else {
      if (word.empty()) {
        span.byte_begin = i;
        span.char_begin = chars;
      }
      if (char_class == CharClass::kApostrophe) {
        word.push_back('\'');
      } else {
        word.append(text.substr(i, length));  // Not ASCII: taken as it is.
        span.byte_end = i + length;
        span.char_end = chars + 1;
      }
    }
    i += length;
    ++chars;
  }
  flush();
}

namespace {

bool IsAsciiVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// `word` with its `suffix` replaced by `replacement`, when it ends so and
// keeps a stem of at least `min_stem` bytes; empty otherwise.
std::string ReplaceSuffix(std::string_view word, std::string_view suffix,
                          std::string_view replacement, std::size_t min_stem = 3) {
  if (word.size() < suffix.size() + min_stem || !word.ends_with(suffix)) return {};
  return std::string(word.substr(0, word.size() - suffix.size())) +
         std::string(replacement);
}

}  // namespace

std::vector<std::string> AmericanSpellings(std::string_view lower_word) {
  std::vector<std::string> spellings;
  const auto add = [&spellings, lower_word](std::string spelling) {
    if (!spelling.empty() && spelling != lower_word &&
        std::find(spellings.begin(), spellings.end(), spelling) == spellings.end()) {
      spellings.push_back(std::move(spelling));
    }
  };
  // Greek and Latin "ae"/"oe" spelled "e" (haem-, anaem-, paed-, oedema,
  // oesophagus, diarrhoea, foetus, coeliac): inside a word, not at its end
  // ("toe", "heroes").
  if (lower_word.size() >= 6) {
    std::string spelling;
    for (std::size_t i = 0; i < lower_word.size(); ++i) {
      const char c = lower_word[i];
      const std::string_view after =
          i + 2 <= lower_word.size() ? lower_word.substr(i + 2) : std::string_view();
      const bool digraph = (c == 'a' || c == 'o') && i + 1 < lower_word.size() &&
                           lower_word[i + 1] == 'e' && !after.empty() && after != "s" &&
                           after != "d" && (i == 0 || !IsAsciiVowel(lower_word[i - 1]));
      if (digraph && !(c == 'a' && i == 0)) {  // "aerobic", "aesthetic" stay.
        spelling += 'e';
        ++i;
      } else {
        spelling += c;
      }
    }
    add(std::move(spelling));
  }
  // -our -> -or (tumour, behaviour, colour), -tre/-bre -> -ter/-ber (centre,
  // fibre), -ise/-isation -> -ize/-ization, -yse -> -yze (paralysed).
  static constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
      {"our", "or"},
      {"ours", "ors"},
      {"oured", "ored"},
      {"tre", "ter"},
      {"tres", "ters"},
      {"bre", "ber"},
      {"bres", "bers"},
      {"ise", "ize"},
      {"ised", "ized"},
      {"ises", "izes"},
      {"ising", "izing"},
      {"isation", "ization"},
      {"isations", "izations"},
      {"yse", "yze"},
      {"ysed", "yzed"},
      {"ysing", "yzing"},
  };
  for (const auto& [british, american] : kSuffixes) {
    add(ReplaceSuffix(lower_word, british, american));
  }
  return spellings;
}

std::vector<std::string> ConditionNouns(std::string_view lower_word) {
  static constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
      {"istic", "ism"},  // autistic
      {"iac", "ia"},     // hemophiliac, insomniac
      {"itic", "itis"},  // arthritic
      {"otic", "osis"},  // psychotic, cirrhotic, sclerotic
      {"ytic", "ysis"},  // paralytic
      {"ptic", "psy"},   // epileptic, narcoleptic
      {"atic", "a"},     // asthmatic
      {"ic", "ia"},      // anemic, anorexic, dyslexic, leukemic
      {"ic", "es"},      // diabetic
      {"ic", "y"},       // allergic
      {"ic", ""},        // alcoholic
      {"ous", ""},       // cancerous
  };
  std::vector<std::string> nouns;
  for (const auto& [suffix, replacement] : kSuffixes) {
    std::string noun = ReplaceSuffix(lower_word, suffix, replacement);
    if (!noun.empty() && std::find(nouns.begin(), nouns.end(), noun) == nouns.end()) {
      nouns.push_back(std::move(noun));
    }
  }
  return nouns;
}

Message::Message(std::string text) : text_(std::move(text)) {
  ForEachWord(text_, [this](const WordSpan& span, const std::string& word) {
    words_.push_back({span, word});
  });
}

Message::Message(const char* text) : Message(std::string(text)) {}

std::size_t Message::SearchableWordCount() const {
  return static_cast<std::size_t>(
      std::count_if(words_.begin(), words_.end(),
                    [](const Word& word) { return !IsStopword(word.lower); }));
}

std::vector<std::string> QueryWords(std::string_view text) {
  std::vector<std::string> words;
  ForEachWord(text, [&](const WordSpan&, const std::string& word) {
    if (!IsStopword(word)) words.push_back(word);
  });
  return words;
}

const std::vector<QuestionType>& QuestionTypes() {
  // General medical question aspects (as in MedlinePlus' and GARD's topic
  // pages), not words of any particular question; the follow-up phrases are
  // how consumers ask for one once the subject is set ("do I need surgery",
  // "what are my chances", "will the kids have it too").
  static const std::vector<QuestionType> kTypes = {
      {"treatment",
       {"treat",    "treats",  "treated",    "treating",   "treatment",   "treatments",
        "cure",     "cures",   "cured",      "therapy",    "therapies",   "remedy",
        "remedies", "manage",  "management", "medication", "medications", "rid",
        "option",   "options", "fix",        "operate",    "operation"},
       {"get rid", "deal with", "cope with", "make it stop", "make it go away",
        "settle down", "calm down", "what helps", "what can i take"},
       {"treatment", "treat"},
       {"anything that helps",
        "anything help",
        "help with",
        "helps with",
        "can be done",
        "be done for",
        "be done about",
        "do for",
        "do about",
        "need surgery",
        "need an operation",
        "what medicine",
        "which medicine",
        "what medication",
        "on tablets",
        "on medication",
        "on medicine",
        "get over",
        "look after",
        "looking after",
        "any help",
        "medicine",
        "medicines",
        "meds",
        "drugs",
        "pills",
        "tablets",
        "surgery",
        "physio",
        "physiotherapy",
        "what then",
        "what next",
        "do they do",
        "chemo",
        "chemotherapy",
        "radiotherapy",
        "what works",
        "slow it down",
        "slows it down",
        "slow it",
        "slows it",
        "slowing it",
        "what do they do",
        "what's done",
        "what is done",
        "give for",
        "take for",
        "anything for",
        "ease it",
        "relieve",
        "relief",
        "sort it out",
        "under control",
        "control it",
        "bring it down",
        "get it down",
        "injections",
        "inhaler",
        "inhalers",
        "cream",
        "creams",
        "antibiotics",
        "transplant",
        "laser",
        "lasers",
        "handle it",
        "what can we do"}},
      {"symptoms",
       {"symptom", "symptoms", "sign", "signs", "notice", "noticed", "warning"},
       {"feel like", "look like", "look out for", "watch out for", "show up", "shows up",
        "what happens to"},
       {"symptoms", "signs"},
       {"look for",         "go through",          "do to",           "to expect",
        "should we expect", "should i expect",     "will happen",     "how would i know",
        "how will i know",  "how do i know",       "tell tale",       "telltale",
        "features",         "what would i notice", "how it shows",    "how does it show",
        "what will we see", "be feeling",          "what is it like", "what's it like"}},
      {"causes",
       {"cause", "causes", "caused", "causing", "why", "reason", "reasons", "trigger",
        "triggers"},
       {"bring on", "brings on", "set off", "sets off", "how did i get",
        "why do people get", "where does it come from"},
       {"causes"},
       {"come from",
        "comes from",
        "why did",
        "why does",
        "what made",
        "how do you get",
        "how do people get",
        "brought on",
        "brought it on",
        "what makes",
        "how come",
        "to blame",
        "my fault",
        "something we did",
        "something i did",
        "why me",
        "why him",
        "why her",
        "where did it come from",
        "how did he get",
        "how did she get",
        "how did we get",
        "how did they get",
        "how does someone get",
        "in the first place",
        "what sets it off"}},
      {"prevention",
       {"prevent", "prevents", "prevented", "preventing", "prevention", "avoid",
        "avoided", "avoiding"},
       {"keep from", "stop it happening", "stop getting", "stop it coming back",
        "avoid getting", "protect myself", "protect yourself", "lower my chances",
        "reduce my chances"},
       {"prevent", "prevention"},
       {"protect ourselves",
        "protect them",
        "protect him",
        "protect her",
        "coming back",
        "happening again",
        "get it again",
        "keep it away",
        "lower the risk",
        "reduce the risk",
        "stop them",
        "so it doesn't",
        "so he doesn't",
        "so she doesn't",
        "so i don't",
        "so we don't",
        "so they don't",
        "never get",
        "not get it",
        "ward off",
        "keep them away",
        "lower my risk",
        "lower his risk",
        "lower her risk",
        "vaccine",
        "vaccines",
        "vaccination",
        "jab",
        "jabs",
        "get another",
        "from happening",
        "catching it"}},
      {"diagnosis",
       {"diagnose", "diagnosed", "diagnosis", "diagnosing", "test", "tests", "testing",
        "exam", "exams", "screening", "check", "checked", "confirm", "confirmed",
        "detect", "detected"},
       {"find out", "tell if", "know if", "check for", "test for", "look for it"},
       {"diagnose", "diagnosis", "tests"},
       {"scan",
        "scans",
        "biopsy",
        "x-ray",
        "they tell",
        "doctors tell",
        "you tell",
        "they know",
        "doctors know",
        "figure out",
        "work out if",
        "pick it up",
        "picked up",
        "spot it",
        "how do they know",
        "how can they tell",
        "blood test",
        "blood tests",
        "mri",
        "ultrasound",
        "rule out",
        "get tested",
        "be tested",
        "test him",
        "test her",
        "test me"}},
      {"outlook",
       {"outlook", "prognosis", "expectancy", "survival", "survive", "worse", "recover",
        "recovery"},
       {"get better", "get worse", "gets worse", "grow out of", "go away", "clear up",
        "how long", "live with", "life expectancy", "chances of survival"},
       {"outlook", "prognosis"},
       {"my chances",
        "his chances",
        "her chances",
        "their chances",
        "normal life",
        "how serious",
        "is it serious",
        "is it fatal",
        "die from",
        "die of",
        "able to walk",
        "be ok",
        "be okay",
        "be alright",
        "shorten his",
        "shorten her",
        "shorten my",
        "shorten your",
        "shorten life",
        "progress",
        "progresses",
        "curable",
        "back to normal",
        "normal again",
        "the future",
        "future hold",
        "for life",
        "lifelong",
        "permanent",
        "permanently",
        "forever",
        "ever go away",
        "ever get better",
        "wheelchair",
        "in the long run",
        "how bad will",
        "how bad does it get",
        "outgrow",
        "heal",
        "heals",
        "healed",
        "last long",
        "will it last",
        "live long",
        "lifespan",
        "life span",
        "how long do people live",
        "deadly",
        "dangerous",
        "terminal",
        "kill him",
        "kill her",
        "kill me"}},
      {"inheritance",
       {"inherit", "inherited", "inheritance", "hereditary", "genetic"},
       {"pass it on", "pass it down", "passed down", "passed on", "pass to", "passed to",
        "passes to", "pass from", "passed from", "run in families", "runs in families",
        "run in the family", "runs in the family"},
       {"inherited", "inheritance"},
       {"carry",          "carrying",           "carrier",         "carriers",
        "trait",          "siblings",           "have it too",     "get it too",
        "get it as well", "baby have it",       "kids have it",    "children have it",
        "kids get it",    "children get it",    "neither of us",   "a carrier",
        "be carriers",    "got it from",        "from us",         "from his side",
        "from her side",  "side of the family", "the odds",        "pass it to",
        "passing it",     "our kids",           "my kids",         "our children",
        "grandchildren",  "grandkids",          "future children", "next baby",
        "another baby",   "in the family",      "family history",  "in the genes",
        "in our genes",   "daughter have it",   "son have it",     "daughter get it",
        "son get it"}},
      // Which genes change and how (GHR's "What are the genetic changes
      // related to ...?"), apart from whether and how it is passed on.
      {"genetic changes",
       {"gene", "genes", "mutation", "mutations", "mutated", "genetic changes"},
       {"which gene", "what gene", "faulty gene", "gene change", "gene changes"},
       {"genetic", "mutations"},
       {"dna", "chromosome", "chromosomes", "goes wrong in", "wrong in the"}},
      {"complications",
       {"complication", "complications"},
       {"lead to", "long term", "down the line"},
       {"complications"},
       {"other problems",
        "damage to",
        "affect other",
        "happens if",
        "untreated",
        "damage",
        "not treated",
        "not controlled",
        "lasting",
        "knock on",
        "go wrong",
        "problems can it cause",
        "problems does it cause",
        "health problems",
        "cause problems",
        "harm",
        "harmful",
        "affect her",
        "affect his",
        "affect my",
        "affect the baby",
        "effects on",
        "long term effects",
        "serious problems",
        "other conditions"}},
      {"dosage",
       {"dosage", "dosages"},
       {"what dose", "which dose", "right dose", "how much should i take",
        "how many should i take"},
       {"dose", "dosage"},
       {"how do i take", "how should i take", "how to take", "how should he take",
        "how should she take", "with food", "empty stomach", "morning or night",
        "when should i take", "what time of day", "how much can i take"}},
      {"risk",
       {"risk", "risks", "susceptible", "susceptibility"},
       {"likely to get", "more likely", "at risk", "who gets", "chances of getting"},
       {"risk"},
       {"prone", "who tends to get", "who usually gets", "what kind of people",
        "what sort of people", "most likely", "more prone", "am i likely", "is he likely",
        "is she likely", "higher chance", "who else"}},
      {"research",
       {"research", "trial", "trials"},
       {"working on", "new treatments", "clinical trial", "clinical trials"},
       {"research", "trials"},
       {"study",           "studies",         "studied",       "studying",
        "researchers",     "scientists",      "experimental",  "anything new",
        "anything better", "new drugs",       "new medicines", "new treatment",
        "coming up with",  "in the pipeline", "pipeline",      "breakthrough",
        "breakthroughs",   "cure soon",       "cure yet",      "latest",
        "in development",  "being developed"}},
      {"frequency",
       {"common", "prevalence", "prevalent", "widespread", "many"},
       {"how common", "how many people", "how rare"},
       {"many", "affected", "common"},
       {"how often", "is it rare", "is it common", "how many kids", "how many children",
        "how many babies", "born with", "a lot of people", "lots of people",
        "lots of kids", "a lot of children", "a lot of kids", "unusual", "rare",
        "many people", "normal to have"}},
      {"stages",
       {"stage", "stages", "staging"},
       {},
       {"stages"},
       {"how far", "how advanced", "far along", "grade", "grades", "grading",
        "stage it"}},
      // A drug's questions, as MedlinePlus' drug pages ask them ("What
      // should I do if I forget a dose of ...", "What are the side effects
      // or risks of ...", "What to do in case of emergency or overdose of
      // ...", "What are the brand names of ...").
      {"side effects",
       {"side effects"},
       {"side effects", "side effect", "adverse effects", "adverse effect"},
       {"side", "effects"},
       {"is that from", "is this from", "normal to feel", "from the pills",
        "from the tablets", "from the medicine", "from the medication", "from the drug",
        "caused by the pills", "caused by the tablets", "reaction to it",
        "since starting", "since i started"}},
      {"missed dose",
       {"forget dose"},
       {"forget a dose", "forgot a dose", "forget to take", "forgot to take",
        "missed a dose", "miss a dose", "missed dose", "skip a dose", "skipped a dose"},
       {"forget", "dose"},
       {"miss one", "missed one", "forget one", "forgot one", "took it late", "double up",
        "make up for", "missed this"}},
      {"overdose",
       {"overdose", "overdosed", "overdosing"},
       {"took too many", "taken too many", "took too much", "taken too much"},
       {"overdose", "emergency"},
       {"twice by mistake", "by mistake", "by accident", "got into", "a handful",
        "extra dose", "double dose", "poison control"}},
      {"brand names",
       {"brand", "brands"},
       {"brand name", "brand names", "generic name", "other names"},
       {"brand", "names"},
       {"sold under", "sold as", "another name", "other name", "different name",
        "called something else", "looks different", "generic"}},
  };
  return kTypes;
}

bool IsQuestionTypeWord(std::string_view lower_word) {
  // Split as a message is (ForEachWord), so "x-ray" or "what's" is the
  // word a turn holds.
  static const std::unordered_set<std::string> kWords = [] {
    std::unordered_set<std::string> words;
    for (const QuestionType& type : QuestionTypes()) {
      for (const auto* list :
           {&type.cues, &type.phrases, &type.words, &type.follow_up_phrases}) {
        for (std::string_view phrase : *list) {
          ForEachWord(phrase, [&words](const WordSpan&, const std::string& word) {
            words.insert(word);
          });
        }
      }
    }
    return words;
  }();
  return kWords.contains(std::string(lower_word));
}

const std::vector<Population>& Populations() {
  // Children first (kChildrenPopulation). Not "young", which titles use as
  // a name ("Young syndrome"), nor "early-onset", which is also an adult's
  // age ("early-onset Alzheimer disease" begins before 65); not a relative
  // ("son", "daughter"), who may be of any age; not "aging", whose stem is
  // "age" ("my father, age 65").
  static const std::vector<Population> kPopulations = {
      {"children",
       {"child",       "children",    "childhood", "kid",      "kids",      "pediatric",
        "paediatric",  "juvenile",    "infant",    "infants",  "infancy",   "infantile",
        "newborn",     "newborns",    "neonatal",  "baby",     "babies",    "toddler",
        "toddlers",    "teen",        "teens",     "teenager", "teenagers", "adolescent",
        "adolescents", "adolescence", "youth"}},
      {"adults", {"adult", "adults", "elderly", "older", "seniors"}},
      {"men", {"men", "man", "male", "males"}},
      {"women", {"women", "woman", "female", "females"}},
      {"pregnancy", {"pregnancy", "pregnant", "pregnancies", "gestational"}},
  };
  return kPopulations;
}

const std::vector<std::string_view>& KindWords() {
  static const std::vector<std::string_view> kWords = {
      "form",    "forms",     "kind",    "kinds",   "sort",    "sorts",
      "subtype", "subtypes",  "type",    "types",   "variant", "variants",
      "variety", "varieties", "version", "versions"};
  return kWords;
}

std::string KindDesignator(std::string_view lower_word) {
  static constexpr std::string_view kRoman[] = {"i",  "ii",  "iii",  "iv", "v",
                                                "vi", "vii", "viii", "ix", "x"};
  const auto is_letter = [](char c) { return c >= 'a' && c <= 'z'; };
  for (std::size_t i = 0; i < std::size(kRoman); ++i) {
    if (lower_word == kRoman[i]) return std::to_string(i + 1);
  }
  // A roman numeral and a subtype's letter ("ib", "iie"; not a numeral's
  // own letter: "xi" is no "x" of subtype "i").
  for (std::size_t i = 0; i < std::size(kRoman); ++i) {
    if (lower_word.size() == kRoman[i].size() + 1 && lower_word.starts_with(kRoman[i]) &&
        lower_word.back() >= 'a' && lower_word.back() <= 'h') {
      return std::to_string(i + 1) + lower_word.back();
    }
  }
  // One or two digits, then at most a letter and a digit ("1a", "2b2").
  std::size_t digits = 0;
  while (digits < lower_word.size() && lower_word[digits] >= '0' &&
         lower_word[digits] <= '9') {
    ++digits;
  }
  const std::string_view rest = lower_word.substr(digits);
  const bool subtype =
      rest.empty() ||
      (is_letter(rest[0]) &&
       (rest.size() == 1 || (rest.size() == 2 && rest[1] >= '0' && rest[1] <= '9')));
  if (digits == 0 || digits > 2 || !subtype) return {};
  std::string_view kind = lower_word;
  if (digits == 2 && kind.starts_with('0')) kind.remove_prefix(1);
  return std::string(kind);
}

bool SameKind(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (!b.starts_with(a)) return false;
  if (a.size() == b.size()) return true;
  // Where `a` ends, `b` goes on with a subtype: a letter after a digit or
  // a digit after a letter ("1" and "1a", "2b" and "2b2"; not "1" and "12").
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  return !a.empty() && is_digit(a.back()) != is_digit(b[a.size()]);
}

std::string KindAfter(std::string_view lower_word, std::string_view next,
                      std::string_view after_next) {
  if (lower_word != "type" && lower_word != "types") return {};
  if (next == "i" && !after_next.empty() && IsStopword(after_next)) return {};
  return KindDesignator(next);
}

void AddKindsDesignated(const Message& message, std::vector<std::string>& kinds) {
  const std::vector<Message::Word>& words = message.words();
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    std::string kind = KindAfter(words[i].lower, words[i + 1].lower,
                                 i + 2 < words.size() ? words[i + 2].lower : "");
    if (!kind.empty() && std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
      kinds.push_back(std::move(kind));
    }
  }
}

namespace {

// The number `word` is when it is all digits (and not absurdly long).
std::optional<int> SmallNumber(std::string_view word) {
  if (word.empty() || word.size() > 3) return std::nullopt;
  int number = 0;
  for (const char c : word) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  return number;
}

constexpr int kAdultYears = 18;

// Units of an age: years, and the months, weeks and days of a baby's.
bool IsYears(std::string_view unit) {
  return unit == "year" || unit == "years" || unit == "yr" || unit == "yrs";
}

bool IsShorterThanYears(std::string_view unit) {
  static const std::unordered_set<std::string_view> kUnits = {
      "month", "months", "mo", "mos", "week", "weeks", "wk", "wks", "day", "days"};
  return kUnits.contains(unit);
}

// Whose age a number said without "old" would be, from the words before
// it: someone's ("he's 6", "who is 11", "she's only 9"), the writer's ("I'm
// 15"), or an age named as such ("aged 7", "age 12 months"); none for "it's
// 5", "that is 3" (a thing's count or size) or "since age 5" (an age in the
// past, which adults give too).
enum class AgeCue { kNone, kSomeone, kWriter, kNamed };

AgeCue AgeCueBefore(const std::vector<std::string_view>& lower_words, std::size_t i) {
  static const std::unordered_set<std::string_view> kHedges = {
      "only", "just", "nearly", "almost", "about", "now", "barely", "already"};
  static const std::unordered_set<std::string_view> kSomeone = {"he's", "hes",   "she's",
                                                                "shes", "who's", "whos"};
  static const std::unordered_set<std::string_view> kPast = {"since", "from",   "until",
                                                             "till",  "before", "after"};
  const auto at = [&](std::size_t back) {
    return i >= back ? lower_words[i - back] : std::string_view();
  };
  if (kHedges.contains(at(1))) --i;
  if (at(1) == "age" || at(1) == "aged") {
    return kPast.contains(at(2)) ? AgeCue::kNone : AgeCue::kNamed;
  }
  if (kSomeone.contains(at(1))) return AgeCue::kSomeone;
  if (at(1) == "i'm" || at(1) == "im" || (at(1) == "am" && at(2) == "i")) {
    return AgeCue::kWriter;
  }
  if (at(1) == "is" && (at(2) == "he" || at(2) == "she" || at(2) == "who")) {
    return AgeCue::kSomeone;
  }
  return AgeCue::kNone;
}

// Whether `unit`, the word after a number that `cue` says is an age without
// "old", keeps it one: not a measure or a count ("she's 5 foot", "I'm 1 of
// 4", "he's 5 years clean"). Months, weeks and days are a baby's age when
// said of someone or named as an age, a pregnancy's when the writer says
// them ("I'm 12 weeks").
bool KeepsAnAge(AgeCue cue, std::string_view unit) {
  static const std::unordered_set<std::string_view> kOther = {
      "foot",   "feet",    "ft",    "inch",   "inches", "cm",      "mm",    "kg",
      "kilos",  "lb",      "lbs",   "pounds", "stone",  "percent", "times", "hours",
      "hrs",    "minutes", "mins",  "of",     "x",      "mg",      "ml",    "cycles",
      "rounds", "doses",   "units", "points", "pages",  "out",     "clean", "sober"};
  if (IsYears(unit)) return cue == AgeCue::kNamed;
  if (IsShorterThanYears(unit)) return cue == AgeCue::kSomeone || cue == AgeCue::kNamed;
  return !kOther.contains(unit) && !SmallNumber(unit).has_value();
}

// Whether "pregnant" comes within a few words after position `i` ("I'm 4
// and a half months pregnant").
bool PregnantAfter(const std::vector<std::string_view>& lower_words, std::size_t i) {
  constexpr std::size_t kReach = 5;
  for (std::size_t j = i + 1; j < lower_words.size() && j <= i + kReach; ++j) {
    if (lower_words[j] == "pregnant") return true;
  }
  return false;
}

}  // namespace

bool SaysChildsAge(const std::vector<std::string_view>& lower_words) {
  // An age, not a duration: "had it for 3 months" is no child.
  const auto word_at = [&lower_words](std::size_t i) {
    return i < lower_words.size() ? lower_words[i] : std::string_view();
  };
  for (std::size_t i = 0; i < lower_words.size(); ++i) {
    std::string_view word = lower_words[i];
    std::string_view unit = word_at(i + 1);
    bool old = word_at(i + 2) == "old";
    if (word.ends_with("yo")) {  // "5yo"
      word.remove_suffix(2);
      unit = "yo";
    }
    if (unit == "yo") old = true;
    const std::optional<int> number = SmallNumber(word);
    if (!number.has_value()) continue;
    if (!old) {
      // "he's 6", "who is 11", "aged 18 months": an age said of someone.
      const AgeCue cue = AgeCueBefore(lower_words, i);
      if (cue != AgeCue::kNone && *number < kAdultYears && KeepsAnAge(cue, unit) &&
          !PregnantAfter(lower_words, i)) {
        return true;
      }
      continue;
    }
    if (IsYears(unit) || unit == "yo") {
      if (*number < kAdultYears) return true;
    } else if (IsShorterThanYears(unit)) {
      return true;
    }
  }
  return false;
}

}  // namespace guru
