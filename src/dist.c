/*
 * dist.c - the table of distribution types and what every type shares.
 *
 * Each type lives in its own file in src/dist/ (in the manner of GSL's rng/
 * folder) and fills a const dp_dist_type; this file lists them, and holds the
 * operations that work the same for every type through the table: the cdf
 * just left of a point, the mass inside a field's domain, copying, freeing
 * and the canonical text.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dp_dist.h"

extern const dp_dist_type dp_dist_type_fixed, dp_dist_type_to,
    dp_dist_type_uniform, dp_dist_type_normal, dp_dist_type_lognormal,
    dp_dist_type_triangular, dp_dist_type_pert, dp_dist_type_beta,
    dp_dist_type_gamma, dp_dist_type_discrete, dp_dist_type_truncate;

/* In the order of SPEC 2.1; --help lists them so. */
const dp_dist_type *const dp_dist_types[] = {
    &dp_dist_type_fixed,
    &dp_dist_type_to,
    &dp_dist_type_uniform,
    &dp_dist_type_normal,
    &dp_dist_type_lognormal,
    &dp_dist_type_triangular,
    &dp_dist_type_pert,
    &dp_dist_type_beta,
    &dp_dist_type_gamma,
    &dp_dist_type_discrete,
    &dp_dist_type_truncate,
    NULL,
};

const dp_dist_type *dp_dist_find(const char *name, size_t len)
{
    for (const dp_dist_type *const *t = dp_dist_types; *t; t++)
        if (strlen((*t)->name) == len && memcmp((*t)->name, name, len) == 0)
            return *t;
    return NULL;
}

/* d is overwritten, not freed. */
void dp_dist_fixed(dp_dist *d, double v)
{
    memset(d, 0, sizeof *d);
    d->type = &dp_dist_type_fixed;
    d->p[0] = v;
}

bool dp_dist_is_fixed(const dp_dist *d)
{
    return d->type == &dp_dist_type_fixed;
}

/* Every atom of every type is a double, so P(X < x) = P(X <= the double
 * just below x), exactly. */
double dp_dist_cdf_left(const dp_dist *d, double x)
{
    if (d->type->continuous)
        return d->type->cdf(d, x);
    return d->type->cdf(d, nextafter(x, -INFINITY));
}

/* [lo, hi]: u in [P(X < lo), P(X <= hi)]; (lo, hi]: [P(X <= lo), P(X <= hi)]. */
double dp_dist_mass_in(const dp_dist *d, dp_domain dom, double *ulo, double *uhi)
{
    double a = dom.lo_open ? d->type->cdf(d, dom.lo) : dp_dist_cdf_left(d, dom.lo);
    double b = d->type->cdf(d, dom.hi);
    if (b < a)
        b = a;
    if (ulo)
        *ulo = a;
    if (uhi)
        *uhi = b;
    return b - a;
}

bool dp_domain_has(dp_domain dom, double x)
{
    return (dom.lo_open ? x > dom.lo : x >= dom.lo) && x <= dom.hi;
}

/* Doubles in the order of their values, as unsigned integers: bisecting
 * these halves the number of doubles left, so 64 steps reach neighbours
 * whatever the range (1e-300 or 1 - 1e-16 alike). */
static uint64_t order_key(double x)
{
    uint64_t k;
    memcpy(&k, &x, sizeof k);
    return k >> 63 ? ~k : k | (UINT64_C(1) << 63);
}

static double from_key(uint64_t k)
{
    k = k >> 63 ? k & ~(UINT64_C(1) << 63) : ~k;
    double x;
    memcpy(&x, &k, sizeof x);
    return x;
}

