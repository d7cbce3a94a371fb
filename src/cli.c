/*
 * cli.c - the command line: `deplete run|check [options] SCENARIO...`.
 * Manners after zstd and jq: --help on stdout with exit 0, one-line usage
 * errors on stderr that name the option.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dp_cli.h"
#include "dp_dist.h"

static const char usage_text[] =
"Usage: deplete run [options] SCENARIO...   simulate one or more scenarios\n"
"       deplete check [--set ...] [--sweep ...] SCENARIO...   validate only\n"
"       deplete --help | --version\n"
"\n"
"Forecasts when a military force will be depleted, and how sure that is:\n"
"every belief in the scenario file is a distribution, millions of daily\n"
"trajectories are simulated, and percentiles of the depletion date with\n"
"confidence intervals are written as CSV.\n"
"\n"
"Options:\n"
"  -n, --trajectories N   trajectories per scenario (default: the scenario's,\n"
"                         else 1000000); 1e6 and 2000000 both work\n"
"  -s, --seed S           random seed, 0..2^64-1 (default: the scenario's)\n"
"  -j, --threads N        threads (default: all cores); the output does not\n"
"                         depend on it\n"
"  -o, --output DIR       folder for summary.csv, percentiles.csv,\n"
"                         strength.csv and sensitivity.csv (default: out)\n"
"      --set KEY=VALUE    override a scenario field, e.g.\n"
"                         --set casualties.per_day=80\n"
"                         --set 'reinforcements.0.size=500 to 900'\n"
"      --sweep KEY=V1,V2,...\n"
"                         one scenario per value (repeat for the cartesian\n"
"                         product), named after its values; commas inside\n"
"                         (), [] or quotes do not split:\n"
"                         --sweep casualties.per_day=80,100,120\n"
"                         --sweep 'casualties.per_day=uniform(60, 90),70 to 110'\n"
"      --precision DAYS   add trajectories (10000, then doubling; -n or the\n"
"                         scenario's count is the cap) until every percentile's\n"
"                         confidence interval reaches at most DAYS either side\n"
"                         of it; a percentile not reached is settled when P(met)\n"
"                         is surely below it\n"
"  -q, --quiet            no table on stdout, no progress bar\n"
"      --progress         progress bar on stderr even when not a terminal\n"
"      --no-progress      no progress bar\n"
"      --timing           print simulation time and trajectory-days simulated\n"
"                         to stderr (for benchmarks)\n"
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Distributions: ";

static const char tail_text[] =
"\n  (`a to b`: lognormal with 5th percentile a and 95th b; `12%` is 0.12;\n"
"  a date YYYY-MM-DD may stand for a day)\n"
"\n"
"Exit status: 0 success, 1 the run failed, 2 bad usage or a bad scenario.\n"
"Scenario format: docs/scenario.md. Output columns: README.md.\n";

int dp_cli_help(FILE *out)
{
    int ok = fputs(usage_text, out) != EOF;
    size_t col = strlen("Distributions: ");
    bool first = true;
    for (size_t i = 0; dp_dist_types[i]; i++) {
        const char *u = dp_dist_types[i]->usage;
        if (!strcmp(dp_dist_types[i]->name, "fixed")) continue;
        if (!first && col + strlen(u) + 2 > 78) {     /* wrap, indented */
            ok &= fputs(",\n  ", out) != EOF;
            col = 2;
        } else if (!first) {
            ok &= fputs(", ", out) != EOF;
            col += 2;
        }
        ok &= fputs(u, out) != EOF;
        col += strlen(u);
        first = false;
    }
    ok &= fputs(tail_text, out) != EOF;
    ok &= fflush(out) == 0;
    return ok ? 0 : -1;
}

static int fail(FILE *err, const char *fmt, const char *a, const char *b)
{
    fputs("deplete: ", err);
    fprintf(err, fmt, a, b);
    fputs("\nTry 'deplete --help' for more information.\n", err);
    return -1;
}

/* A count such as 1000000 or 1e6: positive and whole. */
static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= 1) || v > (double)max || v != floor(v))
        return false;
    *out = (uint64_t)v;
    return true;
}

static bool parse_seed(const char *s, uint64_t *out)
{
    char *end;
    if (*s == '-' || *s == '+' || *s == '\0') return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno) return false;
    *out = v;
    return true;
}

/* DAYS for --precision: a finite number >= 0. */
static bool parse_days(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || !(v >= 0)) return false;
    *out = v;
    return true;
}

enum { OPT_SET = 256, OPT_SWEEP, OPT_PRECISION, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_TIMING };

