/*
 * engine.c - OpenMP over blocks of trajectories.
 *
 * Blocks are handed out dynamically (trajectories differ in cost: a force
 * withdrawn on day 20 is cheap), but which thread runs a block changes
 * nothing: each trajectory reseeds its thread's generator to its own stream
 * and the per-thread accumulators are merged by integer addition.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include "dp_engine.h"

#define BLOCK 1024

/* Each thread's state on cache lines of its own: one thread writes its
 * work's counters every trajectory, and a line shared with the next
 * thread's state made the other stall on its every read there (false
 * sharing: isw-linear at -j 2 ran 25% slower whenever the allocator
 * happened to place the two states so; the command line's length
 * decided it). */
typedef struct thread_state {
    _Alignas(64) gsl_rng *rng;
    dp_work work;
    dp_accum own;            /* threads other than the first */
    dp_accum *acc;           /* where this thread adds: own, or the caller's */
    bool ok;
} thread_state;

/* The first thread adds straight into the caller's accumulator (integer
 * sums: the same result), which saves allocating, touching and merging a
 * whole table - most of a short run's cost. */
static bool thread_init(thread_state *ts, int id, const dp_model *m, dp_accum *caller)
{
    ts->rng = gsl_rng_alloc(dp_rng_type);
    ts->acc = id == 0 ? caller : &ts->own;
    ts->ok = ts->rng && dp_work_init(&ts->work, m) == 0 &&
             (id == 0 || dp_accum_init(&ts->own, m, caller->unit != 1) == 0);
    return ts->ok;
}

static void thread_free(thread_state *ts)
{
    if (ts->rng) gsl_rng_free(ts->rng);
    dp_work_free(&ts->work);
    dp_accum_free(&ts->own);
}

int dp_engine_run(const dp_model *m, const dp_run *run, dp_accum *acc)
{
    const uint64_t n = run->n, blocks = (n + BLOCK - 1) / BLOCK;
    int threads = run->threads > 0 ? run->threads : omp_get_max_threads();
    if ((uint64_t)threads > blocks) threads = blocks > 0 ? (int)blocks : 1;

    thread_state *ts = aligned_alloc(_Alignof(thread_state), (size_t)threads * sizeof *ts);
    if (!ts) return -1;
    memset(ts, 0, (size_t)threads * sizeof *ts);
    bool failed = false;
    uint64_t done = 0;
    double last_report = omp_get_wtime();

    #pragma omp parallel num_threads(threads) shared(failed, done, last_report)
    {
        int id = omp_get_thread_num();
        thread_state *me = &ts[id];
        if (!thread_init(me, id, m, acc)) {
            #pragma omp atomic write
            failed = true;
        }
        #pragma omp barrier
        bool go;
        #pragma omp atomic read
        go = failed;
        go = !go;
        #pragma omp for schedule(dynamic, 1)
        for (uint64_t blk = 0; blk < blocks; blk++) {
            if (!go) continue;
            uint64_t lo = blk * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n;
            for (uint64_t i = lo; i < hi; i++) {
                dp_trajectory(m, &me->work, me->rng, run->seed, run->first + i);
                dp_accum_add(me->acc, &me->work.out);
            }
            uint64_t now_done;
            #pragma omp atomic capture
            now_done = done += hi - lo;
            if (run->progress && omp_get_thread_num() == 0) {
                double now = omp_get_wtime();
                if (now - last_report >= 0.1) {
                    last_report = now;
                    run->progress(run->progress_ctx, now_done, n);
                }
            }
        }
    }

    if (!failed) {
        /* integer sums: the order of merging does not matter */
        for (int t = 1; t < threads; t++)
            if (dp_accum_merge(acc, &ts[t].own) != 0) failed = true;
        if (run->progress) run->progress(run->progress_ctx, n, n);
    }
    for (int t = 0; t < threads; t++) thread_free(&ts[t]);
    free(ts);
    return failed ? -1 : 0;
}
