/*
 * main.c - deplete's entry point: loads every scenario (all problems of all
 * files reported at once), runs them, writes the reports, and alone decides
 * the exit status: 0 success, 1 a run failed, 2 bad usage or scenario.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <omp.h>
#include <gsl/gsl_errno.h>
#include "dp_accum.h"
#include "dp_cli.h"
#include "dp_diag.h"
#include "dp_engine.h"
#include "dp_model.h"
#include "dp_precision.h"
#include "dp_report.h"
#include "dp_scenario.h"
#include "dp_stats.h"
#include "dp_sweep.h"

#ifndef DP_VERSION
#define DP_VERSION "0.0.0"
#endif

enum { EXIT_RUN_FAILED = 1, EXIT_USAGE = 2 };

typedef struct progress {
    const char *name;
    double t0;
    bool shown;
    uint64_t base, total;    /* --precision: trajectories before this batch, and the cap */
} progress;

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress *p = ctx;
    const int width = 30;
    if (p->total) {
        done += p->base;
        total = p->total;
    }
    double frac = total ? (double)done / (double)total : 1.0;
    int fill = (int)(frac * width);
    fprintf(stderr, "\r%-24.24s [%.*s%*s] %3.0f%%  %6.1f s", p->name, fill,
            "##############################", width - fill, "", 100 * frac,
            omp_get_wtime() - p->t0);
    p->shown = true;
}

static void end_progress(progress *p)
{
    if (p->shown) fprintf(stderr, "\r%*s\r", 70, "");
    p->shown = false;
}

/* --precision: the first batch, then the total doubles each round (a fixed
 * schedule, so the count used depends only on the seed, never on threads) */
#define PRECISION_FIRST UINT64_C(10000)

/* Adds trajectories in rounds until the figures are settled to o->precision
 * days or the cap is used. 0, or -1 when memory ran out. */
static int run_to_precision(const dp_scenario *s, const dp_opts *o, const dp_model *m,
                            dp_run *run, progress *p, dp_accum *a)
{
    const uint64_t cap = run->n;
    dp_precision pr = {0, 0, 0};
    uint64_t done = 0;
    p->total = cap;
    while (done < cap) {
        uint64_t next = done ? (done > cap / 2 ? cap : 2 * done)
                             : (cap < PRECISION_FIRST ? cap : PRECISION_FIRST);
        run->first = done;
        run->n = next - done;
        p->base = done;
        if (dp_engine_run(m, run, a) != 0) return -1;
        done = next;
        if (dp_precision_check(s, m, a, o->precision, &pr) != 0) return -1;
        if (!pr.unsettled) break;
    }
    end_progress(p);
    char n_text[32], cap_text[32];
    dp_fmt_count(n_text, sizeof n_text, done);
    dp_fmt_count(cap_text, sizeof cap_text, cap);
    if (!pr.unsettled)
        fprintf(stderr, "deplete: %s: --precision %g: %s trajectories (cap %s); every "
                "interval within %d day%s of its percentile\n", s->name, o->precision,
                n_text, cap_text, pr.widest, pr.widest == 1 ? "" : "s");
    else
        fprintf(stderr, "deplete: warning: %s: --precision %g not met with the cap of %s "
                "trajectories: %zu of %zu percentiles have an interval wider than that or "
                "open, or may yet be reached; raise -n\n", s->name, o->precision, cap_text,
                pr.unsettled, pr.figures);
    return 0;
}

