/*
 * report.c - the rows of summary.csv, percentiles.csv and strength.csv, and
 * the table on stdout: one computation (dp_measures), two layouts.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dp_csv.h"
#include "dp_date.h"
#include "dp_report.h"
#include "dp_stats.h"

static bool weighted(const dp_accum *a) { return a->unit != 1; }

static double effective(const dp_accum *a)
{
    return weighted(a) ? dp_stats_ess(a->mass, a->mass2, a->unit) : (double)a->n;
}

static void measure_figures(const dp_result *r, size_t level, dp_measure *m)
{
    const dp_accum *a = r->a;
    const dp_scenario *s = r->s;
    const int H = a->H;
    const uint64_t *met = a->met + level * ((size_t)H + 1);
    const bool exact = !weighted(a);
    dp_u128 met_mass = 0;
    for (int t = 1; t <= H; t++) met_mass += met[t];

    m->trajectories = (double)a->n;
    m->effective = effective(a);
    m->p_met = a->mass ? (double)((long double)met_mass / (long double)a->mass) : 0;
    dp_stats_proportion_ci(m->p_met * m->effective, m->effective, s->confidence,
                           &m->p_met_low, &m->p_met_high);
    for (size_t k = 0; k < m->n_pct; k++) {
        dp_pct_figure *f = &m->pct[k];
        double lo, hi;
        f->p = s->percentiles[k];
        f->day = a->mass ? dp_stats_percentile_day(met, H, a->mass, dp_stats_pct(f->p)) : 0;
        dp_stats_rank_interval(m->effective, f->p / 100.0, s->confidence, &lo, &hi);
        f->ci_low = dp_stats_order_day(met, H, a->mass, m->effective, lo, exact);
        f->ci_high = dp_stats_order_day(met, H, a->mass, m->effective, hi, exact);
    }
}

dp_measure *dp_measures(const dp_result *r, size_t *n)
{
    const dp_scenario *s = r->s;
    size_t ns = s->strength.n, nc = s->casualties.n;
    size_t total = r->a->n_levels;
    dp_measure *m = calloc(total ? total : 1, sizeof *m);
    if (!m) return NULL;
    for (size_t l = 0; l < total; l++) {
        m[l].n_pct = s->n_percentiles;
        m[l].pct = calloc(s->n_percentiles ? s->n_percentiles : 1, sizeof *m[l].pct);
        if (!m[l].pct) { dp_measures_free(m, l); return NULL; }
        if (l < ns) {
            m[l].measure = "strength";
            m[l].level = s->strength.text[l];
            m[l].x = s->strength.x[l];
        } else if (l < ns + nc) {
            m[l].measure = "casualties";
            m[l].level = s->casualties.text[l - ns];
            m[l].x = s->casualties.x[l - ns];
        } else {
            m[l].measure = "withdrawn";
            m[l].level = "";
        }
        measure_figures(r, l, &m[l]);
    }
    *n = total;
    return m;
}

void dp_measures_free(dp_measure *m, size_t n)
{
    if (!m) return;
    for (size_t i = 0; i < n; i++) free(m[i].pct);
    free(m);
}

int64_t dp_strength_percentile(const dp_accum *a, int t, double p)
{
    const uint64_t *row = a->fan + (size_t)t * a->nbins;
    dp_pct q = dp_stats_pct(p);
    dp_u128 cum = 0;
    for (int b = 0; b <= a->top_bin; b++) {
        cum += row[b];
        if (row[b] && dp_stats_reaches(cum, a->mass, q)) {
            if (b == a->nbins - 1) return -1;
            int64_t lo = dp_accum_bin_lo(a, b), hi = dp_accum_bin_hi(a, b);
            return lo + (hi - lo + 1) / 2;   /* exact when the bin is one wide */
        }
    }
    return -1;
}

/* ---- sensitivity ------------------------------------------------------ */

static int tenth_median(const uint64_t *hist, int H)
{
    dp_u128 total = 0, cum = 0;
    for (int t = 1; t <= H + 1; t++) total += hist[t];
    if (!total) return 0;
    dp_pct half = dp_stats_pct(50);
    for (int t = 1; t <= H; t++) {
        cum += hist[t];
        if (hist[t] && dp_stats_reaches(cum, total, half)) return t;
    }
    return 0;
}

