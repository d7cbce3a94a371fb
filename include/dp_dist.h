/*
 * dp_dist.h - the distributions of scenario expressions (SPEC 2.1).
 *
 * One const table of distribution types, in the manner of GSL's rng/ folder:
 * each type is a small file in src/dist/ that fills a dp_dist_type. The same
 * table serves the expression parser, --help and "did you mean".
 */
#ifndef DP_DIST_H
#define DP_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>

typedef struct dp_dist dp_dist;

typedef struct dp_dist_type {
    const char *name;    /* "uniform"; "fixed" for a number, "to" for a to b */
    const char *usage;   /* "uniform(a, b)": for help and messages */
    int arity;           /* numeric parameters as written; -1 for discrete
                            and truncate, whose syntax is their own */
    bool continuous;     /* false: mass on points (fixed, discrete) */
    /* Checks the parameters as written and fills the derived ones (p[arity..]).
     * NULL when fine, else a message naming the broken rule ("sd must be > 0"). */
    const char *(*prepare)(dp_dist *d);
    double (*sample)(const dp_dist *d, gsl_rng *r);
    double (*cdf)(const dp_dist *d, double x);        /* P(X <= x) */
    double (*quantile)(const dp_dist *d, double u);   /* inf{x : F(x) >= u} */
    void (*support)(const dp_dist *d, double *lo, double *hi);
} dp_dist_type;

#define DP_DIST_NPARAM 6

struct dp_dist {
    const dp_dist_type *type;
    double p[DP_DIST_NPARAM];  /* as written (dates as day numbers, % applied),
                                  then derived values from prepare() */
    /* discrete: values and their weights normalised to sum 1, and cumulative */
    size_t n;
    double *values, *weights, *cum;
    /* truncate: the inner distribution restricted to [p[0], p[1]] */
    dp_dist *inner;
};

/* The table, NULL-terminated, and lookup by name (NULL if unknown). */
extern const dp_dist_type *const dp_dist_types[];
const dp_dist_type *dp_dist_find(const char *name, size_t len);

/* A fixed value. */
void dp_dist_fixed(dp_dist *d, double v);
bool dp_dist_is_fixed(const dp_dist *d);

/* P(X < x): the cdf just left of x (differs from cdf only at point masses). */
double dp_dist_cdf_left(const dp_dist *d, double x);

/* A field's domain (SPEC 1.1): [lo, hi], or (lo, hi] when lo_open. */
typedef struct dp_domain {
    double lo, hi;
    bool lo_open;
} dp_domain;

/* Probability mass of d inside dom; *ulo and *uhi receive the interval of
 * u = F(x) that maps into the domain, for conditioned inverse-CDF draws. */
double dp_dist_mass_in(const dp_dist *d, dp_domain dom, double *ulo, double *uhi);

/* True when x lies in dom. */
bool dp_domain_has(dp_domain dom, double x);

/* inf{x in [lo, hi] : F(x) >= u} among doubles, by bisection on d's cdf
 * (hi may be inf; 64 cdf calls at most): the safe way back when a library's
 * inverse fails to converge. */
double dp_dist_cdf_solve(const dp_dist *d, double u, double lo, double hi);

/* Frees what d owns (discrete arrays, truncate's inner) and zeroes it. */
void dp_dist_free(dp_dist *d);

/* Deep copy; 0 or -1 on allocation failure. */
int dp_dist_copy(dp_dist *dst, const dp_dist *src);

/* Writes a canonical text of d ("uniform(0, 0.3)") into buf; returns buf. */
char *dp_dist_format(const dp_dist *d, char *buf, size_t size);

#endif