/* Runs one loaded scenario into a finished accumulator. */
static int simulate(const dp_scenario *s, const dp_opts *o, bool show, dp_accum *a,
                    uint64_t *seed)
{
    dp_model model, *m = &model;
    if (dp_model_init(m, s) != 0) return -1;
    /* observations weigh each trajectory by its likelihood (SPEC 2.3) */
    bool weighted = m->n_obs > 0;
    if (dp_accum_init(a, m, weighted) != 0) {
        dp_model_free(m);
        return -1;
    }
    progress p = {s->name, omp_get_wtime(), false, 0, 0};
    dp_run run = {
        .first = 0,
        .n = o->have_n ? o->n : s->trajectories,
        .seed = o->have_seed ? o->seed : s->seed,
        .threads = o->threads,
        .progress = show ? show_progress : NULL,
        .progress_ctx = &p,
    };
    *seed = run.seed;
    int rc = o->have_precision ? run_to_precision(s, o, m, &run, &p, a)
                               : dp_engine_run(m, &run, a);
    end_progress(&p);
    dp_model_free(m);   /* the accumulator is all the report needs */
    if (rc != 0) return -1;
    if (o->timing) {
        double secs = omp_get_wtime() - p.t0;
        fprintf(stderr, "%s: %" PRIu64 " trajectories in %.3f s; simulated trajectory-days: %" PRIu64
                "; %.1f ns per trajectory-day; %.0f trajectories/s\n", s->file, a->n, secs, a->days,
                a->days ? 1e9 * secs / (double)a->days : 0.0, secs > 0 ? (double)a->n / secs : 0.0);
    }
    dp_accum_finish(a);
    if (weighted) {
        double ess = dp_stats_ess(a->mass, a->mass2, a->unit);
        if (ess < 0.01 * (double)a->n)
            fprintf(stderr, "deplete: warning: %s: the observations leave an effective "
                    "sample of %.1f of %" PRIu64 " trajectories (below 1%%): the weighted "
                    "figures rest on few trajectories; run more, or check the "
                    "observations and their errors\n", s->name, ess, a->n);
    }
    return 0;
}

/* Sweeps load each file once per combination: the file's own problems
 * would come once per combination. Keep the first of each. */
static void drop_repeats(dp_diags *dg)
{
    size_t k = 0;
    for (size_t i = 0; i < dg->n; i++) {
        dp_diag *d = &dg->v[i];
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++) {
            const dp_diag *e = &dg->v[j];
            seen = e->sev == d->sev && e->line == d->line && e->col == d->col &&
                   !strcmp(e->file ? e->file : "", d->file ? d->file : "") &&
                   !strcmp(e->msg ? e->msg : "", d->msg ? d->msg : "") &&
                   !strcmp(e->text ? e->text : "", d->text ? d->text : "");
        }
        if (seen) {
            if (d->sev == DP_ERROR) dg->errors--;
            free(d->file);
            free(d->msg);
            free(d->text);
        } else {
            dg->v[k++] = *d;
        }
    }
    dg->n = k;
}

static int print_diags(dp_diags *dg)
{
    dp_diags_sort(dg);
    int rc = dp_diags_print(stderr, dg);
    if (dg->oom) fputs("deplete: out of memory: some messages were lost\n", stderr);
    return rc;
}

