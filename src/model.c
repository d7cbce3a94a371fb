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

/* A guide table for a mean that stays fixed for a stretch of days is worth
 * building when it has at most this many entries per day of the stretch.
 * Poisson: building one entry costs about what half a table draw saves
 * over PTRS. Negative binomial: one table draw replaces a Gamma and a
 * Poisson draw (measured on kursk-2025.yaml: 8 and 32 were slower than 16). */
#define POISSON_ENTRIES_PER_DRAW 2.0
#define NEGBIN_ENTRIES_PER_DRAW 16.0

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
    int rc = dp_cells_init(&m->delay, w, (size_t)H);
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
    m->obs_log1p = calloc(4 * n + 1, sizeof *m->obs_log1p);
    if (!m->obs_day || !m->obs_slot || !m->obs || !m->obs_log1p) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const dp_observation *o = &s->observations[i];
        if (o->day < 1 || o->day > m->H) continue;
        m->obs[k] = o;
        /* the reported side of each misfit, once per run, not per trajectory */
        double *lg = m->obs_log1p + 4 * k;
        lg[0] = log1p(o->killed);
        lg[1] = log1p(o->wounded);
        lg[2] = log1p(o->casualties);
        lg[3] = log1p(o->strength);
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

/* Strength levels by falling x, casualty levels by rising x: the order in
 * which a trajectory can first meet them, so a day checks only the next.
 * Insertion sort: a handful of levels, and no context for qsort. */
static void sort_by_x(size_t *idx, size_t n, const double *x, int sign)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && sign * x[idx[j]] < sign * x[idx[j - 1]]; j--) {
            size_t tmp = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = tmp;
        }
}

