/*
 * dp_date.h - ISO 8601 dates <-> day numbers.
 *
 * An epoch day counts days since 1970-01-01 (proleptic Gregorian calendar).
 * A scenario's day t is the date start + (t - 1).
 */
#ifndef DP_DATE_H
#define DP_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses exactly YYYY-MM-DD (len characters of s, no more, no less) into an
 * epoch day. False when the text is not of that form or the date does not
 * exist (2025-02-29, 2025-13-01). Years 0001..9999. */
bool dp_date_parse(const char *s, size_t len, int64_t *epoch_day);

/* True when s (len chars) has the form NNNN-NN-NN, valid or not: tells a
 * date from a number in expressions. */
bool dp_date_like(const char *s, size_t len);

/* Writes YYYY-MM-DD and a NUL into buf (11 bytes). */
void dp_date_format(int64_t epoch_day, char buf[11]);

#endif
