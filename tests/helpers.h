/* helpers.h - shared test fixtures: scenario text to a loaded scenario, runs. */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <stdint.h>
#include "dp_accum.h"
#include "dp_engine.h"
#include "dp_model.h"
#include "dp_scenario.h"

/* Writes text to a new file `name` in a fresh temporary folder; returns its
 * path (malloc'd). */
char *th_write_temp(const char *name, const char *text);

/* Loads YAML text as a scenario; fails the test (printing the diagnostics)
 * when it does not load. */
dp_scenario *th_load(const char *yaml);

/* A model and a finished accumulator of n trajectories of s. */
typedef struct th_run {
    dp_model m;
    dp_accum a;
} th_run;
void th_simulate(th_run *r, const dp_scenario *s, uint64_t n, uint64_t seed, int threads);
void th_run_free(th_run *r);

/* Empirical P(first met on or before day t) for level l. */
double th_share_by(const dp_accum *a, size_t l, int t);

/* Removes a folder and the files in it (one level). */
void th_rmdir(const char *dir);

#endif
