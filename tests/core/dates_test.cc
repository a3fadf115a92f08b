// Page dates in the forms the Guru's pages print, and ISO date validation.
#include "core/dates.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace guru {
namespace {

TEST(ParsePageDateTest, AcceptsThePagesForms) {
  EXPECT_EQ(ParsePageDate("May 20th, 2019"), "2019-05-20");
  EXPECT_EQ(ParsePageDate("Jan 11th, 2014"), "2014-01-11");
  EXPECT_EQ(ParsePageDate("January 12, 2014"), "2014-01-12");
  EXPECT_EQ(ParsePageDate("Sept 3rd 2020"), "2020-09-03");
  EXPECT_EQ(ParsePageDate("  march 1st, 2016 "), "2016-03-01");
  EXPECT_EQ(ParsePageDate("Feb 29th, 2020"), "2020-02-29");
}

TEST(ParsePageDateTest, AcceptsAbbreviationsCaseAndOrdinals) {
  EXPECT_EQ(ParsePageDate("Dec. 2nd, 1999"), "1999-12-02");
  EXPECT_EQ(ParsePageDate("DECEMBER 31ST, 2021"), "2021-12-31");
  EXPECT_EQ(ParsePageDate("aug 22nd,2018"), "2018-08-22");
  EXPECT_EQ(ParsePageDate("Oct 5, 2010"), "2010-10-05");
  EXPECT_EQ(ParsePageDate("\tJune 30th, 2015\xC2\xA0"), "2015-06-30");
}

TEST(ParsePageDateTest, RejectsNonDatesAndImpossibleDays) {
  for (const char* text :
       {"Feb 29th, 2019", "Smay 20th, 2019", "May 32nd, 2019", "May 20th, 19",
        "20 May 2019", "", "   ", "May", "May 20th", "May 0th, 2019", "Ma 20, 2019",
        "Mayo 20, 2019", "April 31st, 2019", "May 20th, 2019 and more", "May 20th, 20190",
        "May 123, 2019", "Knee pain post marathon", "2019-05-20", "Feb 29th, 1900"}) {
    EXPECT_EQ(ParsePageDate(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ParsePageDateTest, LeapDays) {
  EXPECT_EQ(ParsePageDate("Feb 29th, 2000"), "2000-02-29");
  EXPECT_EQ(ParsePageDate("Feb 29th, 2024"), "2024-02-29");
  EXPECT_EQ(ParsePageDate("Feb 29th, 2100"), std::nullopt);
}

TEST(IsValidIsoDateTest, AcceptsRealDays) {
  for (const char* date : {"2019-05-20", "2000-02-29", "2020-02-29", "1000-01-01",
                           "9999-12-31", "2019-12-31", "2019-04-30"}) {
    EXPECT_TRUE(IsValidIsoDate(date)) << date;
  }
}

TEST(IsValidIsoDateTest, RejectsMalformedAndImpossibleDates) {
  for (const char* date :
       {"1900-02-29", "2019-02-29", "2019-02-30", "2019-04-31", "2019-13-01",
        "2019-00-10", "2019-01-00", "2019-5-1", "2019-05-1", "19-05-20", "2019/05/20",
        "2019-05-20 ", " 2019-05-20", "20190520", "", "0999-12-31", "2019-0a-10",
        "+019-05-20", "2019-05-200"}) {
    EXPECT_FALSE(IsValidIsoDate(date)) << "'" << date << "'";
  }
}

}  // namespace
}  // namespace guru
