/*
 * lognormal.h - private to src/dist/: the lognormal law, shared by
 * lognormal(mu, sigma) and "a to b", which differ only in how prepare()
 * finds mu and sigma. Both keep them at p[2] = mu, p[3] = sigma > 0.
 */
#ifndef DP_DIST_LOGNORMAL_H
#define DP_DIST_LOGNORMAL_H

#include "dp_dist.h"

double dp_lognormal_sample(const dp_dist *d, gsl_rng *r);
double dp_lognormal_cdf(const dp_dist *d, double x);
double dp_lognormal_quantile(const dp_dist *d, double u);
void dp_lognormal_support(const dp_dist *d, double *lo, double *hi);

#endif
