/*
 * rng.c - owns the random number generator: PCG64-DXSM seeding and jumping,
 * the per-trajectory stream derivation, and the gsl_rng_type that lets GSL's
 * samplers draw from the same generator.
 *
 * The generator (step and output) is inline in dp_rng.h; seeding follows
 * pcg_setseq_128_srandom_r as NumPy's PCG64DXSM does, so that NumPy's
 * published test vectors check it bit for bit.
 */
#include "dp_rng.h"

/* NumPy seeds PCG64DXSM exactly as PCG64: pcg_setseq_128_srandom_r, whose two
 * steps use PCG's default 128-bit multiplier; only the generator's own step
 * (dp_pcg64_next, dp_pcg64_advance) uses the cheap 64-bit one. Seeding with
 * the cheap multiplier would not reproduce NumPy's streams (test_rng.c). */
#define PCG_DEFAULT_MULT_128 \
    (((dp_u128)0x2360ed051fc65da4ULL << 64) | 0x4385df649fccf645ULL)

static void seed_step(dp_pcg64 *g)
{
    g->state = g->state * PCG_DEFAULT_MULT_128 + g->inc;
}

void dp_pcg64_seed(dp_pcg64 *g, dp_u128 initstate, dp_u128 initseq)
{
    g->state = 0;
    g->inc = (initseq << 1) | 1u;   /* any odd increment gives full period */
    seed_step(g);
    g->state += initstate;
    seed_step(g);
}

/*
 * Brown, "Random number generation with arbitrary strides" (1994): the
 * composition of delta steps x -> a x + c is itself x -> A x + C, built by
 * squaring, so a jump costs O(log delta) multiplications mod 2^128.
 */
void dp_pcg64_advance(dp_pcg64 *g, dp_u128 delta)
{
    dp_u128 cur_mult = DP_PCG_CHEAP_MULT, cur_plus = g->inc;
    dp_u128 acc_mult = 1, acc_plus = 0;

    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1) * cur_plus;
        cur_mult *= cur_mult;
        delta >>= 1;
    }
    g->state = acc_mult * g->state + acc_plus;
}

/* SplitMix64's output function (Stafford's "Mix13"): a bijection of 64-bit
 * words with full avalanche. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL

/* Two Feistel rounds on (l, r), keys continuing from *k. */
static void feistel2(uint64_t *l, uint64_t *r, uint64_t *k)
{
    *l ^= mix64(*r + (*k += GOLDEN_GAMMA));
    *r ^= mix64(*l + (*k += GOLDEN_GAMMA));
}

/*
 * (seed, i) is run through a balanced Feistel network on 128 bits whose round
 * function is mix64 with round keys k * GOLDEN_GAMMA. A Feistel network is a
 * bijection whatever its round function, so distinct (seed, i) give distinct
 * initstate (after 8 rounds; initseq is taken after 4, and loses its top bit
 * in the increment); with mix64's avalanche, neighbouring i give unrelated
 * words. Changing this function changes every result the program has ever
 * published: don't.
 */
void dp_rng_stream(dp_pcg64 *g, uint64_t seed, uint64_t i)
{
    uint64_t l = seed, r = i, k = 0;

    feistel2(&l, &r, &k);
    feistel2(&l, &r, &k);
    dp_u128 initseq = ((dp_u128)l << 64) | r;
    feistel2(&l, &r, &k);
    feistel2(&l, &r, &k);
    dp_u128 initstate = ((dp_u128)l << 64) | r;
    dp_pcg64_seed(g, initstate, initseq);
}

/* ---- gsl_rng_type (cf. GSL's rng/mt.c: one const table, static hooks) ---- */

static void gsl_pcg_set(void *state, unsigned long int s)
{
    dp_rng_stream((dp_pcg64 *)state, (uint64_t)s, 0);
}

static unsigned long int gsl_pcg_get(void *state)
{
    return (unsigned long int)dp_pcg64_next((dp_pcg64 *)state);
}

static double gsl_pcg_get_double(void *state)
{
    return dp_pcg64_double((dp_pcg64 *)state);
}

/* get returns all 64 bits: gsl_rng_get's range must be the full word. */
_Static_assert(sizeof(unsigned long int) == 8, "unsigned long must be 64-bit");

static const gsl_rng_type pcg_type = {
    "pcg64-dxsm",           /* name */
    0xFFFFFFFFFFFFFFFFUL,   /* RAND_MAX */
    0,                      /* RAND_MIN */
    sizeof(dp_pcg64),
    &gsl_pcg_set,
    &gsl_pcg_get,
    &gsl_pcg_get_double
};

const gsl_rng_type *dp_rng_type = &pcg_type;
