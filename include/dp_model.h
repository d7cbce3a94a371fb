/*
 * dp_model.h - one trajectory of the daily model (SPEC 1.1-1.3).
 *
 * dp_model is a scenario compiled for simulation: read-only after
 * dp_model_init and shared by all threads. dp_work is one thread's scratch,
 * allocated once and reused for every trajectory (no per-day or
 * per-trajectory allocation). dp_trajectory runs trajectory i from day 1 to
 * the horizon and fills a dp_outcome.
 */
#ifndef DP_MODEL_H
#define DP_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "dp_params.h"
#include "dp_rng.h"
#include "dp_sample.h"
#include "dp_scenario.h"

typedef struct dp_model {
    const dp_scenario *s;
    int H;                   /* horizon in days */
    size_t n_strength, n_casualties;
    size_t *level_order;     /* strength levels by falling x, then casualty
                                levels (indices from n_strength) by rising x */
    size_t n_levels;         /* strength + casualties (+1 withdrawn if a rule) */
    bool has_rule;
    dp_draw *draws;          /* one per scenario param */
    /* observations within the horizon (SPEC 2.3): their distinct days,
     * sorted, and each observation's slot among them */
    size_t n_obs, n_obs_days;
    int *obs_day;
    size_t *obs_slot;
    double *obs_log1p;          /* log1p of each one's killed, wounded, casualties,
                                 * strength (NaN where not reported) */
    const dp_observation **obs;
    bool has_rtd;
    /* per-soldier return delay in days: outcome k-1 is a delay of k days
     * (k = 1..H-1); outcome H-1 means "after the horizon" */
    dp_cells delay;
    int delay_fixed;         /* > 0 when the delay is one value: no draw */
} dp_model;

typedef struct dp_outcome {
    int *day;                /* per level: first day met, 0 = censored */
    int64_t *A;              /* A[t], t = 1..last: active strength at the end of day t */
    int last;                /* days simulated; the loop stops early only when
                                the force is gone for good (strength 0 from
                                last+1 to H): everyone lost or withdrawn */
    int64_t N0;
    /* cumulative counts at the end of the trajectory */
    int64_t killed, wounded, returned, non_battle, rotated, reinforced;
    double weight;           /* 1 without observations */
    const double *u;         /* per param: its quantile F(x) in (0, 1) (ranks
                                for sensitivity); NULL when not computed */
} dp_outcome;

typedef struct dp_work {
    double *v;               /* drawn params */
    int64_t *arrive;         /* arrivals (returns + reinforcements) due per day */
    struct dp_event *events; /* this trajectory's dated events, sorted */
    size_t n_events;
    struct dp_phase_now *phases;
    int64_t *level;          /* per level: integer threshold for this N0 */
    int *reinforcement_day;  /* this trajectory's reinforcements that happen */
    int64_t *reinforcement_size;
    size_t n_reinforcements;
    dp_poisson_table tab_c, tab_r, tab_b;   /* fixed-mean Poisson tables */
    dp_negbin_table tab_nb;  /* fixed-mean counts under dispersion */
    dp_binomial_tables binom;  /* returning casualties among C, for this q */
    /* per observation day: cumulative casualties, non-returning casualties,
     * killed, and strength at the end of that day */
    int64_t *obs_c, *obs_stay, *obs_killed, *obs_A;
    dp_outcome out;
} dp_work;

int dp_model_init(dp_model *m, const dp_scenario *s);
void dp_model_free(dp_model *m);

int dp_work_init(dp_work *w, const dp_model *m);
void dp_work_free(dp_work *w);

/* Runs trajectory i of the run with this seed; the result is w->out. r is the
 * thread's generator (dp_rng_type); it is reseeded to stream (seed, i). */
void dp_trajectory(const dp_model *m, dp_work *w, gsl_rng *r,
                   uint64_t seed, uint64_t i);

#endif
