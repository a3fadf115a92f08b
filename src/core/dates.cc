#include "core/dates.h"

#include <array>

#include "absl/strings/str_format.h"
#include "core/text.h"

namespace guru {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool IsRealDay(int year, int month, int day) {
  return year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes leading digits (at most `max_digits`) and returns their value, or
// -1 when there is none.
int TakeNumber(std::string_view& text, std::size_t max_digits) {
  std::size_t n = 0;
  int value = 0;
  while (n < text.size() && n < max_digits && IsDigit(text[n])) {
    value = value * 10 + (text[n] - '0');
    ++n;
  }
  if (n == 0 || (n < text.size() && IsDigit(text[n]))) return -1;
  text.remove_prefix(n);
  return value;
}

// Month number for a full name or an abbreviation of at least three letters
// ("Sept" included); 0 when none matches.
int MonthFromWord(std::string_view word) {
  if (word.size() < 3) return 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i].starts_with(word)) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

bool IsValidIsoDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(date[i])) return false;
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (date[i] - '0');
    return v;
  };
  return IsRealDay(num(0, 4), num(5, 2), num(8, 2));
}

std::optional<std::string> ParsePageDate(std::string_view text) {
  const std::string lower = AsciiLower(Trim(text));
  std::string_view rest = lower;

  std::size_t word_end = 0;
  while (word_end < rest.size() && rest[word_end] >= 'a' && rest[word_end] <= 'z') {
    ++word_end;
  }
  const int month = MonthFromWord(rest.substr(0, word_end));
  if (month == 0) return std::nullopt;
  rest.remove_prefix(word_end);
  if (rest.starts_with('.')) rest.remove_prefix(1);
  if (!rest.starts_with(' ')) return std::nullopt;
  rest = Trim(rest);

  const int day = TakeNumber(rest, 2);
  if (day < 0) return std::nullopt;
  for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (rest.starts_with(suffix)) {
      rest.remove_prefix(suffix.size());
      break;
    }
  }
  if (rest.starts_with(',')) rest.remove_prefix(1);
  rest = Trim(rest);

  const int year = TakeNumber(rest, 4);
  if (year < 0 || !Trim(rest).empty() || !IsRealDay(year, month, day)) {
    return std::nullopt;
  }
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

}  // namespace guru
