/*
 * test_scenario.c - loading and validating scenario files (SPEC 2): the
 * example of SPEC 2 field by field, defaults, every error of SPEC 2.2 at its
 * line and column, warnings for mass outside a domain, --set, and garbage.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "dp_date.h"
#include "dp_scenario.h"

#ifndef DP_SOURCE_DIR
#define DP_SOURCE_DIR "."
#endif

static char sc_dir[64];

static void sc_setup(void)
{
    gsl_set_error_handler_off();
    strcpy(sc_dir, "/tmp/dp-scenario-XXXXXX");
    cr_assert(mkdtemp(sc_dir) != NULL);
}

static void sc_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", sc_dir);
    cr_assert(system(cmd) == 0);
}

TestSuite(scenario, .init = sc_setup, .fini = sc_teardown);
TestSuite(scenario_bad, .init = sc_setup, .fini = sc_teardown);
TestSuite(scenario_set, .init = sc_setup, .fini = sc_teardown);
TestSuite(scenario_garbage, .init = sc_setup, .fini = sc_teardown, .timeout = 60);

/* ---- helpers ---- */

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    cr_assert(fclose(f) == 0);
}

/* Writes text to sc_dir/name and returns the path (static buffer). */
static const char *put(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", sc_dir, name);
    write_bytes(path, text, strlen(text));
    return path;
}

static dp_scenario *load_sets(const char *yaml, const char *const *sets, size_t n,
                              dp_diags *dg)
{
    return dp_scenario_load(put("t.yaml", yaml), sets, n, dg);
}

static dp_scenario *load(const char *yaml, dp_diags *dg)
{
    return load_sets(yaml, NULL, 0, dg);
}

static void dump(const dp_diags *dg)
{
    for (size_t i = 0; i < dg->n; i++)
        cr_log_info("  %s:%d:%d: %s: %s", dg->v[i].file ? dg->v[i].file : "-",
                    dg->v[i].line, dg->v[i].col,
                    dg->v[i].sev == DP_ERROR ? "error" : "warning", dg->v[i].msg);
}

/* The diagnostic at line:col of severity sev whose message holds frag
 * (and whose file name ends with file, when given), or NULL. */
static const dp_diag *find(const dp_diags *dg, dp_severity sev, const char *file,
                           int line, int col, const char *frag)
{
    for (size_t i = 0; i < dg->n; i++) {
        const dp_diag *d = &dg->v[i];
        if (d->sev != sev || d->line != line || d->col != col || !strstr(d->msg, frag))
            continue;
        if (file) {
            size_t a = d->file ? strlen(d->file) : 0, b = strlen(file);
            if (a < b || strcmp(d->file + a - b, file) != 0)
                continue;
        }
        return d;
    }
    return NULL;
}

static void want(const dp_diags *dg, dp_severity sev, const char *file, int line, int col,
                 const char *frag)
{
    if (!find(dg, sev, file, line, col, frag)) {
        dump(dg);
        cr_assert_fail("no %s at %s:%d:%d containing \"%s\"",
                       sev == DP_ERROR ? "error" : "warning", file ? file : "", line, col, frag);
    }
}

/* The loader must refuse the file and report frag at line:col of it. */
static void expect_error(const char *yaml, int line, int col, const char *frag)
{
    dp_diags dg = {0};
    dp_scenario *s = load(yaml, &dg);
    if (s) {
        dump(&dg);
        dp_scenario_free(s);
        cr_assert_fail("loaded, expected an error at %d:%d: %s", line, col, frag);
    }
    cr_assert_gt(dg.errors, 0);
    want(&dg, DP_ERROR, "/t.yaml", line, col, frag);
    dp_diags_free(&dg);
}

static const char *tname(const dp_dist *d) { return d->type ? d->type->name : "(none)"; }

static int64_t epoch(const char *date)
{
    int64_t e;
    cr_assert(dp_date_parse(date, strlen(date), &e));
    return e;
}

/* A minimal valid scenario; cases below append to it. */
#define BASE "start: 2024-12-01\nforce:\n  initial: 1000\ncasualties:\n  per_day: 10\n"

/* ---- the example of SPEC 2 ---- */

static void check_param(const dp_scenario *s, int idx, const char *path, const char *type,
                        double lo, double hi, bool lo_open, int round, int line, int col)
{
    cr_assert_neq(idx, DP_NONE, "%s missing", path);
    const dp_param *p = &s->params[idx];
    cr_assert_str_eq(p->path, path);
    cr_assert_eq(dp_scenario_param(s, path), idx, "%s", path);
    cr_assert_str_eq(tname(&p->dist), type, "%s: type %s", path, tname(&p->dist));
    cr_assert_eq(p->domain.lo, lo, "%s: lo", path);
    cr_assert_eq(p->domain.hi, hi, "%s: hi", path);
    cr_assert_eq(p->domain.lo_open, lo_open, "%s: lo_open", path);
    cr_assert_eq(p->round, round, "%s: round", path);
    cr_assert_eq(p->outside, 0, "%s: outside %g", path, p->outside);
    cr_assert_eq(p->pos.line, line, "%s: line %d", path, p->pos.line);
    if (col)
        cr_assert_eq(p->pos.col, col, "%s: col %d", path, p->pos.col);
}

/* Catches: any field of SPEC 2's example lost, misread, given the wrong
 * domain or rounding, day fields not converted from dates relative to start,
 * a default not applied (chance, name), a warning where none is due. */