dp_sensitivity *dp_sensitivities(const dp_result *r, size_t *n)
{
    const dp_accum *a = r->a;
    const size_t L = a->n_levels, days = (size_t)a->H + 2;
    dp_sensitivity *out = calloc(a->n_sens * L + 1, sizeof *out);
    if (!out) return NULL;
    for (size_t p = 0; p < a->n_sens; p++)
        for (size_t l = 0; l < L; l++) {
            const dp_sens_cell *c = &a->sens[(p * L + l) * DP_SENS_BINS];
            dp_sensitivity *x = &out[p * L + l];
            long double M = 0, S1 = 0, S2 = 0;
            for (int b = 0; b < DP_SENS_BINS; b++) {
                M += (long double)c[b].mass;
                S1 += (long double)c[b].sum;
                S2 += (long double)c[b].sum2;
            }
            long double mean = M > 0 ? S1 / M : 0, var = M > 0 ? S2 / M - mean * mean : 0;
            long double between = 0;
            for (int b = 0; b < DP_SENS_BINS; b++)
                if (c[b].mass) {
                    long double mb = (long double)c[b].sum / (long double)c[b].mass - mean;
                    between += (long double)c[b].mass * mb * mb;
                }
            x->param = r->s->params[a->sens_param[p]].path;
            x->level = l;
            x->first_order = var > 1e-12L * (mean * mean + 1) ? (double)(between / M / var) : NAN;
            x->low_median = tenth_median(a->sens_low + (p * L + l) * days, a->H);
            x->high_median = tenth_median(a->sens_high + (p * L + l) * days, a->H);
        }
    *n = a->n_sens * L;
    return out;
}

/* ---- CSV ---------------------------------------------------------------- */

static void date_of(const dp_scenario *s, int day, char buf[11])
{
    dp_date_format(s->start + day - 1, buf);
}

static void day_cells(dp_csv *c, const dp_scenario *s, int day)
{
    char d[11];
    if (day <= 0) {
        dp_csv_empty(c);
        dp_csv_empty(c);
        return;
    }
    date_of(s, day, d);
    dp_csv_int(c, day);
    dp_csv_str(c, d);
}

static void csv_count(dp_csv *c, const dp_accum *a, double v)
{
    if (weighted(a)) dp_csv_fmt(c, "%.1f", v);
    else dp_csv_fmt(c, "%.0f", v);
}

static int write_sensitivity(dp_csv *c, const dp_result *r, const dp_measure *m)
{
    size_t n;
    dp_sensitivity *x = dp_sensitivities(r, &n);
    if (!x) return -1;
    for (size_t i = 0; i < n; i++) {
        dp_csv_str(c, r->s->name);
        dp_csv_str(c, x[i].param);
        dp_csv_str(c, m[x[i].level].measure);
        dp_csv_str(c, m[x[i].level].level);
        if (isnan(x[i].first_order)) dp_csv_empty(c);
        else dp_csv_fmt(c, "%.4f", x[i].first_order);
        day_cells(c, r->s, x[i].low_median);
        day_cells(c, r->s, x[i].high_median);
        dp_csv_end_row(c);
    }
    free(x);
    return 0;
}

static int write_result(dp_csv *sum, dp_csv *pct, dp_csv *str, dp_csv *sens,
                        const dp_result *r)
{
    const dp_scenario *s = r->s;
    size_t n;
    dp_measure *m = dp_measures(r, &n);
    if (!m) return -1;
    char d[11];
    for (size_t l = 0; l < n; l++) {
        dp_csv_str(sum, s->name);
        dp_csv_str(sum, m[l].measure);
        dp_csv_str(sum, m[l].level);
        dp_csv_fmt(sum, "%" PRIu64, r->a->n);
        csv_count(sum, r->a, m[l].effective);
        dp_csv_fmt(sum, "%.6f", m[l].p_met);
        dp_csv_fmt(sum, "%.6f", m[l].p_met_low);
        dp_csv_fmt(sum, "%.6f", m[l].p_met_high);
        day_cells(sum, s, s->horizon);
        dp_csv_end_row(sum);
        for (size_t k = 0; k < m[l].n_pct; k++) {
            const dp_pct_figure *f = &m[l].pct[k];
            dp_csv_str(pct, s->name);
            dp_csv_str(pct, m[l].measure);
            dp_csv_str(pct, m[l].level);
            dp_csv_fmt(pct, "%g", f->p);
            day_cells(pct, s, f->day);
            day_cells(pct, s, f->ci_low);
            day_cells(pct, s, f->ci_high);
            dp_csv_end_row(pct);
        }
    }
    int rc = write_sensitivity(sens, r, m);
    dp_measures_free(m, n);
    if (rc != 0) return -1;
    for (int t = 1; t <= s->horizon; t++) {
        date_of(s, t, d);
        for (size_t k = 0; k < s->n_percentiles; k++) {
            int64_t v = dp_strength_percentile(r->a, t, s->percentiles[k]);
            dp_csv_str(str, s->name);
            dp_csv_int(str, t);
            dp_csv_str(str, d);
            dp_csv_fmt(str, "%g", s->percentiles[k]);
            if (v < 0) dp_csv_empty(str);
            else dp_csv_int(str, v);
            dp_csv_end_row(str);
        }
    }
    return 0;
}

static void header(dp_csv *c, const char *const *cols)
{
    for (; *cols; cols++) dp_csv_str(c, *cols);
    dp_csv_end_row(c);
}

