// Query understanding: what in a person's words is worth searching for.
// Pure functions; thread-safe.
#ifndef GURU_CORE_QUERY_TEXT_H_
#define GURU_CORE_QUERY_TEXT_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace guru {

// True for English function words that say nothing about a symptom ("the",
// "my", "when", "not"). `lower_word` must be lower-case ASCII.
bool IsStopword(std::string_view lower_word);

// Splits `text` into words the way the index does (letters and digits; an
// apostrophe, straight or curly, inside a word is kept as "'"), lower-cases
// ASCII letters, and drops stopwords. Every other character is a separator,
// so quotes, brackets, operators and punctuation never reach the search
// engine as syntax. Returns the words in order; empty when the text has no
// word worth searching for.
std::vector<std::string> QueryWords(std::string_view text);

// A word of a text as QueryWords splits it, where it lies in the text.
struct WordSpan {
  std::size_t byte_begin = 0;
  std::size_t byte_end = 0;
  // The same span counted in code points (characters).
  std::size_t char_begin = 0;
  std::size_t char_end = 0;
};

// Calls `on_word(span, lower_word)` for every word of `text`, stopwords
// included, split and lower-cased exactly as QueryWords does.
void ForEachWord(std::string_view text,
                 const std::function<void(const WordSpan&, const std::string&)>& on_word);

// A person's message, split into words once (ForEachWord) for every reader
// of a request: the server's limit on searchable words and the index's query
// building. Immutable; safe to share between threads.
class Message {
 public:
  struct Word {
    WordSpan span;
    std::string lower;  // As ForEachWord gives it.
  };

  // Implicit: a message is its text, split on construction.
  Message(std::string text);  // NOLINT(google-explicit-constructor)
  Message(const char* text);  // NOLINT(google-explicit-constructor)
  Message() : Message(std::string()) {}

  const std::string& text() const { return text_; }
  // Every word, stopwords included, in order.
  const std::vector<Word>& words() const { return words_; }
  // The words QueryWords would return (stopwords left out).
  std::size_t SearchableWordCount() const;

 private:
  std::string text_;
  std::vector<Word> words_;
};

// True for words people use to be polite or to frame a question ("please",
// "help", "wondering", "thanks", "anyone") that say little about the
// problem. They are searched for, at a lower weight, since sometimes they
// are all there is. `lower_word` must be lower-case ASCII.
bool IsChattyWord(std::string_view lower_word);

// The American spellings `lower_word` may have if it is spelled the British
// way ("haemophilia" -> "hemophilia", "oesophagus" -> "esophagus", "tumour"
// -> "tumor", "centre" -> "center", "immunisation" -> "immunization"): the
// candidates, for an index to confirm (a rule also rewrites words that only
// look British, "shoelace"). Empty when no rule applies.
std::vector<std::string> AmericanSpellings(std::string_view lower_word);

// The nouns that a word describing a person or a part may be derived from
// ("autistic" -> "autism", "anemic" -> "anemia", "diabetic" -> "diabetes",
// "epileptic" -> "epilepsy", "arthritic" -> "arthritis", "psychotic" ->
// "psychosis", "hemophiliac" -> "hemophilia", "cancerous" -> "cancer"), so
// that "my son is autistic" names the condition as titles do. Candidates, for
// an index to confirm; most are not words. Empty when no rule applies.
std::vector<std::string> ConditionNouns(std::string_view lower_word);

