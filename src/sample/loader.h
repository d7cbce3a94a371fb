/*
 * loader.h - private to the samplers (binomial.c, poisson.c): C. Loader's
 * saddle-point helpers for log-probabilities without cancellation.
 */
#ifndef DP_LOADER_H
#define DP_LOADER_H

#define DP_LN_SQRT_2PI 0.918938533204672741780329736406

/* log k! - [(k + 1/2) log k - k + log sqrt(2 pi)], k >= 1 (Stirling's error). */
double dp_loader_stirlerr(double k);

/* x log(x/np) + np - x, given d = x - np exactly; x > 0. */
double dp_loader_bd0(double x, double np, double d);

#endif
