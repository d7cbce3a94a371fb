/*
 * accum.c - mergeable accumulators: histograms of first-met days per level
 * and of active strength per day, in integer masses.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dp_accum.h"

/* Cells of one strength table (days x bins): 1M cells, 8 MiB, so the few
 * accumulators of a run stay far below 64 MB whatever the horizon. */
#define FAN_CELLS (1u << 20)
#define MAX_BINS 4096
#define MIN_BINS 16

/* A value the param is very unlikely to exceed: its quantile just below the
 * top of its domain's u-interval (the top bin also gathers anything above). */
static double param_high(const dp_model *m, int idx)
{
    const dp_param *p = &m->s->params[idx];
    const dp_draw *d = &m->draws[idx];
    if (d->how == DP_DRAW_FIXED) return d->fixed;
    double u = d->ulo + (d->uhi - d->ulo) * (1.0 - 1e-9);
    double x = p->dist.type->quantile(&p->dist, u);
    if (!isfinite(x) || x > p->domain.hi) x = p->domain.hi;
    return x;
}

static double strength_bound(const dp_model *m)
{
    const dp_scenario *s = m->s;
    double hi = param_high(m, s->initial);
    for (size_t i = 0; i < s->n_reinforcements; i++)
        hi += param_high(m, s->reinforcements[i].size);
    return hi;
}

/* Follows every param that is drawn (not fixed), for every level. */
static int sens_init(dp_accum *a, const dp_model *m)
{
    const dp_scenario *s = m->s;
    a->sens_param = calloc(s->n_params + 1, sizeof *a->sens_param);
    if (!a->sens_param) return -1;
    for (size_t i = 0; i < s->n_params; i++)
        if (m->draws[i].how != DP_DRAW_FIXED) a->sens_param[a->n_sens++] = (int)i;
    size_t cells = a->n_sens * a->n_levels;
    a->sens = calloc(cells * DP_SENS_BINS + 1, sizeof *a->sens);
    a->sens_low = calloc(cells * ((size_t)a->H + 2) + 1, sizeof *a->sens_low);
    a->sens_high = calloc(cells * ((size_t)a->H + 2) + 1, sizeof *a->sens_high);
    return a->sens && a->sens_low && a->sens_high ? 0 : -1;
}

int dp_accum_init(dp_accum *a, const dp_model *m, bool weighted)
{
    memset(a, 0, sizeof *a);
    a->H = m->H;
    a->n_levels = m->n_levels;
    a->unit = weighted ? DP_WEIGHT_UNIT : 1;

    unsigned budget = FAN_CELLS / (unsigned)(m->H + 1);
    if (budget > MAX_BINS) budget = MAX_BINS;
    if (budget < MIN_BINS) budget = MIN_BINS;
    /* bin 0 is exactly 0; bins 1..nbins-2 of width 2^shift reach the bound;
     * the last gathers anything above it */
    double top = strength_bound(m);
    int shift = 0;
    while (shift < 40 && ldexp(budget - 2, shift) < top) shift++;
    a->shift = shift;
    a->nbins = 2 + (int)fmin(budget - 2, ceil(ldexp(top, -shift)));

    size_t days = (size_t)a->H + 1;
    a->met = calloc(a->n_levels * days + 1, sizeof *a->met);
    a->fan = calloc(days * (size_t)a->nbins, sizeof *a->fan);
    a->gone = calloc(days + 1, sizeof *a->gone);
    a->row_lo = malloc(days * sizeof *a->row_lo);
    a->row_hi = malloc(days * sizeof *a->row_hi);
    if (a->row_lo && a->row_hi)
        for (size_t d = 0; d < days; d++) {
            a->row_lo[d] = a->nbins;   /* empty: lo > hi */
            a->row_hi[d] = -1;
        }
    if (!a->met || !a->fan || !a->gone || !a->row_lo || !a->row_hi || sens_init(a, m) != 0) {
        dp_accum_free(a);
        return -1;
    }
    return 0;
}

void dp_accum_free(dp_accum *a)
{
    free(a->met);
    free(a->fan);
    free(a->gone);
    free(a->row_lo);
    free(a->row_hi);
    free(a->sens_param);
    free(a->sens);
    free(a->sens_low);
    free(a->sens_high);
    memset(a, 0, sizeof *a);
}

static inline int bin_of(const dp_accum *a, int64_t A)
{
    if (A <= 0) return 0;
    int64_t b = 1 + ((A - 1) >> a->shift);
    return b < a->nbins ? (int)b : a->nbins - 1;
}

