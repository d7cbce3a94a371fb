/*
 * test_cli.c - bin/deplete end to end: exit statuses, --help, the CSV files
 * (columns, the straight-line median, byte-identical for any thread count),
 * --set, and errors that name file:line:column.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include "helpers.h"

TestSuite(cli, .timeout = 120);

/* The binary under test: $DEPLETE_BIN (make coverage sets it to an
 * instrumented build), else the repository's bin/deplete. */
static const char *bin(void)
{
    const char *b = getenv("DEPLETE_BIN");
    return b && *b ? b : DP_SOURCE_DIR "/bin/deplete";
}
#define BIN "%s"
#define SCEN DP_SOURCE_DIR "/scenarios/"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    cr_assert_not_null(s);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

/* Runs a shell command; returns its exit status, stdout and stderr. */
static int run(const char *cmd, char **out, char **err)
{
    char dir[] = "/tmp/deplete-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char full[8192];
    snprintf(full, sizeof full, "%s >%s/out 2>%s/err </dev/null", cmd, dir, dir);
    int st = system(full);
    char p[256];
    snprintf(p, sizeof p, "%s/out", dir);
    char *o = slurp(p);
    snprintf(p, sizeof p, "%s/err", dir);
    char *e = slurp(p);
    th_rmdir(dir);
    if (out) *out = o; else free(o);
    if (err) *err = e; else free(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static char *tmpdir(void)
{
    char *d = strdup("/tmp/deplete-out-XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

Test(cli, help_and_version)
{
    char *out, *err;
    char cmd[512];
    snprintf(cmd, sizeof cmd, BIN " --help", bin());
    cr_assert_eq(run(cmd, &out, &err), 0);
    cr_assert_not_null(strstr(out, "Usage: deplete run"));
    cr_assert_not_null(strstr(out, "--trajectories"));
    cr_assert_not_null(strstr(out, "uniform(a, b)"), "help lists the distributions");
    cr_assert_str_empty(err);
    free(out); free(err);
    snprintf(cmd, sizeof cmd, BIN " --version", bin());
    cr_assert_eq(run(cmd, &out, NULL), 0);
    cr_assert_eq(strncmp(out, "deplete ", 8), 0);
    free(out);
}

Test(cli, usage_errors_exit_2)
{
    char *err;
    const char *bad[] = {"", " frobnicate x.yaml", " run", " run --nope " SCEN "isw-linear.yaml",
                         " run -n 0 " SCEN "isw-linear.yaml", " run -n 1.5 " SCEN "isw-linear.yaml",
                         " run -s -3 " SCEN "isw-linear.yaml", " run -j " , " run --set nokey " SCEN "isw-linear.yaml"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, BIN "%s", bin(), bad[i]);
        cr_assert_eq(run(cmd, NULL, &err), 2, "%s", cmd);
        cr_assert_not_null(strstr(err, "deplete: "), "%s: %s", cmd, err);
        free(err);
    }
}

/* The straight-line projection: median "whole contingent killed or wounded"
 * on day 131 = 2025-04-10, and the exact CSV header. */
Test(cli, isw_linear_median_in_csv)
{
    char *dir = tmpdir(), cmd[1024], *out;
    snprintf(cmd, sizeof cmd, BIN " run -q -n 20000 -o %s " SCEN "isw-linear.yaml", bin(), dir);
    cr_assert_eq(run(cmd, &out, NULL), 0);
    cr_assert_str_empty(out, "-q: nothing on stdout");
    free(out);
    char p[512];
    snprintf(p, sizeof p, "%s/percentiles.csv", dir);
    char *csv = slurp(p);
    cr_assert_not_null(csv);
    cr_assert(starts(csv, "scenario,measure,level,percentile,day,date,ci_low_day,"
                          "ci_low_date,ci_high_day,ci_high_date\n"));
    cr_assert_not_null(strstr(csv, "ISW straight-line projection,casualties,1.0,50,131,2025-04-10,"),
                       "%s", csv);
    free(csv);
    snprintf(p, sizeof p, "%s/summary.csv", dir);
    csv = slurp(p);
    cr_assert(starts(csv, "scenario,measure,level,trajectories,effective_trajectories,"
                          "p_met,p_met_low,p_met_high,horizon_day,horizon_date\n"));
    cr_assert_not_null(strstr(csv, "ISW straight-line projection,casualties,1.0,20000,20000,1.000000,"));
    free(csv);
    snprintf(p, sizeof p, "%s/strength.csv", dir);
    csv = slurp(p);
    cr_assert(starts(csv, "scenario,day,date,percentile,strength\n"));
    free(csv);
    th_rmdir(dir);
    free(dir);
}

/* The fan chart is exact for a force small enough for one-soldier bins:
 * the median after day 1 is N0 - 92 (Poisson median of mean 92 is 92). */
Test(cli, strength_fan_exact_small_force)
{
    char *dir = tmpdir(), cmd[1024];
    snprintf(cmd, sizeof cmd, BIN " run -q -n 20000 --set force.initial=2000 -o %s "
             SCEN "isw-linear.yaml", bin(), dir);
    cr_assert_eq(run(cmd, NULL, NULL), 0);
    char p[512];
    snprintf(p, sizeof p, "%s/strength.csv", dir);
    char *csv = slurp(p);
    cr_assert_not_null(strstr(csv, "ISW straight-line projection,1,2024-12-01,50,1908\n"), "%.300s", csv);
    free(csv);
    th_rmdir(dir);
    free(dir);
}

/* Byte-identical CSV files for 1, 2 and 3 threads, and for two runs. */
Test(cli, byte_identical_across_threads)
{
    char *csv[4][3];
    const char *names[] = {"summary.csv", "percentiles.csv", "strength.csv"};
    const char *jobs[] = {"-j 1", "-j 2", "-j 3", "-j 2"};
    for (int k = 0; k < 4; k++) {
        char *dir = tmpdir(), cmd[1024];
        snprintf(cmd, sizeof cmd, BIN " run -q -n 30000 -s 42 %s -o %s " SCEN "kursk-2025.yaml "
                 SCEN "isw-linear.yaml", bin(), jobs[k], dir);
        cr_assert_eq(run(cmd, NULL, NULL), 0);
        for (int f = 0; f < 3; f++) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, names[f]);
            csv[k][f] = slurp(p);
            cr_assert_not_null(csv[k][f]);
        }
        th_rmdir(dir);
        free(dir);
    }
    for (int k = 1; k < 4; k++)
        for (int f = 0; f < 3; f++)
            cr_assert_str_eq(csv[0][f], csv[k][f], "%s differs with %s", names[f], jobs[k]);
    cr_assert_not_null(strstr(csv[0][0], "DPRK contingent in Kursk,"), "both scenarios in one file");
    cr_assert_not_null(strstr(csv[0][0], "ISW straight-line projection,"));
    for (int k = 0; k < 4; k++) for (int f = 0; f < 3; f++) free(csv[k][f]);
}

/* --set overrides a field: half the rate, about twice the time (day 261). */
Test(cli, set_overrides_a_field)
{
    char *dir = tmpdir(), cmd[1024];
    snprintf(cmd, sizeof cmd, BIN " run -q -n 20000 --set casualties.per_day=46 -o %s "
             SCEN "isw-linear.yaml", bin(), dir);
    cr_assert_eq(run(cmd, NULL, NULL), 0);
    char p[512];
    snprintf(p, sizeof p, "%s/percentiles.csv", dir);
    char *csv = slurp(p);
    cr_assert_not_null(strstr(csv, ",casualties,1.0,50,261,2025-08-18,"), "%s", csv);
    free(csv);
    th_rmdir(dir);
    free(dir);
}

/* A bad scenario: exit 2, file:line:column, nothing written. */
Test(cli, bad_scenario_exit_2)
{
    char *path = th_write_temp("bad.yaml",
        "start: 2025-02-30\nforce:\n  initial: 1000\ncasualties:\n  per_dya: 5\n");
    char *dir = tmpdir(), cmd[1024], *err;
    snprintf(cmd, sizeof cmd, BIN " run -o %s %s", bin(), dir, path);
    cr_assert_eq(run(cmd, NULL, &err), 2);
    char want[600];
    snprintf(want, sizeof want, "%s:1:8: ", path);
    cr_assert_not_null(strstr(err, want), "%s", err);
    snprintf(want, sizeof want, "%s:5:3: ", path);
    cr_assert_not_null(strstr(err, want), "every problem reported: %s", err);
    cr_assert_not_null(strstr(err, "per_day"), "suggests the nearest key: %s", err);
    char p[512];
    snprintf(p, sizeof p, "%s/summary.csv", dir);
    cr_assert_null(fopen(p, "r"), "nothing simulated");
    free(err);
    snprintf(cmd, sizeof cmd, BIN " check %s", bin(), path);
    cr_assert_eq(run(cmd, NULL, NULL), 2);
    snprintf(cmd, sizeof cmd, BIN " check " SCEN "kursk-2025.yaml", bin());
    cr_assert_eq(run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, BIN " run -o %s /nonexistent/x.yaml", bin(), dir);
    cr_assert_eq(run(cmd, NULL, NULL), 2, "missing file");
    th_rmdir(dir);
    free(dir);
    free(path);
}

/* A run whose output cannot be written fails with status 1. */
Test(cli, unwritable_output_exit_1)
{
    char cmd[1024], *err;
    snprintf(cmd, sizeof cmd, BIN " run -q -n 1000 -o /proc/deplete-cannot " SCEN "isw-linear.yaml", bin());
    cr_assert_eq(run(cmd, NULL, &err), 1);
    cr_assert_not_null(strstr(err, "cannot write"), "%s", err);
    free(err);
}

/* Every example scenario in the repository loads and runs. */
Test(cli, all_shipped_scenarios_run)
{
    char *dir = tmpdir(), cmd[2048], *err;
    snprintf(cmd, sizeof cmd, BIN " run -q -n 2000 -o %s " SCEN "*.yaml " SCEN "examples/*.yaml", bin(), dir);
    int st = run(cmd, NULL, &err);
    cr_assert_eq(st, 0, "%s", err);
    free(err);
    th_rmdir(dir);
    free(dir);
}