static int order_levels(dp_model *m)
{
    size_t ns = m->n_strength, nc = m->n_casualties;
    m->level_order = malloc((ns + nc + 1) * sizeof *m->level_order);
    if (!m->level_order) return -1;
    size_t *so = m->level_order, *co = m->level_order + ns;
    for (size_t j = 0; j < ns; j++) so[j] = j;
    for (size_t j = 0; j < nc; j++) co[j] = j;
    sort_by_x(so, ns, m->s->strength.x, -1);
    sort_by_x(co, nc, m->s->casualties.x, 1);
    for (size_t j = 0; j < nc; j++) co[j] += ns;
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
    if (order_levels(m) != 0) {
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
    free(m->obs_log1p);
    free(m->level_order);
    dp_cells_free(&m->delay);
    memset(m, 0, sizeof *m);
}

int dp_work_init(dp_work *w, const dp_model *m)
{
    const dp_scenario *s = m->s;
    memset(w, 0, sizeof *w);
    size_t days = (size_t)m->H + 2;
    size_t arrive_days = 2 * (size_t)m->H + 2;   /* see returns() */
    /* the drawn params, their ranks, then dp_params_draw's scratch */
    w->v = calloc(s->n_params ? 3 * s->n_params : 1, sizeof *w->v);
    w->arrive = calloc(arrive_days, sizeof *w->arrive);
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
    if (dp_negbin_table_init(&w->tab_nb) != 0) {
        dp_work_free(w);
        return -1;
    }
    w->binom.q = -1;
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
    dp_negbin_table_free(&w->tab_nb);
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
 * the drawn params. */
static void schedule(const dp_model *m, dp_work *w, dp_pcg64 *g)
{
    const dp_scenario *s = m->s;
    const double *v = w->v;
    int H = m->H;

    w->n_reinforcements = 0;
    for (size_t i = 0; i < s->n_reinforcements; i++) {
        const dp_reinforcement *r = &s->reinforcements[i];
        if (!happens(v[r->chance], g)) continue;
        int day = as_day(v[r->day]);
        int64_t size = (int64_t)v[r->size];
        if (day >= 1 && day <= H && size > 0) {
            w->arrive[day] += size;
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
}

/* The next return delay (an outcome of m->delay) from the top 14 bits of
 * *bits, which it shifts out; a split cell takes one more draw. This is
 * dp_cells_sample with the cell table passed in and the generator's state
 * in registers: through m, the table's pointer was reloaded for every
 * soldier (the refine call may change what m points to), 2.5% more
 * instructions on kursk. */
static inline uint32_t next_delay(const dp_model *m, const uint16_t *cell, uint64_t *bits,
                                  uint64_t *lo, uint64_t *hi, dp_u128 inc)
{
    uint32_t c = (uint32_t)(*bits >> (64 - DP_CELL_BITS));
    *bits <<= DP_CELL_BITS;
    uint32_t e = cell[c];
    if (__builtin_expect(e & DP_CELL_SPLIT, 0))
        e = dp_cells_refine(&m->delay, c, dp_pcg64_next2(lo, hi, inc));
    return e;
}

/* Schedules the return of n soldiers wounded on day t. arrive[] has room
 * up to day 2H + 1: a delay is at most H days, so no return needs a bound
 * check; days after H are never read (nor cleared). */
static void returns(const dp_model *m, dp_work *w, dp_pcg64 *g, int t, int64_t n)
{
    if (m->delay_fixed > 0) {
        w->arrive[t + m->delay_fixed] += n;
        return;
    }
    /* Four soldiers per 64-bit draw, 14 bits each (dp_cells). The last
     * draw always places four: a slot past the last soldier adds to the
     * days after H (never read), through a pointer chosen without a branch
     * (a branch there was mispredicted on the last draw of every day, and
     * masking every slot of every draw cost 7% of kursk's run). The cell
     * table in a local: the compiler would reload it through m after every
     * store to arrive[]. The generator's state in two words of registers
     * (dp_pcg64_next2), stored back once: through g it was stored and
     * reloaded with every draw. */
    const uint16_t *cell = m->delay.cell;
    int64_t *at1 = w->arrive + t + 1;            /* a delay of e + 1 days */
    int64_t *unused = w->arrive + m->H + 1;      /* + e <= 2H + 1 */
    uint64_t lo = (uint64_t)g->state, hi = (uint64_t)(g->state >> 64);
    const dp_u128 inc = g->inc;
    int64_t left = n;
    for (; left > DP_CELLS_PER_DRAW; left -= DP_CELLS_PER_DRAW) {
        uint64_t bits = dp_pcg64_next2(&lo, &hi, inc);
        for (int i = 0; i < DP_CELLS_PER_DRAW; i++)
            at1[next_delay(m, cell, &bits, &lo, &hi, inc)]++;
    }
    uint64_t bits = dp_pcg64_next2(&lo, &hi, inc);
    for (int i = 0; i < DP_CELLS_PER_DRAW; i++) {
        int64_t *base = i < left ? at1 : unused;
        base[next_delay(m, cell, &bits, &lo, &hi, inc)]++;
    }
    g->state = ((dp_u128)hi << 64) | lo;
}

/* ln(x + 1) - ln(obs + 1), squared over twice the error's variance;
 * log_obs = ln(obs + 1), NaN for a figure not reported. */
static double misfit(double sim, double log_obs, double error)
{
    if (isnan(log_obs)) return 0;
    double d = log1p(sim) - log_obs;
    return d * d / (2 * error * error);
}

/* SPEC 2.3: the product over reported figures of
 * exp(-(ln(sim + 1) - ln(obs + 1))^2 / (2 error^2)). */
static double observation_weight(const dp_model *m, const dp_work *w)
{
    double sum = 0;
    for (size_t i = 0; i < m->n_obs; i++) {
        const dp_observation *o = m->obs[i];
        const double *lg = m->obs_log1p + 4 * i;
        size_t j = m->obs_slot[i];
        double killed = (double)w->obs_killed[j], all = (double)w->obs_c[j];
        sum += misfit(killed, lg[0], o->error) +
               misfit(all - killed, lg[1], o->error) +
               misfit(all, lg[2], o->error) +
               misfit((double)w->obs_A[j], lg[3], o->error);
    }
    return exp(-sum);
}

/* Whether an NB table (dispersion k) pays for a stretch of `days` draws;
 * decided like table_pays, from (k, mu, days) alone. */
static bool negbin_pays(double k, double mu, int days)
{
    uint32_t n = dp_negbin_table_size(k, mu);
    return n != UINT32_MAX && (double)n <= NEGBIN_ENTRIES_PER_DRAW * days;
}

/* Makes the thread's NB table hold (k, mu) unless it does; false when it
 * cannot (then the day's count is a Gamma-scaled Poisson draw). */
static bool negbin_ready(dp_negbin_table *t, double k, double mu)
{
    return (t->mu == mu && t->k == k) || dp_negbin_table_build(t, k, mu) == 0;
}

/* Binomial(n, q) with this trajectory's q, from tables built at first use. */
static inline int64_t returning(dp_work *w, dp_pcg64 *g, int64_t n, double q)
{
    if (w->binom.q != q) dp_binomial_tables_build(&w->binom, q);
    return dp_binomial_tables_sample(&w->binom, n, g);
}

/* Whether a guide table for a mean that stays mu for `days` draws costs
 * less to build than the draws it saves. Decided once per stretch of fixed
 * mean from (mu, days) alone: never from what the thread's table held
 * before, or a trajectory's numbers would depend on the thread (they once
 * did). */
static bool table_pays(double mu, int days)
{
    return mu > 0 && mu <= DP_POISSON_TABLE_MAX_MU &&
           (double)dp_poisson_table_size(mu) <= POISSON_ENTRIES_PER_DRAW * days;
}

/* Makes a Poisson table hold mu unless it does (a failed build cannot
 * happen: the room was reserved at dp_work_init; if it did, PTRS). */
static bool poisson_ready(dp_poisson_table *tab, double mu)
{
    return mu == tab->mu || dp_poisson_table_build(tab, mu) == 0;
}

/* A Poisson draw of mean mu: from tab when `use` (it holds mu), else PTRS. */
static inline __attribute__((always_inline)) int64_t
poisson_fixed(const dp_poisson_table *tab, double mu, bool use, dp_pcg64 *g)
{
    return use ? dp_poisson_table_sample(tab, g) : dp_sample_poisson(g, mu);
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
    memset(w->arrive, 0, ((size_t)H + 2) * sizeof *w->arrive);
    double *ranks = w->v + s->n_params;
    dp_params_draw(s, m->draws, r, w->v, w->v + 2 * s->n_params, ranks);
    o->u = ranks;
    const double *v = w->v;

    int64_t N0 = (int64_t)v[s->initial];
    int64_t non_battle = 0, rotated = 0, arrived = 0;
    schedule(m, w, g);
    int next_arrival = 0;

    const double per = v[s->casualty];
    const double k = s->dispersion != DP_NONE ? v[s->dispersion] : 0;
    const double b = s->non_battle != DP_NONE ? v[s->non_battle] : 0;
    const double p_killed = 1.0 / (1.0 + v[s->wounded_per_killed]);
    const double f = m->has_rtd ? v[s->rtd_fraction] : 0;
    /* a casualty returns with probability q: wounded, then back */
    const double q = (1.0 - p_killed) * f;
    /* a day's law stays fixed through a phase in absolute mode: its draws
     * can come from tables */
    const bool fixed_mean = !s->proportional;
    /* Poisson counts of returning and other casualties drawn apart (from
     * two tables); otherwise C first and the returning among them */
    const bool thin = fixed_mean && k == 0 && q > 0;

    for (size_t j = 0; j < ns; j++) w->level[j] = at_most(s->strength.x[j], N0);
    for (size_t j = 0; j < nc; j++) w->level[ns + j] = at_least(s->casualties.x[j], N0);
    const int64_t rule = m->has_rule ? at_most(v[s->below], N0) : -1;
    /* the next strength and casualty levels to meet, in level_order */
    const size_t *next_s = m->level_order, *end_s = next_s + ns;
    const size_t *next_c = end_s, *end_c = next_c + nc;
    /* the values those are at, or what no count reaches once all are met */
    int64_t s_at = next_s < end_s ? w->level[*next_s] : INT64_MIN;
    int64_t c_at = next_c < end_c ? w->level[*next_c] : INT64_MAX;
    for (size_t j = 0; j < m->n_levels; j++) o->day[j] = 0;

    /* cum_c: killed + wounded; cum_stay: casualties that do not return
     * (killed, or wounded for good), split into killed and wounded once at
     * the end: each is killed with probability p_killed / (1 - q)
     * independently of everything else, so one binomial draw of the total
     * has the law of the daily splits (exact in law, and cheaper). */
    int64_t A = N0, cum_c = 0, cum_stay = 0;
    double intensity = 1.0;
    size_t ph = 0, ev = 0;
    int phase_end = 1;   /* day 1 starts the first stretch */
    bool tab_c = false, tab_r = false, tab_nb = false;
    const bool tab_b = table_pays(b, H) && poisson_ready(&w->tab_b, b);
    size_t ob = 0;
    int next_obs = m->n_obs_days ? m->obs_day[0] : H + 1;
    int t;
    o->N0 = N0;
    o->weight = 1.0;

    for (t = 1; t <= H; t++) {
        /* 1. arrivals: returning wounded and reinforcements (no branch:
         * whether anyone arrives is close to a coin toss on some days) */
        const int64_t in = w->arrive[t];
        A += in;
        arrived += in;
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
        if (t >= phase_end) {
            while (ph < s->n_phases && w->phases[ph].from <= t)
                intensity = w->phases[ph++].intensity;
            phase_end = ph < s->n_phases ? w->phases[ph].from : H + 1;
            /* a new stretch of fixed daily mean: tables (built now) or
             * direct draws for it */
            double m0 = intensity * per;
            double mc = thin ? m0 * (1 - q) : m0;
            int days = (phase_end <= H ? phase_end : H + 1) - t;   /* within the horizon */
            tab_nb = fixed_mean && k > 0 && negbin_pays(k, m0, days) &&
                     negbin_ready(&w->tab_nb, k, m0);
            tab_c = fixed_mean && k == 0 && table_pays(mc, days) && poisson_ready(&w->tab_c, mc);
            tab_r = thin && table_pays(m0 * q, days) && poisson_ready(&w->tab_r, m0 * q);
        }

        /* 3. combat casualties; 5-6 the returning wounded among them: each
         * casualty returns with probability q, independently, so given C
         * the returning R is Binomial(C, q). Without dispersion and with a
         * fixed mean, Poisson thinning instead: R and N = C - R are
         * independent Poisson counts of means m q and m (1 - q), each from
         * a table; when C = R + N exceeds A it is capped, and R is drawn
         * again from Binomial(A, q), the law of R given the capped C. */
        int64_t C = 0, R = 0;
        double mean = s->proportional ? intensity * per * (double)A
                                      : intensity * per;
        if (A > 0 && mean > 0) {
            if (thin) {
                R = poisson_fixed(&w->tab_r, mean * q, tab_r, g);
                C = R + poisson_fixed(&w->tab_c, mean * (1 - q), tab_c, g);
                if (C > A) {
                    C = A;
                    R = returning(w, g, A, q);
                }
            } else {
                if (tab_nb)
                    C = dp_negbin_table_sample(&w->tab_nb, g);
                else if (k > 0)
                    C = dp_sample_poisson(g, mean * gsl_ran_gamma(r, k, 1.0 / k));
                else
                    C = poisson_fixed(&w->tab_c, mean, tab_c, g);
                /* R from the count before the cap, and again in the
                 * rare day the cap bites (the law of R given the capped
                 * C): so R, and the delays after it, need not wait for
                 * A, which the day before computes last (3% of kursk's
                 * run) */
                if (q > 0 && C > 0) R = returning(w, g, C, q);
                if (__builtin_expect(C > A, 0)) {
                    C = A;
                    R = q > 0 && C > 0 ? returning(w, g, C, q) : 0;
                }
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
        if (R > 0) returns(m, w, g, t, R);
        /* 7. */
        A -= C + B;

        /* 8. thresholds */
        if (__builtin_expect(A <= s_at, 0)) {
            for (; next_s < end_s && A <= w->level[*next_s]; next_s++) o->day[*next_s] = t;
            s_at = next_s < end_s ? w->level[*next_s] : INT64_MIN;
        }
        if (__builtin_expect(cum_c >= c_at, 0)) {
            for (; next_c < end_c && cum_c >= w->level[*next_c]; next_c++) o->day[*next_c] = t;
            c_at = next_c < end_c ? w->level[*next_c] : INT64_MAX;
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
        /* nobody left and nobody to come: nothing can change any more. With
         * A = 0 nothing new is scheduled, so the next arrival, once found,
         * need not be looked for again before its day. */
        if (A == 0 && t >= next_arrival) {
            next_arrival = t + 1;
            while (next_arrival <= H && w->arrive[next_arrival] == 0) next_arrival++;
            if (next_arrival > H) break;
        }
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
