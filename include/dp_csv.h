/*
 * dp_csv.h - CSV files written whole or not at all.
 *
 * A file is written to a temporary name in its folder, every write checked,
 * and renamed over the final name only by dp_csv_commit, so a reader never
 * sees half a file and a failed run leaves the old one in place.
 */
#ifndef DP_CSV_H
#define DP_CSV_H

#include <stdbool.h>
#include <stdio.h>

typedef struct dp_csv {
    FILE *f;
    char *path;     /* final name */
    char *tmp;      /* temporary name */
    bool first;     /* next field starts a row */
    int err;        /* first errno seen, 0 when fine */
} dp_csv;

/* Creates dir (and its parents) if needed and opens dir/name for writing
 * under a temporary name. 0, or -1 with errno set. */
int dp_csv_open(dp_csv *c, const char *dir, const char *name);

/* One field, quoted when it holds a comma, quote or line break (RFC 4180). */
void dp_csv_str(dp_csv *c, const char *s);
void dp_csv_int(dp_csv *c, long long v);
/* printf-style field, written as is (numbers). */
void dp_csv_fmt(dp_csv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dp_csv_empty(dp_csv *c);
void dp_csv_end_row(dp_csv *c);

/* Flushes, closes and renames into place. 0, or -1 with errno set (the
 * temporary file is removed). */
int dp_csv_commit(dp_csv *c);

/* Drops the temporary file (safe after a failed or successful commit). */
void dp_csv_abort(dp_csv *c);

/* mkdir -p. 0 or -1 with errno. */
int dp_mkdirs(const char *dir);

#endif
