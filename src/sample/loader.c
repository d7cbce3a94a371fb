/*
 * loader.c - owns dp_loader_stirlerr and dp_loader_bd0, the saddle-point
 * helpers of C. Loader, "Fast and accurate computation of binomial
 * probabilities" (2000), shared by the binomial and Poisson samplers: with
 * them log p(k) is accurate to about 1e-14 absolute where the direct forms
 * lose digits to cancellation at large n or mu.
 */
#include <math.h>
#include <gsl/gsl_sf_gamma.h>
#include "loader.h"

double dp_loader_stirlerr(double k)
{
    if (k <= 15) {
        /* lnfact is log of an exact table entry here: error ~1e-14 absolute */
        return gsl_sf_lnfact((unsigned int)k) - (k + 0.5) * log(k) + k
               - DP_LN_SQRT_2PI;
    }
    double kk = k * k;
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - (1.0 / 1188)
            / kk) / kk) / kk) / kk) / k;
}

/* Near x = np by its series in v = d/(x+np), which has no cancellation. */
double dp_loader_bd0(double x, double np, double d)
{
    if (fabs(d) < 0.1 * (x + np)) {
        double v = d / (x + np);
        double s = d * v;
        double ej = 2 * x * v;
        v *= v;
        for (int j = 1; j < 1000; j++) {
            ej *= v;
            double s1 = s + ej / (2 * j + 1);
            if (s1 == s)
                return s1;
            s = s1;
        }
        return s;
    }
    return x * log(x / np) - d;
}
