// Calendar dates as posts carry them: ISO `YYYY-MM-DD` inside, and the forms
// the Guru's pages print ("May 20th, 2019", "Jan 11th, 2014",
// "January 12, 2014"). Pure functions; thread-safe.
#ifndef GURU_CORE_DATES_H_
#define GURU_CORE_DATES_H_

#include <optional>
#include <string>
#include <string_view>

namespace guru {

// True when `date` is `YYYY-MM-DD` naming a real day of the Gregorian
// calendar (leap years included), years 1000..9999.
bool IsValidIsoDate(std::string_view date);

// Parses a page date: a month name in full or abbreviated (optionally with a
// '.'), a day with or without an English ordinal suffix, an optional comma
// and a four-digit year; case-insensitive, surrounding space ignored. Returns
// the ISO form, or nullopt when `text` is not such a date or names no real
// day.
std::optional<std::string> ParsePageDate(std::string_view text);

}  // namespace guru

#endif  // GURU_CORE_DATES_H_