int main(int argc, char **argv)
{
    dp_opts o;
    gsl_set_error_handler_off();
    if (dp_cli_parse(argc, argv, &o, stderr) != 0) {
        dp_opts_free(&o);
        return EXIT_USAGE;
    }
    if (o.cmd == DP_CMD_HELP || o.cmd == DP_CMD_VERSION) {
        int rc = o.cmd == DP_CMD_HELP ? dp_cli_help(stdout)
                                      : (printf("deplete %s\n", DP_VERSION) < 0 || fflush(stdout));
        dp_opts_free(&o);
        return rc ? EXIT_RUN_FAILED : 0;
    }

    /* one scenario per file and combination of --sweep values */
    dp_diags dg = {0};
    size_t combos = dp_sweep_count(o.sweeps, o.n_sweeps, DP_SWEEP_MAX);
    size_t n_sc = o.n_files * combos, n_sets = o.n_sets + o.n_sweeps;
    dp_scenario **sc = calloc(n_sc, sizeof *sc);
    /* the --set arguments of each combination: positions in a loaded
     * scenario point into them, so they live as long as it does */
    char **swept = calloc(n_sc * o.n_sweeps + 1, sizeof *swept);
    const char **sets = calloc(n_sets + 1, sizeof *sets);
    if (!sc || !swept || !sets) {
        fputs("deplete: out of memory\n", stderr);
        free(sc); free(swept); free(sets);
        dp_opts_free(&o);
        return EXIT_RUN_FAILED;
    }
    bool bad = false;
    int status = 0;
    for (size_t i = 0; !status && i < n_sc; i++) {
        size_t c = i % combos;
        char **mine = swept + i * o.n_sweeps;
        for (size_t k = 0; k < o.n_sets; k++) sets[k] = o.sets[k];
        for (size_t k = 0; k < o.n_sweeps; k++) {
            mine[k] = dp_sweep_set(o.sweeps, o.n_sweeps, c, k);
            if (!mine[k]) status = EXIT_RUN_FAILED;
            sets[o.n_sets + k] = mine[k];
        }
        if (status) break;
        sc[i] = dp_scenario_load(o.files[i / combos], sets, n_sets, &dg);
        if (!sc[i]) bad = true;
        if (sc[i] && o.n_sweeps) {
            char *name = dp_sweep_name(sc[i]->name, o.sweeps, o.n_sweeps, c);
            if (!name) status = EXIT_RUN_FAILED;
            else { free(sc[i]->name); sc[i]->name = name; }
        }
    }
    free(sets);
    if (status) fputs("deplete: out of memory\n", stderr);
    drop_repeats(&dg);
    print_diags(&dg);
    if (!status && (bad || dg.errors)) status = EXIT_USAGE;

    if (!status && o.cmd == DP_CMD_CHECK) {
        for (size_t i = 0; i < n_sc; i++)
            if (printf("%s: ok (%s: %zu parameters, horizon %d days)\n", sc[i]->file,
                       sc[i]->name, sc[i]->n_params, sc[i]->horizon) < 0)
                status = EXIT_RUN_FAILED;
    }

    if (!status && o.cmd == DP_CMD_RUN) {
        bool show = !o.quiet && (o.progress == 1 || (o.progress == -1 && isatty(2)));
        dp_accum *accs = calloc(n_sc, sizeof *accs);
        dp_result *res = calloc(n_sc, sizeof *res);
        if (!accs || !res) {
            fputs("deplete: out of memory\n", stderr);
            status = EXIT_RUN_FAILED;
        }
        for (size_t i = 0; !status && i < n_sc; i++) {
            res[i].s = sc[i];
            res[i].a = &accs[i];
            if (simulate(sc[i], &o, show, &accs[i], &res[i].seed) != 0) {
                fprintf(stderr, "deplete: %s: out of memory\n", sc[i]->name);
                status = EXIT_RUN_FAILED;
            }
        }
        if (!status) {
            char err[512];
            if (dp_report_csv(o.outdir, res, n_sc, err, sizeof err) != 0) {
                fprintf(stderr, "deplete: cannot write the report: %s\n", err);
                status = EXIT_RUN_FAILED;
            }
        }
        for (size_t i = 0; !status && !o.quiet && i < n_sc; i++)
            if (dp_report_print(stdout, &res[i]) != 0) status = EXIT_RUN_FAILED;
        if (!status && !o.quiet &&
            printf("CSV files written to %s/: summary.csv, percentiles.csv, strength.csv, sensitivity.csv\n",
                   o.outdir) < 0)
            status = EXIT_RUN_FAILED;
        if (fflush(stdout) != 0) {
            fprintf(stderr, "deplete: writing to stdout: %s\n", strerror(errno));
            status = EXIT_RUN_FAILED;
        }
        for (size_t i = 0; accs && i < n_sc; i++) dp_accum_free(&accs[i]);
        free(accs);
        free(res);
    }

    for (size_t i = 0; i < n_sc; i++) dp_scenario_free(sc[i]);
    free(sc);
    for (size_t i = 0; i < n_sc * o.n_sweeps; i++) free(swept[i]);
    free(swept);
    dp_diags_free(&dg);
    dp_opts_free(&o);
    return status;
}
