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
    snprintf(p, sizeof p, "%s/sensitivity.csv", dir);
    csv = slurp(p);
    cr_assert_not_null(csv);
    cr_assert(starts(csv, "scenario,parameter,measure,level,first_order_index,"
                          "low_tenth_median_day,low_tenth_median_date,"
                          "high_tenth_median_day,high_tenth_median_date\n"));
    cr_assert_str_eq(strchr(csv, '\n') + 1, "", "isw-linear has no uncertain parameter");
    free(csv);
    th_rmdir(dir);
    free(dir);
}

/* A scenario with correlations and observations runs, and sensitivity.csv
 * names every uncertain parameter for every measure. */
Test(cli, correlations_and_sensitivity_end_to_end)
{
    char *path = th_write_temp("corr.yaml",
        "start: 2025-01-01\nhorizon: 200\nforce:\n  initial: uniform(900, 1100)\n"
        "casualties:\n  per_day: 8 to 14\n"
        "correlations:\n  - [force.initial, casualties.per_day, 0.5]\n"
        "observations:\n  - {day: 10, casualties: 110}\n");
    char *dir = tmpdir(), cmd[1024];
    snprintf(cmd, sizeof cmd, BIN " run -q -n 5000 -o %s %s", bin(), dir, path);
    cr_assert_eq(run(cmd, NULL, NULL), 0);
    char p[512];
    snprintf(p, sizeof p, "%s/sensitivity.csv", dir);
    char *csv = slurp(p);
    cr_assert_not_null(strstr(csv, "\ncorr,force.initial,strength,0,0."), "%s", csv);
    cr_assert_not_null(strstr(csv, "\ncorr,casualties.per_day,strength,0,0."), "%s", csv);
    free(csv);
    th_rmdir(dir);
    free(dir);
    free(path);
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

/* ---- --precision and --sweep ------------------------------------------- */

static char *slurp_in(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    char *s = slurp(p);
    cr_assert_not_null(s, "%s", p);
    return s;
}

static size_t count_of(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

Test(cli, help_lists_sweep_and_precision)
{
    char *out, cmd[512];
    snprintf(cmd, sizeof cmd, BIN " --help", bin());
    cr_assert_eq(run(cmd, &out, NULL), 0);
    cr_assert_not_null(strstr(out, "--sweep KEY=V1,V2"));
    cr_assert_not_null(strstr(out, "--precision DAYS"));
    free(out);
}

/* Syntax problems of both options are usage errors naming the option. */
Test(cli, sweep_and_precision_usage_errors)
{
    const char *bad[][2] = {
        {"--sweep casualties.per_day", "--sweep"},
        {"--sweep =1,2", "--sweep"},
        {"--sweep casualties.per_day=", "no values"},
        {"--sweep casualties.per_day=1,,2", "empty"},
        {"--sweep 'casualties.per_day=uniform(1, 2'", "unclosed"},
        {"--sweep casualties.per_day=1,2 --sweep casualties.per_day=3", "swept twice"},
        {"--sweep force.initial=1,2,3,4,5,6,7,8,9,10 --sweep casualties.per_day=1,2,3,4,5,6,7,8,9,10 "
         "--sweep casualties.dispersion=1,2,3,4,5,6,7,8,9,10,11", "combinations"},
        {"--precision", "needs a value"},
        {"--precision -1", "--precision"},
        {"--precision two", "--precision"},
        {"--precision inf", "--precision"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char cmd[1024], *err;
        snprintf(cmd, sizeof cmd, BIN " run -q " SCEN "isw-linear.yaml %s", bin(), bad[i][0]);
        cr_assert_eq(run(cmd, NULL, &err), 2, "%s", cmd);
        cr_assert_not_null(strstr(err, bad[i][1]), "%s: %s", cmd, err);
        cr_assert(starts(err, "deplete: "), "%s", err);
        free(err);
    }
}

/* A parsed percentiles.csv row: day, ci_low_day, ci_high_day (0: empty). */
static bool pct_row(const char *line, const char *prefix, int *day, int *lo, int *hi)
{
    if (!starts(line, prefix)) return false;
    /* percentile,day,date,ci_low_day,ci_low_date,ci_high_day,... */
    const char *p = line + strlen(prefix);
    int field = 0;
    *day = *lo = *hi = 0;
    for (; *p && *p != '\n'; field++) {
        int v = atoi(p);
        if (field == 1) *day = v;
        if (field == 3) *lo = v;
        if (field == 5) *hi = v;
        while (*p && *p != ',' && *p != '\n') p++;
        if (*p == ',') p++;
    }
    return true;
}

/* The straight line is settled to 2 days long before the cap of 1,000,000
 * (catches a loop that never checks, or checks the wrong figures): every
 * interval of the output closed and within 2 days either side. */
Test(cli, precision_stops_early_and_holds)
{
    char *dir = tmpdir(), cmd[1024], *err;
    snprintf(cmd, sizeof cmd, BIN " run -q --precision 2 -o %s " SCEN "isw-linear.yaml", bin(), dir);
    cr_assert_eq(run(cmd, NULL, &err), 0, "%s", err);
    cr_assert_not_null(strstr(err, "--precision 2: "), "%s", err);
    cr_assert_not_null(strstr(err, "(cap 1,000,000)"), "%s", err);
    free(err);
    char *sum = slurp_in(dir, "summary.csv");
    const char *row = strstr(sum, "ISW straight-line projection,casualties,1.0,");
    cr_assert_not_null(row);
    long used = atol(row + strlen("ISW straight-line projection,casualties,1.0,"));
    cr_assert(used >= 10000 && used <= 100000, "used %ld trajectories", used);
    free(sum);
    char *csv = slurp_in(dir, "percentiles.csv"), *line = strchr(csv, '\n') + 1;
    size_t rows = 0;
    for (; *line; line = strchr(line, '\n') + 1, rows++) {
        int day, lo, hi;
        cr_assert(starts(line, "ISW straight-line projection,"), "%.80s", line);
        const char *p = line;   /* past scenario, measure and level */
        for (int f = 0; f < 3; f++) p = strchr(p, ',') + 1;
        cr_assert(pct_row(p, "", &day, &lo, &hi));
        cr_assert(day > 0 && lo > 0 && hi > 0, "closed: %.80s", line);
        cr_assert(day - lo <= 2 && hi - day <= 2, "within 2 days: %.80s", line);
    }
    cr_assert_eq(rows, 14);
    free(csv);
    th_rmdir(dir);
    free(dir);
}

/* Growing in fixed rounds (10,000, 20,000, then the cap of 25,000: a
 * precision no run this size meets) gives the same bytes for 1 and 2
 * threads, and the same as a plain run of 25,000 (catches rounds that
 * restart the streams at 0, or a count that depends on timing). */
Test(cli, precision_byte_identical_across_threads)
{
    const char *names[] = {"summary.csv", "percentiles.csv", "strength.csv"};
    const char *how[] = {"--precision 0 -j 1", "--precision 0 -j 2", "-j 2"};
    char *csv[3][3];
    for (int k = 0; k < 3; k++) {
        char *dir = tmpdir(), cmd[1024], *err;
        snprintf(cmd, sizeof cmd, BIN " run -q -n 25000 -s 9 %s -o %s " SCEN "kursk-2025.yaml",
                 bin(), how[k], dir);
        cr_assert_eq(run(cmd, NULL, &err), 0, "%s", err);
        if (k < 2)
            cr_assert_not_null(strstr(err, "not met with the cap of 25,000 trajectories"), "%s", err);
        free(err);
        for (int f = 0; f < 3; f++) csv[k][f] = slurp_in(dir, names[f]);
        th_rmdir(dir);
        free(dir);
    }
    cr_assert_not_null(strstr(csv[0][0], ",25000,"), "the count used is the cap");
    for (int k = 1; k < 3; k++)
        for (int f = 0; f < 3; f++)
            cr_assert_str_eq(csv[0][f], csv[k][f], "%s differs with %s", names[f], how[k]);
    for (int k = 0; k < 3; k++) for (int f = 0; f < 3; f++) free(csv[k][f]);
}

/* Median day of "whole contingent killed or wounded" for one scenario. */
static int median_of(const char *csv, const char *scenario)
{
    char want[256];
    snprintf(want, sizeof want, "\"%s\",casualties,1.0,50,", scenario);
    const char *p = strstr(csv, want);
    cr_assert_not_null(p, "%s in\n%s", want, csv);
    return atoi(p + strlen(want));
}

/* A 2 x 2 sweep: four scenarios in one set of files, named after their
 * values, and the medians move the right way (more casualties a day:
 * earlier; a larger force: later). */
Test(cli, sweep_two_by_two)
{
    char *dir = tmpdir(), cmd[1024];
    snprintf(cmd, sizeof cmd, BIN " run -q -n 5000 --sweep casualties.per_day=80,100 "
             "--sweep 'force.initial=11000, 12000' -o %s " SCEN "isw-linear.yaml", bin(), dir);
    cr_assert_eq(run(cmd, NULL, NULL), 0);
    char *sum = slurp_in(dir, "summary.csv");
    const char *name[2][2] = {
        {"ISW straight-line projection [casualties.per_day=80, force.initial=11000]",
         "ISW straight-line projection [casualties.per_day=80, force.initial=12000]"},
        {"ISW straight-line projection [casualties.per_day=100, force.initial=11000]",
         "ISW straight-line projection [casualties.per_day=100, force.initial=12000]"}};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            char want[256];
            snprintf(want, sizeof want, "\"%s\",", name[i][j]);
            cr_assert_eq(count_of(sum, want), 2, "%s: strength 0 and casualties 1.0", want);
        }
    cr_assert_eq(count_of(sum, "\n"), 1 + 8, "header and 4 x 2 rows:\n%s", sum);
    free(sum);
    char *pct = slurp_in(dir, "percentiles.csv");
    int med[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) med[i][j] = median_of(pct, name[i][j]);
    /* 11000 / 80 = 137.5, 12000 / 80 = 150, 11000 / 100 = 110, 12000 / 100 = 120 */
    cr_assert_eq(med[0][0], 138);
    cr_assert_eq(med[0][1], 150);
    cr_assert_eq(med[1][0], 110);
    cr_assert_eq(med[1][1], 120);
    for (int j = 0; j < 2; j++) cr_assert_lt(med[1][j], med[0][j], "higher rate, earlier");
    for (int i = 0; i < 2; i++) cr_assert_gt(med[i][1], med[i][0], "larger force, later");
    free(pct);
    th_rmdir(dir);
    free(dir);
}

/* A bad value is a scenario error, reported as --set's are, once even when
 * several combinations hold it; nothing is simulated. */
Test(cli, sweep_bad_value_is_scenario_error)
{
    char *dir = tmpdir(), cmd[1024], *err;
    snprintf(cmd, sizeof cmd, BIN " run -q --sweep 'casualties.per_day=80,uniform(3, 1)' "
             "--sweep force.initial=11000,12000 -o %s " SCEN "isw-linear.yaml", bin(), dir);
    cr_assert_eq(run(cmd, NULL, &err), 2);
    cr_assert_eq(count_of(err, "--set:1:20: error: casualties.per_day: uniform"), 1, "%s", err);
    free(err);
    char p[512];
    snprintf(p, sizeof p, "%s/summary.csv", dir);
    cr_assert_null(fopen(p, "r"), "nothing simulated");
    snprintf(cmd, sizeof cmd, BIN " check --sweep casualties.per_day=80,100 " SCEN "isw-linear.yaml",
             bin());
    char *out;
    cr_assert_eq(run(cmd, &out, NULL), 0);
    cr_assert_not_null(strstr(out, "[casualties.per_day=100]"), "%s", out);
    free(out);
    th_rmdir(dir);
    free(dir);
}

/* The table on stdout (without -q) and the progress bar (--progress forces
 * it when stderr is not a terminal). */
Test(cli, stdout_table_and_progress)
{
    char *dir = tmpdir(), cmd[1024], *out, *err;
    snprintf(cmd, sizeof cmd, BIN " run --progress -n 20000 -o %s " SCEN "isw-linear.yaml "
             SCEN "examples/withdrawals.yaml", bin(), dir);
    cr_assert_eq(run(cmd, &out, &err), 0);
    cr_assert_not_null(strstr(out, "ISW straight-line projection (" DP_SOURCE_DIR "/scenarios/isw-linear.yaml)"), "%s", out);
    cr_assert_not_null(strstr(out, "20,000 trajectories"), "%s", out);
    cr_assert_not_null(strstr(out, "killed + wounded >= 100% of initial: met by 2025-11-30 in 100.00%"), "%s", out);
    cr_assert_not_null(strstr(out, "       50%  2025-04-10    131"), "%s", out);
    cr_assert_not_null(strstr(out, "withdrawn (the withdrawal rule)"), "%s", out);
    cr_assert_not_null(strstr(out, "not reached by"), "strength 0 is never met once withdrawn: %s", out);
    cr_assert_not_null(strstr(out, "CSV files written to"), "%s", out);
    cr_assert_not_null(strstr(err, "100%"), "progress bar: %s", err);
    free(out);
    free(err);
    th_rmdir(dir);
    free(dir);
}