Test(scenario, spec_example)
{
    dp_diags dg = {0};
    dp_scenario *s = dp_scenario_load(DP_SOURCE_DIR "/tests/data/scenarios/spec-example.yaml",
                                      NULL, 0, &dg);
    if (!s)
        dump(&dg);
    cr_assert_not_null(s);
    cr_assert_eq(dg.n, 0, "no diagnostics expected");
    cr_assert_str_eq(s->name, "DPRK contingent in Kursk");
    cr_assert(strstr(s->file, "spec-example.yaml"));
    cr_assert_eq(s->start, epoch("2024-12-01"));
    cr_assert_eq(s->horizon, 365);
    cr_assert_eq(s->trajectories, 1000000);
    cr_assert_eq(s->seed, 20250122);

    double inf = INFINITY;
    cr_assert_eq(s->n_params, 17);
    check_param(s, s->initial, "force.initial", "uniform", 0, 1e9, false, DP_ROUND_COUNT, 8, 12);
    cr_assert_eq(s->params[s->initial].dist.p[0], 11000);
    cr_assert_eq(s->params[s->initial].dist.p[1], 12000);
    cr_assert(!s->proportional);
    check_param(s, s->casualty, "casualties.per_day", "to", 0, inf, false, DP_ROUND_NONE, 11, 12);
    cr_assert_eq(s->params[s->casualty].dist.p[0], 70);
    cr_assert_eq(s->params[s->casualty].dist.p[1], 120);
    check_param(s, s->dispersion, "casualties.dispersion", "fixed", 0, inf, true, DP_ROUND_NONE, 12, 15);
    cr_assert_eq(s->params[s->dispersion].dist.p[0], 10);
    check_param(s, s->wounded_per_killed, "casualties.wounded_per_killed", "to", 0, inf, false,
                DP_ROUND_NONE, 13, 23);
    check_param(s, s->non_battle, "non_battle.per_day", "fixed", 0, inf, false, DP_ROUND_NONE, 16, 12);
    cr_assert_eq(s->params[s->non_battle].dist.p[0], 2);
    check_param(s, s->rtd_fraction, "return_to_duty.fraction", "beta", 0, 1, false, DP_ROUND_NONE, 19, 13);
    cr_assert(s->has_rtd_delay);
    cr_assert_str_eq(tname(&s->rtd_delay), "to");
    cr_assert_eq(s->rtd_delay.p[0], 10);
    cr_assert_eq(s->rtd_delay.p[1], 40);
    cr_assert_eq(s->rtd_delay_outside, 0);
    cr_assert_eq(s->rtd_delay_pos.line, 20);
    cr_assert_eq(s->rtd_delay_pos.col, 10);
    cr_assert_eq(dp_scenario_param(s, "return_to_duty.delay"), DP_NONE, "delay is no param");

    cr_assert_eq(s->n_phases, 2);
    check_param(s, s->phases[0].from, "phases.0.from", "fixed", -inf, inf, false, DP_ROUND_DAY, 23, 11);
    cr_assert_eq(s->params[s->phases[0].from].dist.p[0], 46, "2025-01-15 is day 46");
    check_param(s, s->phases[0].intensity, "phases.0.intensity", "uniform", 0, inf, false,
                DP_ROUND_NONE, 24, 16);
    check_param(s, s->phases[1].from, "phases.1.from", "uniform", -inf, inf, false, DP_ROUND_DAY, 25, 11);
    cr_assert_eq(s->params[s->phases[1].from].dist.p[0], 63, "2025-02-01 is day 63");
    cr_assert_eq(s->params[s->phases[1].from].dist.p[1], 77, "2025-02-15 is day 77");
    check_param(s, s->phases[1].intensity, "phases.1.intensity", "fixed", 0, inf, false,
                DP_ROUND_NONE, 26, 16);

    cr_assert_eq(s->n_reinforcements, 1);
    const dp_reinforcement *r = &s->reinforcements[0];
    check_param(s, r->day, "reinforcements.0.day", "uniform", -inf, inf, false, DP_ROUND_DAY, 29, 10);
    cr_assert_eq(s->params[r->day].dist.p[0], 77);
    cr_assert_eq(s->params[r->day].dist.p[1], 122, "2025-04-01 is day 122");
    check_param(s, r->size, "reinforcements.0.size", "to", 0, 1e9, false, DP_ROUND_COUNT, 30, 11);
    check_param(s, r->chance, "reinforcements.0.chance", "fixed", 0, 1, false, DP_ROUND_NONE, 31, 13);
    cr_assert_eq(s->params[r->chance].dist.p[0], 0.7);

    cr_assert_eq(s->n_withdrawals, 1, "the rule is not a scheduled withdrawal");
    const dp_withdrawal *w = &s->withdrawals[0];
    check_param(s, w->day, "withdrawals.0.day", "fixed", -inf, inf, false, DP_ROUND_DAY, 34, 10);
    cr_assert_eq(s->params[w->day].dist.p[0], 91, "2025-03-01 is day 91");
    cr_assert(w->is_fraction);
    check_param(s, w->amount, "withdrawals.0.fraction", "fixed", 0, 1, false, DP_ROUND_NONE, 35, 15);
    check_param(s, w->chance, "withdrawals.0.chance", "fixed", 0, 1, false, DP_ROUND_NONE, 36, 13);
    cr_assert_eq(s->params[w->chance].dist.p[0], 0.5);
    check_param(s, s->below, "withdrawals.1.below", "fixed", 0, 1, false, DP_ROUND_NONE, 37, 12);
    cr_assert_eq(s->params[s->below].dist.p[0], 0.3);

    cr_assert_eq(s->strength.n, 3);
    cr_assert_eq(s->strength.x[0], 0.5);
    cr_assert_eq(s->strength.x[1], 0.25);
    cr_assert_eq(s->strength.x[2], 0);
    cr_assert_str_eq(s->strength.text[0], "0.5");
    cr_assert_str_eq(s->strength.text[1], "0.25");
    cr_assert_str_eq(s->strength.text[2], "0");
    cr_assert_eq(s->casualties.n, 1);
    cr_assert_eq(s->casualties.x[0], 1.0);
    cr_assert_str_eq(s->casualties.text[0], "1.0");

    double pct[] = {5, 10, 25, 50, 75, 90, 95};
    cr_assert_eq(s->n_percentiles, 7);
    for (size_t i = 0; i < 7; i++)
        cr_assert_eq(s->percentiles[i], pct[i]);
    cr_assert_eq(s->confidence, 0.95);

    cr_assert_eq(s->n_observations, 1);
    const dp_observation *o = &s->observations[0];
    cr_assert_eq(o->day, 44, "2025-01-13 is day 44");
    cr_assert_eq(o->killed, 300);
    cr_assert_eq(o->wounded, 2700);
    cr_assert(isnan(o->casualties));
    cr_assert(isnan(o->strength));
    cr_assert_eq(o->error, 0.5);
    cr_assert_eq(o->pos.line, 48);
    cr_assert_eq(o->pos.col, 5);

    cr_assert_eq(s->n_correlations, 1);
    cr_assert_eq(s->correlations[0].a, s->initial);
    cr_assert_eq(s->correlations[0].b, s->casualty);
    cr_assert_eq(s->correlations[0].r, 0.4);
    cr_assert_eq(s->correlations[0].pos.line, 54);
    cr_assert_eq(s->correlations[0].pos.col, 5);

    dp_scenario_free(s);
    dp_diags_free(&dg);
}

/* Catches: a default of SPEC 2.1 not applied, absent parts not DP_NONE,
 * the name not taken from the file name without folder and extension. */
