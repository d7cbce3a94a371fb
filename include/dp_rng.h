/*
 * dp_rng.h - random numbers for deplete.
 *
 * PCG64-DXSM (O'Neill, "PCG: A Family of Simple Fast Space-Efficient
 * Statistically Good Algorithms for Random Number Generation", 2014; the DXSM
 * output and "cheap multiplier" variant as NumPy's PCG64DXSM): a 128-bit LCG
 * whose pre-step state is scrambled into 64 output bits.
 *
 * Every trajectory i of a run owns the stream dp_rng_stream(seed, i), so a
 * trajectory's numbers depend only on (seed, i), never on threads or order.
 * dp_rng_type wraps the generator as a gsl_rng_type, so that GSL's samplers
 * draw from the same stream: allocate one gsl_rng per thread and reseed its
 * state (dp_rng_state) per trajectory; never allocate per trajectory.
 */
#ifndef DP_RNG_H
#define DP_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef unsigned __int128 dp_u128;

typedef struct dp_pcg64 {
    dp_u128 state;  /* LCG state */
    dp_u128 inc;    /* stream increment, always odd */
} dp_pcg64;

#define DP_PCG_CHEAP_MULT 0xda942042e4dd58b5ULL

/* pcg_setseq_128_srandom_r: the generator NumPy's PCG64DXSM builds from
 * (initstate, initseq). Like NumPy, its two seeding steps use PCG's default
 * 128-bit multiplier; only the generator's own step uses the cheap one. */
void dp_pcg64_seed(dp_pcg64 *g, dp_u128 initstate, dp_u128 initseq);

/* Next 64-bit output, the state held as two words (lo, hi): DXSM of the
 * current state, then one LCG step. A loop that draws many outputs keeps
 * the state in locals this way, in registers; through a dp_pcg64 it would
 * be stored and reloaded with every output. */
static inline uint64_t dp_pcg64_next2(uint64_t *lo, uint64_t *hi, dp_u128 inc)
{
    uint64_t h = *hi, l = *lo | 1u;
    h ^= h >> 32;
    h *= DP_PCG_CHEAP_MULT;
    h ^= h >> 48;
    h *= l;
    dp_u128 s = ((((dp_u128)*hi) << 64) | *lo) * DP_PCG_CHEAP_MULT + inc;
    *lo = (uint64_t)s;
    *hi = (uint64_t)(s >> 64);
    return h;
}

/* Next 64-bit output of g. */
static inline uint64_t dp_pcg64_next(dp_pcg64 *g)
{
    uint64_t lo = (uint64_t)g->state, hi = (uint64_t)(g->state >> 64);
    uint64_t out = dp_pcg64_next2(&lo, &hi, g->inc);
    g->state = ((dp_u128)hi << 64) | lo;
    return out;
}

/* Uniform on [0, 1): the top 53 bits, so never 1.0 (NumPy's random()). */
static inline double dp_pcg64_double(dp_pcg64 *g)
{
    return (double)(dp_pcg64_next(g) >> 11) * 0x1.0p-53;
}

/* Uniform on the open interval (0, 1): for inverse-CDF draws. The midpoints
 * (k + 1/2) 2^-52: with 53 bits, 2^53 - 1/2 would round up to 1.0. */
static inline double dp_pcg64_double_open(dp_pcg64 *g)
{
    return ((double)(dp_pcg64_next(g) >> 12) + 0.5) * 0x1.0p-52;
}

/* Jump the generator ahead by delta steps in O(log delta). */
void dp_pcg64_advance(dp_pcg64 *g, dp_u128 delta);

/* The stream of trajectory i: state and increment are a strong hash of
 * (seed, i), so neighbouring trajectories are unrelated. */
void dp_rng_stream(dp_pcg64 *g, uint64_t seed, uint64_t i);

/* GSL generator type whose state is a dp_pcg64 (get: 64 bits; get_double:
 * dp_pcg64_double). Its `set` seeds stream (s, 0). */
extern const gsl_rng_type *dp_rng_type;

static inline dp_pcg64 *dp_rng_state(const gsl_rng *r)
{
    return (dp_pcg64 *)r->state;
}

#endif
