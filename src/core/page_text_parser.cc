#include "core/page_text_parser.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_join.h"
#include "core/dates.h"
#include "core/post_id.h"
#include "core/str_cat.h"
#include "core/text.h"

namespace guru {
namespace {

constexpr std::string_view kReplyMarker = "the guru responded:";
constexpr std::string_view kDefaultExpert = "The Guru";
// A greeting or sign-off is a short line; longer lines are content.
constexpr std::size_t kMaxGreetingBytes = 40;
constexpr std::size_t kMaxDerivedTitleBytes = 80;

struct Line {
  int number;             // 1-based, as an editor shows it.
  std::string_view text;  // Trimmed.
};

bool StartsWithWord(std::string_view lower, std::string_view word) {
  if (!lower.starts_with(word)) return false;
  if (lower.size() == word.size()) return true;
  const char next = lower[word.size()];
  return !((next >= 'a' && next <= 'z') || (next >= '0' && next <= '9'));
}

bool IsFooterLine(std::string_view text) {
  const std::string lower = AsciiLower(text);
  return lower.starts_with("want to find out more") ||
         lower.starts_with("what they say about us") ||
         lower.starts_with("based on reviews");
}

// "Good Afternoon,", "Hi Guru,", "Dear Guru,", "Alright Guru," and the like:
// a short line that opens with a greeting word, or addresses the Guru and
// ends like a salutation.
bool IsQuestionGreeting(std::string_view text) {
  if (text.size() > kMaxGreetingBytes) return false;
  const std::string lower = AsciiLower(text);
  for (std::string_view word :
       {"hi", "hello", "hey", "hiya", "dear", "alright", "greetings", "good morning",
        "good afternoon", "good evening", "good day", "morning", "afternoon",
        "evening"}) {
    if (StartsWithWord(lower, word)) return true;
  }
  const bool salutation = lower.ends_with(',') || lower.ends_with('!');
  return salutation && lower.find("guru") != std::string::npos;
}

// "Thanks,", "Thank you!", "Best, Anna", "Many thanks" closing a question.
bool IsQuestionSignOff(std::string_view text) {
  if (text.size() > kMaxGreetingBytes) return false;
  const std::string lower = AsciiLower(text);
  for (std::string_view word :
       {"thanks", "thank you", "many thanks", "cheers", "regards", "kind regards", "best",
        "best wishes", "thanks in advance"}) {
    if (StartsWithWord(lower, word)) {
      std::string_view rest = std::string_view(lower).substr(word.size());
      // A sign-off is only the phrase, punctuation and perhaps a name.
      return std::count(rest.begin(), rest.end(), ' ') <= 3;
    }
  }
  return false;
}

// `name` without the punctuation that ends the sentence or clause it was
// written in: "Hi Lena." and "Best, Lena!" both name "Lena".
std::string WithoutTrailingPunctuation(std::string_view name) {
  constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
  while (!name.empty()) {
    if (name.ends_with(kEllipsis)) {
      name.remove_suffix(kEllipsis.size());
    } else if (std::string_view(".,;:!?").find(name.back()) != std::string_view::npos) {
      name.remove_suffix(1);
    } else {
      break;
    }
    name = Trim(name);
  }
  return std::string(name);
}

// Splits a reply's opening "Hi Beth- well done..." into the addressee and the
// rest. Returns nullopt when the paragraph does not open with a greeting.
struct ReplyGreeting {
  std::string name;
  std::string_view rest;
};
std::optional<ReplyGreeting> SplitReplyGreeting(std::string_view paragraph) {
  const std::string lower = AsciiLower(paragraph.substr(0, kMaxGreetingBytes));
  std::size_t start = 0;
  for (std::string_view word : {"hi", "hello", "hey", "dear"}) {
    if (StartsWithWord(lower, word)) start = word.size();
  }
  if (start == 0) return std::nullopt;
  // The name runs to the first delimiter: "- " (a hyphen inside a name such
  // as Mary-Jane is kept), an en or em dash, a comma, '!', ':' or the end of
  // a sentence ("Hi Lena. Sorry to hear...").
  std::size_t end = std::string_view::npos;
  for (std::string_view delim :
       {"- ", "\xE2\x80\x93", "\xE2\x80\x94", ",", "!", ":", ". "}) {
    end = std::min(end, paragraph.find(delim, start));
  }
  if (end == std::string_view::npos && paragraph.size() <= kMaxGreetingBytes) {
    end = paragraph.size();  // A greeting alone: "Hi Beth".
  }
  if (end == std::string_view::npos || end > kMaxGreetingBytes) {
    return std::nullopt;
  }
  std::string name =
      WithoutTrailingPunctuation(Trim(paragraph.substr(start, end - start)));
  if (std::count(name.begin(), name.end(), ' ') > 2) return std::nullopt;
  std::string_view rest = paragraph.substr(end);
  while (!rest.empty() && rest.front() != ' ') rest.remove_prefix(1);
  const std::string lower_name = AsciiLower(name);
  if (lower_name == "there" || lower_name == "all" || lower_name == "guru") {
    name.clear();
  }
  return ReplyGreeting{std::move(name), Trim(rest)};
}

bool EndsSentence(std::string_view line) {
  for (std::string_view end :
       {".", "?", "!", ":", ";", "\"", "\xE2\x80\x9D", "\xE2\x80\xA6", ")"}) {
    if (line.ends_with(end)) return true;
  }
  return false;
}

bool StartsLowerCase(std::string_view line) {
  return !line.empty() && line.front() >= 'a' && line.front() <= 'z';
}

// Groups lines into paragraphs. Where blank lines separate paragraphs, the
// lines between them are one paragraph (hard-wrapped text). Where the text has
// no blank lines at all, each line is a paragraph, unless it visibly
// continues the line before (that line ends mid-sentence and this one starts
// in lower case).
std::vector<std::string> Paragraphs(const std::vector<Line>& lines) {
  auto first = std::find_if(lines.begin(), lines.end(),
                            [](const Line& l) { return !l.text.empty(); });
  auto last = std::find_if(lines.rbegin(), lines.rend(),
                           [](const Line& l) { return !l.text.empty(); });
  const bool has_blank_lines =
      first != lines.end() &&
      std::any_of(first, last.base(), [](const Line& l) { return l.text.empty(); });
  std::vector<std::string> paragraphs;
  std::string current;
  std::string_view previous;
  for (const Line& line : lines) {
    const bool continues = has_blank_lines
                               ? !line.text.empty()
                               : !EndsSentence(previous) && StartsLowerCase(line.text);
    if (!continues && !current.empty()) {
      paragraphs.push_back(CollapseWhitespace(current));
      current.clear();
    }
    if (!line.text.empty()) {
      if (!current.empty()) current.push_back(' ');
      current.append(line.text);
    }
    previous = line.text;
  }
  if (!current.empty()) paragraphs.push_back(CollapseWhitespace(current));
  return paragraphs;
}

// The first sentence of the question, shortened at a word boundary.
std::string TitleFromQuestion(std::string_view question) {
  std::size_t end = question.find_first_of(".?!\n");
  std::string_view sentence = question.substr(0, end);
  if (sentence.size() > kMaxDerivedTitleBytes) {
    sentence = Utf8Prefix(sentence, kMaxDerivedTitleBytes);
    const std::size_t space = sentence.rfind(' ');
    if (space != std::string_view::npos) sentence = sentence.substr(0, space);
    return StrCat(Trim(sentence), "...");
  }
  return std::string(Trim(sentence));
}

// 1-based line number of byte `offset`, counting line breaks as SplitLines
// does ("\r\n", "\r" and "\n").
std::size_t LineOf(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' ||
        (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
    }
  }
  return line;
}

absl::Status CheckEncoding(std::string_view text) {
  if (Trim(text).empty()) return absl::InvalidArgumentError("empty post");
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat("line ", LineOf(text, nul),
                                             ": NUL byte at byte offset ", nul,
                                             " (binary file?)"));
  }
  if (auto bad = FindInvalidUtf8(text)) {
    return absl::InvalidArgumentError(
        StrCat("line ", LineOf(text, *bad), ": invalid UTF-8 at byte offset ", *bad));
  }
  return absl::OkStatus();
}

