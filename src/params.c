/*
 * params.c - the once-per-trajectory draws (SPEC 1.1).
 *
 * A value drawn outside its field's domain is drawn again from the
 * distribution conditioned on the domain. Three exact ways, chosen once per
 * scenario by how much mass lies inside:
 *   all of it      the type's own sampler (fast: ziggurat, Marsaglia-Tsang);
 *   at least half  the sampler, redrawn while outside (rejection: exact, and
 *                  expected fewer than two tries);
 *   less           inverse CDF at u uniform on (F(lo), F(hi)).
 */
#include <math.h>
#include "dp_params.h"
#include "dp_rng.h"

/* Rejection gives up after this many tries and inverts instead: with at least
 * half the mass inside, reaching it has probability below 2^-64. */
#define MAX_TRIES 64

double dp_round(double x)
{
    if (!(x > -1e15)) return -1e15;   /* also NaN: far outside any horizon */
    if (x > 1e15) return 1e15;
    return round(x);
}

void dp_params_compile(const dp_scenario *s, dp_draw *draws)
{
    for (size_t i = 0; i < s->n_params; i++) {
        const dp_param *p = &s->params[i];
        dp_draw *d = &draws[i];
        d->ulo = 0;
        d->uhi = 1;
        if (dp_dist_is_fixed(&p->dist)) {
            d->how = DP_DRAW_FIXED;
            d->fixed = p->dist.p[0];
            if (p->round != DP_ROUND_NONE) d->fixed = dp_round(d->fixed);
            continue;
        }
        double mass = dp_dist_mass_in(&p->dist, p->domain, &d->ulo, &d->uhi);
        if (p->outside <= 0 && mass >= 1)
            d->how = DP_DRAW_DIRECT;
        else if (mass >= 0.5)
            d->how = DP_DRAW_REJECT;
        else
            d->how = DP_DRAW_INVERSE;
    }
}

static double draw_inverse(const dp_dist *dist, const dp_draw *d, gsl_rng *r)
{
    double u = dp_pcg64_double_open(dp_rng_state(r));
    return dist->type->quantile(dist, d->ulo + (d->uhi - d->ulo) * u);
}

static double draw_one(const dp_param *p, const dp_draw *d, gsl_rng *r)
{
    const dp_dist *dist = &p->dist;
    double x;
    switch (d->how) {
    case DP_DRAW_FIXED:
        return d->fixed;
    case DP_DRAW_DIRECT:
        x = dist->type->sample(dist, r);
        if (dp_domain_has(p->domain, x)) break;
        /* a sampler's rounding put it on an open bound: draw again */
        /* fall through */
    case DP_DRAW_REJECT:
        for (int k = 0; k < MAX_TRIES; k++) {
            x = dist->type->sample(dist, r);
            if (dp_domain_has(p->domain, x)) goto done;
        }
        /* fall through */
    default:
        x = draw_inverse(dist, d, r);
        /* the quantile can land on an open bound by rounding: nudge inside */
        if (!dp_domain_has(p->domain, x))
            x = p->domain.lo_open && x <= p->domain.lo
                    ? nextafter(p->domain.lo, INFINITY)
                    : fmin(fmax(x, p->domain.lo), p->domain.hi);
        break;
    }
done:
    return p->round != DP_ROUND_NONE ? dp_round(x) : x;
}

void dp_params_draw(const dp_scenario *s, const dp_draw *draws, gsl_rng *r,
                    double *v)
{
    for (size_t i = 0; i < s->n_params; i++)
        v[i] = draw_one(&s->params[i], &draws[i], r);
}