// What a question asks about a condition: its treatment, its symptoms, its
// causes... A person's question and an expert's post both have types, told by
// cue words ("cure", "medication" -> treatment; "why" -> causes), so that a
// post answering the same kind of question can rank higher. A question with
// no cue word asks for an overview.
struct QuestionType {
  std::string_view name;
  // Lower-case words, inflections included, any of which marks the type;
  // a cue of two words ("side effects", "forget dose") marks a post whose
  // question has both, wherever (a message's words are matched by
  // `phrases`).
  std::vector<std::string_view> cues;
  // How people ask it in several words, matched in their messages only
  // ("find out", "pass it on"): lower-case words separated by one space.
  std::vector<std::string_view> phrases;
  // The words posts that answer it use for it ("What are the treatments for
  // ...", "How many people are affected by ..."): a follow-up searches for
  // them, since its own words for the aspect ("what can I take for it?")
  // seldom are a post's.
  std::vector<std::string_view> words;
  // Lay words and phrases that ask for it only in a follow-up, a message whose
  // subject comes from the conversation and which is all aspect ("what are
  // my chances", "meds", "what then"): in a message that tells its
  // own story the same words are usually part of the story.
  std::vector<std::string_view> follow_up_phrases;
};

// The question types, in a fixed order (their index identifies them).
const std::vector<QuestionType>& QuestionTypes();

// Whether `lower_word` is a word of any question type's cues or phrases
// ("meds", "physio", "chemo"): English however rare in an index, so
// spelling correction leaves it alone ("meds" is not "mds").
bool IsQuestionTypeWord(std::string_view lower_word);

// Whom a condition is in, as titles single them out ("Asthma - children",
// "Juvenile osteoporosis", "Urinary Incontinence in Men") and as people
// narrow a question to them ("and in kids?", "is it different in older
// adults?"). A page for the people a message names answers it better than
// the condition's general page, which covers them in passing.
struct Population {
  std::string_view name;
  // Lower-case words, inflections included, that name it in a title or in
  // a message.
  std::vector<std::string_view> words;
};

// The populations, in a fixed order (their index identifies them).
const std::vector<Population>& Populations();

// Words that say a subject has kinds ("the childhood type", "the juvenile
// form"): without a designation ("type 2") they name no subject.
const std::vector<std::string_view>& KindWords();

// The kind that `lower_word` designates after "type" ("type 2 diabetes",
// "glycogen storage disease type IV", "Charcot-Marie-Tooth disease type
// 2B2"), written in digits and the subtypes' letter and digit: "2", "02" and
// "ii" give "2", "iv" gives "4", "2f" and "iif" give "2f", "2b2" stays.
// Empty for a word that designates no kind ("adult", "a").
std::string KindDesignator(std::string_view lower_word);

// Whether kinds `a` and `b` (KindDesignator) are the same: equal, or one of
// them a subtype of the other ("1" and "1a", "2b" and "2b2"; not "1a" and
// "1d", nor "1" and "12").
bool SameKind(std::string_view a, std::string_view b);

// The kind that `next` designates after `lower_word` when that is "type"
// or "types" ("type 2", "type IV"; KindDesignator), else empty. `after_next`
// is the word after `next` (empty at the end): "I" before a stopword is a
// pronoun ("the type I have").
std::string KindAfter(std::string_view lower_word, std::string_view next,
                      std::string_view after_next);

// Appends to `kinds` each kind that `message` designates with "type"
// ("type 2 diabetes", "glycogen storage disease type IV"; KindDesignator)
// and `kinds` lacks (KindAfter).
void AddKindsDesignated(const Message& message, std::vector<std::string>& kinds);

// The index in Populations() of children, whom a message also names by an
// age ("my 3 year old", "a 14yo", "at 18 months").
inline constexpr int kChildrenPopulation = 0;

// Whether `lower_words`, a message's words in order, give someone's age as
// a child's: "N years old" with N under 18 (or "yr(s)", "yo", "5yo"), or
// "N months old" (weeks, days), or N under 18 said of someone ("he's 6",
// "who is 11", "I'm 15", "aged 7", "she's 9 months"). A duration ("for 3
// months", "I'm 3 years out"), a measure ("5 foot") or a pregnancy ("I'm 12
// weeks") is no age.
bool SaysChildsAge(const std::vector<std::string_view>& lower_words);

}  // namespace guru

#endif  // GURU_CORE_QUERY_TEXT_H_