Test(scenario, defaults)
{
    dp_diags dg = {0};
    dp_scenario *s = dp_scenario_load(put("kursk-2025.yaml", BASE), NULL, 0, &dg);
    cr_assert_not_null(s);
    cr_assert_eq(dg.n, 0);
    cr_assert_str_eq(s->name, "kursk-2025");
    cr_assert_eq(s->horizon, DP_DEFAULT_HORIZON);
    cr_assert_eq(s->trajectories, DP_DEFAULT_TRAJECTORIES);
    cr_assert_eq(s->seed, DP_DEFAULT_SEED);
    cr_assert_eq(s->n_params, 3);
    cr_assert_eq(s->dispersion, DP_NONE);
    cr_assert_eq(s->non_battle, DP_NONE);
    cr_assert_eq(s->rtd_fraction, DP_NONE);
    cr_assert(!s->has_rtd_delay);
    cr_assert_eq(s->below, DP_NONE);
    cr_assert_eq(s->n_phases + s->n_reinforcements + s->n_withdrawals, 0);
    cr_assert_eq(s->n_observations + s->n_correlations, 0);
    int w = s->wounded_per_killed;
    cr_assert_neq(w, DP_NONE);
    cr_assert_str_eq(s->params[w].path, "casualties.wounded_per_killed");
    cr_assert(dp_dist_is_fixed(&s->params[w].dist));
    cr_assert_eq(s->params[w].dist.p[0], 3);
    cr_assert_eq(s->strength.n, 1);
    cr_assert_eq(s->strength.x[0], 0);
    cr_assert_str_eq(s->strength.text[0], "0");
    cr_assert_eq(s->casualties.n, 0);
    cr_assert_eq(s->n_percentiles, 7);
    cr_assert_eq(s->percentiles[0], 5);
    cr_assert_eq(s->percentiles[6], 95);
    cr_assert_eq(s->confidence, 0.95);
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

/* Catches: start read after the day fields that need it (its position in
 * the file must not matter), proportional mode not flagged, a percent not
 * applied, the chance default missing for a withdrawal, a size withdrawal
 * taken for a fraction, seed and trajectories above 2^53 misread. */
Test(scenario, rate_mode_and_start_last)
{
    const char *yaml =
        "withdrawals:\n"
        "  - day: 2025-01-01\n"
        "    size: 100 to 300\n"
        "phases:\n"
        "  - {from: 2024-12-03, intensity: 0}\n"
        "force: {initial: 11500.4}\n"
        "casualties:\n"
        "  rate: 0.8%\n"
        "  wounded_per_killed: 4\n"
        "seed: 18446744073709551615\n"
        "trajectories: 1_000_000_000_000\n"
        "horizon: 36500\n"
        "name: 'Rate: test'\n"
        "thresholds:\n"
        "  casualties: [1.0, 50%]\n"
        "start: 2024-12-01\n";
    dp_diags dg = {0};
    dp_scenario *s = load(yaml, &dg);
    if (!s)
        dump(&dg);
    cr_assert_not_null(s);
    cr_assert_str_eq(s->name, "Rate: test");
    cr_assert(s->proportional);
    const dp_param *c = &s->params[s->casualty];
    cr_assert_str_eq(c->path, "casualties.rate");
    cr_assert_float_eq(c->dist.p[0], 0.008, 1e-15);
    cr_assert_eq(c->domain.hi, 1);
    cr_assert_eq(s->params[s->wounded_per_killed].dist.p[0], 4);
    cr_assert_eq(s->params[s->phases[0].from].dist.p[0], 3);
    cr_assert_eq(s->n_withdrawals, 1);
    const dp_withdrawal *w = &s->withdrawals[0];
    cr_assert(!w->is_fraction);
    cr_assert_str_eq(s->params[w->amount].path, "withdrawals.0.size");
    cr_assert_eq(s->params[w->amount].round, DP_ROUND_COUNT);
    cr_assert_eq(s->params[w->day].dist.p[0], 32, "2025-01-01 is day 32");
    cr_assert_str_eq(s->params[w->chance].path, "withdrawals.0.chance");
    cr_assert_eq(s->params[w->chance].dist.p[0], 1);
    cr_assert_eq(s->seed, UINT64_MAX);
    cr_assert_eq(s->trajectories, 1000000000000ULL);
    cr_assert_eq(s->horizon, 36500);
    cr_assert_eq(s->casualties.n, 2);
    cr_assert_eq(s->casualties.x[1], 0.5);
    cr_assert_str_eq(s->casualties.text[1], "50%");
    cr_assert_eq(s->strength.n, 1, "strength keeps its default [0]");
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

/* Catches: the parameter order depending on the order of keys in the file
 * (the engine draws the table in order: same content, same draws). */
Test(scenario, param_order_is_schema_order)
{
    const char *a = "start: 2024-12-01\nforce: {initial: 5}\n"
                    "casualties: {per_day: 1, dispersion: 2, wounded_per_killed: 3}\n";
    const char *b = "casualties: {wounded_per_killed: 3, dispersion: 2, per_day: 1}\n"
                    "force: {initial: 5}\nstart: 2024-12-01\n";
    dp_diags dg = {0};
    dp_scenario *sa = load(a, &dg);
    dp_scenario *sb = load(b, &dg);
    cr_assert(sa && sb);
    cr_assert_eq(sa->n_params, sb->n_params);
    for (size_t i = 0; i < sa->n_params; i++)
        cr_assert_str_eq(sa->params[i].path, sb->params[i].path);
    dp_scenario_free(sa);
    dp_scenario_free(sb);
    dp_diags_free(&dg);
}

/* Catches: return_to_duty.delay stored as a parameter or without its
 * domain; an observation given as a day number or a date; a warning missing
 * for an observation outside the horizon. */
Test(scenario, observations_and_delay)
{
    const char *yaml = BASE
        "horizon: 100\n"
        "return_to_duty: {fraction: 0.3, delay: 'normal(5, 5)'}\n"
        "observations:\n"
        "  - {day: 10, strength: 900}\n"
        "  - {day: 2024-12-31, casualties: 310, error: 0.2}\n"
        "  - {day: 2025-12-31, killed: 1}\n";
    dp_diags dg = {0};
    dp_scenario *s = load(yaml, &dg);
    if (!s)
        dump(&dg);
    cr_assert_not_null(s);
    cr_assert(s->has_rtd_delay);
    cr_assert_float_eq(s->rtd_delay_outside, 0.15865525393145707, 1e-9);
    want(&dg, DP_WARNING, "/t.yaml", 7, 40, "return_to_duty.delay: normal(5, 5) puts 15.9% "
         "of its draws below 0; those draws are redrawn within [0, inf)");
    cr_assert_eq(s->n_observations, 3);
    cr_assert_eq(s->observations[0].day, 10);
    cr_assert_eq(s->observations[0].strength, 900);
    cr_assert(isnan(s->observations[0].killed));
    cr_assert_eq(s->observations[1].day, 31);
    cr_assert_eq(s->observations[1].casualties, 310);
    cr_assert_eq(s->observations[1].error, 0.2);
    cr_assert_eq(s->observations[2].day, 396);
    want(&dg, DP_WARNING, "/t.yaml", 11, 5, "observations.2: day 396 (2025-12-31) lies outside "
         "the horizon (days 1 to 100): it is ignored");
    cr_assert_eq(dg.errors, 0);
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

/* ---- warnings: mass outside the domain (SPEC 1.1, 2.1) ---- */

static void expect_warning(const char *field_yaml, int line, int col, const char *msg,
                           const char *path, double outside)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml, "start: 2024-12-01\nforce:\n  initial: 1000\n%s", field_yaml);
    dp_diags dg = {0};
    dp_scenario *s = load(yaml, &dg);
    if (!s)
        dump(&dg);
    cr_assert_not_null(s, "%s", field_yaml);
    want(&dg, DP_WARNING, "/t.yaml", line, col, msg);
    cr_assert_eq(dg.n, 1, "one warning");
    int i = dp_scenario_param(s, path);
    cr_assert_neq(i, DP_NONE);
    cr_assert_float_eq(s->params[i].outside, outside, 1e-9, "%s: %.12g", path,
                       s->params[i].outside);
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

/* Catches: the percentage wrong or of the wrong side, the warning at the
 * wrong place, `outside` not stored for the engine, the open bound of the
 * dispersion treated as closed. */
Test(scenario, warnings_outside_domain)
{
    expect_warning("casualties:\n  per_day: normal(80, 50)\n", 5, 12,
                   "casualties.per_day: normal(80, 50) puts 5.5% of its draws below 0; "
                   "those draws are redrawn within [0, inf)",
                   "casualties.per_day", 0.054799291699557967);
    expect_warning("casualties:\n  rate: normal(0.9, 0.1)\n", 5, 9,
                   "casualties.rate: normal(0.9, 0.1) puts 15.9% of its draws above 1",
                   "casualties.rate", 0.15865525393145707);
    expect_warning("casualties:\n  rate: uniform(-1, 3)\n", 5, 9,
                   "puts 75.0% of its draws outside [0, 1]", "casualties.rate", 0.75);
    expect_warning("casualties:\n  per_day: discrete([-1, 1, 2], [1, 2, 1])\n", 5, 12,
                   "puts 25.0% of its draws below 0", "casualties.per_day", 0.25);
    expect_warning("casualties:\n  per_day: 1\n  dispersion: discrete([0, 1], [1, 1])\n", 6, 15,
                   "casualties.dispersion: discrete([0, 1], [1, 1]) puts 50.0% of its draws "
                   "at or below 0; those draws are redrawn within (0, inf)",
                   "casualties.dispersion", 0.5);
    expect_warning("casualties:\n  per_day: \"uniform(-1, 999)\"\n", 5, 12,
                   "puts 0.1% of its draws below 0", "casualties.per_day", 0.001);
}

/* Catches: a warning for mass that never shows in a default run (below one
 * draw in a million) or for a distribution inside its domain. */
Test(scenario, no_warning_when_inside)
{
    dp_diags dg = {0};
    /* (in a flow mapping, a distribution's comma must be quoted) */
    dp_scenario *s = load("start: 2024-12-01\nforce: {initial: 'normal(10000, 2000)'}\n"
                          "casualties:\n  rate: beta(2, 200)\n  dispersion: gamma(2, 3)\n"
                          "phases: [{from: 'normal(0, 100)', intensity: 70 to 120}]\n", &dg);
    cr_assert_not_null(s);
    cr_assert_eq(dg.n, 0);
    cr_assert_float_eq(s->params[s->initial].outside, 2.8665157187919e-7, 1e-12,
                       "Phi(-5) is still conditioned away, without a warning");
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

/* ---- errors of SPEC 2.2, each at its line and column ---- */

#define BAD(name, yaml, line, col, frag) \
    Test(scenario_bad, name) { expect_error(yaml, line, col, frag); }

BAD(horizon_zero, BASE "horizon: 0\n", 6, 10,
    "horizon: expected a whole number of days from 1 to 36500, got '0'")
BAD(horizon_fraction, BASE "horizon: 36.5\n", 6, 10, "horizon: expected a whole number")
BAD(horizon_too_long, BASE "horizon: 36501\n", 6, 10, "got '36501'")
BAD(horizon_text, BASE "horizon: a year\n", 6, 10, "got 'a year'")
BAD(horizon_list, BASE "horizon: [365]\n", 6, 10, "horizon: expected a whole number of days from 1 to 36500, got a list")
BAD(trajectories_zero, BASE "trajectories: 0\n", 6, 15, "trajectories: expected a whole number >= 1")
BAD(seed_negative, BASE "seed: -1\n", 6, 7, "seed: expected a whole number from 0 to 18446744073709551615")
BAD(seed_too_big, BASE "seed: 18446744073709551616\n", 6, 7, "seed: expected a whole number")
BAD(start_missing, "force:\n  initial: 1000\ncasualties:\n  per_day: 10\n", 1, 1,
    "missing 'start' (the date of day 1, YYYY-MM-DD)")
BAD(start_not_a_date, "start: tomorrow\nforce: {initial: 5}\ncasualties: {per_day: 1}\n", 1, 8,
    "start: expected a date YYYY-MM-DD, got 'tomorrow'")
BAD(start_does_not_exist, "start: 2025-02-29\nforce: {initial: 5}\ncasualties: {per_day: 1}\n", 1, 8,
    "start: 2025-02-29 is not a date that exists")
BAD(day_date_does_not_exist, BASE "reinforcements:\n  - day: 2025-13-01\n    size: 5\n", 7, 10,
    "reinforcements.0.day")
BAD(force_missing, "start: 2024-12-01\ncasualties:\n  per_day: 10\n", 1, 1, "missing 'force'")
BAD(initial_missing, "start: 2024-12-01\nforce: {}\ncasualties:\n  per_day: 10\n", 2, 8,
    "force: missing 'initial'")
BAD(force_not_mapping, "start: 2024-12-01\nforce: 1000\ncasualties:\n  per_day: 10\n", 2, 8,
    "force: expected a mapping (initial: the initial strength), got a single value")
BAD(initial_negative, "start: 2024-12-01\nforce:\n  initial: -5\ncasualties: {per_day: 1}\n", 3, 12,
    "force.initial: -5 is outside [0, 1e9]")
BAD(initial_empty, "start: 2024-12-01\nforce:\n  initial:\ncasualties: {per_day: 1}\n", 3, 11,
    "force.initial: expected a number or a distribution, got nothing")
BAD(casualties_both, BASE "  rate: 1%\n", 6, 3, "casualties: give either per_day")
BAD(casualties_neither, "start: 2024-12-01\nforce: {initial: 5}\ncasualties:\n  dispersion: 2\n", 4, 3,
    "casualties: missing 'per_day' (losses a day) or 'rate'")
BAD(rate_above_one, "start: 2024-12-01\nforce: {initial: 5}\ncasualties:\n  rate: 150%\n", 4, 9,
    "casualties.rate: 150% is outside [0, 1]")
BAD(rate_never_inside, "start: 2024-12-01\nforce: {initial: 5}\ncasualties:\n  rate: uniform(2, 3)\n",
    4, 9, "casualties.rate: uniform(2, 3) (practically) never draws a value within [0, 1]")
BAD(dispersion_zero, BASE "  dispersion: 0\n", 6, 15, "casualties.dispersion: 0 is outside (0, inf)")
BAD(wounded_negative, BASE "  wounded_per_killed: -3\n", 6, 23, "is outside [0, inf)")
BAD(dist_bad_parameter, "start: 2024-12-01\nforce: {initial: 5}\ncasualties:\n  per_day: normal(80, -5)\n",
    4, 12, "casualties.per_day")
BAD(dist_quoted_column, "start: 2024-12-01\nforce: {initial: 5}\ncasualties:\n  per_day: \"normal(80, -5)\"\n",
    4, 13, "casualties.per_day")
BAD(dist_unknown, "start: 2024-12-01\nforce: {initial: 5}\ncasualties:\n  per_day: normel(80, 5)\n",
    4, 12, "normal")
BAD(unknown_key_root, BASE "casualites: 1\n", 6, 1,
    "unknown key 'casualites' in the root mapping (did you mean 'casualties'?)")
BAD(unknown_key_nested, "start: 2024-12-01\nforce:\n  inital: 5\ncasualties: {per_day: 1}\n", 3, 3,
    "unknown key 'inital' in 'force' (did you mean 'initial'?)")
BAD(unknown_key_no_suggestion, BASE "losses: 1\n", 6, 1,
    "unknown key 'losses' in the root mapping (expected one of: name, start, horizon,")
BAD(unknown_key_in_item, BASE "phases:\n  - from: 1\n    intensty: 2\n", 8, 5,
    "unknown key 'intensty' in 'phases.0' (did you mean 'intensity'?)")
BAD(key_twice_root, BASE "horizon: 10\nhorizon: 20\n", 7, 1, "'horizon' is given twice (first at line 6)")
BAD(key_twice_nested, BASE "  per_day: 20\n", 6, 3, "'casualties.per_day' is given twice (first at line 5)")
BAD(key_twice_flow, BASE "report: {confidence: 0.9, confidence: 0.8}\n", 6, 27,
    "'report.confidence' is given twice")
BAD(percentile_zero, BASE "report:\n  percentiles: [5, 0]\n", 7, 20,
    "report.percentiles.1: expected a number strictly between 0 and 100, got '0'")
BAD(percentile_hundred, BASE "report:\n  percentiles:\n    - 50\n    - 100\n", 9, 7,
    "report.percentiles.1: expected a number strictly between 0 and 100, got '100'")
BAD(percentiles_empty, BASE "report:\n  percentiles: []\n", 7, 16, "expected at least one percentile")
BAD(confidence_one, BASE "report:\n  confidence: 1\n", 7, 15,
    "report.confidence: expected a number strictly between 0 and 1, got '1'")
BAD(confidence_zero, BASE "report:\n  confidence: 0%\n", 7, 15, "got '0%'")
BAD(threshold_negative, BASE "thresholds:\n  strength: [0.5, -0.1]\n", 7, 19,
    "thresholds.strength.1: expected a number >= 0")
BAD(threshold_not_list, BASE "thresholds:\n  strength: 0.5\n", 7, 13,
    "thresholds.strength: expected a list of fractions of the initial strength")
BAD(threshold_text, BASE "thresholds:\n  casualties: [all]\n", 7, 16,
    "thresholds.casualties.0: expected a number >= 0 (a fraction of the initial strength), got 'all'")
BAD(threshold_nested_list, BASE "thresholds:\n  casualties: [[1]]\n", 7, 16,
    "thresholds.casualties.0: expected a number >= 0, got a list")
BAD(anchor, BASE "horizon: &h 100\n", 6, 10, "YAML anchors (&h) are not accepted")
BAD(alias, BASE "seed: &s 5\nhorizon: *s\n", 7, 10, "YAML aliases (*s) are not accepted")
BAD(tag, BASE "horizon: !!int 100\n", 6, 10, "YAML tags (tag:yaml.org,2002:int) are not accepted")
BAD(local_tag, BASE "force2: !thing {a: 1}\n", 6, 9, "YAML tags (!thing) are not accepted")
BAD(root_list, "- start: 2024-12-01\n", 1, 1,
    "the top level must be a mapping of scenario fields (start:, force:, ...), not a list")
BAD(root_scalar, "# a comment\nhello\n", 2, 1, "not a single value")
BAD(empty_file, "", 1, 1, "the file is empty")
BAD(only_comments, "# nothing\n\n# here\n", 1, 1, "the file is empty")
BAD(empty_document, "---\n...\n", 1, 1, "the document is empty")
BAD(two_documents, BASE "---\nstart: 2024-12-02\n", 6, 1, "a second YAML document begins here")
BAD(yaml_syntax, "start: 2024-12-01\nforce:\n  initial: 5\n bad: 1\n", 4, 2, "YAML syntax")
BAD(yaml_unclosed_flow, "start: 2024-12-01\nforce: {initial: 5\n", 3, 1,
    "YAML syntax: did not find expected ',' or '}' (while parsing a flow mapping that began at line 2)")
BAD(yaml_tab_indent, "start: 2024-12-01\n\tforce: 1\n", 2, 1, "tab")
BAD(nul_in_value, BASE "name: \"a\\0b\"\n", 6, 7, "a NUL character is not accepted")
BAD(name_empty, BASE "name: ''\n", 6, 7, "name: must not be empty")
BAD(name_list, BASE "name: [a]\n", 6, 7, "name: expected text, got a list")
BAD(key_not_scalar, BASE "[a, b]: 1\n", 6, 1, "keys in the root mapping must be plain names, not a list")
BAD(phase_missing_intensity, BASE "phases:\n  - from: 2025-01-01\n", 7, 5,
    "phases.0: missing 'intensity'")
BAD(phase_not_mapping, BASE "phases:\n  - 2025-01-01\n", 7, 5, "phases.0: expected a mapping, got a single value")
BAD(phases_not_list, BASE "phases: {from: 1, intensity: 1}\n", 6, 9, "phases: expected a list")
BAD(reinforcement_chance, BASE "reinforcements:\n  - {day: 5, size: 10, chance: 2}\n", 7, 32,
    "reinforcements.0.chance: 2 is outside [0, 1]")
BAD(reinforcement_size_negative, BASE "reinforcements:\n  - {day: 5, size: -10}\n", 7, 20,
    "reinforcements.0.size: -10 is outside [0, 1e9]")
BAD(withdrawal_both, BASE "withdrawals:\n  - day: 5\n    fraction: 0.1\n    size: 10\n", 9, 5,
    "withdrawals.0: give either fraction (of the active force) or size (soldiers), not both")
BAD(withdrawal_neither, BASE "withdrawals:\n  - day: 5\n", 7, 5,
    "withdrawals.0: missing 'fraction' (of the active force) or 'size'")
BAD(withdrawal_no_day, BASE "withdrawals:\n  - size: 5\n", 7, 5, "withdrawals.0: missing 'day'")
BAD(withdrawal_rule_with_chance, BASE "withdrawals:\n  - below: 0.3\n    chance: 0.5\n", 8, 5,
    "withdrawals.0: a withdrawal rule (below) stands alone: 'chance'")
BAD(withdrawal_two_rules, BASE "withdrawals:\n  - below: 0.3\n  - below: 0.2\n", 8, 5,
    "withdrawals.1: only one withdrawal rule (below) is allowed; the first is withdrawals.0")
BAD(withdrawal_below_above_one, BASE "withdrawals:\n  - below: 30\n", 7, 12,
    "withdrawals.0.below: 30 is outside [0, 1]")
BAD(rtd_missing_delay, BASE "return_to_duty:\n  fraction: 0.5\n", 7, 3,
    "return_to_duty: missing 'delay'")
BAD(rtd_missing_fraction, BASE "return_to_duty:\n  delay: 10\n", 7, 3,
    "return_to_duty: missing 'fraction'")
BAD(rtd_delay_negative, BASE "return_to_duty:\n  fraction: 0.5\n  delay: -3\n", 8, 10,
    "return_to_duty.delay: -3 is outside [0, inf)")
BAD(non_battle_negative, BASE "non_battle: {per_day: -1}\n", 6, 23,
    "non_battle.per_day: -1 is outside [0, inf)")
BAD(observation_no_figure, BASE "observations:\n  - day: 2025-01-01\n", 7, 5,
    "observations.0: give at least one reported figure")
BAD(observation_error_zero, BASE "observations:\n  - {day: 3, killed: 5, error: 0}\n", 7, 32,
    "observations.0.error: expected a number > 0")
BAD(observation_day_text, BASE "observations:\n  - {day: soon, killed: 5}\n", 7, 11,
    "observations.0.day: expected a date YYYY-MM-DD or a whole day number, got 'soon'")
BAD(observation_negative, BASE "observations:\n  - {day: 3, wounded: -5}\n", 7, 23,
    "observations.0.wounded: expected a number >= 0, got '-5'")
BAD(correlation_unknown_path, BASE "correlations:\n  - [force.inital, casualties.per_day, 0.5]\n", 7, 6,
    "correlations.0: 'force.inital' is not a parameter of this scenario (did you mean 'force.initial'?)")
BAD(correlation_r_range, BASE "correlations:\n  - [force.initial, casualties.per_day, -1.5]\n", 7, 41,
    "correlations.0: expected a correlation r from -1 to 1, got '-1.5'")
BAD(correlation_self, BASE "correlations:\n  - [force.initial, force.initial, 0.5]\n", 7, 21,
    "correlations.0: force.initial cannot be correlated with itself")
BAD(correlation_twice, BASE "correlations:\n  - [force.initial, casualties.per_day, 0.5]\n"
    "  - [casualties.per_day, force.initial, 0.1]\n", 8, 5,
    "correlations.1: the pair casualties.per_day, force.initial is given twice (first at line 7)")
BAD(correlation_two_elements, BASE "correlations:\n  - [force.initial, 0.5]\n", 7, 5,
    "correlations.0: expected [path, path, r] (3 elements), got 2 elements")
BAD(correlation_delay, BASE "return_to_duty: {fraction: 0.5, delay: 5}\n"
    "correlations:\n  - [return_to_duty.delay, force.initial, 0.5]\n", 8, 6,
    "return_to_duty.delay is drawn for each returning soldier")
BAD(too_deep, BASE "phases: " "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    6, 72, "nested more than 64 levels deep")

/* Catches: a loader that stops at the first problem, or reports one twice. */
Test(scenario_bad, all_problems_reported)
{
    const char *yaml =
        "start: 2024-12-01\n"
        "horizon: 0\n"
        "force:\n"
        "  initial: -1\n"
        "casualties:\n"
        "  per_day: 10\n"
        "  dispersion: 0\n"
        "report:\n"
        "  percentiles: [0, 50, 101]\n"
        "  confidence: 2\n"
        "thresholds: {strength: [-1]}\n";
    dp_diags dg = {0};
    cr_assert_null(load(yaml, &dg));
    want(&dg, DP_ERROR, "/t.yaml", 2, 10, "horizon");
    want(&dg, DP_ERROR, "/t.yaml", 4, 12, "force.initial");
    want(&dg, DP_ERROR, "/t.yaml", 7, 15, "casualties.dispersion");
    want(&dg, DP_ERROR, "/t.yaml", 9, 17, "report.percentiles.0");
    want(&dg, DP_ERROR, "/t.yaml", 9, 24, "report.percentiles.2");
    want(&dg, DP_ERROR, "/t.yaml", 10, 15, "report.confidence");
    want(&dg, DP_ERROR, "/t.yaml", 11, 25, "thresholds.strength.0");
    cr_assert_eq(dg.errors, 7);
    cr_assert_eq(dg.n, 7);
    dp_diags_free(&dg);
}

/* The broken files of tests/data/bad/: each says what it expects in lines
 * "# expect error|warning LINE:COL message" (in NAME.expect for a file that
 * must stay empty), and must give exactly those errors. */
static void check_bad_file(const char *dir, const char *name)
{
    char path[512], epath[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(epath, sizeof epath, "%s/%.*s.expect", dir, (int)(strlen(name) - 5), name);
    FILE *ef = fopen(epath, "r");
    if (!ef)
        ef = fopen(path, "r");
    cr_assert(ef != NULL, "%s", path);
    dp_diags dg = {0};
    dp_scenario *s = dp_scenario_load(path, NULL, 0, &dg);
    cr_expect_null(s, "%s loaded", name);
    dp_scenario_free(s);
    size_t nerr = 0, nexp = 0;
    char line[512];
    while (fgets(line, sizeof line, ef)) {
        char sev[16];
        int l, c, off = 0;
        if (sscanf(line, "# expect %15s %d:%d %n", sev, &l, &c, &off) != 3 || !off)
            continue;
        line[strcspn(line, "\n")] = '\0';
        dp_severity sv = strcmp(sev, "error") == 0 ? DP_ERROR : DP_WARNING;
        nerr += sv == DP_ERROR;
        nexp++;
        if (!find(&dg, sv, name, l, c, line + off)) {
            dump(&dg);
            cr_expect_fail("%s: no %s at %d:%d: %s", name, sev, l, c, line + off);
        }
    }
    fclose(ef);
    cr_expect_gt(nexp, 0, "%s expects nothing", name);
    if (dg.errors != nerr)
        dump(&dg);
    cr_expect_eq(dg.errors, nerr, "%s: %zu errors, expected %zu", name, dg.errors, nerr);
    dp_diags_free(&dg);
}

/* Catches: any regression on the collection of broken files, and a file
 * whose problems are reported only in part (many.yaml). */
Test(scenario_bad, data_files)
{
    const char *dir = DP_SOURCE_DIR "/tests/data/bad";
    DIR *d = opendir(dir);
    cr_assert(d != NULL, "%s", dir);
    size_t n = 0;
    bool many = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        check_bad_file(dir, e->d_name);
        many = many || strcmp(e->d_name, "many.yaml") == 0;
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 10);
    cr_assert(many);
}

/* ---- --set ---- */

/* Catches: a --set not applied, applied after the schema (its value not
 * checked), or not creating what is missing; a list value read as text. */
Test(scenario_set, replace_create_append)
{
    const char *sets[] = {
        "casualties.per_day=500 to 900",
        "non_battle.per_day=3",
        "thresholds.strength=[0.5, 0]",
        "name='Kursk: variant 2'",
        "reinforcements.0.size=1000",
        "reinforcements.1={day: 2025-03-01, size: 50}",
        "phases.0.intensity=0.5",
        "start=2024-12-02",
        "report.percentiles.1=60",
        "report.percentiles.3=99",
        "report.confidence=0.9",
        "withdrawals.0.below=30%",
    };
    const char *yaml = BASE
        "reinforcements:\n  - day: 10\n    size: 5\n"
        "phases:\n  - {from: 2025-01-01, intensity: 0}\n"
        "report:\n  percentiles: [5, 50, 95]\n";
    dp_diags dg = {0};
    dp_scenario *s = load_sets(yaml, sets, sizeof sets / sizeof *sets, &dg);
    if (!s)
        dump(&dg);
    cr_assert_not_null(s);
    cr_assert_eq(dg.n, 0);
    const dp_param *c = &s->params[s->casualty];
    cr_assert_str_eq(tname(&c->dist), "to");
    cr_assert_eq(c->dist.p[0], 500);
    cr_assert_eq(c->pos.line, 1);
    cr_assert_eq(c->pos.col, 20);
    cr_assert_str_eq(c->pos.file, "--set");
    cr_assert_null(c->pos.text);
    cr_assert_str_eq(s->params[s->non_battle].path, "non_battle.per_day");
    cr_assert_eq(s->params[s->non_battle].dist.p[0], 3);
    cr_assert_eq(s->strength.n, 2);
    cr_assert_str_eq(s->strength.text[0], "0.5");
    cr_assert_str_eq(s->name, "Kursk: variant 2");
    cr_assert_eq(s->n_reinforcements, 2);
    cr_assert_eq(s->params[s->reinforcements[0].size].dist.p[0], 1000);
    cr_assert_eq(s->params[s->reinforcements[0].day].dist.p[0], 10);
    cr_assert_str_eq(s->params[s->reinforcements[1].size].path, "reinforcements.1.size");
    cr_assert_eq(s->params[s->reinforcements[1].day].dist.p[0], 90,
                 "2025-03-01 from the new start 2024-12-02");
    cr_assert_eq(s->params[s->phases[0].intensity].dist.p[0], 0.5);
    cr_assert_eq(s->params[s->phases[0].from].dist.p[0], 31);
    cr_assert_eq(s->start, epoch("2024-12-02"));
    cr_assert_eq(s->n_percentiles, 4);
    cr_assert_eq(s->percentiles[0], 5);
    cr_assert_eq(s->percentiles[1], 60);
    cr_assert_eq(s->percentiles[2], 95);
    cr_assert_eq(s->percentiles[3], 99);
    cr_assert_eq(s->confidence, 0.9);
    cr_assert_neq(s->below, DP_NONE);
    cr_assert_float_eq(s->params[s->below].dist.p[0], 0.3, 1e-15);
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

static void expect_set_error(const char *arg, int col, const char *frag)
{
    const char *yaml = BASE "reinforcements:\n  - day: 10\n    size: 5\n";
    dp_diags dg = {0};
    dp_scenario *s = load_sets(yaml, &arg, 1, &dg);
    if (s) {
        dp_scenario_free(s);
        cr_assert_fail("--set %s loaded", arg);
    }
    want(&dg, DP_ERROR, "--set", 1, col, frag);
    const dp_diag *d = find(&dg, DP_ERROR, "--set", 1, col, frag);
    cr_assert_str_eq(d->file, "--set");
    cr_assert_str_eq(d->text, arg, "the argument goes with the message, for the caret");
    dp_diags_free(&dg);
}

/* Catches: --set problems reported at the wrong column (COL counts in the
 * whole KEY=VALUE), unknown keys not suggested, indices past the end
 * accepted, values not checked by the schema. */
Test(scenario_set, errors)
{
    expect_set_error("casualites.per_day=80", 1,
                     "unknown key 'casualites' in the root mapping (did you mean 'casualties'?)");
    expect_set_error("casualties.perday=80", 12,
                     "unknown key 'perday' in 'casualties' (did you mean 'per_day'?)");
    expect_set_error("reinforcements.2.size=5", 16,
                     "'reinforcements' has 1 item: '2' is out of range (0 to 0; 1 adds an item)");
    expect_set_error("reinforcements.size=5", 16, "'reinforcements' is a list: expected an item number");
    expect_set_error("reinforcements.1.size=5", 16, "reinforcements.1: missing 'day'");
    expect_set_error("force.initial.x=5", 15, "'force.initial' holds a single value");
    expect_set_error("horizon.days=5", 1,
                     "horizon: expected a whole number of days from 1 to 36500, got a mapping");
    expect_set_error("casualties.per_day", 1, "expected KEY=VALUE");
    expect_set_error("=5", 1, "expected KEY=VALUE");
    expect_set_error("casualties..per_day=5", 12, "empty name in the key");
    expect_set_error("casualties.per_day=-5", 20, "casualties.per_day: -5 is outside [0, inf)");
    expect_set_error("casualties.per_day=normal(80, -5)", 20, "casualties.per_day");
    expect_set_error("thresholds.strength=[0.5, -1]", 27, "thresholds.strength.1: expected a number >= 0");
    expect_set_error("thresholds.strength=[0.5, 0", 28, "YAML syntax");
    expect_set_error("horizon=&a 5", 9, "YAML anchors (&a) are not accepted");
    expect_set_error("horizon=", 1, "'horizon' is not in the scenario: an empty VALUE removes a field");
    expect_set_error("casualites.per_day=", 1, "'casualites.per_day' is not in the scenario");
    expect_set_error("reinforcements.1=~", 1, "'reinforcements.1' is not in the scenario");
    expect_set_error("casualties.rate=1%", 12, "casualties: give either per_day");
    expect_set_error("horizon=5\n6", 10, "must be on one line");
    expect_set_error("caf\xc3\xa9.x=-1", 1, "unknown key 'caf\xc3\xa9' in the root mapping");
    expect_set_error("thresholds.strength=[\xc3\xa9, x]", 25, "thresholds.strength.1");
    expect_set_error("name=Kursk: variant 2", 6, "quote text that holds ': '");
    expect_set_error("thresholds.strength=- 0.5", 21, "write a list as [a, b]");
    expect_set_error("report.percentiles.1=50", 20,
                     "'report.percentiles' has 0 items: '1' is out of range");
}

/* Catches: an empty VALUE not removing the field (no way to switch from
 * per_day to rate, or to go back to a default), the wrong list item removed. */
Test(scenario_set, remove)
{
    const char *sets[] = {
        "casualties.per_day=", "casualties.rate=0.5%", "horizon=null",
        "reinforcements.0=", "thresholds.casualties=~",
    };
    const char *yaml = BASE "horizon: 100\n"
        "reinforcements:\n  - {day: 1, size: 5}\n  - {day: 2, size: 7}\n"
        "thresholds:\n  casualties: [1.0]\n";
    dp_diags dg = {0};
    dp_scenario *s = load_sets(yaml, sets, sizeof sets / sizeof *sets, &dg);
    if (!s)
        dump(&dg);
    cr_assert_not_null(s);
    cr_assert(s->proportional);
    cr_assert_str_eq(s->params[s->casualty].path, "casualties.rate");
    cr_assert_eq(dp_scenario_param(s, "casualties.per_day"), DP_NONE);
    cr_assert_eq(s->horizon, 365);
    cr_assert_eq(s->n_reinforcements, 1);
    cr_assert_eq(s->params[s->reinforcements[0].size].dist.p[0], 7);
    cr_assert_str_eq(s->params[s->reinforcements[0].size].path, "reinforcements.0.size");
    cr_assert_eq(s->casualties.n, 0);
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

/* Catches: a --set problem hiding the file's own problems (or the reverse). */
Test(scenario_set, errors_in_file_and_set)
{
    const char *sets[] = {"horizon=0", "seed=x"};
    dp_diags dg = {0};
    cr_assert_null(load_sets(BASE "trajectories: 0\n", sets, 2, &dg));
    want(&dg, DP_ERROR, "/t.yaml", 6, 15, "trajectories");
    want(&dg, DP_ERROR, "--set", 1, 9, "horizon");
    want(&dg, DP_ERROR, "--set", 1, 6, "seed");
    cr_assert_eq(dg.errors, 3);
    dp_diags_free(&dg);
}

/* ---- garbage never crashes ---- */

/* Loads a file of n bytes; it must fail with at least one error (or load),
 * never crash, and NULL must mean errors. */
static void survive(const char *name, const void *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", sc_dir, name);
    write_bytes(path, data, n);
    dp_diags dg = {0};
    dp_scenario *s = dp_scenario_load(path, NULL, 0, &dg);
    cr_assert_eq(s == NULL, dg.errors > 0, "%s: NULL iff errors", name);
    dp_scenario_free(s);
    dp_diags_free(&dg);
}

static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 33;
}

/* Catches: crashes, leaks or hangs on binary input, NUL bytes, broken UTF-8. */
Test(scenario_garbage, binary)
{
    uint64_t x = 42;
    unsigned char buf[4096];
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (unsigned char)lcg(&x);
        survive("bin.yaml", buf, (size_t)(lcg(&x) % sizeof buf));
    }
    survive("nul.yaml", "start: 2024\0-12-01\n", 19);
    survive("utf8.yaml", "start: \xc3\x28\n", 10);
    survive("bom.yaml", "\xef\xbb\xbfstart: 2024-12-01\n", 21);
    dp_diags dg = {0};
    cr_assert_null(dp_scenario_load(sc_dir, NULL, 0, &dg), "a folder");
    cr_assert_null(dp_scenario_load("/nonexistent/x.yaml", NULL, 0, &dg));
    cr_assert_eq(dg.errors, 2);
    cr_assert_eq(dg.v[1].line, 0);
    dp_diags_free(&dg);
}

/* Catches: recursion or quadratic time on deep nesting (flow, block, and
 * mappings), a 1 MB line, a 1 MB key. */
Test(scenario_garbage, deep_and_long)
{
    size_t n = 1 << 20;
    char *buf = malloc(2 * n + 64);
    cr_assert(buf != NULL);
    memset(buf, '[', n);
    survive("deep-flow.yaml", buf, n);
    size_t k = 0;
    for (int d = 0; d < 5000; d++)
        k += (size_t)sprintf(buf + k, "- ");
    k += (size_t)sprintf(buf + k, "x\n");
    survive("deep-block.yaml", buf, k);
    k = 0;
    for (int d = 0; d < 2000; d++) {
        memset(buf + k, ' ', (size_t)d);
        k += (size_t)d;
        k += (size_t)sprintf(buf + k, "a:\n");
    }
    survive("deep-map.yaml", buf, k);
    k = (size_t)sprintf(buf, "start: 2024-12-01\nname: ");
    memset(buf + k, 'x', n);
    k += n;
    k += (size_t)sprintf(buf + k, "\nforce: {initial: 5}\ncasualties: {per_day: 1}\n");
    char path[256];
    snprintf(path, sizeof path, "%s/long.yaml", sc_dir);
    write_bytes(path, buf, k);
    dp_diags dg = {0};
    dp_scenario *s = dp_scenario_load(path, NULL, 0, &dg);
    cr_assert_not_null(s, "a 1 MB name is fine");
    cr_assert_eq(strlen(s->name), n);
    dp_scenario_free(s);
    dp_diags_free(&dg);
    memset(buf, 'k', n);
    memcpy(buf + n, ": 1\n", 4);
    survive("long-key.yaml", buf, n + 4);
    free(buf);
}

/* Catches: a crash on any prefix or any one-byte change of a real
 * scenario (the states libyaml and the schema walk go through). */
Test(scenario_garbage, truncations_and_mutations)
{
    FILE *f = fopen(DP_SOURCE_DIR "/tests/data/scenarios/spec-example.yaml", "rb");
    cr_assert(f != NULL);
    char text[8192];
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    cr_assert_gt(n, 1000);
    for (size_t cut = 0; cut < n; cut += 7)
        survive("cut.yaml", text, cut);
    static const char junk[] = "-:[]{}&*!|>'\"%@`#,? \t\n0a.";
    uint64_t x = 7;
    char m[8192];
    for (int round = 0; round < 400; round++) {
        memcpy(m, text, n);
        for (int j = 0; j < 3; j++)
            m[lcg(&x) % n] = junk[lcg(&x) % (sizeof junk - 1)];
        survive("mut.yaml", m, n);
    }
}
