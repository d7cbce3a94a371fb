/*
 * poisson_table.c - Poisson(mu) by table inversion with a guide table.
 *
 * H. C. Chen and Y. Asau, "On generating random variates from an empirical
 * distribution", AIIE Transactions 6 (1974) 163-166. The cdf is summed once
 * for a mean, in fixed point (dp_fix); a draw looks up the guide entry for
 * the top bits of u and walks forward while cdf[k] <= u: with four to eight
 * guide entries per outcome, rarely more than one step, taken without a
 * branch (a mispredicted branch costs more than the rest of the draw).
 * Exact inversion up to the rounding of the summed cdf (relative 1e-15);
 * the mass beyond the last outcome, below 2^-60, is given to it.
 *
 * The pmf is summed from the mode outwards with p(k+1) = p(k) mu / (k+1),
 * starting from p(mode) by Loader's saddle-point form, so large means do not
 * underflow exp(-mu); small means (a day's non-battle losses, built once
 * per trajectory) start from p(0) = exp(-mu) and stop where the tail ends,
 * at about half the cost.
 */
#include <math.h>
#include <stdlib.h>
#include "dp_sample.h"
#include "recip.h"

/* up to this mean, p(0) = exp(-mu) >= 1.6e-28 starts the recurrence */
#define SMALL_MU 64.0

uint32_t dp_poisson_table_size(double mu)
{
    /* mode + 11 sd + 30 leaves well under 2^-60 in the upper tail */
    return (uint32_t)(mu + 11.0 * sqrt(mu) + 30.0);
}

void dp_poisson_table_free(dp_poisson_table *t)
{
    free(t->cdf);
    free(t->pmf);
    free(t->guide);
    t->cdf = NULL;
    t->pmf = NULL;
    t->guide = NULL;
    t->n = t->cap = 0;
    t->mu = -1;
}

/* log p(k) for Poisson(mu), k >= 0 (lgamma is accurate enough here: the
 * table is normalised by its own sum). */
static double log_pmf(double mu, double k)
{
    return k * log(mu) - mu - lgamma(k + 1.0);
}

int dp_poisson_table_build(dp_poisson_table *t, double mu)
{
    if (!(mu >= 0) || mu > DP_POISSON_TABLE_MAX_MU) {
        dp_poisson_table_free(t);
        return -1;
    }
    uint32_t n = dp_poisson_table_size(mu);
    if (n > t->cap) {
        uint64_t *cdf = realloc(t->cdf, n * sizeof *cdf);
        if (cdf) t->cdf = cdf;
        double *pmf = realloc(t->pmf, n * sizeof *pmf);
        if (pmf) t->pmf = pmf;
        /* a power of 2 of at least DP_GUIDE_PER_OUTCOME n */
        uint32_t *guide = realloc(t->guide, ((size_t)2 * DP_GUIDE_PER_OUTCOME * n + DP_GUIDE_SLACK) *
                                                  sizeof *guide);
        if (guide) t->guide = guide;
        if (!cdf || !pmf || !guide) {
            dp_poisson_table_free(t);
            return -1;
        }
        t->cap = n;
    }
    double *p = t->pmf;
    if (mu == 0) {
        n = 1;
        p[0] = 1;
    } else if (mu <= SMALL_MU) {
        /* n <= 182 < DP_RECIPS; stops at the first pmf past the mean
         * below 2^-70, which no 63-bit uniform can tell from the rest */
        uint32_t k = 0;
        p[0] = exp(-mu);
        while (k + 1 < n && !(k > mu && p[k] < 0x1p-70)) {
            p[k + 1] = p[k] * mu * dp_recip[k + 1];
            k++;
        }
        n = k + 1;
    } else {
        uint32_t mode = (uint32_t)mu;
        double inv_mu = 1.0 / mu;
        p[mode] = exp(log_pmf(mu, mode));
        for (uint32_t k = mode; k + 1 < n; k++)
            p[k + 1] = p[k] * mu * (k + 1 < DP_RECIPS ? dp_recip[k + 1] : 1.0 / (k + 1));
        for (uint32_t k = mode; k > 0; k--) p[k - 1] = p[k] * k * inv_mu;
        /* drop the far tail that no 63-bit uniform can reach */
        while (n > mode + 1 && p[n - 1] < 0x1p-70) n--;
    }
    double sum = 0;
    for (uint32_t k = 0; k < n; k++) sum += p[k];
    const double inv_sum = 1.0 / sum;
    double acc = 0;
    for (uint32_t k = 0; k < n; k++) {
        acc += p[k];
        t->cdf[k] = dp_fix(acc * inv_sum);
    }
    t->cdf[n - 1] = DP_FIX_ONE;         /* above every u: stops every search */
    unsigned lg = 0;
    while ((UINT32_C(1) << lg) < DP_GUIDE_PER_OUTCOME * n) lg++;
    dp_guide_fill(t->guide, lg, t->cdf, n);
    t->n = n;
    t->lg = lg;
    t->mu = mu;
    return 0;
}