int dp_cli_parse(int argc, char **argv, dp_opts *o, FILE *err)
{
    static const struct option longs[] = {
        {"trajectories", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"set", required_argument, NULL, OPT_SET},
        {"sweep", required_argument, NULL, OPT_SWEEP},
        {"precision", required_argument, NULL, OPT_PRECISION},
        {"quiet", no_argument, NULL, 'q'},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"timing", no_argument, NULL, OPT_TIMING},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->outdir = "out";
    o->progress = -1;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    o->sweeps = calloc((size_t)argc + 1, sizeof *o->sweeps);
    if (!o->sets || !o->sweeps) return fail(err, "%s%s", "out of memory", "");

    opterr = 0;
    int c;
    if (argc < 2)
        return fail(err, "missing command: 'run' or 'check'%s%s", "", "");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        o->cmd = DP_CMD_HELP;
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        o->cmd = DP_CMD_VERSION;
        return 0;
    }
    if (!strcmp(cmd, "run")) o->cmd = DP_CMD_RUN;
    else if (!strcmp(cmd, "check")) o->cmd = DP_CMD_CHECK;
    else if (cmd[0] == '-')
        return fail(err, "'%s': options go after the command ('run' or 'check')%s", cmd, "");
    else return fail(err, "unknown command '%s' (expected 'run' or 'check')%s", cmd, "");
    /* the rest is permuted, so options may follow the scenario files */
    int sub_argc = argc - 1;
    char **sub = argv + 1;
    optind = 0;   /* glibc: start afresh (tests parse more than once) */
    while ((c = getopt_long(sub_argc, sub, ":n:s:j:o:qhV", longs, NULL)) != -1) {
        const char *arg = optarg;
        switch (c) {
        case 'n':
            if (!parse_count(arg, UINT64_C(1) << 50, &o->n))
                return fail(err, "--trajectories: '%s' is not a whole number >= 1%s", arg, "");
            o->have_n = true;
            break;
        case 's':
            if (!parse_seed(arg, &o->seed))
                return fail(err, "--seed: '%s' is not a whole number from 0 to 2^64-1%s", arg, "");
            o->have_seed = true;
            break;
        case 'j': {
            uint64_t t;
            if (!parse_count(arg, 4096, &t))
                return fail(err, "--threads: '%s' is not a whole number from 1 to 4096%s", arg, "");
            o->threads = (int)t;
            break;
        }
        case 'o':
            if (!*arg) return fail(err, "--output: empty folder name%s%s", "", "");
            o->outdir = arg;
            break;
        case OPT_SET:
            if (!strchr(arg, '=') || arg[0] == '=')
                return fail(err, "--set: '%s' is not KEY=VALUE%s", arg, "");
            o->sets[o->n_sets++] = arg;
            break;
        case OPT_SWEEP: {
            char why[256];
            dp_sweep *sw = &o->sweeps[o->n_sweeps];
            if (dp_sweep_parse(arg, sw, why, sizeof why) != 0)
                return fail(err, "--sweep: '%s': %s", arg, why);
            o->n_sweeps++;
            for (size_t i = 0; i + 1 < o->n_sweeps; i++)
                if (!strcmp(o->sweeps[i].key, sw->key))
                    return fail(err, "--sweep: '%s' is swept twice (list all its values in one --sweep)%s",
                                sw->key, "");
            if (!dp_sweep_count(o->sweeps, o->n_sweeps, DP_SWEEP_MAX)) {
                char max[32];
                snprintf(max, sizeof max, "%d", DP_SWEEP_MAX);
                return fail(err, "--sweep: more than %s combinations of values per scenario%s",
                            max, "");
            }
            break;
        }
        case OPT_PRECISION:
            if (!parse_days(arg, &o->precision))
                return fail(err, "--precision: '%s' is not a number of days >= 0%s", arg, "");
            o->have_precision = true;
            break;
        case 'q': o->quiet = true; break;
        case OPT_PROGRESS: o->progress = 1; break;
        case OPT_NO_PROGRESS: o->progress = 0; break;
        case OPT_TIMING: o->timing = true; break;
        case 'h': o->cmd = DP_CMD_HELP; return 0;
        case 'V': o->cmd = DP_CMD_VERSION; return 0;
        case ':':
            return fail(err, "option '%s' needs a value%s", sub[optind - 1], "");
        default:
            if (optopt && optopt < 256)
                return fail(err, "unknown option '-%c'%s", (char[]){(char)optopt, 0}, "");
            return fail(err, "unknown option '%s'%s", sub[optind - 1], "");
        }
    }
    if (optind >= sub_argc)
        return fail(err, "%s: no scenario file given%s", cmd, "");
    o->files = sub + optind;
    o->n_files = (size_t)(sub_argc - optind);
    return 0;
}

void dp_opts_free(dp_opts *o)
{
    free(o->sets);
    o->sets = NULL;
    for (size_t i = 0; o->sweeps && i < o->n_sweeps; i++) dp_sweep_free(&o->sweeps[i]);
    free(o->sweeps);
    o->sweeps = NULL;
    o->n_sweeps = 0;
}
