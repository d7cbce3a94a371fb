/*
 * precision.c - the stopping rule of `--precision DAYS` (dp_precision.h).
 *
 * The check reads the very figures the report would write (dp_measures on
 * a finished copy of the running total), so a run that stops has met the
 * rule on its output, not on an approximation of it.
 */
#include "dp_precision.h"

bool dp_precision_settled(const dp_measure *m, const dp_pct_figure *f, double days)
{
    if (f->day <= 0)
        /* not reached: settled only when P(met) is surely below p */
        return m->p_met_high < f->p / 100.0;
    /* a missing bound (too few trajectories, or beyond the horizon) is an
     * interval of unknown width */
    if (f->ci_low <= 0 || f->ci_high <= 0) return false;
    return f->day - f->ci_low <= days && f->ci_high - f->day <= days;
}

dp_precision dp_precision_of(const dp_measure *m, size_t n, double days)
{
    dp_precision r = {0, 0, 0};
    for (size_t l = 0; l < n; l++)
        for (size_t k = 0; k < m[l].n_pct; k++) {
            const dp_pct_figure *f = &m[l].pct[k];
            r.figures++;
            if (!dp_precision_settled(&m[l], f, days)) r.unsettled++;
            if (f->day > 0 && f->ci_low > 0 && f->day - f->ci_low > r.widest)
                r.widest = f->day - f->ci_low;
            if (f->day > 0 && f->ci_high > 0 && f->ci_high - f->day > r.widest)
                r.widest = f->ci_high - f->day;
        }
    return r;
}

int dp_precision_check(const dp_scenario *s, const dp_model *m, const dp_accum *a,
                       double days, dp_precision *out)
{
    /* dp_accum_finish may run once, after the last merge: work on a copy */
    dp_accum copy;
    if (dp_accum_init(&copy, m, a->unit != 1) != 0) return -1;
    if (dp_accum_merge(&copy, a) != 0) {
        dp_accum_free(&copy);
        return -1;
    }
    dp_accum_finish(&copy);
    dp_result r = {s, &copy, 0};
    size_t n = 0;
    dp_measure *ms = dp_measures(&r, &n);
    if (ms) *out = dp_precision_of(ms, n, days);
    dp_measures_free(ms, n);
    dp_accum_free(&copy);
    return ms ? 0 : -1;
}