int dp_report_csv(const char *dir, const dp_result *r, size_t n, char *err,
                  size_t errsize)
{
    static const char *const sum_cols[] = {
        "scenario", "measure", "level", "trajectories", "effective_trajectories",
        "p_met", "p_met_low", "p_met_high", "horizon_day", "horizon_date", NULL};
    static const char *const pct_cols[] = {
        "scenario", "measure", "level", "percentile", "day", "date",
        "ci_low_day", "ci_low_date", "ci_high_day", "ci_high_date", NULL};
    static const char *const str_cols[] = {
        "scenario", "day", "date", "percentile", "strength", NULL};
    static const char *const sens_cols[] = {
        "scenario", "parameter", "measure", "level", "first_order_index",
        "low_tenth_median_day", "low_tenth_median_date",
        "high_tenth_median_day", "high_tenth_median_date", NULL};
    static const char *const names[] = {"summary.csv", "percentiles.csv", "strength.csv",
                                        "sensitivity.csv"};
    enum { NFILES = 4 };
    dp_csv c[NFILES];
    int opened = 0, rc = 0;

    for (; opened < NFILES; opened++)
        if (dp_csv_open(&c[opened], dir, names[opened]) != 0) {
            snprintf(err, errsize, "%s/%s: %s", dir, names[opened], strerror(errno));
            rc = -1;
            goto out;
        }
    header(&c[0], sum_cols);
    header(&c[1], pct_cols);
    header(&c[2], str_cols);
    header(&c[3], sens_cols);
    for (size_t i = 0; i < n; i++)
        if (write_result(&c[0], &c[1], &c[2], &c[3], &r[i]) != 0) {
            snprintf(err, errsize, "out of memory");
            rc = -1;
            goto out;
        }
    for (int k = 0; k < NFILES; k++)
        if (dp_csv_commit(&c[k]) != 0) {
            snprintf(err, errsize, "%s/%s: %s", dir, names[k], strerror(errno));
            rc = -1;
            for (int j = k + 1; j < NFILES; j++) dp_csv_abort(&c[j]);
            return rc;
        }
    return 0;
out:
    for (int k = 0; k < opened; k++) dp_csv_abort(&c[k]);
    return rc;
}

/* ---- stdout ------------------------------------------------------------- */

void dp_fmt_count(char *buf, size_t size, uint64_t v)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%" PRIu64, v);
    size_t len = strlen(raw), o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
}

static void fmt_day(char *buf, size_t size, const dp_scenario *s, int day)
{
    char d[11];
    if (day <= 0) { snprintf(buf, size, "%s", "-"); return; }
    date_of(s, day, d);
    snprintf(buf, size, "%s", d);
}

int dp_report_print(FILE *out, const dp_result *r)
{
    const dp_scenario *s = r->s;
    const dp_accum *a = r->a;
    char n_text[32], first[11], last[11];
    size_t n;
    dp_measure *m = dp_measures(r, &n);
    if (!m) return -1;
    dp_fmt_count(n_text, sizeof n_text, a->n);
    date_of(s, 1, first);
    date_of(s, s->horizon, last);
    int ok = fprintf(out, "%s (%s)\n  %s trajectories, seed %" PRIu64
                     ", days 1..%d = %s..%s\n",
                     s->name, s->file, n_text, r->seed, s->horizon, first, last) >= 0;
    if (weighted(a))
        ok &= fprintf(out, "  effective trajectories (calibration weights): %.1f\n",
                      effective(a)) >= 0;
    for (size_t l = 0; l < n; l++) {
        const dp_measure *x = &m[l];
        char what[96];
        if (!strcmp(x->measure, "strength") && x->x == 0)
            snprintf(what, sizeof what, "strength 0 (nobody fit for duty)");
        else if (!strcmp(x->measure, "strength"))
            snprintf(what, sizeof what, "strength <= %g%% of initial", 100 * x->x);
        else if (!strcmp(x->measure, "casualties"))
            snprintf(what, sizeof what, "killed + wounded >= %g%% of initial", 100 * x->x);
        else
            snprintf(what, sizeof what, "withdrawn (the withdrawal rule)");
        ok &= fprintf(out, "\n  %s: met by %s in %.2f%% of trajectories (%g%% CI %.2f%%..%.2f%%)\n",
                      what, last, 100 * x->p_met, 100 * s->confidence,
                      100 * x->p_met_low, 100 * x->p_met_high) >= 0;
        ok &= fprintf(out, "    %10s  %-10s  %5s  %-24s\n", "percentile", "date", "day",
                      "confidence interval") >= 0;
        for (size_t k = 0; k < x->n_pct; k++) {
            const dp_pct_figure *f = &x->pct[k];
            char p[32], d[32], lo[32], hi[32], day[32];
            snprintf(p, sizeof p, "%g%%", f->p);
            if (!f->day) {
                ok &= fprintf(out, "    %10s  not reached by %s\n", p, last) >= 0;
                continue;
            }
            fmt_day(d, sizeof d, s, f->day);
            fmt_day(lo, sizeof lo, s, f->ci_low);
            fmt_day(hi, sizeof hi, s, f->ci_high);
            if (!f->ci_high) snprintf(hi, sizeof hi, "after %s", last);
            snprintf(day, sizeof day, "%d", f->day);
            ok &= fprintf(out, "    %10s  %-10s  %5s  %s .. %s\n", p, d, day, lo, hi) >= 0;
        }
    }
    ok &= fputc('\n', out) != EOF;
    dp_measures_free(m, n);
    return ok ? 0 : -1;
}