/* Bisection keeps F(a) < u <= F(b) until a and b are neighbouring doubles. */
double dp_dist_cdf_solve(const dp_dist *d, double u, double lo, double hi)
{
    double (*F)(const dp_dist *, double) = d->type->cdf;
    if (F(d, lo) >= u)
        return lo;
    double b = isinf(hi) ? DBL_MAX : hi;
    if (F(d, b) < u)
        return hi;
    uint64_t ka = order_key(lo), kb = order_key(b);
    while (kb - ka > 1) {
        uint64_t km = ka + (kb - ka) / 2;
        if (F(d, from_key(km)) >= u)
            kb = km;
        else
            ka = km;
    }
    return from_key(kb);
}

void dp_dist_free(dp_dist *d)
{
    if (!d)
        return;
    if (d->inner) {
        dp_dist_free(d->inner);
        free(d->inner);
    }
    free(d->values);
    free(d->weights);
    free(d->cum);
    memset(d, 0, sizeof *d);
}

static double *dup_array(const double *src, size_t n)
{
    if (!src)
        return NULL;
    double *a = malloc((n ? n : 1) * sizeof *a);
    if (a)
        memcpy(a, src, n * sizeof *a);
    return a;
}

int dp_dist_copy(dp_dist *dst, const dp_dist *src)
{
    *dst = *src;
    dst->values = dst->weights = dst->cum = NULL;
    dst->inner = NULL;
    if ((src->values && !(dst->values = dup_array(src->values, src->n))) ||
        (src->weights && !(dst->weights = dup_array(src->weights, src->n))) ||
        (src->cum && !(dst->cum = dup_array(src->cum, src->n))))
        goto fail;
    if (src->inner) {
        dst->inner = malloc(sizeof *dst->inner);
        if (!dst->inner)
            goto fail;
        if (dp_dist_copy(dst->inner, src->inner) != 0) {
            free(dst->inner);
            dst->inner = NULL;
            goto fail;
        }
    }
    return 0;
fail:
    dp_dist_free(dst);
    return -1;
}

/* ---- canonical text ---- */

typedef struct writer {
    char *buf;
    size_t size, len;   /* len may exceed size: the text was cut */
} writer;

static void put(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = w->len < w->size ? w->size - w->len : 0;
    int k = vsnprintf(room ? w->buf + w->len : NULL, room, fmt, ap);
    va_end(ap);
    if (k > 0)
        w->len += (size_t)k;
}

/* The shortest %g that reads back as the same double. */
static void put_num(writer *w, double x)
{
    char tmp[32];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (strtod(tmp, NULL) == x || isnan(x))
            break;
    }
    put(w, "%s", tmp);
}

static void put_list(writer *w, const double *v, size_t n)
{
    put(w, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(w, ", ");
        put_num(w, v[i]);
    }
    put(w, "]");
}

static void put_dist(writer *w, const dp_dist *d)
{
    const dp_dist_type *t = d->type;
    if (!t) {
        put(w, "(none)");
    } else if (t == &dp_dist_type_fixed) {
        put_num(w, d->p[0]);
    } else if (t == &dp_dist_type_to) {
        put_num(w, d->p[0]);
        put(w, " to ");
        put_num(w, d->p[1]);
    } else if (t == &dp_dist_type_discrete) {
        put(w, "discrete(");
        put_list(w, d->values, d->n);
        put(w, ", ");
        put_list(w, d->weights, d->n);
        put(w, ")");
    } else if (t == &dp_dist_type_truncate) {
        put(w, "truncate(");
        if (d->inner)
            put_dist(w, d->inner);
        put(w, ", ");
        put_num(w, d->p[0]);
        put(w, ", ");
        put_num(w, d->p[1]);
        put(w, ")");
    } else {
        put(w, "%s(", t->name);
        for (int i = 0; i < t->arity; i++) {
            if (i)
                put(w, ", ");
            put_num(w, d->p[i]);
        }
        put(w, ")");
    }
}

char *dp_dist_format(const dp_dist *d, char *buf, size_t size)
{
    writer w = {buf, size, 0};
    if (size)
        buf[0] = '\0';
    put_dist(&w, d);
    return buf;
}
