/*
 * dp_cli.h - the command line (SPEC 3): getopt_long table, --help, usage
 * errors. main.c does the work and picks the exit status.
 */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "dp_sweep.h"

enum { DP_CMD_RUN, DP_CMD_CHECK, DP_CMD_HELP, DP_CMD_VERSION };

typedef struct dp_opts {
    int cmd;
    bool have_n, have_seed;
    uint64_t n, seed;
    int threads;             /* 0: all cores */
    const char *outdir;      /* default "out" */
    const char **sets;       /* "KEY=VALUE", in order given */
    size_t n_sets;
    dp_sweep *sweeps;        /* --sweep, in order given (owned) */
    size_t n_sweeps;
    bool have_precision;
    double precision;        /* --precision DAYS, >= 0 */
    bool quiet;
    bool timing;             /* --timing: simulation time and days on stderr */
    int progress;            /* -1: when stderr is a terminal; 0 no; 1 yes */
    char **files;
    size_t n_files;
} dp_opts;

/* Parses argv into o. On a usage error writes one line naming the problem
 * (and a hint to --help) to err and returns -1. Free with dp_opts_free. */
int dp_cli_parse(int argc, char **argv, dp_opts *o, FILE *err);
void dp_opts_free(dp_opts *o);

/* Most scenarios one --sweep product may ask for (per scenario file). */
#define DP_SWEEP_MAX 1000

/* Full help text. 0, or -1 when the write failed. */
int dp_cli_help(FILE *out);

#endif
