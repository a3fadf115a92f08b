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

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
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
  return lower == "want to find out more?" || lower == "what they say about us." ||
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
        "good afternoon", "good evening", "good day", "morning", "afternoon", "evening"}) {
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
  // as Mary-Jane is kept), an en or em dash, a comma, '!' or ':'.
  std::size_t end = std::string_view::npos;
  for (std::string_view delim : {"- ", "\xE2\x80\x93", "\xE2\x80\x94", ",", "!", ":"}) {
    end = std::min(end, paragraph.find(delim, start));
  }
  if (end == std::string_view::npos && paragraph.size() <= kMaxGreetingBytes) {
    end = paragraph.size();  // A greeting alone: "Hi Beth".
  }
  if (end == std::string_view::npos || end > kMaxGreetingBytes) {
    return std::nullopt;
  }
  std::string name(Trim(paragraph.substr(start, end - start)));
  if (std::count(name.begin(), name.end(), ' ') > 2) return std::nullopt;
  std::string_view rest = paragraph.substr(end);
  while (!rest.empty() && rest.front() != ' ') rest.remove_prefix(1);
  const std::string lower_name = AsciiLower(name);
  if (lower_name == "there" || lower_name == "all" || lower_name == "guru") {
    name.clear();
  }
  return ReplyGreeting{std::move(name), Trim(rest)};
}

// Groups lines into paragraphs (blank lines separate them), each paragraph's
// lines joined by a space.
std::vector<std::string> Paragraphs(const std::vector<Line>& lines) {
  std::vector<std::string> paragraphs;
  std::string current;
  for (const Line& line : lines) {
    if (line.text.empty()) {
      if (!current.empty()) paragraphs.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (!current.empty()) current.push_back(' ');
    current.append(line.text);
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  for (std::string& p : paragraphs) p = CollapseWhitespace(p);
  return paragraphs;
}

// The first sentence of the question, shortened at a word boundary.
std::string TitleFromQuestion(std::string_view question) {
  std::size_t end = question.find_first_of(".?!\n");
  std::string_view sentence = question.substr(0, end);
  if (sentence.size() > kMaxDerivedTitleBytes) {
    sentence = sentence.substr(0, kMaxDerivedTitleBytes);
    const std::size_t space = sentence.rfind(' ');
    if (space != std::string_view::npos) sentence = sentence.substr(0, space);
    return StrCat(Trim(sentence), "...");
  }
  return std::string(Trim(sentence));
}

absl::Status CheckEncoding(std::string_view text) {
  if (Trim(text).empty()) return absl::InvalidArgumentError("empty post");
  auto line_of = [&](std::size_t offset) {
    return 1 + std::count(text.begin(), text.begin() + offset, '\n');
  };
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat(
        "line ", line_of(nul), ": NUL byte at byte offset ", nul, " (binary file?)"));
  }
  if (auto bad = FindInvalidUtf8(text)) {
    return absl::InvalidArgumentError(
        StrCat("line ", line_of(*bad), ": invalid UTF-8 at byte offset ", *bad));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ParsedPage> ParsePageText(std::string_view text) {
  if (absl::Status s = CheckEncoding(text); !s.ok()) return s;
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());

  std::vector<Line> lines;
  int number = 0;
  for (std::string_view raw : SplitLines(text)) {
    lines.push_back(Line{++number, Trim(raw)});
  }

  const auto marker = std::find_if(lines.begin(), lines.end(), [](const Line& l) {
    return AsciiLower(l.text) == kReplyMarker;
  });
  if (marker == lines.end()) {
    return absl::InvalidArgumentError(
        "no reply: the line 'The Guru Responded:' that starts the Guru's reply "
        "is missing");
  }
  const auto footer = std::find_if(marker, lines.end(),
                                   [](const Line& l) { return IsFooterLine(l.text); });

  ParsedPage page;
  v1::Post& post = page.post;

  // Header: [title] [date] question [date].
  std::vector<Line> header;
  for (auto it = lines.begin(); it != marker; ++it) {
    if (!it->text.empty() || !header.empty()) header.push_back(*it);
  }
  std::size_t first = 0;
  if (!header.empty() && !ParsePageDate(header[0].text)) {
    post.set_title(CollapseWhitespace(header[0].text));
    first = 1;
  }
  auto next_nonblank = [&](std::size_t i) {
    while (i < header.size() && header[i].text.empty()) ++i;
    return i;
  };
  first = next_nonblank(first);
  if (first < header.size()) {
    if (auto date = ParsePageDate(header[first].text)) {
      post.set_asked_on(*date);
      ++first;
    }
  }
  std::size_t last = header.size();
  while (last > first && header[last - 1].text.empty()) --last;
  if (last > first) {
    if (auto date = ParsePageDate(header[last - 1].text)) {
      post.set_answered_on(*date);
      --last;
    }
  }
  std::vector<Line> question_lines(header.begin() + static_cast<std::ptrdiff_t>(first),
                                   header.begin() + static_cast<std::ptrdiff_t>(last));
  auto drop_line = [](std::vector<Line>& v, auto it) { v.erase(it); };
  auto first_text = std::find_if(question_lines.begin(), question_lines.end(),
                                 [](const Line& l) { return !l.text.empty(); });
  if (first_text != question_lines.end() && IsQuestionGreeting(first_text->text)) {
    drop_line(question_lines, first_text);
  }
  auto last_text = std::find_if(question_lines.rbegin(), question_lines.rend(),
                                [](const Line& l) { return !l.text.empty(); });
  if (last_text != question_lines.rend() && IsQuestionSignOff(last_text->text)) {
    drop_line(question_lines, std::next(last_text).base());
  }
  post.set_question(absl::StrJoin(Paragraphs(question_lines), "\n\n"));

  // Reply: greeting, paragraphs, sign-off.
  std::vector<std::string> reply(Paragraphs({std::next(marker), footer}));
  post.set_expert(std::string(kDefaultExpert));
  if (!reply.empty() && AsciiLower(reply.back()).starts_with("the guru") &&
      reply.back().size() <= kMaxGreetingBytes) {
    post.set_expert(reply.back());
    reply.pop_back();
  }
  if (!reply.empty()) {
    if (auto greeting = SplitReplyGreeting(reply.front())) {
      post.set_asker(greeting->name);
      if (greeting->rest.empty()) {
        reply.erase(reply.begin());
      } else {
        reply.front() = std::string(greeting->rest);
      }
    }
  }
  if (reply.empty()) {
    return absl::InvalidArgumentError(
        StrCat("line ", marker->number, ": no reply text after 'The Guru Responded:'"));
  }
  post.set_answer(absl::StrJoin(reply, "\n\n"));

  if (post.title().empty()) post.set_title(TitleFromQuestion(post.question()));
  if (post.asked_on().empty() && post.answered_on().empty()) {
    page.warnings.emplace_back("no dates found; indexed without dates");
  }
  post.set_id(DerivePostId(post));
  return page;
}

}  // namespace guru