// What a line of a page is, before its place in the post is known.
enum class Kind {
  kBlank,
  kDate,     // "May 20th, 2019", "January 12, 2014"
  kMarker,   // "The Guru Responded:"
  kAsked,    // "Dave asked The Guru for the following Physiotherapy Advice:"
  kEmailed,  // "Sarah emailed: <question starts here>"
  kRelated,  // "- Related Injuries: Back"
  kText,
};

constexpr std::string_view kAskedPhrase = " asked the guru";
constexpr std::string_view kEmailedPhrase = " emailed:";
constexpr std::string_view kRelatedPhrase = "related injuries:";

// The name before `phrase` in `lower` (a lower-cased copy of `text`), when it
// is short enough to be a name.
std::string NameBefore(std::string_view text, const std::string& lower,
                       std::string_view phrase) {
  const std::size_t at = lower.find(phrase);
  if (at == std::string::npos || at == 0 || at > kMaxGreetingBytes) return "";
  return std::string(Trim(text.substr(0, at)));
}

Kind Classify(std::string_view text) {
  if (text.empty()) return Kind::kBlank;
  const std::string lower = AsciiLower(text);
  if (lower == kReplyMarker) return Kind::kMarker;
  if (ParsePageDate(text)) return Kind::kDate;
  // "Dave asked The Guru for the following Physiotherapy Advice:", perhaps
  // with the question following on the same line. A title such as "Ken asked
  // the Guru about ..." has no colon.
  if (lower.find(':') != std::string::npos &&
      !NameBefore(text, lower, kAskedPhrase).empty()) {
    return Kind::kAsked;
  }
  if (!NameBefore(text, lower, kEmailedPhrase).empty()) return Kind::kEmailed;
  std::string_view unbulleted = Trim(std::string_view(lower).substr(
      lower.starts_with('-') || lower.starts_with('*') ? 1 : 0));
  if (unbulleted.starts_with(kRelatedPhrase)) return Kind::kRelated;
  return Kind::kText;
}

