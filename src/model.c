/*
 * model.c - the daily model: one trajectory from day 1 to the horizon.
 *
 * The steps of each day are numbered as in SPEC 1.2; the once-per-trajectory
 * draws are params.c's. All state lives in the thread's dp_work, so a
 * trajectory allocates nothing and depends only on (seed, i).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "dp_model.h"

enum { EV_WITHDRAW_FRACTION, EV_WITHDRAW_SIZE };

/* A guide table for a fixed Poisson mean is worth building when it serves
 * at least one draw per this many entries (building one entry costs about
 * what a table draw saves over PTRS). */
#define TABLE_DRAWS_PER_ENTRY 2.0

struct dp_event {          /* a scheduled withdrawal that happens */
    int day, order, kind;
    double amount;         /* fraction of A, or a size */
};

struct dp_phase_now {      /* a phase with its drawn start and intensity */
    int from, order;
    double intensity;
};

/* Thresholds compare x * N0 exactly, allowing for floating point in the
 * product (SPEC 1.3: 0.29 * 100 is 29). */
static double tolerance(double x) { return 1e-9 * fmax(1.0, fabs(x)); }

static int64_t at_most(double x, int64_t n0)   /* largest A with A <= x N0 */
{
    double v = x * (double)n0;
    return (int64_t)floor(v + tolerance(v));
}

static int64_t at_least(double x, int64_t n0)  /* smallest C with C >= x N0 */
{
    double v = x * (double)n0;
    return (int64_t)ceil(v - tolerance(v));
}

/* Delay law of a returning soldier, max(1, round(D)) days with D conditioned
 * on [0, inf): P(k) = P(k - 1/2 <= D < k + 1/2), all of D < 3/2 at k = 1.
 * Outcome k-1 is a delay of k days for k < H; outcome H-1 gathers the
 * delays that end after any day of the horizon. */
static int build_delay_table(dp_model *m)
{
    const dp_dist *d = &m->s->rtd_delay;
    int H = m->H;
    if (dp_dist_is_fixed(d)) {
        double k = dp_round(d->p[0]);
        m->delay_fixed = k < 1 ? 1 : k > H ? H : (int)k;
        return 0;
    }
    double *w = malloc((size_t)H * sizeof *w);
    if (!w) return -1;
    double base = dp_dist_cdf_left(d, 0.0);
    double prev = base;
    for (int k = 1; k < H; k++) {
        double next = dp_dist_cdf_left(d, k + 0.5);
        w[k - 1] = fmax(0.0, next - prev);
        prev = next;
    }
    w[H - 1] = fmax(0.0, 1.0 - prev);
    int rc = dp_alias_init(&m->delay, w, (size_t)H);
    free(w);
    return rc;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The observations dated within 1..H (the loader warned about the others),
 * their distinct days in order, and where each one reads its figures. */
static int compile_observations(dp_model *m)
{
    const dp_scenario *s = m->s;
    size_t n = s->n_observations;
    m->obs_day = calloc(n + 1, sizeof *m->obs_day);
    m->obs_slot = calloc(n + 1, sizeof *m->obs_slot);
    m->obs = calloc(n + 1, sizeof *m->obs);
    if (!m->obs_day || !m->obs_slot || !m->obs) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const dp_observation *o = &s->observations[i];
        if (o->day < 1 || o->day > m->H) continue;
        m->obs[k] = o;
        m->obs_day[k++] = (int)o->day;
    }
    m->n_obs = k;
    qsort(m->obs_day, k, sizeof *m->obs_day, cmp_int);
    size_t d = 0;
    for (size_t i = 0; i < k; i++)
        if (d == 0 || m->obs_day[d - 1] != m->obs_day[i]) m->obs_day[d++] = m->obs_day[i];
    m->n_obs_days = d;
    for (size_t i = 0; i < k; i++) {
        size_t j = 0;
        while (m->obs_day[j] != (int)m->obs[i]->day) j++;
        m->obs_slot[i] = j;
    }
    return 0;
}

int dp_model_init(dp_model *m, const dp_scenario *s)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    m->H = s->horizon;
    m->n_strength = s->strength.n;
    m->n_casualties = s->casualties.n;
    m->has_rule = s->below != DP_NONE;
    m->n_levels = m->n_strength + m->n_casualties + (m->has_rule ? 1 : 0);
    m->draws = calloc(s->n_params ? s->n_params : 1, sizeof *m->draws);
    if (!m->draws) return -1;
    if (dp_params_compile(s, m->draws) != 0) {
        dp_model_free(m);
        return -1;
    }
    if (compile_observations(m) != 0) {
        dp_model_free(m);
        return -1;
    }
    m->has_rtd = s->rtd_fraction != DP_NONE && s->has_rtd_delay;
    if (m->has_rtd && build_delay_table(m) != 0) {
        dp_model_free(m);
        return -1;
    }
    return 0;
}

