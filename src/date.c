/*
 * date.c - ISO 8601 calendar dates <-> epoch days (days since 1970-01-01).
 *
 * Owns the proleptic Gregorian calendar of the whole program: the text form
 * YYYY-MM-DD of scenario files and of every date in the output. The
 * conversions are Howard Hinnant's days_from_civil and civil_from_days
 * ("chrono-Compatible Low-Level Date Algorithms", 2013): the year is shifted
 * to start on 1 March, so that the leap day is the last day of a year, and
 * split into 400-year eras of exactly 146097 days.
 */
#include <string.h>
#include "dp_date.h"

/* Valid dates of the text form: 0001-01-01 .. 9999-12-31. */
#define YEAR_MIN 1
#define YEAR_MAX 9999

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Epoch day of y-m-d; m in 1..12, d in 1..31. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                               /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;       /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                  /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                /* [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool dp_date_like(const char *s, size_t len)
{
    if (len != 10)
        return false;
    for (size_t i = 0; i < 10; i++) {
        bool ok = (i == 4 || i == 7) ? s[i] == '-' : is_digit(s[i]);
        if (!ok)
            return false;
    }
    return true;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool dp_date_parse(const char *s, size_t len, int64_t *epoch_day)
{
    if (!dp_date_like(s, len))
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < YEAR_MIN || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *epoch_day = days_from_civil(y, m, d);
    return true;
}

static void put_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
}

/* Days outside the years 0001..9999 have no YYYY-MM-DD form: they are written
 * as "????-??-??" (same width), never as a wrong date. */
void dp_date_format(int64_t epoch_day, char buf[11])
{
    if (epoch_day < days_from_civil(YEAR_MIN, 1, 1) ||
        epoch_day > days_from_civil(YEAR_MAX, 12, 31)) {
        memcpy(buf, "????" "-" "??" "-" "??", 11);   /* split: no trigraphs */
        return;
    }
    int64_t y;
    int m, d;
    civil_from_days(epoch_day, &y, &m, &d);
    put_digits(buf, (int)y, 4);
    buf[4] = '-';
    put_digits(buf + 5, m, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = '\0';
}
