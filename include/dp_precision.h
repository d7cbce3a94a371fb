/*
 * dp_precision.h - `--precision DAYS`: the stopping rule. A reported
 * percentile is settled when the run already pins it down to DAYS on each
 * side; main adds trajectories in batches until every one is.
 *
 * The rule, for each measure and percentile p:
 *   - reached (a day): settled when both interval bounds exist (a lower
 *     bound, and an upper bound within the horizon) and
 *     day - ci_low <= DAYS and ci_high - day <= DAYS;
 *   - not reached: settled when the whole P(met by horizon) interval lies
 *     below p/100 (p_met_high < p/100): the percentile is, with the stated
 *     confidence, beyond the horizon. Otherwise more trajectories may still
 *     bring it inside.
 */
#ifndef DP_PRECISION_H
#define DP_PRECISION_H

#include <stdbool.h>
#include <stddef.h>
#include "dp_accum.h"
#include "dp_model.h"
#include "dp_report.h"

typedef struct dp_precision {
    size_t figures;          /* percentiles looked at, over all measures */
    size_t unsettled;        /* of them, not settled */
    int widest;              /* largest |day - bound| of the closed intervals */
} dp_precision;

/* Whether percentile f of measure m is settled at DAYS (the rule above). */
bool dp_precision_settled(const dp_measure *m, const dp_pct_figure *f, double days);

/* The rule over n measures. */
dp_precision dp_precision_of(const dp_measure *m, size_t n, double days);

/* The rule over the figures an accumulator (not finished: it is left as it
 * is and may take more merges) would report for scenario s of model m.
 * 0, or -1 when memory ran out. */
int dp_precision_check(const dp_scenario *s, const dp_model *m, const dp_accum *a,
                       double days, dp_precision *out);

#endif
