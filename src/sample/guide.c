/*
 * guide.c - guide tables for inversion (H. C. Chen and Y. Asau, "On
 * generating random variates from an empirical distribution", AIIE
 * Transactions 6 (1974) 163-166): guide[i] is where the search for a u in
 * [i / ng, (i + 1) / ng) starts.
 *
 * Filled by counting, not by searching: the search loop's branch goes one
 * way or the other at random and mispredicts about once per outcome, which
 * made building a table per stretch of days cost more than its draws saved.
 */
#include "dp_sample.h"

void dp_guide_fill(uint32_t *guide, uint32_t ng, const double *cdf, uint32_t n)
{
    /* first x with cdf[x] > i / ng = the number of x with cdf[x] <= i / ng,
     * i.e. with ceil(cdf[x] ng) <= i (exact: ng is a power of 2) */
    for (uint32_t i = 0; i < ng; i++) guide[i] = 0;
    const double top = ng;
    for (uint32_t x = 0; x < n; x++) {
        double v = cdf[x] * top;
        if (!(v < top)) break;            /* and so are all after it */
        uint32_t lim = (uint32_t)v;       /* floor, then ceil: no libm call */
        lim += (double)lim < v;
        if (lim >= ng) break;
        guide[lim]++;
    }
    uint32_t run = 0;
    for (uint32_t i = 0; i < ng; i++) {
        run += guide[i];
        guide[i] = run;
    }
}
