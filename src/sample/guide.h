/*
 * guide.h - private to the samplers: a guide table filled as its cdf is
 * summed (Chen and Asau's guide; see guide.c).
 *
 * Entry i of a guide of 2^lg holds the first x with F[x] > i 2^s,
 * s = 63 - lg: x's run is lim(F[x - 1]) .. lim(F[x]) - 1, with
 * lim(F) = ceil(F / 2^s). Each outcome, in order,
 * stores x into the entries from the start of its run in blocks of
 * DP_GUIDE_BURST, without asking where the run ends: entries past its end
 * are stored again by the outcomes after it, which start there. Stores
 * only, no search: a search loop mispredicted about once per outcome, and
 * counting (guide[lim]++ and a prefix sum) chained increments of one entry
 * through memory where many outcomes share it. A guide needs
 * DP_GUIDE_SLACK entries of room past its 2^lg (dp_sample.h).
 */
#ifndef DP_GUIDE_H
#define DP_GUIDE_H

#include <stdint.h>
#include "dp_sample.h"

/* Stores x, whose cdf value is F (<= 2^63), into its run, which starts at
 * lo (and maybe into a few entries past the run's end), for a guide of
 * 2^(63 - s) entries; returns where the next run starts. */
static inline uint64_t dp_guide_put(uint32_t *guide, uint64_t lo, uint64_t F, unsigned s,
                                    uint32_t x)
{
    uint64_t lim = (F + (UINT64_C(1) << s) - 1) >> s;   /* ceil(F / 2^s) <= 2^(63 - s) */
    for (int b = 0; b < DP_GUIDE_BURST; b++) guide[lo + b] = x;
    if (__builtin_expect(lim > lo + DP_GUIDE_BURST, 0))
        for (uint64_t i = lo + DP_GUIDE_BURST; i < lim; i += DP_GUIDE_BURST)
            for (int b = 0; b < DP_GUIDE_BURST; b++) guide[i + b] = x;
    return lim;
}

/* After the last of n outcomes: the entries from lo to ng, for u above
 * every cdf value, hold n. */
static inline void dp_guide_end(uint32_t *guide, uint64_t lo, uint32_t ng, uint32_t n)
{
    for (uint64_t i = lo; i < ng; i++) guide[i] = n;
}

#endif
