/*
 * dp_expr.h - distribution expressions (SPEC 2.1) -> dp_dist.
 *
 *   12000            a fixed number        12%        0.12
 *   70 to 120        lognormal, 5th..95th  uniform(a, b) ...  truncate(D, lo, hi)
 *   2025-02-01       a date, in a day field: its day number (day 1 = start)
 */
#ifndef DP_EXPR_H
#define DP_EXPR_H

#include <stdbool.h>
#include <stdint.h>
#include "dp_diag.h"
#include "dp_dist.h"

typedef struct dp_expr_ctx {
    bool dates;          /* dates allowed: the field is a day */
    bool have_start;     /* start is known (else a date is an error already reported) */
    int64_t start;       /* epoch day of day 1 */
    const char *field;   /* field path for messages: "casualties.per_day" */
} dp_expr_ctx;

/* Parses text into *out (checked with the type's prepare()). On failure adds
 * every problem found to dg at pos, moved to the column inside the text
 * (pos.col is the column of text[0]), and returns false with *out empty. */
bool dp_expr_parse(const char *text, const dp_expr_ctx *ctx, dp_pos pos,
                   dp_dist *out, dp_diags *dg);

#endif
