/*
 * alias.c - owns the alias table (dp_alias_*): O(1) sampling from a fixed
 * finite law, built once per trajectory or phase.
 *
 * Method: A. J. Walker, "An efficient method for generating discrete random
 * variables with general distributions", ACM TOMS 3 (1977) 253-256; built
 * by M. D. Vose's O(n) pairing, "A linear algorithm for generating random
 * numbers with a given distribution", IEEE TSE 17 (1991) 972-975. Column k
 * of n equal columns keeps outcome k with probability prob[k], else gives
 * alias[k].
 *
 * One 64-bit draw x per sample: x * n = column * 2^64 + low, the column is
 * the high word and low (the fractional part of x n / 2^64) is the
 * acceptance uniform, compared with prob[k] * 2^64 in integers. Counting the
 * x of each event exactly: P(column k and low < T) differs from
 * (1/n)(T/2^64) by less than 2^-64, so every outcome's probability is off by
 * at most (number of columns holding it + 1) * 2^-64, below the rounding of
 * prob itself. n <= UINT32_MAX keeps the low word's grid (step n) finer than
 * 2^-32 of a column.
 */
#include <math.h>
#include <stdlib.h>
#include "dp_sample.h"

static void alias_empty(dp_alias *t)
{
    t->n = 0;
    t->prob = NULL;
    t->alias = NULL;
    t->thresh = NULL;
}

int dp_alias_init(dp_alias *t, const double *w, size_t n)
{
    alias_empty(t);
    if (n == 0 || n > UINT32_MAX || w == NULL)
        return -1;

    /* Divide by the largest weight first, so the sum cannot overflow. */
    double wmax = 0;
    size_t imax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] >= 0) || !isfinite(w[i]))
            return -1;
        if (w[i] > wmax) {
            wmax = w[i];
            imax = i;
        }
    }
    if (wmax == 0)
        return -1;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i] / wmax;

    double *prob = malloc(n * sizeof *prob);
    uint32_t *alias = malloc(n * sizeof *alias);
    uint32_t *work = malloc(n * sizeof *work);
    if (!prob || !alias || !work) {
        free(prob);
        free(alias);
        free(work);
        return -1;
    }

    /* prob[] holds the scaled weights n w_i / sum w (mean 1) while pairing.
     * work[] is two stacks: small ones (< 1) from the front, large from the
     * back. */
    double scale = (double)n / sum;
    size_t ns = 0, nl = 0;
    for (size_t i = 0; i < n; i++) {
        prob[i] = (w[i] / wmax) * scale;
        alias[i] = (uint32_t)i;
        if (prob[i] < 1)
            work[ns++] = (uint32_t)i;
        else
            work[n - 1 - nl++] = (uint32_t)i;
    }
    while (ns > 0 && nl > 0) {
        uint32_t s = work[--ns];
        uint32_t l = work[n - nl];
        alias[s] = l;                          /* prob[s] stays as it is */
        prob[l] = (prob[l] + prob[s]) - 1;     /* fewer roundings than l-(1-s) */
        if (prob[l] < 1) {
            nl--;
            work[ns++] = l;
        }
    }
    /* Leftovers are 1 up to rounding. A zero weight can only be left over
     * after a rounding error of order 1, which cannot happen; still, never
     * let one be drawn. */
    while (nl > 0)
        prob[work[n - nl--]] = 1;
    while (ns > 0) {
        uint32_t s = work[--ns];
        if (w[s] > 0) {
            prob[s] = 1;
        } else {
            prob[s] = 0;
            alias[s] = (uint32_t)imax;
        }
    }
    free(work);

    /* Acceptance thresholds in units of 2^-64, so a draw compares integers.
     * A full column's alias is itself, so its threshold does not matter. */
    uint64_t *thresh = malloc(n * sizeof *thresh);
    if (!thresh) {
        free(prob);
        free(alias);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        thresh[i] = prob[i] >= 1 ? UINT64_MAX : (uint64_t)(prob[i] * 0x1p64);

    t->n = n;
    t->prob = prob;
    t->alias = alias;
    t->thresh = thresh;
    return 0;
}

void dp_alias_free(dp_alias *t)
{
    free(t->prob);
    free(t->alias);
    free(t->thresh);
    alias_empty(t);
}

