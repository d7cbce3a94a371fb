/*
 * test_date.c - ISO dates <-> epoch days (src/date.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "dp_date.h"

static int64_t parse_ok(const char *s)
{
    int64_t d = 12345678;
    cr_assert(dp_date_parse(s, strlen(s), &d), "%s should parse", s);
    return d;
}

static void expect_format(int64_t day, const char *want)
{
    char buf[11];
    memset(buf, 'x', sizeof buf);
    dp_date_format(day, buf);
    cr_assert_str_eq(buf, want, "day %lld", (long long)day);
}

/* Known days (from Python's datetime): catches an off-by-one epoch, a wrong
 * March shift or era split (1600, 1900, the years 1 and 9999). */
Test(date, known_days)
{
    cr_assert_eq(parse_ok("1970-01-01"), 0);
    cr_assert_eq(parse_ok("1969-12-31"), -1);
    cr_assert_eq(parse_ok("2024-12-01"), 20058);
    cr_assert_eq(parse_ok("2000-02-29"), 11016);
    cr_assert_eq(parse_ok("2024-02-29"), 19782);
    cr_assert_eq(parse_ok("1900-03-01"), -25508);
    cr_assert_eq(parse_ok("1600-03-01"), -135080);
    cr_assert_eq(parse_ok("0001-01-01"), -719162);
    cr_assert_eq(parse_ok("9999-12-31"), 2932896);
    expect_format(0, "1970-01-01");
    expect_format(-1, "1969-12-31");
    expect_format(20058, "2024-12-01");
    expect_format(11016, "2000-02-29");
    expect_format(-719162, "0001-01-01");
    expect_format(2932896, "9999-12-31");
}

/* Every day of 0001..9999 formats and parses back to itself, and the text
 * agrees with a naive day-by-day calendar: catches any wrong leap rule
 * (1900 not leap, 2000 leap), month length or carry between eras. */
Test(date, every_day_round_trips_against_naive_calendar)
{
    static const int mlen[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1, m = 1, d = 1;
    char want[11], got[11];
    for (int64_t day = -719162; day <= 2932896; day++) {
        snprintf(want, sizeof want, "%04u-%02u-%02u", (unsigned)y % 10000u,
                 (unsigned)m % 100u, (unsigned)d % 100u);
        dp_date_format(day, got);
        if (strcmp(got, want) != 0)
            cr_assert_fail("day %lld: got %s, want %s", (long long)day, got, want);
        int64_t back;
        if (!dp_date_parse(got, 10, &back) || back != day)
            cr_assert_fail("%s does not parse back to %lld", got, (long long)day);
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = m == 2 && leap ? 29 : mlen[m - 1];
        if (++d > len) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    cr_assert_eq(y, 10000);
}

/* Leap days exist only in leap years; 1900 and 2100 are not, 2000 and 2024
 * are. Catches a "divisible by 4" only rule and a missing 400 exception. */
Test(date, leap_days)
{
    parse_ok("2000-02-29");
    parse_ok("2024-02-29");
    parse_ok("1600-02-29");
    int64_t d;
    cr_assert_not(dp_date_parse("1900-02-29", 10, &d));
    cr_assert_not(dp_date_parse("2100-02-29", 10, &d));
    cr_assert_not(dp_date_parse("2025-02-29", 10, &d));
    cr_assert_not(dp_date_parse("2024-02-30", 10, &d));
}

/* Dates that do not exist or are not of the form: catches accepting day 31
 * in 30-day months, month 0/13, day 0/32, year 0, and loose formats. */
Test(date, invalid)
{
    static const char *bad[] = {
        "2024-04-31", "2024-06-31", "2024-09-31", "2024-11-31",
        "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32",
        "0000-01-01", "2025-1-01", "2025-01-1", "2025/01/01",
        "20250101", "2025-01-01 ", " 2025-01-01", "2025-01-0a",
        "+025-01-01", "2025--1-01", "", "2025-01-01T00",
    };
    int64_t d = 42;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(dp_date_parse(bad[i], strlen(bad[i]), &d), "%s accepted", bad[i]);
    cr_assert_eq(d, 42, "failed parse must not write");
    parse_ok("2024-12-31");
    parse_ok("2024-04-30");
}

/* Exactly len characters: a prefix of a longer text is a date, the text is
 * not. Catches reading past len or ignoring trailing characters. */
Test(date, exact_length)
{
    const char *s = "2025-01-011";
    int64_t d;
    cr_assert(dp_date_parse(s, 10, &d));
    cr_assert_eq(d, parse_ok("2025-01-01"));
    cr_assert_not(dp_date_parse(s, 11, &d));
    cr_assert_not(dp_date_parse(s, 9, &d));
}

/* date_like tells the form, not the validity: the parser uses it to say
 * "date does not exist" rather than "not a number". */
Test(date, like)
{
    cr_assert(dp_date_like("2025-13-45", 10));
    cr_assert(dp_date_like("0000-00-00", 10));
    cr_assert(dp_date_like("2025-02-01", 10));
    cr_assert_not(dp_date_like("2025-2-01", 9));
    cr_assert_not(dp_date_like("2025-02-011", 11));
    cr_assert_not(dp_date_like("2025_02_01", 10));
    cr_assert_not(dp_date_like("-2025-02-0", 10));
    cr_assert_not(dp_date_like("12.5e-3%xx", 10));
}

/* Days without a 4-digit year are written as a placeholder of the same
 * width, never as a wrong date or past the 11-byte buffer. */
Test(date, format_out_of_range)
{
    expect_format(-719163, "????" "-" "??" "-" "??");
    expect_format(2932897, "????" "-" "??" "-" "??");
    expect_format(INT64_MIN, "????" "-" "??" "-" "??");
    expect_format(INT64_MAX, "????" "-" "??" "-" "??");
}
