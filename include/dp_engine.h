/*
 * dp_engine.h - the parallel engine: OpenMP over fixed-size blocks of
 * trajectories, one generator, scratch and accumulator per thread, merged
 * exactly at the end. Trajectory i depends only on (seed, i), and merging is
 * integer addition, so the result is the same for any number of threads.
 */
#ifndef DP_ENGINE_H
#define DP_ENGINE_H

#include <stdint.h>
#include "dp_accum.h"
#include "dp_model.h"

/* Called from one thread now and then: trajectories done so far of total. */
typedef void (*dp_progress_fn)(void *ctx, uint64_t done, uint64_t total);

typedef struct dp_run {
    uint64_t first;          /* first trajectory index (runs split across processes) */
    uint64_t n;              /* trajectories */
    uint64_t seed;
    int threads;             /* 0: OpenMP's default */
    dp_progress_fn progress; /* may be NULL */
    void *progress_ctx;
} dp_run;

/* Simulates trajectories first..first+n-1 of the model and adds them to acc
 * (shaped by dp_accum_init for this model). 0, or -1 when memory ran out
 * (acc is then incomplete: discard it). */
int dp_engine_run(const dp_model *m, const dp_run *run, dp_accum *acc);

#endif