static void sens_add(dp_accum *a, const dp_outcome *o, uint64_t mass)
{
    const size_t L = a->n_levels, days = (size_t)a->H + 2;
    for (size_t p = 0; p < a->n_sens; p++) {
        double u = o->u[a->sens_param[p]];
        int b = (int)(u * DP_SENS_BINS);
        b = b < 0 ? 0 : b >= DP_SENS_BINS ? DP_SENS_BINS - 1 : b;
        uint64_t *tenth = u < 0.1 ? a->sens_low : u >= 0.9 ? a->sens_high : NULL;
        for (size_t l = 0; l < L; l++) {
            uint64_t T = o->day[l] > 0 ? (uint64_t)o->day[l] : (uint64_t)a->H + 1;
            dp_sens_cell *c = &a->sens[(p * L + l) * DP_SENS_BINS + (size_t)b];
            c->mass += mass;
            c->sum += (dp_u128)mass * T;
            c->sum2 += (dp_u128)mass * (T * T);
            if (tenth) tenth[(p * L + l) * days + T] += mass;
        }
    }
}

void dp_accum_add(dp_accum *a, const dp_outcome *o)
{
    uint64_t mass = a->unit == 1 ? 1 : (uint64_t)llround(o->weight * (double)a->unit);
    size_t days = (size_t)a->H + 1;
    a->n++;
    a->mass += mass;
    a->mass2 += a->unit == 1 ? 1 : ((dp_u128)mass * mass) / a->unit;
    a->days += (uint64_t)o->last;
    for (size_t l = 0; l < a->n_levels; l++)
        if (o->day[l] > 0) a->met[l * days + (size_t)o->day[l]] += mass;
    uint64_t *fan = a->fan;
    const int nb = a->nbins;
    int top = a->top_bin;
    int *lo = a->row_lo, *hi = a->row_hi;
    for (int t = 1; t <= o->last; t++) {
        int b = bin_of(a, o->A[t]);
        fan[(size_t)t * nb + b] += mass;
        /* after the first trajectories a day's range rarely widens: a
         * predicted branch, not two stores a day */
        if (__builtin_expect(b < lo[t] || b > hi[t], 0)) {
            lo[t] = b < lo[t] ? b : lo[t];
            hi[t] = b > hi[t] ? b : hi[t];
        }
        top = b > top ? b : top;
    }
    a->top_bin = top;
    if (o->last < a->H) a->gone[o->last + 1] += mass;
    if (a->n_sens && o->u) sens_add(a, o, mass);
}

static bool same_shape(const dp_accum *x, const dp_accum *y)
{
    return x->H == y->H && x->n_levels == y->n_levels && x->nbins == y->nbins &&
           x->shift == y->shift && x->unit == y->unit && x->n_sens == y->n_sens &&
           !x->finished && !y->finished;
}

int dp_accum_merge(dp_accum *into, const dp_accum *from)
{
    if (!same_shape(into, from)) return -1;
    size_t days = (size_t)into->H + 1;
    into->n += from->n;
    into->mass += from->mass;
    into->mass2 += from->mass2;
    into->days += from->days;
    for (size_t i = 0; i < into->n_levels * days; i++) into->met[i] += from->met[i];
    /* only the bins the other side has used, day by day: the rest of its
     * table is zero and untouched (touching it costs a page fault per 4 KiB,
     * which dominated short runs) */
    for (size_t d = 0; d < days; d++) {
        uint64_t *to = into->fan + d * (size_t)into->nbins;
        const uint64_t *fr = from->fan + d * (size_t)from->nbins;
        for (int b = from->row_lo[d]; b <= from->row_hi[d]; b++) to[b] += fr[b];
        if (from->row_lo[d] < into->row_lo[d]) into->row_lo[d] = from->row_lo[d];
        if (from->row_hi[d] > into->row_hi[d]) into->row_hi[d] = from->row_hi[d];
    }
    if (from->top_bin > into->top_bin) into->top_bin = from->top_bin;
    for (size_t i = 0; i <= days; i++) into->gone[i] += from->gone[i];
    size_t cells = into->n_sens * into->n_levels;
    for (size_t i = 0; i < cells * DP_SENS_BINS; i++) {
        into->sens[i].mass += from->sens[i].mass;
        into->sens[i].sum += from->sens[i].sum;
        into->sens[i].sum2 += from->sens[i].sum2;
    }
    for (size_t i = 0; i < cells * (days + 1); i++) {
        into->sens_low[i] += from->sens_low[i];
        into->sens_high[i] += from->sens_high[i];
    }
    return 0;
}

void dp_accum_finish(dp_accum *a)
{
    if (a->finished) return;
    /* gone[t] trajectories have strength 0 on day t and every day after */
    uint64_t running = 0;
    for (int t = 1; t <= a->H; t++) {
        running += a->gone[t];
        a->fan[(size_t)t * a->nbins] += running;
        if (running) a->row_lo[t] = 0;
    }
    a->finished = true;
}

int64_t dp_accum_bin_lo(const dp_accum *a, int b)
{
    return b == 0 ? 0 : (((int64_t)b - 1) << a->shift) + 1;
}

int64_t dp_accum_bin_hi(const dp_accum *a, int b)
{
    return b == a->nbins - 1 ? INT64_MAX : (int64_t)b << a->shift;
}