void dp_model_free(dp_model *m)
{
    if (m->draws && m->s) dp_params_free(m->draws, m->s->n_params);
    free(m->draws);
    free(m->obs_day);
    free(m->obs_slot);
    free(m->obs);
    dp_alias_free(&m->delay);
    memset(m, 0, sizeof *m);
}

int dp_work_init(dp_work *w, const dp_model *m)
{
    const dp_scenario *s = m->s;
    memset(w, 0, sizeof *w);
    size_t days = (size_t)m->H + 2;
    /* the drawn params, their ranks, then dp_params_draw's scratch */
    w->v = calloc(s->n_params ? 3 * s->n_params : 1, sizeof *w->v);
    w->arrive = calloc(days, sizeof *w->arrive);
    w->events = calloc(s->n_withdrawals + 1, sizeof *w->events);
    w->phases = calloc(s->n_phases + 1, sizeof *w->phases);
    w->level = calloc(m->n_levels + 1, sizeof *w->level);
    w->reinforcement_day = calloc(s->n_reinforcements + 1, sizeof *w->reinforcement_day);
    w->reinforcement_size = calloc(s->n_reinforcements + 1, sizeof *w->reinforcement_size);
    w->out.day = calloc(m->n_levels + 1, sizeof *w->out.day);
    w->out.A = calloc(days, sizeof *w->out.A);
    size_t no = m->n_obs_days + 1;
    w->obs_c = calloc(no, sizeof *w->obs_c);
    w->obs_stay = calloc(no, sizeof *w->obs_stay);
    w->obs_killed = calloc(no, sizeof *w->obs_killed);
    w->obs_A = calloc(no, sizeof *w->obs_A);
    if (!w->obs_c || !w->obs_stay || !w->obs_killed || !w->obs_A) {
        dp_work_free(w);
        return -1;
    }
    /* reserve the largest tables now: no allocation while simulating */
    dp_poisson_table *tabs[] = {&w->tab_c, &w->tab_r, &w->tab_b};
    for (int j = 0; j < 3; j++) {
        tabs[j]->cdf = NULL;
        tabs[j]->guide = NULL;
        if (dp_poisson_table_build(tabs[j], DP_POISSON_TABLE_MAX_MU) != 0) {
            dp_work_free(w);
            return -1;
        }
        tabs[j]->mu = -1;   /* holds no mean yet */
    }
    if (!w->v || !w->arrive || !w->events || !w->phases || !w->level ||
        !w->reinforcement_day || !w->reinforcement_size ||
        !w->out.day || !w->out.A) {
        dp_work_free(w);
        return -1;
    }
    return 0;
}

void dp_work_free(dp_work *w)
{
    free(w->v);
    free(w->arrive);
    free(w->events);
    free(w->phases);
    free(w->level);
    free(w->reinforcement_day);
    free(w->reinforcement_size);
    free(w->out.day);
    free(w->out.A);
    free(w->obs_c);
    free(w->obs_stay);
    free(w->obs_killed);
    free(w->obs_A);
    dp_poisson_table_free(&w->tab_c);
    dp_poisson_table_free(&w->tab_r);
    dp_poisson_table_free(&w->tab_b);
    memset(w, 0, sizeof *w);
}

/* Stable order by day, then as written (SPEC 1.2: same-day events in the
 * order written; same-day phases, the one written last wins). */
