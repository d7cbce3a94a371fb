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
#include "dp_report.h"
#include "dp_scenario.h"
#include "dp_stats.h"

#ifndef DP_VERSION
#define DP_VERSION "0.0.0"
#endif

enum { EXIT_RUN_FAILED = 1, EXIT_USAGE = 2 };

typedef struct progress {
    const char *name;
    double t0;
    bool shown;
} progress;

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress *p = ctx;
    const int width = 30;
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
}

/* Runs one loaded scenario into a finished accumulator. */
static int simulate(const dp_scenario *s, const dp_opts *o, bool show,
                    dp_model *m, dp_accum *a, uint64_t *seed)
{
    if (dp_model_init(m, s) != 0) return -1;
    /* observations weigh each trajectory by its likelihood (SPEC 2.3) */
    bool weighted = m->n_obs > 0;
    if (dp_accum_init(a, m, weighted) != 0) return -1;
    progress p = {s->name, omp_get_wtime(), false};
    dp_run run = {
        .first = 0,
        .n = o->have_n ? o->n : s->trajectories,
        .seed = o->have_seed ? o->seed : s->seed,
        .threads = o->threads,
        .progress = show ? show_progress : NULL,
        .progress_ctx = &p,
    };
    *seed = run.seed;
    int rc = dp_engine_run(m, &run, a);
    end_progress(&p);
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
                    "observations and their errors\n", s->file, ess, a->n);
    }
    return 0;
}

static int print_diags(dp_diags *dg)
{
    dp_diags_sort(dg);
    int rc = dp_diags_print(stderr, dg);
    if (dg->oom) fputs("deplete: out of memory: some messages were lost\n", stderr);
    return rc;
}

static int check_unsupported(dp_scenario *s, dp_diags *dg)
{
    /* SPEC 2.4 is parsed but not simulated yet: refuse rather than report
     * numbers that silently ignore it */
    if (s->n_correlations)
        dp_diag_add(dg, DP_ERROR, s->correlations[0].pos,
                    "correlations: rank correlations are not implemented yet");
    return s->n_correlations ? -1 : 0;
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

    dp_diags dg = {0};
    dp_scenario **sc = calloc(o.n_files, sizeof *sc);
    if (!sc) { fputs("deplete: out of memory\n", stderr); return EXIT_RUN_FAILED; }
    bool bad = false;
    for (size_t i = 0; i < o.n_files; i++) {
        sc[i] = dp_scenario_load(o.files[i], o.sets, o.n_sets, &dg);
        if (!sc[i]) bad = true;
        else if (o.cmd == DP_CMD_RUN && check_unsupported(sc[i], &dg) != 0) bad = true;
    }
    print_diags(&dg);
    int status = bad || dg.errors ? EXIT_USAGE : 0;

    if (!status && o.cmd == DP_CMD_CHECK) {
        for (size_t i = 0; i < o.n_files; i++)
            if (printf("%s: ok (%s: %zu parameters, horizon %d days)\n", o.files[i],
                       sc[i]->name, sc[i]->n_params, sc[i]->horizon) < 0)
                status = EXIT_RUN_FAILED;
    }

    if (!status && o.cmd == DP_CMD_RUN) {
        bool show = !o.quiet && (o.progress == 1 || (o.progress == -1 && isatty(2)));
        dp_model *models = calloc(o.n_files, sizeof *models);
        dp_accum *accs = calloc(o.n_files, sizeof *accs);
        dp_result *res = calloc(o.n_files, sizeof *res);
        if (!models || !accs || !res) {
            fputs("deplete: out of memory\n", stderr);
            status = EXIT_RUN_FAILED;
        }
        for (size_t i = 0; !status && i < o.n_files; i++) {
            res[i].s = sc[i];
            res[i].a = &accs[i];
            if (simulate(sc[i], &o, show, &models[i], &accs[i], &res[i].seed) != 0) {
                fprintf(stderr, "deplete: %s: out of memory\n", o.files[i]);
                status = EXIT_RUN_FAILED;
            }
        }
        if (!status) {
            char err[512];
            if (dp_report_csv(o.outdir, res, o.n_files, err, sizeof err) != 0) {
                fprintf(stderr, "deplete: cannot write the report: %s\n", err);
                status = EXIT_RUN_FAILED;
            }
        }
        for (size_t i = 0; !status && !o.quiet && i < o.n_files; i++)
            if (dp_report_print(stdout, &res[i]) != 0) status = EXIT_RUN_FAILED;
        if (!status && !o.quiet &&
            printf("CSV files written to %s/: summary.csv, percentiles.csv, strength.csv\n",
                   o.outdir) < 0)
            status = EXIT_RUN_FAILED;
        if (fflush(stdout) != 0) {
            fprintf(stderr, "deplete: writing to stdout: %s\n", strerror(errno));
            status = EXIT_RUN_FAILED;
        }
        for (size_t i = 0; models && accs && i < o.n_files; i++) {
            dp_accum_free(&accs[i]);
            dp_model_free(&models[i]);
        }
        free(models);
        free(accs);
        free(res);
    }

    for (size_t i = 0; i < o.n_files; i++) dp_scenario_free(sc[i]);
    free(sc);
    dp_diags_free(&dg);
    dp_opts_free(&o);
    return status;
}
