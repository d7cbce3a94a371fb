/*
 * dp_diag.h - diagnostics as data.
 *
 * The loader never prints and never exits: it adds every problem it finds,
 * with its position, to a dp_diags list; main prints them and picks the exit
 * status. Positions are 1-based (libyaml's marks are 0-based: add 1).
 */
#ifndef DP_DIAG_H
#define DP_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { DP_ERROR, DP_WARNING } dp_severity;

typedef struct dp_pos {
    const char *file;   /* not owned; the loader keeps it alive */
    int line, col;      /* 1-based; 0 when unknown */
    const char *text;   /* not owned; the source text when it is not in a
                           file (a --set argument), else NULL */
} dp_pos;

typedef struct dp_diag {
    dp_severity sev;
    char *file;         /* owned copy */
    int line, col;
    char *msg;          /* owned */
    size_t seq;         /* order of addition, for a stable sort */
    char *text;         /* owned copy of dp_pos.text, or NULL */
} dp_diag;

typedef struct dp_diags {
    dp_diag *v;
    size_t n, cap;
    size_t errors;      /* how many have DP_ERROR */
    bool oom;           /* an allocation failed: some message was lost */
} dp_diags;

/* Adds one message (printf-style). Never fails loudly: on allocation failure
 * sets oom and, for errors, still counts it. */
void dp_diag_add(dp_diags *d, dp_severity sev, dp_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sorts by file, line, column, then order of addition. */
void dp_diags_sort(dp_diags *d);

/* Prints "file:line:col: error: msg" (or "warning:"), one per line, and
 * under each the source line with a caret when the file can be read (or
 * the diagnostic carries its source text).
 * Returns 0, or -1 when a write failed. */
int dp_diags_print(FILE *out, const dp_diags *d);

void dp_diags_free(dp_diags *d);

/* A whole file in memory, for the loader and for the source lines above:
 * *buf (malloc'd, not NUL-terminated, *len bytes; the caller frees it).
 * On failure *buf is NULL and, for OPEN and IO, *err is the errno. */
typedef enum { DP_READ_OK, DP_READ_OPEN, DP_READ_IO, DP_READ_NOMEM } dp_read_status;
dp_read_status dp_read_file(const char *path, char **buf, size_t *len, int *err);

/* The candidate nearest to word by edit distance, or NULL when none is
 * close (more than a third of the word's length away). */
const char *dp_suggest(const char *word, const char *const *cands, size_t n);

#endif