static int cmp_event(const void *a, const void *b)
{
    const struct dp_event *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static int cmp_phase(const void *a, const void *b)
{
    const struct dp_phase_now *x = a, *y = b;
    if (x->from != y->from) return x->from < y->from ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* A drawn (rounded) day as an int. Days outside 1..H are compared, not used
 * as indices: phases starting before day 1 must keep their order (the latest
 * start wins), so clamp only far away, where order cannot matter. */
#define FAR_DAY (1 << 30)
static int as_day(double d)
{
    if (d < -FAR_DAY) return -FAR_DAY;
    if (d > FAR_DAY) return FAR_DAY;
    return (int)d;
}

static bool happens(double chance, dp_pcg64 *g)
{
    return dp_pcg64_double(g) < chance;   /* chance 1: always; 0: never */
}

/* Schedules this trajectory's reinforcements, withdrawals and phases from
 * the drawn params; returns the arrivals pending after day 0. */
static int64_t schedule(const dp_model *m, dp_work *w, dp_pcg64 *g)
{
    const dp_scenario *s = m->s;
    const double *v = w->v;
    int H = m->H;
    int64_t pending = 0;

    w->n_reinforcements = 0;
    for (size_t i = 0; i < s->n_reinforcements; i++) {
        const dp_reinforcement *r = &s->reinforcements[i];
        if (!happens(v[r->chance], g)) continue;
        int day = as_day(v[r->day]);
        int64_t size = (int64_t)v[r->size];
        if (day >= 1 && day <= H && size > 0) {
            w->arrive[day] += size;
            pending += size;
            w->reinforcement_day[w->n_reinforcements] = day;
            w->reinforcement_size[w->n_reinforcements++] = size;
        }
    }

    w->n_events = 0;
    for (size_t i = 0; i < s->n_withdrawals; i++) {
        const dp_withdrawal *x = &s->withdrawals[i];
        if (!happens(v[x->chance], g)) continue;
        int day = as_day(v[x->day]);
        if (day < 1 || day > H) continue;
        struct dp_event *e = &w->events[w->n_events++];
        e->day = day;
        e->order = (int)i;
        e->kind = x->is_fraction ? EV_WITHDRAW_FRACTION : EV_WITHDRAW_SIZE;
        e->amount = v[x->amount];
    }
    if (w->n_events > 1)
        qsort(w->events, w->n_events, sizeof *w->events, cmp_event);

    for (size_t i = 0; i < s->n_phases; i++) {
        w->phases[i].from = as_day(v[s->phases[i].from]);
        w->phases[i].order = (int)i;
        w->phases[i].intensity = v[s->phases[i].intensity];
    }
    if (s->n_phases > 1)
        qsort(w->phases, s->n_phases, sizeof *w->phases, cmp_phase);
    return pending;
}

static void returns(const dp_model *m, dp_work *w, dp_pcg64 *g, int t,
                    int64_t n, int64_t *pending)
{
    int H = m->H;
    if (m->delay_fixed > 0) {
        if (t + m->delay_fixed <= H) {
            w->arrive[t + m->delay_fixed] += n;
            *pending += n;
        }
        return;
    }
    /* Soldiers alternate between the trajectory's stream and its second
     * stream (w->g2), so two independent generator steps run side by side
     * instead of one long chain of 128-bit multiplies. Local copies stay in
     * registers: through the pointers every draw would store the state and
     * load it back in halves, which the processor cannot forward. */
    dp_pcg64 a = *g, b = w->g2;
    int64_t due = 0, j = 0;
    for (; j + 1 < n; j += 2) {
        int d1 = (int)dp_alias_sample(&m->delay, &a) + 1;
        int d2 = (int)dp_alias_sample(&m->delay, &b) + 1;
        if (t + d1 <= H) { w->arrive[t + d1]++; due++; }
        if (t + d2 <= H) { w->arrive[t + d2]++; due++; }
    }
    if (j < n) {
        int d = (int)dp_alias_sample(&m->delay, &a) + 1;
        if (t + d <= H) { w->arrive[t + d]++; due++; }
    }
    *g = a;
    w->g2 = b;
    *pending += due;
}

/* ln(x + 1) - ln(obs + 1), squared over twice the error's variance. */
static double misfit(double sim, double obs, double error)
{
    if (isnan(obs)) return 0;
    double d = log1p(sim) - log1p(obs);
    return d * d / (2 * error * error);
}

/* SPEC 2.3: the product over reported figures of
 * exp(-(ln(sim + 1) - ln(obs + 1))^2 / (2 error^2)). */
static double observation_weight(const dp_model *m, const dp_work *w)
{
    double sum = 0;
    for (size_t i = 0; i < m->n_obs; i++) {
        const dp_observation *o = m->obs[i];
        size_t j = m->obs_slot[i];
        double killed = (double)w->obs_killed[j], all = (double)w->obs_c[j];
        sum += misfit(killed, o->killed, o->error) +
               misfit(all - killed, o->wounded, o->error) +
               misfit(all, o->casualties, o->error) +
               misfit((double)w->obs_A[j], o->strength, o->error);
    }
    return exp(-sum);
}

/* Whether a guide table for a mean that stays mu for `days` draws costs
 * less to build than the draws it saves. Decided once per stretch of fixed
 * mean from (mu, days) alone: never from what the thread's table held
 * before, or a trajectory's numbers would depend on the thread (they once
 * did). */
static bool table_pays(double mu, int days)
{
    return mu > 0 && mu <= DP_POISSON_TABLE_MAX_MU &&
           (double)dp_poisson_table_size(mu) <= TABLE_DRAWS_PER_ENTRY * days;
}

/* A Poisson draw of mean mu: from the table when `use` (built for mu unless
 * it already holds it), else PTRS. */
static inline __attribute__((always_inline)) int64_t
poisson_fixed(dp_poisson_table *tab, double mu, bool use, dp_pcg64 *g)
{
    if (use && (mu == tab->mu || dp_poisson_table_build(tab, mu) == 0))
        return dp_poisson_table_sample(tab, g);
    /* (a failed build cannot happen: the room was reserved at dp_work_init) */
    return dp_sample_poisson(g, mu);
}

void dp_trajectory(const dp_model *m, dp_work *w, gsl_rng *r, uint64_t seed,
                   uint64_t i)
{
    const dp_scenario *s = m->s;
    dp_pcg64 *g = dp_rng_state(r);
    dp_outcome *o = &w->out;
    const int H = m->H;
    const size_t ns = m->n_strength, nc = m->n_casualties;

    dp_rng_stream(g, seed, i);
    /* trajectory i's second stream: indices with the top bit set are never
     * trajectories, so it is unrelated to every trajectory's first stream */
    if (m->has_rtd && m->delay_fixed == 0) dp_rng_stream(&w->g2, seed, i | DP_SECOND_STREAM);
    memset(w->arrive, 0, ((size_t)H + 2) * sizeof *w->arrive);
    double *ranks = w->v + s->n_params;
    dp_params_draw(s, m->draws, r, w->v, w->v + 2 * s->n_params, ranks);
    o->u = ranks;
    const double *v = w->v;

    int64_t N0 = (int64_t)v[s->initial];
    int64_t non_battle = 0, rotated = 0, arrived = 0;
    int64_t pending = schedule(m, w, g);

    const double per = v[s->casualty];
    const double k = s->dispersion != DP_NONE ? v[s->dispersion] : 0;
    const double b = s->non_battle != DP_NONE ? v[s->non_battle] : 0;
    const double p_killed = 1.0 / (1.0 + v[s->wounded_per_killed]);
    const double f = m->has_rtd ? v[s->rtd_fraction] : 0;
    /* a casualty returns with probability q: wounded, then back */
    const double q = (1.0 - p_killed) * f;
    /* a day's mean stays fixed through a phase in absolute mode without
     * dispersion: its Poisson draws can come from tables */
    const bool fixed_mean = !s->proportional && k == 0;

    for (size_t j = 0; j < ns; j++) w->level[j] = at_most(s->strength.x[j], N0);
    for (size_t j = 0; j < nc; j++) w->level[ns + j] = at_least(s->casualties.x[j], N0);
    const int64_t rule = m->has_rule ? at_most(v[s->below], N0) : -1;
    size_t unmet = ns + nc;
    for (size_t j = 0; j < m->n_levels; j++) o->day[j] = 0;

    /* cum_c: killed + wounded; cum_stay: casualties that do not return
     * (killed, or wounded for good), split into killed and wounded once at
     * the end: each is killed with probability p_killed / (1 - q)
     * independently of everything else, so one binomial draw of the total
     * has the law of the daily splits (exact in law, and cheaper). */
    int64_t A = N0, cum_c = 0, cum_stay = 0;
    double intensity = 1.0;
    size_t ph = 0, ev = 0;
    int phase_end = s->n_phases ? w->phases[0].from : H + 1;
    bool tab_c = false, tab_r = false;
    const bool tab_b = table_pays(b, H);
    size_t ob = 0;
    int next_obs = m->n_obs_days ? m->obs_day[0] : H + 1;
    int t;
    o->N0 = N0;
    o->weight = 1.0;

    for (t = 1; t <= H; t++) {
        /* 1. arrivals: returning wounded and reinforcements */
        if (w->arrive[t]) {
            A += w->arrive[t];
            arrived += w->arrive[t];
            pending -= w->arrive[t];
        }
        /* 2. scheduled withdrawals, in the order written */
        for (; ev < w->n_events && w->events[ev].day == t; ev++) {
            const struct dp_event *e = &w->events[ev];
            int64_t out = e->kind == EV_WITHDRAW_FRACTION
                              ? (int64_t)dp_round(e->amount * (double)A)
                              : (int64_t)e->amount;
            out = out < A ? out : A;
            A -= out;
            rotated += out;
        }
        if (t >= phase_end || t == 1) {
            while (ph < s->n_phases && w->phases[ph].from <= t)
                intensity = w->phases[ph++].intensity;
            phase_end = ph < s->n_phases ? w->phases[ph].from : H + 1;
            /* a new stretch of fixed daily mean: tables or PTRS for it */
            double m0 = intensity * per;
            tab_c = fixed_mean && table_pays(q > 0 ? m0 * (1 - q) : m0, phase_end - t);
            tab_r = fixed_mean && q > 0 && table_pays(m0 * q, phase_end - t);
        }

        /* 3. combat casualties; 5-6 the returning wounded among them.
         * Poisson thinning: the day's casualties that will return (R) and
         * the others (N) are independent Poisson counts of means m q and
         * m (1 - q), so C = N + R is Poisson(m) and R | C is Binomial(C, q).
         * When C exceeds A it is capped, and R is drawn again from
         * Binomial(A, q): the law of R given the capped C. */
        int64_t C = 0, R = 0;
        double mean = s->proportional ? intensity * per * (double)A
                                      : intensity * per;
        if (A > 0 && mean > 0) {
            if (k > 0) mean *= gsl_ran_gamma(r, k, 1.0 / k);
            if (q > 0) {
                R = poisson_fixed(&w->tab_r, mean * q, tab_r, g);
                C = R + poisson_fixed(&w->tab_c, mean * (1 - q), tab_c, g);
                if (C > A) {
                    C = A;
                    R = dp_sample_binomial(g, A, q);
                }
            } else {
                C = poisson_fixed(&w->tab_c, mean, tab_c, g);
                if (C > A) C = A;
            }
        }
        /* 4. non-battle losses */
        int64_t B = 0;
        if (b > 0 && A - C > 0) {
            B = poisson_fixed(&w->tab_b, b, tab_b, g);
            if (B > A - C) B = A - C;
            non_battle += B;
        }
        cum_c += C;
        cum_stay += C - R;
        /* 6. each returning soldier's own delay */
        if (R > 0) returns(m, w, g, t, R, &pending);
        /* 7. */
        A -= C + B;

        /* 8. thresholds */
        if (unmet) {
            for (size_t j = 0; j < ns; j++)
                if (!o->day[j] && A <= w->level[j]) { o->day[j] = t; unmet--; }
            for (size_t j = ns; j < ns + nc; j++)
                if (!o->day[j] && cum_c >= w->level[j]) { o->day[j] = t; unmet--; }
        }
        /* 9. the withdrawal rule: frozen from the end of day t, strength 0 */
        bool withdrawn = A <= rule;
        if (withdrawn) {
            o->day[ns + nc] = t;
            A = 0;
        }
        o->A[t] = A;
        if (t == next_obs) {   /* figures as they stand at the end of the day */
            w->obs_c[ob] = cum_c;
            w->obs_stay[ob] = cum_stay;
            w->obs_A[ob] = A;
            ob++;
            next_obs = ob < m->n_obs_days ? m->obs_day[ob] : H + 1;
        }
        if (withdrawn) break;
        /* nobody left and nobody to come: nothing can change any more */
        if (A == 0 && pending == 0) break;
    }
    o->last = t > H ? H : t;
    o->reinforced = 0;
    for (size_t j = 0; j < w->n_reinforcements; j++)
        if (w->reinforcement_day[j] <= o->last) o->reinforced += w->reinforcement_size[j];
    o->returned = arrived - o->reinforced;
    /* observation days after the loop stopped: nothing changed since */
    for (; ob < m->n_obs_days; ob++) {
        w->obs_c[ob] = cum_c;
        w->obs_stay[ob] = cum_stay;
        w->obs_A[ob] = 0;
    }
    /* killed among the non-returning casualties, day range by day range */
    const double p_stay_killed = q < 1 ? fmin(1.0, p_killed / (1 - q)) : 0;
    int64_t killed = 0, stay = 0;
    for (size_t j = 0; j < m->n_obs_days; j++) {
        killed += dp_sample_binomial(g, w->obs_stay[j] - stay, p_stay_killed);
        stay = w->obs_stay[j];
        w->obs_killed[j] = killed;
    }
    o->killed = killed + dp_sample_binomial(g, cum_stay - stay, p_stay_killed);
    o->wounded = cum_c - o->killed;
    o->weight = m->n_obs ? observation_weight(m, w) : 1.0;
    o->non_battle = non_battle;
    o->rotated = rotated;
}
