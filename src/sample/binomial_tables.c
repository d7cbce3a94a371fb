/*
 * binomial_tables.c - Binomial(n, q) for one q and many n, from small tables.
 *
 * Binomial laws with one q add: Binomial(a, q) + Binomial(b, q) is
 * Binomial(a + b, q) for independent draws. So n = 64 h + 8 a + b, with
 * a, b < 8, is drawn as h draws from a table of Binomial(64, q), one from
 * Binomial(8 a, q) and one from Binomial(b, q): for the 50 to 150
 * casualties of a day, three or four table draws and no branch on the
 * digits (tables for n = 0 hold the one outcome 0). Each table is inverted
 * through a guide table (Chen and Asau 1974) from p(0) = (1 - q)^n, which
 * cannot underflow for q <= 1/2 (p(0) >= 2^-64); q > 1/2 draws
 * n - Binomial(n, 1 - q). The cdfs are in fixed point (dp_fix). A table
 * ends where less than 2^-7 is left, and a draw past it walks on with the
 * build's own products and sums, so it gets the outcome a whole table
 * would give (the build is latency-bound, one multiply per outcome: at
 * q = 0.17 about 140 outcomes instead of 333; build time 8% to 5% of
 * kursk's run under perf). In a
 * whole table the last outcome's cdf is set above every u, so it gathers
 * the rounding of the sum. Guides are filled as the cdfs are summed
 * (guide.h); a table's stores past its guide land in the next one's,
 * which is filled after it. Once per trajectory.
 */
#include <math.h>
#include "dp_sample.h"
#include "guide.h"
#include "recip.h"

static int table_n(int i) { return i < 8 ? i : i < 16 ? 8 * (i - 8) : 64; }

/* A table ends where less than this is left (as the NB table's) */
#define TAIL_LEFT 0x1p-7

void dp_binomial_tables_build(dp_binomial_tables *b, double q)
{
    b->q = q;
    b->flip = q > 0.5;
    double p = b->flip ? 1.0 - q : q;
    b->p = p;
    double odds = p / (1 - p);
    /* p(0) = (1 - p)^n by products (an exp per table cost more than the
     * rest of the build): n = 0..7, then 8 a, then 64 */
    double p0[DP_BINOMIAL_N_TABLES];
    p0[0] = 1;
    for (int i = 1; i < 8; i++) p0[i] = p0[i - 1] * (1 - p);
    double q8 = p0[7] * (1 - p);
    p0[8] = 1;
    for (int i = 9; i < 16; i++) p0[i] = p0[i - 1] * q8;
    p0[16] = p0[15] * q8;
    b->odds = odds;
    int off = 0, goff = 0;
    for (int i = 0; i < DP_BINOMIAL_N_TABLES; i++) {
        int n = table_n(i);
        int lg = 0;
        while ((1 << lg) < n + 1) lg++;
        const int ng = 1 << lg;
        const unsigned s = 63 - (unsigned)lg;
        uint32_t *guide = b->guide + goff;
        uint64_t *cdf = b->cdf + off;
        double pmf = p0[i], acc = pmf;
        uint64_t lo = 0;
        int x = 0;    /* the first outcome not tabulated */
        if (n > 0) {
            cdf[0] = dp_fix(acc);
            lo = dp_guide_put(guide, 0, cdf[0], s, 0);
            for (x = 1; x < n && acc < 1.0 - TAIL_LEFT; x++) {
                pmf *= (double)(n - x + 1) * dp_recip[x] * odds;
                acc += pmf;
                cdf[x] = dp_fix_partial(acc);
                lo = dp_guide_put(guide, lo, cdf[x], s, (uint32_t)x);
            }
        }
        /* a draw of x: outcome n takes what is left of a whole table;
         * before n, tail() walks on */
        cdf[x] = UINT64_MAX;
        dp_guide_end(guide, lo, (uint32_t)ng, (uint32_t)x);
        b->walk[i] = (uint8_t)(x < n ? x : DP_BINOMIAL_WHOLE);
        b->pmf_last[i] = pmf;
        b->acc_last[i] = acc;
        b->off[i] = (uint16_t)off;
        b->goff[i] = (uint16_t)goff;
        b->lg[i] = (uint8_t)lg;
        off += x + 1;
        goff += ng;
    }
}

/* The outcome of u at or past table i's first untabulated outcome: the
 * build's recurrence carried on, the same products and sums in the same
 * order, so u gets the outcome a whole table would give it. */
unsigned dp_binomial_tables_tail(const dp_binomial_tables *b, int i, uint64_t u)
{
    const int n = table_n(i);
    double pmf = b->pmf_last[i], acc = b->acc_last[i];
    int x = b->walk[i];
    for (; x < n; x++) {
        pmf *= (double)(n - x + 1) * dp_recip[x] * b->odds;
        acc += pmf;
        if (u < dp_fix_partial(acc)) return (unsigned)x;
    }
    return (unsigned)n;
}

static inline unsigned table_draw(const dp_binomial_tables *b, int i, dp_pcg64 *g)
{
    const uint64_t *cdf = b->cdf + b->off[i];
    uint64_t u = dp_pcg64_next(g) >> 1;
    unsigned x = b->guide[b->goff[i] + (unsigned)(u >> (63 - b->lg[i]))];
    x += u >= cdf[x];
    while (u >= cdf[x]) x++;
    if (__builtin_expect(x == b->walk[i], 0)) x = dp_binomial_tables_tail(b, i, u);
    return x;
}

int64_t dp_binomial_tables_sample(const dp_binomial_tables *b, int64_t n, dp_pcg64 *g)
{
    if (n <= 0) return 0;
    if (b->p == 0) return b->flip ? n : 0;
    if (n > DP_BINOMIAL_TABLES_MAX_N) return dp_sample_binomial(g, n, b->q);
    int64_t x = table_draw(b, (int)(n & 7), g) + table_draw(b, 8 + (int)((n >> 3) & 7), g);
    for (int64_t h = n >> 6; h > 0; h--) x += table_draw(b, 16, g);
    return b->flip ? n - x : x;
}
