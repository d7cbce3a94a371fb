/*
 * cells.c - a finite law by inversion from DP_CELL_BITS (14) random bits at
 * a time.
 *
 * Inversion of a uniform u in 64-bit fixed point against the cdf in the
 * same units gives outcome k with probability (F[k] - F[k - 1]) / 2^64,
 * exactly. The top 14 bits of u fix one of 16384 cells; when the whole
 * cell lies below one cdf step, the outcome is known without the other 50
 * bits and the cell table gives it. Only a cell that holds a step boundary
 * needs the rest of u, and takes it from the generator. For the return
 * delays (a few dozen likely outcomes) that is under one draw in a
 * hundred, so four soldiers share one 64-bit output. Cells are 16 bits
 * (32 KiB for the table, half of what 32-bit cells took: 1.7% of kursk's
 * run, faster in 11 of 12 alternating pairs); outcomes from DP_CELL_FAR
 * on, which they cannot name, are marked and refined from there.
 */
#include <math.h>
#include <stdlib.h>
#include "dp_sample.h"

#define CELLS (1u << DP_CELL_BITS)
#define CELL_SHIFT (64 - DP_CELL_BITS)

void dp_cells_free(dp_cells *t)
{
    free(t->cell);
    free(t->cdf);
    t->cell = NULL;
    t->cdf = NULL;
    t->n = 0;
}

int dp_cells_init(dp_cells *t, const double *w, size_t n)
{
    t->n = 0;
    t->cell = NULL;
    t->cdf = NULL;
    if (!w || n == 0 || n > UINT32_MAX / 2) return -1;
    /* over the largest weight first, so the sum cannot overflow */
    double wmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] >= 0) || !isfinite(w[i])) return -1;
        wmax = w[i] > wmax ? w[i] : wmax;
    }
    if (!(wmax > 0)) return -1;
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += w[i] / wmax;
    /* the last outcome takes what rounding leaves at the top: make it one
     * that can happen */
    while (w[n - 1] == 0) n--;
    t->cell = malloc(CELLS * sizeof *t->cell);
    t->cdf = malloc(n * sizeof *t->cdf);
    if (!t->cell || !t->cdf) {
        dp_cells_free(t);
        return -1;
    }
    /* F[k] = P(X <= k) 2^64, rounded down; F[n-1] would be 2^64 and is
     * never compared (every search stops at n - 1) */
    double acc = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        acc += w[k] / wmax;
        double f = acc / sum;
        t->cdf[k] = f >= 1 ? UINT64_MAX : (uint64_t)(f * 0x1p64);
    }
    t->cdf[n - 1] = UINT64_MAX;
    t->n = (uint32_t)n;
    /* cell c holds u = c 2^52 .. (c + 1) 2^52 - 1: outcome of its first u,
     * split when its last u has another */
    uint32_t k = 0;
    for (uint32_t c = 0; c < CELLS; c++) {
        uint64_t first = (uint64_t)c << CELL_SHIFT;
        uint64_t last = first | ((UINT64_C(1) << CELL_SHIFT) - 1);
        while (k + 1 < n && first >= t->cdf[k]) k++;
        uint32_t e = k < DP_CELL_FAR ? k : DP_CELL_FAR;
        if ((k + 1 < n && last >= t->cdf[k]) || k >= DP_CELL_FAR) e |= DP_CELL_SPLIT;
        t->cell[c] = (uint16_t)e;
    }
    return 0;
}

uint32_t dp_cells_refine(const dp_cells *t, uint32_t c, uint64_t bits)
{
    uint64_t u = ((uint64_t)c << CELL_SHIFT) | (bits >> DP_CELL_BITS);
    uint32_t k = t->cell[c] & ~DP_CELL_SPLIT;
    while (k + 1 < t->n && u >= t->cdf[k]) k++;
    return k;
}
