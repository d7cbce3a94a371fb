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

void dp_guide_fill(uint32_t *guide, unsigned lg, const uint64_t *F, uint32_t n)
{
    /* first x with F[x] > i 2^s = the number of x with ceil(F[x] / 2^s) <= i */
    const uint32_t ng = UINT32_C(1) << lg;
    const unsigned s = 63 - lg;
    const uint64_t low = (UINT64_C(1) << s) - 1;
    for (uint32_t i = 0; i < ng; i++) guide[i] = 0;
    for (uint32_t x = 0; x < n; x++) {
        uint64_t lim = (F[x] >> s) + ((F[x] & low) != 0);
        if (lim >= ng) break;             /* and so are all after it */
        guide[lim]++;
    }
    uint32_t run = 0;
    for (uint32_t i = 0; i < ng; i++) {
        run += guide[i];
        guide[i] = run;
    }
}