struct ClassifiedLine {
  Line line;
  Kind kind;
};

bool IsQuestionContent(const ClassifiedLine& l) {
  if (l.kind == Kind::kAsked) {
    // The question may follow the "asked" line's colon.
    return !Trim(l.line.text.substr(l.line.text.find(':') + 1)).empty();
  }
  return l.kind == Kind::kText || l.kind == Kind::kEmailed;
}

// "- Related Injuries: Back, Neck" -> {"back", "neck"}.
std::vector<std::string> RelatedInjuries(std::string_view text) {
  const std::string lower = AsciiLower(text);
  std::string_view list =
      std::string_view(lower).substr(lower.find(kRelatedPhrase) + kRelatedPhrase.size());
  std::vector<std::string> injuries;
  while (!list.empty()) {
    const std::size_t comma = list.find_first_of(",;/");
    const std::string_view item = Trim(list.substr(0, comma));
    if (!item.empty()) injuries.push_back(CollapseWhitespace(item));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return injuries;
}

// The first related injury is the post's category; all become tags.
void AddRelatedInjuries(std::string_view line, v1::Post& post) {
  for (std::string& injury : RelatedInjuries(line)) {
    if (post.category().empty()) post.set_category(injury);
    post.add_tags(std::move(injury));
  }
}

// The index of the line where the reply starts (one past the marker or the
// answer date), or nullopt when the page has no recognisable reply. Sets
// `answer_date` to the index of the answer date line, if any.
std::optional<std::size_t> FindReplyStart(const std::vector<ClassifiedLine>& lines,
                                          std::size_t body,
                                          std::optional<std::size_t>& answer_date) {
  // With the marker: the answer date is the last date after the question.
  bool question_seen = false;
  std::optional<std::size_t> last_date;
  for (std::size_t i = body; i < lines.size(); ++i) {
    if (lines[i].kind == Kind::kMarker) {
      answer_date = last_date;
      return i + 1;
    }
    if (lines[i].kind == Kind::kDate && question_seen) last_date = i;
    if (IsQuestionContent(lines[i])) question_seen = true;
  }
  // No marker: the reply follows the first date that comes after the
  // question and before more text.
  question_seen = false;
  for (std::size_t i = body; i < lines.size(); ++i) {
    if (IsQuestionContent(lines[i])) question_seen = true;
    if (lines[i].kind != Kind::kDate || !question_seen) continue;
    const bool text_follows =
        std::any_of(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1, lines.end(),
                    [](const ClassifiedLine& l) { return l.kind == Kind::kText; });
    if (!text_follows) return std::nullopt;
    answer_date = i;
    return i + 1;
  }
  return std::nullopt;
}

// The page's lines up to the site's footer, which ends the post, each
// trimmed and classified.
std::vector<ClassifiedLine> ClassifyLines(std::string_view text) {
  std::vector<ClassifiedLine> lines;
  int number = 0;
  for (std::string_view raw : SplitLines(text)) {
    const std::string_view trimmed = Trim(raw);
    if (IsFooterLine(trimmed)) break;
    lines.push_back({Line{++number, trimmed}, Classify(trimmed)});
  }
  return lines;
}

// The asker's name as each part of the page gives it; the most explicit
// source that gives one wins.
struct Askers {
  std::string from_line;  // "NAME asked The Guru ...", "NAME emailed:".
  std::string from_greeting;
  std::string from_title;
  std::string from_sign_off;

  std::string Best() const {
    for (const std::string* name :
         {&from_line, &from_greeting, &from_title, &from_sign_off}) {
      if (std::string clean = WithoutTrailingPunctuation(*name); !clean.empty()) {
        return clean;
      }
    }
    return "";
  }
};

// The title: the first line, unless it is already part of the post. Returns
// where the body starts.
std::size_t ReadTitle(const std::vector<ClassifiedLine>& lines, v1::Post& post,
                      Askers& askers) {
  std::size_t body = 0;
  while (body < lines.size() && lines[body].kind == Kind::kBlank) ++body;
  if (body < lines.size() && lines[body].kind == Kind::kText) {
    const std::string_view title = lines[body].line.text;
    post.set_title(CollapseWhitespace(title));
    // "Ken asked the Guru about ..." titles name the asker.
    askers.from_title = NameBefore(title, AsciiLower(title), kAskedPhrase);
    ++body;
  }
  return body;
}

// The lines of the question in [begin, end): less dates (the first is the
// question's), "asked" lines (their name is the asker's; what follows their
// colon starts the question) and the related-injuries line (the category).
std::vector<Line> QuestionLines(const std::vector<ClassifiedLine>& lines,
                                std::size_t begin, std::size_t end, v1::Post& post,
                                Askers& askers) {
  std::vector<Line> question;
  for (std::size_t i = begin; i < end; ++i) {
    const ClassifiedLine& l = lines[i];
    switch (l.kind) {
      case Kind::kDate:
        if (post.asked_on().empty()) post.set_asked_on(*ParsePageDate(l.line.text));
        break;
      case Kind::kAsked:
      case Kind::kEmailed: {
        const std::string lower = AsciiLower(l.line.text);
        const bool emailed = l.kind == Kind::kEmailed;
        if (askers.from_line.empty()) {
          askers.from_line =
              NameBefore(l.line.text, lower, emailed ? kEmailedPhrase : kAskedPhrase);
        }
        const std::size_t at = emailed
                                   ? lower.find(kEmailedPhrase) + kEmailedPhrase.size()
                                   : lower.find(':') + 1;
        question.push_back(Line{l.line.number, Trim(l.line.text.substr(at))});
        break;
      }
      case Kind::kRelated:
        AddRelatedInjuries(l.line.text, post);
        break;
      case Kind::kBlank:
      case Kind::kText:
      case Kind::kMarker:
        question.push_back(l.line);
        break;
    }
  }
  return question;
}

// Drops the question's greeting and sign-off ("Best, Julia" names the
// asker).
void DropGreetingAndSignOff(std::vector<Line>& question, Askers& askers) {
  auto first_text = std::find_if(question.begin(), question.end(),
                                 [](const Line& l) { return !l.text.empty(); });
  if (first_text != question.end() && IsQuestionGreeting(first_text->text)) {
    question.erase(first_text);
  }
  auto last_text = std::find_if(question.rbegin(), question.rend(),
                                [](const Line& l) { return !l.text.empty(); });
  if (last_text != question.rend() && IsQuestionSignOff(last_text->text)) {
    const std::size_t comma = last_text->text.find(',');
    if (comma != std::string_view::npos) {
      askers.from_sign_off = std::string(Trim(last_text->text.substr(comma + 1)));
    }
    question.erase(std::next(last_text).base());
  }
}

// The reply, from `start` on: its paragraphs less the Guru's sign-off (the
// expert) and the greeting ("Hi Beth-", the asker). INVALID_ARGUMENT when
// no reply text is left.
absl::Status ReadReply(const std::vector<ClassifiedLine>& lines, std::size_t start,
                       v1::Post& post, Askers& askers) {
  std::vector<Line> reply_lines;
  for (std::size_t i = start; i < lines.size(); ++i) {
    if (lines[i].kind == Kind::kRelated) {
      AddRelatedInjuries(lines[i].line.text, post);
    } else {
      reply_lines.push_back(lines[i].line);
    }
  }
  std::vector<std::string> reply = Paragraphs(reply_lines);
  if (!reply.empty() && AsciiLower(reply.back()).starts_with("the guru") &&
      reply.back().size() <= kMaxGreetingBytes) {
    post.set_expert(reply.back());
    reply.pop_back();
  }
  if (!reply.empty()) {
    if (auto greeting = SplitReplyGreeting(reply.front())) {
      askers.from_greeting = greeting->name;
      if (greeting->rest.empty()) {
        reply.erase(reply.begin());
      } else {
        reply.front() = std::string(greeting->rest);
      }
    }
  }
  if (reply.empty()) {
    return absl::InvalidArgumentError(
        StrCat("line ", lines[start - 1].line.number,
               ": no reply text after the start of the reply"));
  }
  post.set_answer(absl::StrJoin(reply, "\n\n"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ParsedPage> ParsePageText(std::string_view text) {
  if (absl::Status s = CheckEncoding(text); !s.ok()) return s;
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  const std::vector<ClassifiedLine> lines = ClassifyLines(text);

  ParsedPage page;
  v1::Post& post = page.post;
  post.set_expert(std::string(kDefaultExpert));
  Askers askers;
  const std::size_t body = ReadTitle(lines, post, askers);

  std::optional<std::size_t> answer_date;
  const std::optional<std::size_t> reply_start = FindReplyStart(lines, body, answer_date);
  if (!reply_start) {
    return absl::InvalidArgumentError(
        "no reply found: expected a line 'The Guru Responded:', or an answer date "
        "after the question followed by the reply");
  }
  if (answer_date) {
    post.set_answered_on(*ParsePageDate(lines[*answer_date].line.text));
  }

  // The question lies between the title and the answer date (or marker).
  const std::size_t header_end =
      answer_date ? *answer_date
                  : *reply_start - (lines[*reply_start - 1].kind == Kind::kMarker);
  std::vector<Line> question = QuestionLines(lines, body, header_end, post, askers);
  DropGreetingAndSignOff(question, askers);
  post.set_question(absl::StrJoin(Paragraphs(question), "\n\n"));

  if (absl::Status s = ReadReply(lines, *reply_start, post, askers); !s.ok()) return s;
  if (std::string asker = askers.Best(); !asker.empty()) post.set_asker(std::move(asker));

  if (post.title().empty()) post.set_title(TitleFromQuestion(post.question()));
  if (post.asked_on().empty() && post.answered_on().empty()) {
    page.warnings.emplace_back("no dates found; indexed without dates");
  }
  post.set_id(DerivePostId(post));
  return page;
}

}  // namespace guru
