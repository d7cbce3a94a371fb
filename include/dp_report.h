/*
 * dp_report.h - what a run reports (SPEC 1.4, 1.5): the three CSV files and
 * the table on stdout, computed from finished accumulators.
 */
#ifndef DP_REPORT_H
#define DP_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "dp_accum.h"
#include "dp_scenario.h"

typedef struct dp_result {
    const dp_scenario *s;
    const dp_accum *a;       /* finished (dp_accum_finish) */
    uint64_t seed;
} dp_result;

/* v in decimal with thousands separated by commas ("1,000,000"), cut to
 * fit size. */
void dp_fmt_count(char *buf, size_t size, uint64_t v);

/* One percentile of a measure: days 0 when not reached / not defined. */
typedef struct dp_pct_figure {
    double p;
    int day, ci_low, ci_high;
} dp_pct_figure;

/* The figures of one measure (a threshold level, or the withdrawal rule). */
typedef struct dp_measure {
    const char *measure;     /* "strength", "casualties", "withdrawn" */
    const char *level;       /* as written; "" for withdrawn */
    double x;                /* the level as a fraction of N0 */
    double trajectories, effective;
    double p_met, p_met_low, p_met_high;
    size_t n_pct;
    dp_pct_figure *pct;      /* owned */
} dp_measure;

/* The measures of a result, in the order strength levels, casualty levels,
 * withdrawn. Returns an array of *n (free with dp_measures_free), or NULL
 * when memory ran out. */
dp_measure *dp_measures(const dp_result *r, size_t *n);
void dp_measures_free(dp_measure *m, size_t n);

/* Sensitivity of one measure to one uncertain param (issue 5): the share
 * of the variance of the day it is met that the param's bins explain (a
 * first-order Sobol index; censored trajectories count as day H + 1), and
 * the median day among trajectories whose param lies in its lowest and its
 * highest tenth (0: not reached by H). */
typedef struct dp_sensitivity {
    const char *param;
    size_t level;            /* index into dp_measures' order */
    double first_order;      /* NAN when the day does not vary */
    int low_median, high_median;
} dp_sensitivity;

/* Every (param, measure) pair, params in table order; NULL on no memory. */
dp_sensitivity *dp_sensitivities(const dp_result *r, size_t *n);

/* Strength percentile p on day t (1..H): 0 = nobody fit; -1 when it falls in
 * the open top bin (not defined). */
int64_t dp_strength_percentile(const dp_accum *a, int t, double p);

/* Writes summary.csv, percentiles.csv, strength.csv and sensitivity.csv for
 * all results into
 * dir (created if needed), each whole or not at all. 0, or -1 with a
 * message in err. */
int dp_report_csv(const char *dir, const dp_result *r, size_t n, char *err,
                  size_t errsize);

/* The human-readable table of one result. 0, or -1 when a write failed. */
int dp_report_print(FILE *out, const dp_result *r);

#endif
