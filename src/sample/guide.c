/*
 * guide.c - guide tables for inversion (H. C. Chen and Y. Asau, "On
 * generating random variates from an empirical distribution", AIIE
 * Transactions 6 (1974) 163-166): guide[i] is where the search for a u in
 * [i / ng, (i + 1) / ng) starts. Filled by stores only (guide.h).
 */
#include "dp_sample.h"
#include "guide.h"

void dp_guide_fill(uint32_t *guide, unsigned lg, const uint64_t *F, uint32_t n)
{
    const uint32_t ng = UINT32_C(1) << lg;
    uint64_t lo = 0;
    for (uint32_t x = 0; x < n && lo < ng; x++) lo = dp_guide_put(guide, lo, F[x], 63 - lg, x);
    dp_guide_end(guide, lo, ng, n);
}
